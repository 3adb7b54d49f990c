/* plugin/ipam: Docker's IpamDriver calls. */

#include <config.h>

#include "plugin/ipam.h"

#include <string.h>

#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/nb-ipam.h"
#include "ovsdb/nb.h"
#include "plugin/http.h"
#include "plugin/json-get.h"
#include "plugin/pending.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ipam);

/* What Docker's "docker network inspect" shows as the address space. */
#define IPAM_LOCAL_SPACE "ovs"
#define IPAM_GLOBAL_SPACE "ovs-global"

/* The gateway's RequestAddress says so in its options. */
#define IPAM_GATEWAY_TYPE "com.docker.network.gateway"

void
ipam_handle_capabilities(struct http_request *req,
                         const struct json *body OVS_UNUSED)
{
    struct json *reply = json_object_create();
    json_object_put(reply, "RequiresMACAddress", json_boolean_create(false));
    json_object_put(reply, "RequiresRequestReplay",
                    json_boolean_create(false));
    http_request_reply_json(req, 200, reply);
}

void
ipam_handle_address_spaces(struct http_request *req,
                           const struct json *body OVS_UNUSED)
{
    struct json *reply = json_object_create();
    json_object_put_string(reply, "LocalDefaultAddressSpace",
                           IPAM_LOCAL_SPACE);
    json_object_put_string(reply, "GlobalDefaultAddressSpace",
                           IPAM_GLOBAL_SPACE);
    http_request_reply_json(req, 200, reply);
}

/* Returns true if OVN mode can serve the call; otherwise replies. */
static bool
ipam_available(struct http_request *req)
{
    char *why = nb_unavailable();

    if (why) {
        http_request_reply_error(req, nb_enabled() ? 503 : 400,
                                 "the ovs IPAM driver keeps its pools in "
                                 "OVN: %s%s", why,
                                 nb_enabled() ? "" : " (ovsnetd --ovn-nb)");
        free(why);
        return false;
    }
    return true;
}

/* Reads 'key' of 'body', a pool (a subnet) or pool ID (the same), into
 * its canonical form (network address, prefix length), which the caller
 * frees; NULL after replying if it is not one. */
static char *
ipam_pool(struct http_request *req, const struct json *body, const char *key)
{
    const char *s = http_request_json_string(req, body, key);
    struct addr a;

    if (!s) {
        return NULL;
    }
    if (!s[0]) {
        http_request_reply_error(req, 400, "the ovs IPAM driver needs a "
                                 "subnet (docker network create --subnet): "
                                 "it shares pools across hosts and picks "
                                 "none itself");
        return NULL;
    }
    if (addr_parse(s, &a)) {
        http_request_reply_error(req, 400, "%s %.80s is not a subnet "
                                 "(IP/LENGTH)", key, s);
        return NULL;
    }

    /* The network address: the host bits cleared. */
    uint8_t *b = (uint8_t *) &a.in6;
    for (size_t i = 0; i < addr_len(&a); i++) {
        unsigned int bit = i * 8;
        if (bit >= a.plen) {
            b[i] = 0;
        } else if (a.plen - bit < 8) {
            b[i] &= 0xff << (8 - (a.plen - bit));
        }
    }
    char buf[INET6_ADDRSTRLEN + 4];
    addr_format(&a, buf, sizeof buf);
    return xstrdup(buf);
}

static void
ipam_req_free(void *r)
{
    nbipam_free(r);
}

/* The completion predicate of every IPAM call: the request's fate in the
 * database.  An address request's reply is made here, with the address
 * and the pool's prefix length. */
static enum pending_verdict
ipam_check(struct pending *p, unsigned int *status, char **msg)
{
    const char *result;

    if (!pending_committed(p)) {
        return PENDING_WAIT;
    }
    p->waiting = nb_waiting_for();
    switch (nbipam_status(p->aux, &result)) {
    case NB_WAIT: {
        char *why = nb_unavailable();
        if (why) {
            *status = 503;
            *msg = why;
            return PENDING_FAILED;
        }
        return PENDING_WAIT;
    }
    case NB_FAILED:
        *status = 409;
        *msg = xstrdup(result);
        return PENDING_FAILED;
    case NB_DONE:
        break;
    }
    if (p->network_id) {
        /* RequestAddress: 'network_id' holds the pool's prefix length. */
        json_object_put_nocopy(p->reply, xstrdup("Address"),
                               json_string_create_nocopy(
                                   xasprintf("%s/%s", result,
                                             p->network_id)));
    }
    return PENDING_DONE;
}

/* Leaves a pending for 'call' that request 'r' completes, answered with
 * 'reply'. */
