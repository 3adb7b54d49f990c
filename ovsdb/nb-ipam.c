/* ovsdb/nb-ipam: IPAM pools and addresses in OVN's Northbound database. */

#include <config.h>

#include "ovsdb/nb-ipam.h"

#include <arpa/inet.h>
#include <string.h>

#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/addr.h"
#include "ovsdb/ovn-nb-idl.h"
#include "ovsdb/sb.h"
#include "random.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nb_ipam);

#define KEY_POOL "ovsnet-pool"
#define KEY_GATEWAY "ovsnet-gateway"
#define KEY_HOST_PREFIX "ovsnet-pool-host-"
#define KEY_ADDR_PREFIX "ovsnet-addr-"

/* The most addresses looked at for a free one in one request. */
#define NBIPAM_MAX_SCAN 65536

/* An address request given up before it was done (its call timed out, its
 * client went away) may yet have taken an address: a write in flight, or
 * committed without the replica showing it yet.  It is kept, as
 * REQ_ABANDONED, to give back whatever the database shows it holding, and
 * forgotten once the database has been connected this long, and the
 * request given up this long, without showing anything of it. */
#define NBIPAM_ABANDON_MSEC 10000

enum nbipam_kind {
    REQ_POOL,
    REQ_RELEASE_POOL,
    REQ_ADDRESS,
    REQ_RELEASE_ADDRESS,
    REQ_ABANDONED,              /* See NBIPAM_ABANDON_MSEC. */
};

struct nbipam_req {
    struct ovs_list node;       /* In 'requests'. */
    enum nbipam_kind kind;
    char *pool;
    char *want;                 /* Address asked for, or NULL. */
    bool gateway;
    char *chosen;               /* Address written, waiting to be seen. */
    char *owner;                /* "SYSTEM_ID TOKEN". */
    long long int abandoned_at; /* REQ_ABANDONED: since when. */
    enum nb_verdict verdict;
    char *result;
};

static struct ovs_list requests = OVS_LIST_INITIALIZER(&requests);
static uint64_t seqno;
static uint64_t next_token;

char *
nbipam_set_name(const char *pool)
{
    char *name = xasprintf("ovsnet_pool_%s", pool);
    for (char *p = name; *p; p++) {
        if (*p == '/' || *p == ':') {
            *p = '_';
        }
    }
    return name;
}

static struct nbipam_req *
nbipam_add(enum nbipam_kind kind, const char *pool, const char *ip,
           bool gateway)
{
    struct nbipam_req *r = xzalloc(sizeof *r);

    if (!next_token) {
        next_token = random_uint64() | 1;
    }
    r->kind = kind;
    r->pool = xstrdup(pool);
    r->want = nullable_xstrdup(ip);
    r->gateway = gateway;
    r->owner = NULL;
    r->verdict = NB_WAIT;
    ovs_list_push_back(&requests, &r->node);
    seqno++;
    poll_immediate_wake();
    return r;
}

struct nbipam_req *
nbipam_request_pool(const char *pool)
{
    return nbipam_add(REQ_POOL, pool, NULL, false);
}

struct nbipam_req *
nbipam_release_pool(const char *pool)
{
    return nbipam_add(REQ_RELEASE_POOL, pool, NULL, false);
}

struct nbipam_req *
nbipam_request_address(const char *pool, const char *ip, bool gateway)
{
    return nbipam_add(REQ_ADDRESS, pool, ip, gateway);
}

struct nbipam_req *
nbipam_release_address(const char *pool, const char *ip)
{
    return nbipam_add(REQ_RELEASE_ADDRESS, pool, ip, false);
}

enum nb_verdict
nbipam_status(const struct nbipam_req *r, const char **result)
{
    *result = r->result;
    return r->verdict;
}

static void
nbipam_destroy_req(struct nbipam_req *r)
{
    if (r) {
        ovs_list_remove(&r->node);
        free(r->pool);
        free(r->want);
        free(r->chosen);
        free(r->owner);
        free(r->result);
        free(r);
    }
}

void
nbipam_free(struct nbipam_req *r)
{
    if (r && r->kind == REQ_ADDRESS && !r->gateway && r->owner
        && r->verdict == NB_WAIT) {
        /* It may have written: see NBIPAM_ABANDON_MSEC. */
        r->kind = REQ_ABANDONED;
        r->abandoned_at = time_msec();
        seqno++;
        poll_immediate_wake();
    } else {
        nbipam_destroy_req(r);
    }
}

uint64_t
nbipam_seqno(void)
{
    return seqno;
}

void
nbipam_register(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &nbrec_table_address_set);
    ovsdb_idl_add_column(idl, &nbrec_address_set_col_name);
    ovsdb_idl_add_column(idl, &nbrec_address_set_col_addresses);
    ovsdb_idl_add_column(idl, &nbrec_address_set_col_external_ids);
}

