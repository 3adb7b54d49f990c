/* netns/nat-sync: make the netfilter table and FORWARD match the desired
 * state. */

#include <config.h>

#include "netns/nat-sync.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "netns/fwd.h"
#include "netns/link.h"
#include "netns/nat.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/state.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(natsync);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static char *applied;           /* What the table holds, as text. */
static long long int retry_at;  /* After a failure, or 0. */

/* An object of the desired state and its ID, for sorting. */
struct sorted {
    const char *id;
    const void *obj;
};

static int
compare_sorted(const void *a_, const void *b_)
{
    const struct sorted *a = a_;
    const struct sorted *b = b_;
    return strcmp(a->id, b->id);
}

/* Returns the objects of 'map' (the networks or the endpoints of the
 * desired state: an object's hmap_node is at 'node_ofs', its ID at
 * 'id_ofs'), sorted by ID, in an array of '*n' that the caller frees.  In
 * the order of the IDs, the same state always makes the same rules, whatever
 * order it was loaded in. */
static struct sorted *
sort_by_id(const struct hmap *map, size_t node_ofs, size_t id_ofs, size_t *n)
{
    struct sorted *objs = xmalloc((hmap_count(map) + 1) * sizeof *objs);

    *n = 0;
    for (const struct hmap_node *node = hmap_first(map); node;
         node = hmap_next(map, node)) {
        const char *obj = (const char *) node - node_ofs;
        objs[*n].obj = obj;
        objs[*n].id = *(char *const *) (obj + id_ofs);
        (*n)++;
    }
    qsort(objs, *n, sizeof *objs, compare_sorted);
    return objs;
}

#define SORT_BY_ID(TYPE, MAP, N) \
    sort_by_id(MAP, offsetof(TYPE, node), offsetof(TYPE, id), N)