static struct pending *
ipam_pending(struct http_request *req, const char *call,
             struct nbipam_req *r, struct json *reply)
{
    struct pending *p = pending_add(req, call, reply);
    p->aux = r;
    p->aux_free = ipam_req_free;
    p->check = ipam_check;
    return p;
}

void
ipam_handle_request_pool(struct http_request *req, const struct json *body)
{
    if (!ipam_available(req)) {
        return;
    }
    const char *sub = http_request_json_string(req, body, "SubPool");
    if (!sub) {
        return;
    }
    if (sub[0]) {
        http_request_reply_error(req, 400, "the ovs IPAM driver takes no "
                                 "--ip-range (%.80s): every host hands out "
                                 "addresses of the whole subnet, never the "
                                 "same one twice", sub);
        return;
    }
    char *pool = ipam_pool(req, body, "Pool");
    if (!pool) {
        return;
    }
    VLOG_INFO("RequestPool %s", pool);

    struct json *reply = json_object_create();
    json_object_put_string(reply, "PoolID", pool);
    json_object_put_string(reply, "Pool", pool);
    json_object_put(reply, "Data", json_object_create());
    ipam_pending(req, "RequestPool", nbipam_request_pool(pool), reply);
    free(pool);
}

void
ipam_handle_release_pool(struct http_request *req, const struct json *body)
{
    char *pool = ipam_available(req) ? ipam_pool(req, body, "PoolID") : NULL;
    if (pool) {
        VLOG_INFO("ReleasePool %s", pool);
        ipam_pending(req, "ReleasePool", nbipam_release_pool(pool),
                     json_object_create());
        free(pool);
    }
}

/* Reads the bare address of 'body''s "Address" (empty: none) into
 * '*ipp' (for the caller to free; NULL for none), checking that it is in
 * 'pool'.  Returns false after replying if it is not. */
static bool
ipam_address(struct http_request *req, const struct json *body,
             const char *pool, char **ipp)
{
    const char *s = http_request_json_string(req, body, "Address");
    struct addr a, net;

    *ipp = NULL;
    if (!s) {
        return false;
    }
    if (!s[0]) {
        return true;
    }

    /* Docker sends a bare address; some versions IP/LENGTH. */
    char *ip = xmemdup0(s, strcspn(s, "/"));
    if (!addr_ip_parse(ip, &a) || addr_parse(pool, &net)
        || !addr_in_prefix(&a, &net)) {
        http_request_reply_error(req, 400, "address %.80s is not in pool %s",
                                 s, pool);
        free(ip);
        return false;
    }
    *ipp = addr_ip_canonical(ip);
    free(ip);
    return true;
}

/* Reads "PoolID" and "Address" of 'body' into '*poolp' and '*ipp' (NULL
 * for no address), for the caller to free.  Returns false after replying
 * if the driver is not available or either is not what it must be. */
static bool
ipam_pool_address(struct http_request *req, const struct json *body,
                  char **poolp, char **ipp)
{
    *poolp = ipam_available(req) ? ipam_pool(req, body, "PoolID") : NULL;
    *ipp = NULL;
    if (!*poolp || !ipam_address(req, body, *poolp, ipp)) {
        free(*poolp);
        *poolp = NULL;
        return false;
    }
    return true;
}

void
ipam_handle_request_address(struct http_request *req,
                            const struct json *body)
{
    char *pool, *ip;

    if (!ipam_pool_address(req, body, &pool, &ip)) {
        return;
    }

    const struct json *type = json_get(json_get(body, "Options"),
                                       "RequestAddressType");
    bool gateway = (type && type->type == JSON_STRING
                    && !strcmp(json_string(type), IPAM_GATEWAY_TYPE));
    VLOG_INFO("RequestAddress %s in %s%s", ip ? ip : "(any)", pool,
              gateway ? " (gateway)" : "");

    struct json *reply = json_object_create();
    json_object_put(reply, "Data", json_object_create());
    struct pending *p = ipam_pending(req, "RequestAddress",
                                     nbipam_request_address(pool, ip,
                                                            gateway),
                                     reply);
    p->network_id = xstrdup(strchr(pool, '/') + 1);
    free(ip);
    free(pool);
}

void
ipam_handle_release_address(struct http_request *req,
                            const struct json *body)
{
    char *pool, *ip;

    if (!ipam_pool_address(req, body, &pool, &ip)) {
        return;
    }
    if (!ip) {
        http_request_reply_error(req, 400, "ReleaseAddress: Address is "
                                 "missing");
    } else {
        VLOG_INFO("ReleaseAddress %s in %s", ip, pool);
        ipam_pending(req, "ReleaseAddress", nbipam_release_address(pool, ip),
                     json_object_create());
    }
    free(ip);
    free(pool);
}