void
nbipam_destroy(void)
{
    struct nbipam_req *r;
    LIST_FOR_EACH_SAFE (r, node, &requests) {
        nbipam_destroy_req(r);
    }
}

/* Settles 'r' with 'verdict' and 'result' (which this takes). */
static void
nbipam_settle(struct nbipam_req *r, enum nb_verdict verdict, char *result)
{
    r->verdict = verdict;
    free(r->result);
    r->result = result;
    poll_immediate_wake();      /* Its call is answered at once. */
}

static const struct nbrec_address_set *
nbipam_find_set(struct ovsdb_idl *idl, const char *pool)
{
    char *name = nbipam_set_name(pool);
    const struct nbrec_address_set *as, *found = NULL;

    NBREC_ADDRESS_SET_FOR_EACH (as, idl) {
        if (!strcmp(as->name, name)) {
            found = as;
            break;
        }
    }
    free(name);
    return found;
}

static char *
addr_key(const char *ip)
{
    return xasprintf(KEY_ADDR_PREFIX "%s", ip);
}

/* Returns true if 'ip' is handed out in 'as' (or its gateway), or was
 * chosen in this pass ('taken'). */
static bool
nbipam_ip_taken(const struct nbrec_address_set *as, const struct sset *taken,
                const char *ip)
{
    char *key = addr_key(ip);
    bool used = (smap_get(&as->external_ids, key)
                 || !strcmp(smap_get_def(&as->external_ids, KEY_GATEWAY, ""),
                            ip)
                 || sset_contains(taken, ip));
    free(key);
    return used;
}

/* Adds 1 to the address of 'a'. */
static void
addr_next(struct addr *a)
{
    uint8_t *b = (uint8_t *) &a->in6;
    for (int i = addr_len(a) - 1; i >= 0; i--) {
        if (++b[i]) {
            break;
        }
    }
}

/* Returns the first address of 'pool' after its network address that
 * 'as' has not handed out, or NULL.  The caller frees it. */
static char *
nbipam_first_free(const struct nbrec_address_set *as,
                  const struct sset *taken, const char *pool)
{
    struct addr net, a;
    char buf[INET6_ADDRSTRLEN];

    if (addr_parse(pool, &net)) {
        return NULL;
    }
    unsigned int bits = addr_len(&net) * 8;
    a = net;
    if (net.plen < bits - 1) {
        addr_next(&a);          /* Not the network's own address. */
    }
    for (int i = 0; i < NBIPAM_MAX_SCAN; i++, addr_next(&a)) {
        a.plen = bits;
        if (!addr_in_prefix(&a, &net)) {
            break;
        }
        inet_ntop(a.family, &a.in6, buf, sizeof buf);
        struct addr next = a;
        addr_next(&next);
        if (a.family == AF_INET && net.plen < 31
            && !addr_in_prefix(&next, &net)) {
            break;              /* IPv4's broadcast address. */
        }
        if (!nbipam_ip_taken(as, taken, buf)) {
            return xstrdup(buf);
        }
    }
    return NULL;
}

/* RequestPool: the set exists and notes this host. */
static void
nbipam_run_pool(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                struct nbipam_req *r, const struct nbrec_address_set *as,
                const char *host_key)
{
    if (as && smap_get(&as->external_ids, host_key)) {
        nbipam_settle(r, NB_DONE, xstrdup(r->pool));
    } else if (as) {
        nbrec_address_set_verify_external_ids(as);
        nbrec_address_set_update_external_ids_setkey(as, host_key, "1");
    } else {
        /* Its name is unique in the database: two hosts creating it at
         * once must end in a retry, not in a refusal. */
        nb_guard_creation(idl, "ovsnet-pools");
        struct smap ids = SMAP_INITIALIZER(&ids);
        smap_add(&ids, KEY_POOL, r->pool);
        smap_add(&ids, host_key, "1");
        char *name = nbipam_set_name(r->pool);
        as = nbrec_address_set_insert(txn);
        nbrec_address_set_set_name(as, name);
        nbrec_address_set_set_external_ids(as, &ids);
        smap_destroy(&ids);
        free(name);
    }
}

/* ReleasePool: this host's note goes; the set goes with the last host if
 * it holds no address. */