/* Adds to 'rs' the rules that publish port 'p' of endpoint 'ep'. */
static void
add_published_port(struct nat_ruleset *rs, const struct state_endpoint *ep,
                   const struct state_port *p)
{
    const char *addrs[] = { ep->ipv4, ep->ipv6 };
    struct addr host;

    memset(&host, 0, sizeof host);
    if (p->host_ip[0]) {
        host.family = strchr(p->host_ip, ':') ? AF_INET6 : AF_INET;
        if (inet_pton(host.family, p->host_ip, &host.in6) != 1) {
            return;             /* Checked when it was published. */
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        struct nat_dnat d;

        memset(&d, 0, sizeof d);
        if (!addrs[i] || addr_parse(addrs[i], &d.to)
            || (host.family && host.family != d.to.family)) {
            continue;
        }
        /* 0.0.0.0 and :: stand for every address of their family. */
        if (host.family && !ipv6_addr_equals(&host.in6, &in6addr_any)
            && !(host.family == AF_INET && !host.in4.s_addr)) {
            d.daddr = host;
        }
        d.proto = p->proto;
        d.dport = p->host_port;
        d.to_port = p->port;
        nat_ruleset_add_dnat(rs, &d);
    }
}

/* Turns on forwarding for 'family' if it is off, for network 'net'. */
static void
enable_forwarding(int family, const struct state_network *net)
{
    bool changed;
    int error = nat_enable_forwarding(family, &changed);

    if (error) {
        VLOG_WARN_RL(&rl, "network %s needs IPv%d forwarding, but it cannot "
                     "be turned on (%s)", net->id, family == AF_INET ? 4 : 6,
                     ovs_strerror(error));
    } else if (changed) {
        VLOG_INFO("turned on IPv%d forwarding (%s), which network %s needs "
                  "to reach beyond the host", family == AF_INET ? 4 : 6,
                  family == AF_INET ? "net.ipv4.ip_forward"
                  : "net.ipv6.conf.all.forwarding", net->id);
    }
}

/* Adds to 'rs' the rules of the published ports of the endpoints 'eps' (of
 * 'n_eps'), and the IDs of their networks to 'publishing'. */
static void
add_published_ports(struct nat_ruleset *rs, const struct sorted *eps,
                    size_t n_eps, struct sset *publishing)
{
    for (size_t k = 0; k < n_eps; k++) {
        const struct state_endpoint *ep = eps[k].obj;
        const struct state_network *net = state_network_find(ep->network_id);
        if (net && state_netcfg_host_is_gateway(&net->cfg) && ep->n_ports) {
            for (size_t i = 0; i < ep->n_ports; i++) {
                add_published_port(rs, ep, &ep->ports[i]);
            }
            sset_add(publishing, net->id);
        }
    }
}

/* Adds to 'rs' the masquerade rules of network 'net': outbound NAT if the
 * network has it; hairpin NAT, if 'hairpin', for a container that connects
 * to a port another one of its network publishes. */
static void
add_masquerades(struct nat_ruleset *rs, const struct state_network *net,
                bool hairpin)
{
    const struct state_netcfg *cfg = &net->cfg;
    const struct svec *pools[] = { &cfg->ipv4_pools, &cfg->ipv6_pools };

    for (size_t i = 0; i < ARRAY_SIZE(pools); i++) {
        const char *pool;
        size_t j;
        SVEC_FOR_EACH (j, pool, pools[i]) {
            struct addr a;
            if (addr_parse(pool, &a)) {
                continue;
            }
            if (cfg->nat) {
                nat_ruleset_add_masq(rs, &a, net->gw_port, false);
            }
            if (hairpin) {
                nat_ruleset_add_masq(rs, &a, net->gw_port, true);
            }
        }
    }
}

/* Builds in 'rs' the rules of the desired state.  Sets '*net4' and '*net6'
 * to the first non-internal network (by ID) with IPv4 or IPv6 subnets, for
 * which forwarding of that family must be on, or NULL. */
static void
build_ruleset(struct nat_ruleset *rs, const struct state_network **net4,
              const struct state_network **net6)
{
    size_t n_eps, n_nets;
    struct sorted *eps = SORT_BY_ID(struct state_endpoint, state_endpoints(),
                                    &n_eps);
    struct sorted *nets = SORT_BY_ID(struct state_network, state_networks(),
                                     &n_nets);

    /* Published ports first: hairpin NAT is needed only on the networks
     * that have some. */
    struct sset publishing = SSET_INITIALIZER(&publishing);
    add_published_ports(rs, eps, n_eps, &publishing);

    *net4 = *net6 = NULL;
    for (size_t k = 0; k < n_nets; k++) {
        const struct state_network *net = nets[k].obj;
        if (!state_netcfg_host_is_gateway(&net->cfg)) {
            continue;
        }
        if (net->cfg.ipv4_pools.n && !*net4) {
            *net4 = net;
        }
        if (net->cfg.ipv6_pools.n && !*net6) {
            *net6 = net;
        }
        add_masquerades(rs, net, sset_contains(&publishing, net->id));
    }
    sset_destroy(&publishing);
    free(eps);
    free(nets);
}

/* Puts 'rs', made from desired state 'seqno', into the kernel if it differs
 * from what was applied last, or if 'force' (else records that the table is
 * already right for 'seqno').  After a failure, tries again a second
 * later. */
static void
apply_ruleset(const struct nat_ruleset *rs, uint64_t seqno, bool force)
{
    struct ds text = DS_EMPTY_INITIALIZER;

    nat_ruleset_format(rs, &text);
    if (force || !applied || strcmp(applied, ds_cstr(&text))) {
        char *error;
        if (nat_apply(rs, seqno, &error)) {
            VLOG_WARN_RL(&rl, "%s; will retry", error);
            free(applied);
            applied = NULL;
            retry_at = time_msec() + 1000;
        } else {
            if (!applied || strcmp(applied, ds_cstr(&text))) {
                if (nat_ruleset_is_empty(rs)) {
                    VLOG_INFO("table inet %s: removed, or not made "
                              "(nothing to translate)", nat_table());
                } else {
                    VLOG_INFO("table inet %s: %"PRIuSIZE" masquerade "
                              "and %"PRIuSIZE" port rules", nat_table(),
                              rs->n_masqs, rs->n_dnats);
                }
            }
            free(applied);
            applied = ds_steal_cstr(&text);
            retry_at = 0;
        }
        free(error);
    } else {
        nat_note_current(seqno);
    }
    ds_destroy(&text);
}

/* The NAT table and forwarding. */
static void
sync_nat(bool full)
{
    static uint64_t last_seqno;     /* state_nat_seqno() of the last
                                     * pass. */

    bool changed = nat_take_changed();
    bool retry = retry_at && time_msec() >= retry_at;
    if (!full && !changed && !retry && state_nat_seqno() == last_seqno) {
        return;
    }
    last_seqno = state_nat_seqno();

    const struct state_network *net4, *net6;
    struct nat_ruleset rs;
    nat_ruleset_init(&rs);
    build_ruleset(&rs, &net4, &net6);
    /* nat_applied_seqno() and nat_failed_seqno() speak of state_seqno(),
     * which the calls in flight wait for. */
    apply_ruleset(&rs, state_seqno(), full || changed || retry);
    nat_ruleset_destroy(&rs);

    if (net4) {
        enable_forwarding(AF_INET, net4);
    }
    if (net6) {
        enable_forwarding(AF_INET6, net6);
    }
}

/* Tells netns/fwd which networks' gateway ports iptables' FORWARD must let
 * through. */
static void
sync_forward(bool full)
{
    static uint64_t last_seqno;

    if (!full && state_nat_seqno() == last_seqno) {
        return;
    }
    last_seqno = state_nat_seqno();

    size_t n_nets;
    struct sorted *nets = SORT_BY_ID(struct state_network, state_networks(),
                                     &n_nets);
    struct fwd_network *fwd4 = xcalloc(n_nets + 1, sizeof *fwd4);
    struct fwd_network *fwd6 = xcalloc(n_nets + 1, sizeof *fwd6);
    size_t n4 = 0, n6 = 0;

    for (size_t i = 0; i < n_nets; i++) {
        const struct state_network *net = nets[i].obj;
        struct fwd_network fn = {
            .id = net->id,
            .ifname = net->gw_port,
            .routed = !net->cfg.nat,
        };
        if (!state_netcfg_host_is_gateway(&net->cfg)) {
            continue;
        }
        if (net->cfg.ipv4_pools.n) {
            fwd4[n4++] = fn;
        }
        if (net->cfg.ipv6_pools.n) {
            fwd6[n6++] = fn;
        }
    }
    fwd_set(AF_INET, fwd4, n4);
    fwd_set(AF_INET6, fwd6, n6);
    free(fwd4);
    free(fwd6);
    free(nets);
}

void
natsync_run(bool full)
{
    sync_nat(full);
    sync_forward(full);
}

void
natsync_wait(void)
{
    if (retry_at) {
        poll_timer_wait_until(retry_at);
    }
}
