/*
 * Fuzz target: Docker's NetworkDriver calls, as plugin/driver handles them.
 *
 * An input is one byte that says what the host is like (FUZZ_HOST_*; the
 * seeds make it a digit), then a sequence of requests separated by NUL
 * bytes; each request is a path ("/NetworkDriver.CreateNetwork"), a newline
 * and the JSON body.  The requests go through driver_handle() and
 * driver_run() one after another, so that one input can create a network,
 * then endpoints on it, then join and delete them, as Docker does.  The
 * desired state (ovsdb/state), names and options are the real ones; these
 * are replaced with -Wl,--wrap, as in the unit test (DRIVER_WRAPS in
 * tests/unit.mk; tests/driver-wraps.h declares the replacements):
 *
 *   - plugin/http: a request is this file's own struct http_request, which
 *     checks that it is answered exactly once: with a JSON object, or an
 *     error status (4xx or 5xx) and a message;
 *
 *   - ovsdb/db: every change is committed at once, and ovs-vswitchd adds
 *     every port at once (ofport 1); no bridge or foreign port exists;
 *     gateway ports get their addresses at once;
 *
 *   - netns/nat: every rule set is applied at once;
 *
 *   - netns/route: every peer has a route with MTU 1500 through eth0,
 *     none is local;
 *
 *   - netns/uplink: interface eth2 exists (MTU 1500) and the host does not
 *     use it, eth1 holds an address of the host, no other exists; and no
 *     port or interface of that name is in OVSDB yet;
 *
 *   - netns/link: no network device is in the way of a new bridge, and the
 *     kernel can create VXLAN devices if the first byte says so (nothing
 *     is created on the host);
 *
 *   - random_bytes() (and only here, not in the unit test): the random
 *     MACs of endpoints are 1, 2, 3... from each input's start, so that an
 *     input always takes the same paths.
 *
 * Between inputs the state is cleared, so that inputs are independent.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb/state.h"
#include "plugin/driver.h"
#include "random.h"
#include "sset.h"
#include "tests/driver-wraps.h"
#include "util.h"

/* Bits of an input's first byte. */
#define FUZZ_HOST_VXLAN 0x01    /* The kernel can create VXLAN devices. */

/* What the current input's first byte says. */
static uint8_t host;

/* How many times random_bytes() was called during the current input. */
static uint32_t n_random;

struct http_request {
    char *path;
    char *body;
    size_t body_len;
    int n_replies;
};

const char *
__wrap_http_request_path(const struct http_request *req)
{
    return req->path;
}

const char *
__wrap_http_request_body(const struct http_request *req, size_t *len)
{
    *len = req->body_len;
    return req->body;
}

/* Counts a reply to 'req', which must be its first. */
static void
count_reply(struct http_request *req)
{
    if (req->n_replies++) {
        fprintf(stderr, "%s: answered twice\n", req->path);
        abort();
    }
}

/* Checks that 'req' gets one reply, whose body is a JSON object, with Err
 * unless the status is 200. */
void
__wrap_http_request_reply(struct http_request *req, unsigned int status,
                          const char *body)
{
    count_reply(req);
    if (status < 200 || status > 599) {
        fprintf(stderr, "%s: HTTP status %u\n", req->path, status);
        abort();
    }
    struct json *json = json_from_string(body);
    if (json->type != JSON_OBJECT) {
        fprintf(stderr, "%s: reply is not a JSON object: %s\n", req->path,
                body);
        abort();
    }
    if (status != 200 && !shash_find_data(json_object(json), "Err")) {
        fprintf(stderr, "%s: error reply without Err: %s\n", req->path,
                body);
        abort();
    }
    json_destroy(json);
}

/* Checks that 'req' gets one reply, and that this error has an error
 * status and a message.  (plugin/http makes the JSON.) */
void
__wrap_http_request_reply_error(struct http_request *req, unsigned int status,
                                const char *format, ...)
{
    count_reply(req);
    if (status < 400 || status > 599) {
        fprintf(stderr, "%s: error reply with HTTP status %u\n", req->path,
                status);
        abort();
    }

    va_list args;
    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);
    if (!msg[0]) {
        fprintf(stderr, "%s: error reply %u without a message\n", req->path,
                status);
        abort();
    }
    free(msg);
}

uint64_t
__wrap_db_applied_seqno(void)
{
    return state_seqno();
}

bool
__wrap_db_is_connected(void)
{
    return true;
}