static void
nbipam_run_release_pool(struct nbipam_req *r,
                        const struct nbrec_address_set *as,
                        const char *host_key)
{
    if (!as || !smap_get(&as->external_ids, host_key)) {
        nbipam_settle(r, NB_DONE, NULL);
        return;
    }

    size_t n_hosts = 0, n_addrs = 0;
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &as->external_ids) {
        n_hosts += !strncmp(node->key, KEY_HOST_PREFIX,
                            strlen(KEY_HOST_PREFIX));
        n_addrs += !strncmp(node->key, KEY_ADDR_PREFIX,
                            strlen(KEY_ADDR_PREFIX));
    }
    nbrec_address_set_verify_external_ids(as);
    if (n_hosts > 1 || n_addrs) {
        nbrec_address_set_update_external_ids_delkey(as, host_key);
    } else {
        nbrec_address_set_delete(as);
    }
}

/* RequestAddress of the pool's gateway: the same on every host. */
static void
nbipam_run_gateway(struct nbipam_req *r, const struct nbrec_address_set *as,
                   const struct sset *taken)
{
    const char *gw = smap_get(&as->external_ids, KEY_GATEWAY);

    if (gw) {
        if (r->want && strcmp(r->want, gw)) {
            nbipam_settle(r, NB_FAILED, xasprintf(
                              "pool %s has gateway %s on the other hosts, "
                              "not %s", r->pool, gw, r->want));
        } else {
            nbipam_settle(r, NB_DONE, xstrdup(gw));
        }
        return;
    }

    char *ip = (r->want ? xstrdup(r->want)
                : nbipam_first_free(as, taken, r->pool));
    if (!ip) {
        nbipam_settle(r, NB_FAILED, xasprintf("no free address in pool %s",
                                              r->pool));
    } else if (nbipam_ip_taken(as, taken, ip)) {
        nbipam_settle(r, NB_FAILED, xasprintf(
                          "gateway %s of pool %s is in use by a container",
                          ip, r->pool));
        free(ip);
    } else {
        nbrec_address_set_verify_external_ids(as);
        nbrec_address_set_update_external_ids_setkey(as, KEY_GATEWAY, ip);
        free(ip);
    }
}

/* RequestAddress: an address of the pool that no other holds. */
static void
nbipam_run_address(struct nbipam_req *r, const struct nbrec_address_set *as,
                   struct sset *taken)
{
    if (r->chosen) {
        char *key = addr_key(r->chosen);
        const char *holder = smap_get(&as->external_ids, key);
        free(key);
        if (holder && !strcmp(holder, r->owner)) {
            nbipam_settle(r, NB_DONE, xstrdup(r->chosen));
            return;
        }
        /* Not (yet) there: taken by another host meanwhile, or the
         * transaction is still to be retried.  Choose again. */
        free(r->chosen);
        r->chosen = NULL;
    }

    char *ip;
    if (r->want) {
        if (nbipam_ip_taken(as, taken, r->want)) {
            nbipam_settle(r, NB_FAILED, xasprintf(
                              "address %s of pool %s is in use", r->want,
                              r->pool));
            return;
        }
        ip = xstrdup(r->want);
    } else {
        ip = nbipam_first_free(as, taken, r->pool);
        if (!ip) {
            nbipam_settle(r, NB_FAILED, xasprintf(
                              "no free address in pool %s", r->pool));
            return;
        }
    }

    char *key = addr_key(ip);
    nbrec_address_set_verify_external_ids(as);
    nbrec_address_set_update_external_ids_setkey(as, key, r->owner);
    nbrec_address_set_update_addresses_addvalue(as, ip);
    free(key);
    sset_add(taken, ip);
    r->chosen = ip;
}

/* ReleaseAddress: the address goes, if this host holds it. */
static void
nbipam_run_release_address(struct nbipam_req *r,
                           const struct nbrec_address_set *as,
                           const char *sysid)
{
    char *key = addr_key(r->want);
    const char *holder = as ? smap_get(&as->external_ids, key) : NULL;
    size_t len = strlen(sysid);

    if (!holder || strncmp(holder, sysid, len) || holder[len] != ' ') {
        nbipam_settle(r, NB_DONE, NULL);
    } else {
        nbrec_address_set_update_external_ids_delkey(as, key);
        nbrec_address_set_update_addresses_delvalue(as, r->want);
    }
    free(key);
}

/* An address request given up (REQ_ABANDONED): gives back what 'as' shows
 * it holding.  Returns true once it may be forgotten. */
static bool
nbipam_run_abandoned(struct nbipam_req *r, const struct nbrec_address_set *as)
{
    bool found = false;

    if (as) {
        const struct smap_node *node;
        SMAP_FOR_EACH (node, &as->external_ids) {
            if (!strncmp(node->key, KEY_ADDR_PREFIX, strlen(KEY_ADDR_PREFIX))
                && !strcmp(node->value, r->owner)) {
                const char *ip = node->key + strlen(KEY_ADDR_PREFIX);
                VLOG_INFO("pool %s: giving back %s, taken for a "
                          "RequestAddress given up", r->pool, ip);
                nbrec_address_set_verify_external_ids(as);
                nbrec_address_set_update_addresses_delvalue(as, ip);
                nbrec_address_set_update_external_ids_delkey(as, node->key);
                found = true;
            }
        }
    }
    return (!found
            && time_msec() - r->abandoned_at >= NBIPAM_ABANDON_MSEC
            && nb_connected_msec() >= NBIPAM_ABANDON_MSEC);
}

/* Returns the host of holder value 'holder' ("SYSTEM_ID TOKEN") in a
 * new string. */
static char *
holder_host(const char *holder)
{
    return xmemdup0(holder, strcspn(holder, " "));
}

/* Gives back what hosts whose chassis is gone (ovsdb/sb) held in pool
 * 'as': their addresses and their notes; deletes the pool if that leaves
 * no host and no address. */
static void
nbipam_reclaim_set(const struct nbrec_address_set *as, const char *sysid)
{
    size_t n_hosts = 0, n_addrs = 0, n_hosts_gone = 0, n_addrs_gone = 0;
    struct smap_node *node;

    SMAP_FOR_EACH (node, &as->external_ids) {
        bool is_host = !strncmp(node->key, KEY_HOST_PREFIX,
                                strlen(KEY_HOST_PREFIX));
        bool is_addr = !strncmp(node->key, KEY_ADDR_PREFIX,
                                strlen(KEY_ADDR_PREFIX));
        char *host = (is_host ? xstrdup(node->key + strlen(KEY_HOST_PREFIX))
                      : is_addr ? holder_host(node->value) : NULL);
        bool gone = host && strcmp(host, sysid) && sb_chassis_gone(host);

        n_hosts += is_host;
        n_addrs += is_addr;
        n_hosts_gone += is_host && gone;
        n_addrs_gone += is_addr && gone;
        if (gone && is_addr) {
            nbrec_address_set_update_external_ids_delkey(as, node->key);
            nbrec_address_set_update_addresses_delvalue(
                as, node->key + strlen(KEY_ADDR_PREFIX));
        } else if (gone) {
            nbrec_address_set_update_external_ids_delkey(as, node->key);
        }
        free(host);
    }
    if (n_hosts_gone || n_addrs_gone) {
        VLOG_INFO("pool %s: giving back %"PRIuSIZE" addresses of hosts "
                  "whose chassis is gone", as->name, n_addrs_gone);
        nbrec_address_set_verify_external_ids(as);
        if (n_hosts_gone == n_hosts && n_addrs_gone == n_addrs) {
            nbrec_address_set_delete(as);
        }
    }
}

void
nbipam_run(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
           const char *sysid)
{
    const struct nbrec_address_set *as_;
    NBREC_ADDRESS_SET_FOR_EACH (as_, idl) {
        if (smap_get(&as_->external_ids, KEY_POOL)) {
            nbipam_reclaim_set(as_, sysid);
        }
    }

    char *host_key = xasprintf(KEY_HOST_PREFIX "%s", sysid);
    struct shash taken = SHASH_INITIALIZER(&taken);
    struct nbipam_req *r;

    LIST_FOR_EACH_SAFE (r, node, &requests) {
        if (r->verdict != NB_WAIT) {
            continue;
        }
        if (!r->owner) {
            r->owner = xasprintf("%s %"PRIx64, sysid, next_token++);
        }

        const struct nbrec_address_set *as = nbipam_find_set(idl, r->pool);
        struct sset *pool_taken = shash_find_data(&taken, r->pool);
        if (!pool_taken) {
            pool_taken = xmalloc(sizeof *pool_taken);
            sset_init(pool_taken);
            shash_add(&taken, r->pool, pool_taken);
        }

        switch (r->kind) {
        case REQ_POOL:
            nbipam_run_pool(idl, txn, r, as, host_key);
            break;
        case REQ_RELEASE_POOL:
            nbipam_run_release_pool(r, as, host_key);
            break;
        case REQ_ADDRESS:
            if (!as) {
                nbipam_settle(r, NB_FAILED, xasprintf(
                                  "no pool %s (RequestPool first)",
                                  r->pool));
            } else if (r->gateway) {
                nbipam_run_gateway(r, as, pool_taken);
            } else {
                nbipam_run_address(r, as, pool_taken);
            }
            break;
        case REQ_RELEASE_ADDRESS:
            nbipam_run_release_address(r, as, sysid);
            break;
        case REQ_ABANDONED:
            if (nbipam_run_abandoned(r, as)) {
                nbipam_destroy_req(r);
            }
            break;
        }
    }

    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &taken) {
        sset_destroy(node->data);
        free(node->data);
        shash_delete(&taken, node);
    }
    shash_destroy(&taken);
    free(host_key);
}