const struct db_txn_result *
__wrap_db_last_txn(void)
{
    static const struct db_txn_result committed;
    return &committed;
}

uint64_t
__wrap_nat_applied_seqno(void)
{
    return state_seqno();
}

uint64_t
__wrap_nat_failed_seqno(const char **error)
{
    *error = NULL;
    return 0;
}

bool
__wrap_state_is_loaded(void)
{
    return true;
}

const char *
__wrap_db_bridge_datapath(const char *name OVS_UNUSED)
{
    return NULL;
}

const char *
__wrap_db_default_datapath(void)
{
    return "netdev";
}

const char *
__wrap_db_ovn_bridge(void)
{
    return NULL;                /* Not an OVN chassis. */
}

bool
__wrap_db_foreign_port_exists(const char *name OVS_UNUSED)
{
    return false;
}

int
__wrap_uplink_probe(const char *name, struct uplink_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    if (strcmp(name, "eth1") && strcmp(name, "eth2")) {
        return ENODEV;
    }
    facts->mtu = 1500;
    facts->address = !strcmp(name, "eth1") ? xstrdup("192.0.2.11/24") : NULL;
    return 0;
}

bool
__wrap_db_interface_state(const char *name OVS_UNUSED, int64_t *ofport,
                          const char **error)
{
    *ofport = 1;
    *error = NULL;
    return true;
}

bool
__wrap_db_interface_mtu_requested(const char *name OVS_UNUSED,
                                  int64_t mtu OVS_UNUSED)
{
    return true;
}

int
__wrap_route_lookup(const char *ip OVS_UNUSED, int *mtu, char **src,
                    char **dev)
{
    *mtu = 1500;
    if (src) {
        *src = xstrdup("192.0.2.1");
    }
    if (dev) {
        *dev = xstrdup("eth0");
    }
    return 0;
}

bool
__wrap_linksync_gateway_status(const struct state_network *net OVS_UNUSED,
                               const char **error)
{
    *error = NULL;
    return true;                /* Gateways get their addresses at once. */
}

bool
__wrap_linksync_link_doomed(const char *name OVS_UNUSED)
{
    return false;               /* Links are deleted at once. */
}

void
__wrap_linksync_vxlan_changed(const struct state_network *net OVS_UNUSED)
{
}

const struct sset *
__wrap_route_local_addrs(void)
{
    static struct sset none = SSET_INITIALIZER(&none);
    return &none;               /* No peer is this host. */
}

int
__wrap_link_get_kind(const char *name OVS_UNUSED, char **kind)
{
    *kind = NULL;
    return ENODEV;              /* No link but ours. */
}

__typeof__(random_bytes) __wrap_random_bytes;

/* Makes the 'n' bytes at 'p' a big-endian count of the calls during the
 * current input: different on each call, the same on every run. */
void
__wrap_random_bytes(void *p_, size_t n)
{
    uint8_t *p = p_;
    uint32_t x = ++n_random;

    for (size_t i = n; i-- > 0; ) {
        p[i] = x;
        x >>= 8;
    }
}

bool
__wrap_link_vxlan_supported(const char *probe OVS_UNUSED)
{
    return host & FUZZ_HOST_VXLAN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool inited;
    if (!inited) {
        inited = true;
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
        driver_init(1000, true);  /* Global: the swarm's calls too. */
    }

    if (!size) {
        return 0;
    }
    host = data[0];
    n_random = 0;

    const char *p = (const char *) data + 1;
    const char *end = (const char *) data + size;
    while (p < end) {
        const char *nul = memchr(p, '\0', end - p);
        const char *stop = nul ? nul : end;
        const char *nl = memchr(p, '\n', stop - p);
        const char *path_end = nl ? nl : stop;

        struct http_request req = {
            .path = xmemdup0(p, path_end - p),
            .body = nl ? xmemdup0(nl + 1, stop - nl - 1) : xstrdup(""),
            .body_len = nl ? stop - nl - 1 : 0,
        };
        driver_handle(&req, NULL);
        driver_run();
        if (!req.n_replies) {
            /* Everything commits at once here: a call still waiting is a
             * bug, unless it waits for a network or endpoint that a
             * concurrent call removed (there is none). */
            fprintf(stderr, "%s: not answered\n", req.path);
            abort();
        }
        free(req.path);
        free(req.body);
        p = stop + 1;
    }

    state_clear();
    return 0;
}
