/* ovsdb/reconcile: make OVSDB and the links match the desired state. */

#include <config.h>

#include "ovsdb/reconcile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netns/fwd.h"
#include "netns/link.h"
#include "netns/nat.h"
#include "netns/route.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "openvswitch/poll-loop.h"
#include "packets.h"
#include "sha1.h"
#include "timeval.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(reconcile);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static bool
owned(const struct smap *ids, const char *role)
{
    const char *r = smap_get(ids, STATE_KEY_ROLE);
    return r && (!role || !strcmp(r, role));
}

/* The link side. */

/* Decides whether the veths of 'net' need transmit checksum offload turned
 * off.  On the userspace datapath, packets that the kernel hands to
 * ovs-vswitchd with a partial checksum leave it with a wrong one, unless
 * ovs-vswitchd runs with userspace TSO, which handles them (and is ten times
 * faster), except across its tunnels.  That setting takes effect only when
 * ovs-vswitchd starts, so
 * look at what it did, not at what the database says: with userspace TSO,
 * ovs-vswitchd opens its internal ports (taps) with TSO on. */
static bool
needs_tx_csum_off(const struct ovsdb_idl *idl, const struct state_network *net)
{
    static int last_choice = -1;
    bool off;
    const char *why;

    if (strcmp(net->cfg.datapath, "netdev")) {
        return false;
    }
    if (net->cfg.tunnel && !state_network_is_kernel_vxlan(net)) {
        /* OVS 3.1's userspace datapath cannot put TSO packets into its own
         * tunnels: with offloads on, TCP across hosts would fail.  A kernel
         * VXLAN device takes them like any other link. */
        return true;
    }

    bool tso;
    if (!link_get_tso(net->cfg.bridge, &tso)) {
        why = tso ? "ovs-vswitchd runs with userspace TSO"
                  : "ovs-vswitchd runs without userspace TSO";
    } else {
        const struct ovsrec_open_vswitch *ovs;
        ovs = ovsrec_open_vswitch_first(idl);
        tso = ovs && smap_get_bool(&ovs->other_config,
                                   "userspace-tso-enable", false);
        why = tso ? "other_config:userspace-tso-enable=true"
                  : "userspace TSO is not enabled";
    }
    off = !tso;
    if (last_choice != off) {
        last_choice = off;
        if (off) {
            VLOG_INFO("userspace datapath: %s, so veths get tx checksum "
                      "offload off (otherwise TCP fails); set "
                      "other_config:userspace-tso-enable=true and restart "
                      "ovs-vswitchd for much faster TCP", why);
        } else {
            VLOG_INFO("userspace datapath: %s, so veths keep their "
                      "offloads (fast path)", why);
        }
    }
    return off;
}

/* Makes the host forget the MACs it knew for the addresses of new endpoint
 * 'ep' (of network 'net'): a container that had the address before had
 * another MAC (ovsnet's are random), and the host would keep sending to it
 * (connections to published ports, from the host) until the entry
 * expired. */
static void
forget_neighbors(const struct state_network *net,
                 const struct state_endpoint *ep)
{
    const char *addrs[] = { ep->ipv4, ep->ipv6 };

    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        struct link_addr a;
        if (addrs[i] && !link_addr_parse(addrs[i], &a)) {
            int error = link_forget_neighbor(net->gw_port, &a);
            if (error && error != ENODEV) {
                VLOG_WARN_RL(&rl, "endpoint %s: cannot forget the host's "
                             "neighbour entry for %s (%s)", ep->id,
                             addrs[i], ovs_strerror(error));
            }
        }
    }
}

/* Creates the veth pair of 'ep', which is not there yet. */
static void
create_endpoint_link(const struct ovsdb_idl *idl, struct state_endpoint *ep)
{
    struct state_network *net = state_network_find(ep->network_id);
    char *alias = xasprintf("ovsnet:%s", ep->id);
    int error;

    /* The same endpoint, deleted and created again before its old link went:
     * the old one goes now. */
    if (shash_find_and_delete(state_doomed_links(), ep->port)) {
        link_delete(ep->port);
    }

    error = link_veth_create(ep->port, ep->peer, net->cfg.mtu, &ep->mac,
                             alias);
    if (error == EEXIST) {
        /* Left over from an earlier attempt for the same endpoint (the
         * daemon died before it was recorded)?  Then it is ours to
         * replace; anything else is not. */
        char *old = NULL;
        if (!link_get_alias(ep->port, &old) && old && !strcmp(old, alias)) {
            link_delete(ep->port);
            error = link_veth_create(ep->port, ep->peer, net->cfg.mtu,
                                     &ep->mac, alias);
        }
        free(old);
    }
    if (!error) {
        /* The host end is a wire into OVS, not an interface of the host:
         * without this the host would answer ARP through every one of them
         * (on the userspace datapath, where it also sees their frames). */
        error = link_set_stackless(ep->port);
        if (error) {
            link_delete(ep->port);
        }
    }
    if (!error && needs_tx_csum_off(idl, net)) {
        error = link_set_tx_csum(ep->peer, false);
        if (!error) {
            error = link_set_tx_csum(ep->port, false);
        }
        if (error) {
            link_delete(ep->port);
        }
    }
    free(alias);

    if (error) {
        ep->error = xasprintf("could not create veth pair %s/%s: %s",
                              ep->port, ep->peer, ovs_strerror(error));
        VLOG_WARN_RL(&rl, "endpoint %s: %s", ep->id, ep->error);
    } else {
        ep->link_created = true;
        forget_neighbors(net, ep);
    }
}

/* Gives the gateway port of 'net' its MTU, state and addresses. */
static void
fix_gateway_link(const struct ovsdb_idl *idl, struct state_network *net)
{
    const struct ovsrec_interface *iface;
    int error = 0;

    iface = db_find_interface(net->gw_port);
    if (!iface || !iface->n_ofport || iface->ofport[0] <= 0) {
        return;                 /* Not there yet: try again when it is. */
    }
    if (iface->ofport[0] != net->gw_ofport) {
        net->gw_ofport = iface->ofport[0];
        net->gw_dirty = true;
    }
    if (!net->gw_dirty) {
        return;
    }

    if (net->cfg.internal) {
        net->gw_dirty = false;
        return;
    }

    size_t n = net->cfg.ipv4_gateways.n + net->cfg.ipv6_gateways.n;
    struct link_addr *addrs = xcalloc(n ? n : 1, sizeof *addrs);
    size_t n_addrs = 0;
    const char *s;
    size_t i;

    SVEC_FOR_EACH (i, s, &net->cfg.ipv4_gateways) {
        if (!link_addr_parse(s, &addrs[n_addrs])) {
            n_addrs++;
        }
    }
    SVEC_FOR_EACH (i, s, &net->cfg.ipv6_gateways) {
        if (!link_addr_parse(s, &addrs[n_addrs])) {
            n_addrs++;
        }
    }

    /* Answer ARP only for this network's own gateway addresses, not for
     * every address of the host (other networks' gateways included). */
    char *msg;
    error = link_configure_gateway(net->gw_port, net->cfg.mtu, addrs,
                                   n_addrs, &msg);
    free(addrs);

    if (error) {
        VLOG_WARN_RL(&rl, "network %s: could not configure gateway port: "
                     "%s, will retry", net->id, msg);
    } else {
        VLOG_DBG("network %s: gateway port %s configured",
                 net->id, net->gw_port);
        net->gw_dirty = false;
    }
    /* What a CreateNetwork waiting for the gateway answers (a device that
     * is not there yet is no failure). */
    state_network_set_gw_error(net, error == ENODEV ? NULL : msg);
    free(msg);
}

/* Works out the underlay of the kernel VXLAN device of 'net': its remote
 * peers into 'remotes'; as the return value, the tunnel source for the
 * device (ovs.local_ip, else the any address of the peers' family, so that
 * the route chooses it for every packet; NULL if no address says the
 * family), for the caller to free; and in '*via_ovs' whether the route to
 * the first remote peer leaves through an internal port of Open vSwitch
 * (the underlay address on br-phy, as the userspace datapath's own tunnels
 * need it). */
static char *
vxlan_underlay(const struct state_network *net, struct svec *remotes,
               bool *via_ovs)
{
    char *dev = NULL;
    int mtu;

    *via_ovs = false;
    state_netcfg_split_peers(&net->cfg, remotes, NULL);
    if (remotes->n) {
        int error = route_lookup(remotes->names[0], &mtu, NULL, &dev);
        if (error) {
            VLOG_WARN_RL(&rl, "network %s: no route to peer %s (%s)",
                         net->id, remotes->names[0], ovs_strerror(error));
        }
        if (dev) {
            const struct ovsrec_interface *iface = db_find_interface(dev);
            *via_ovs = iface && !strcmp(iface->type, "internal");
        }
        free(dev);
    }
    if (net->cfg.local_ip) {
        return xstrdup(net->cfg.local_ip);
    }
    switch (state_netcfg_peer_family(&net->cfg)) {
    case AF_INET:
        return xstrdup("0.0.0.0");
    case AF_INET6:
        return xstrdup("::");
    default:
        return NULL;
    }
}

/* Makes the kernel VXLAN device of 'net' what it should be, if there is a
 * reason to look: 'full', the device among the links 'gone' or 'changed',
 * or a change of the network ('vx_dirty').
 *
 * The device is created (again) if it is missing, or if it has another VNI,
 * port or tunnel source and is ours (by its alias).  One that vanished
 * behind our back loses its OVSDB port first, and is created again only
 * once ovs-vswitchd has removed that port: it would go on using the old
 * device's socket for a port that stayed, or that it saw go and come back
 * in one reconfiguration.  Once the device is right, its port belongs in
 * OVSDB ('vx_ready'), and it gets one all-zeros FDB entry per remote peer
 * and tx checksum offload off when the underlay route leaves through an
 * internal port of OVS (on the userspace datapath that port does not finish
 * the checksums of tunnelled TSO packets: TCP would fail), on otherwise. */
static void
fix_vxlan_link(struct state_network *net, bool full, const struct sset *gone,
               const struct sset *changed)
{
    const char *dev = net->vx_dev;
    if (!full && !net->vx_dirty && !sset_contains(gone, dev)
        && !sset_contains(changed, dev)) {
        return;
    }

    /* A network deleted and created again before its device went: the
     * device is wanted again. */
    shash_find_and_delete(state_doomed_links(), dev);

    char *alias = xasprintf("ovsnet:%s", net->id);
    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    bool via_ovs;
    char *local = vxlan_underlay(net, &remotes, &via_ovs);
    bool same;
    int error;

    error = link_vxlan_check(dev, net->cfg.vni, local, &same);
    if (!error && !same) {
        char *old = NULL;
        if (!link_get_alias(dev, &old) && old && !strcmp(old, alias)) {
            VLOG_INFO("network %s: VXLAN device %s does not have VNI "
                      "%"PRIu64", port %d, local %s: replacing it", net->id,
                      dev, net->cfg.vni, LINK_VXLAN_PORT,
                      local ? local : "any");
            error = ENODEV;
        } else {
            VLOG_WARN_RL(&rl, "network %s: link %s exists and is not "
                         "ovsnet's VXLAN device", net->id, dev);
            error = EEXIST;
        }
        free(old);
    }
    if (error == ENODEV) {
        if (net->vx_ready) {
            VLOG_INFO("network %s: VXLAN device %s is gone or wrong: "
                      "removing its port, then creating it again",
                      net->id, dev);
            state_network_set_vxlan_ready(net, false);
        }
        if (db_find_interface(dev) || !db_vswitchd_caught_up()) {
            /* Again once the port is gone, from ovs-vswitchd too. */
            net->vx_dirty = true;
            goto out;
        }
        link_delete(dev);
        error = link_vxlan_create(dev, net->cfg.vni, local, net->cfg.mtu,
                                  alias);
        if (!error) {
            error = link_set_stackless(dev);
            if (error) {
                /* Made again by the next pass, stackless this time. */
                link_delete(dev);
            }
        }
        if (!error) {
            VLOG_INFO("network %s: created VXLAN device %s (VNI %"PRIu64", "
                      "local %s, port %d)", net->id, dev, net->cfg.vni,
                      local ? local : "any", LINK_VXLAN_PORT);
        }
    } else if (!error) {
        error = link_set_up(dev, net->cfg.mtu);
    }
    if (!error) {
        /* From here on a failure is retried without taking the port away. */
        state_network_set_vxlan_ready(net, true);

        bool on;
        error = link_get_tx_csum(dev, &on);
        if (!error && on == via_ovs) {
            error = link_set_tx_csum(dev, !via_ovs);
            if (!error) {
                VLOG_INFO("network %s: tx checksum offload of %s %s (the "
                          "underlay route %s through an OVS internal port)",
                          net->id, dev, via_ovs ? "off" : "on",
                          via_ovs ? "goes" : "does not go");
            }
        }
    }
    if (!error) {
        error = link_vxlan_set_remotes(dev, &remotes);
        if (error == EAFNOSUPPORT) {
            /* The peers went over to the other address family, which a
             * device without a tunnel source does not show: deleted, it is
             * made again as one that vanished. */
            VLOG_INFO("network %s: VXLAN device %s has the other address "
                      "family than its peers: replacing it", net->id, dev);
            link_delete(dev);
        }
    }

    if (error) {
        VLOG_WARN_RL(&rl, "network %s: could not set up VXLAN device %s "
                     "(%s), will retry", net->id, dev, ovs_strerror(error));
    }
    net->vx_dirty = error != 0;

out:
    svec_destroy(&remotes);
    free(local);
    free(alias);
}

/* Deletes the links of ovsnet (by name prefix) that no endpoint or network
 * owns.  Doomed links (of endpoints and networks just removed) are left to
 * reconcile_links(), which deletes them once their ports' removal is
 * committed: deleting them here would take a device from under a port that
 * ovs-vswitchd still has. */
static void
sweep_orphan_links(void)
{
    static const char *prefixes[] = {
        NAMES_PORT_PREFIX, NAMES_PEER_PREFIX, NAMES_VXLAN_PREFIX,
    };
    struct sset used = SSET_INITIALIZER(&used);
    const struct state_endpoint *ep;
    const struct state_network *net;

    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        sset_add(&used, ep->port);
        sset_add(&used, ep->peer);
    }
    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->vx_dev) {
            sset_add(&used, net->vx_dev);
        }
    }
    struct shash_node *doomed;
    SHASH_FOR_EACH (doomed, state_doomed_links()) {
        sset_add(&used, doomed->name);
    }
    for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++) {
        char **names;
        size_t n;

        if (link_list_prefix(prefixes[p], &names, &n)) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (!sset_contains(&used, names[i])) {
                VLOG_INFO("deleting link %s, which no endpoint or network "
                          "owns", names[i]);
                link_delete(names[i]);
            }
            free(names[i]);
        }
        free(names);
    }
    sset_destroy(&used);
}

void
reconcile_links(const struct ovsdb_idl *idl, bool full,
                const struct sset *gone, const struct sset *changed)
{
    /* Links of endpoints Docker deleted, once their ports are out of OVSDB
     * (ovs-vswitchd would complain about ports whose device vanished), all
     * in one go. */
    struct shash *doomed = state_doomed_links();
    if (!shash_is_empty(doomed)) {
        uint64_t applied = db_applied_seqno();
        const char **names = xmalloc(shash_count(doomed) * sizeof *names);
        struct shash_node *node;
        size_t n = 0;

        SHASH_FOR_EACH (node, doomed) {
            if ((uintptr_t) node->data <= applied) {
                names[n++] = node->name;
            }
        }
        if (n) {
            link_delete_many(names, n);
            for (size_t i = 0; i < n; i++) {
                char *name = xstrdup(names[i]);
                shash_find_and_delete(doomed, name);
                free(name);
            }
        }
        free(names);
    }

    struct state_endpoint *ep;
    HMAP_FOR_EACH_SAFE (ep, node, state_endpoints()) {
        if (ep->error) {
            continue;
        }
        if (!ep->link_created) {
            create_endpoint_link(idl, ep);
            continue;
        }

        bool check = full || sset_contains(gone, ep->port);
        if (!check) {
            const struct ovsrec_interface *iface;
            iface = db_find_interface(ep->port);
            check = iface && iface->error && iface->error[0];
        }
        if (check && !link_exists(ep->port)) {
            VLOG_INFO("endpoint %s: link %s is gone, removing its port",
                      ep->id, ep->port);
            ep->link_created = false;
            state_endpoint_remove(ep);
        }
    }

    if (full) {
        sweep_orphan_links();
        state_mark_all_gateways_dirty();
    }

    struct state_network *net;
    HMAP_FOR_EACH (net, node, state_networks()) {
        if (sset_contains(changed, net->gw_port)) {
            net->gw_dirty = true;
        }
        fix_gateway_link(idl, net);
        if (net->vx_dev) {
            fix_vxlan_link(net, full, gone, changed);
        }
    }
}

/* The netfilter side. */

/* Adds to 'rs' the rules that publish port 'p' of endpoint 'ep'. */
static void
add_published_port(struct nat_ruleset *rs, const struct state_endpoint *ep,
                   const struct state_port *p)
{
    const char *addrs[] = { ep->ipv4, ep->ipv6 };
    struct link_addr host;

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
        if (!addrs[i] || link_addr_parse(addrs[i], &d.to)
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

static int
compare_network_ids(const void *a_, const void *b_)
{
    const struct state_network *const *a = a_;
    const struct state_network *const *b = b_;
    return strcmp((*a)->id, (*b)->id);
}

static int
compare_endpoint_ids(const void *a_, const void *b_)
{
    const struct state_endpoint *const *a = a_;
    const struct state_endpoint *const *b = b_;
    return strcmp((*a)->id, (*b)->id);
}

/* Returns the networks of the desired state, sorted by ID, in an array of
 * '*n' that the caller frees. */
static const struct state_network **
sorted_networks(size_t *n)
{
    const struct state_network **nets;
    const struct state_network *net;

    *n = 0;
    nets = xmalloc((hmap_count(state_networks()) + 1) * sizeof *nets);
    HMAP_FOR_EACH (net, node, state_networks()) {
        nets[(*n)++] = net;
    }
    qsort(nets, *n, sizeof *nets, compare_network_ids);
    return nets;
}

/* The same for endpoints. */
static const struct state_endpoint **
sorted_endpoints(size_t *n)
{
    const struct state_endpoint **eps;
    const struct state_endpoint *ep;

    *n = 0;
    eps = xmalloc((hmap_count(state_endpoints()) + 1) * sizeof *eps);
    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        eps[(*n)++] = ep;
    }
    qsort(eps, *n, sizeof *eps, compare_endpoint_ids);
    return eps;
}

void
reconcile_nat(bool full)
{
    static char *applied;           /* What the table holds, as text. */
    static long long int retry_at;  /* After a failure, or 0. */
    static uint64_t last_seqno;     /* state_seqno() of the last pass. */
    struct nat_ruleset rs;
    bool want4 = false, want6 = false;
    const struct state_network *net4 = NULL, *net6 = NULL;

    bool changed = nat_take_changed();
    bool retry = retry_at && time_msec() >= retry_at;
    if (!full && !changed && !retry && state_seqno() == last_seqno) {
        if (retry_at) {
            poll_timer_wait_until(retry_at);
        }
        return;
    }
    last_seqno = state_seqno();

    nat_ruleset_init(&rs);

    /* In the order of the IDs, so that the same state always makes the
     * same table, whatever order it was loaded in. */
    size_t n_eps, n_nets;
    const struct state_endpoint **eps = sorted_endpoints(&n_eps);
    const struct state_network **nets = sorted_networks(&n_nets);

    /* Published ports first: hairpin NAT is needed only on the networks
     * that have some. */
    struct sset publishing = SSET_INITIALIZER(&publishing);
    for (size_t k = 0; k < n_eps; k++) {
        const struct state_endpoint *ep = eps[k];
        const struct state_network *epnet = state_network_find(
            ep->network_id);
        if (epnet && !epnet->cfg.internal && ep->n_ports) {
            for (size_t i = 0; i < ep->n_ports; i++) {
                add_published_port(&rs, ep, &ep->ports[i]);
            }
            sset_add(&publishing, epnet->id);
        }
    }

    for (size_t k = 0; k < n_nets; k++) {
        const struct state_network *net = nets[k];
        const struct state_netcfg *cfg = &net->cfg;
        if (cfg->internal) {
            continue;
        }
        if (cfg->ipv4_pools.n && !want4) {
            want4 = true;
            net4 = net;
        }
        if (cfg->ipv6_pools.n && !want6) {
            want6 = true;
            net6 = net;
        }
        /* Outbound NAT if the network has it; hairpin NAT for a container
         * that connects to a port another one of its network publishes. */
        bool hairpin = sset_contains(&publishing, net->id);
        const struct svec *pools[] = { &cfg->ipv4_pools, &cfg->ipv6_pools };
        for (size_t i = 0; i < ARRAY_SIZE(pools); i++) {
            const char *pool;
            size_t j;
            SVEC_FOR_EACH (j, pool, pools[i]) {
                struct link_addr a;
                if (link_addr_parse(pool, &a)) {
                    continue;
                }
                if (cfg->nat) {
                    nat_ruleset_add_masq(&rs, &a, net->gw_port, false);
                }
                if (hairpin) {
                    nat_ruleset_add_masq(&rs, &a, net->gw_port, true);
                }
            }
        }
    }
    sset_destroy(&publishing);
    free(eps);
    free(nets);

    struct ds text = DS_EMPTY_INITIALIZER;
    nat_ruleset_format(&rs, &text);
    if (full || changed || retry || !applied
        || strcmp(applied, ds_cstr(&text))) {
        char *error;
        if (nat_apply(&rs, last_seqno, &error)) {
            VLOG_WARN_RL(&rl, "%s; will retry", error);
            free(applied);
            applied = NULL;
            retry_at = time_msec() + 1000;
        } else {
            if (!applied || strcmp(applied, ds_cstr(&text))) {
                if (nat_ruleset_is_empty(&rs)) {
                    VLOG_INFO("table inet " NAT_TABLE ": removed, or not "
                              "made (nothing to translate)");
                } else {
                    VLOG_INFO("table inet " NAT_TABLE ": %"PRIuSIZE" "
                              "masquerade and %"PRIuSIZE" port rules",
                              rs.n_masqs, rs.n_dnats);
                }
            }
            free(applied);
            applied = ds_steal_cstr(&text);
            retry_at = 0;
        }
        free(error);
    } else {
        nat_note_current(last_seqno);
    }
    if (retry_at) {
        poll_timer_wait_until(retry_at);
    }
    ds_destroy(&text);
    nat_ruleset_destroy(&rs);

    if (want4) {
        enable_forwarding(AF_INET, net4);
    }
    if (want6) {
        enable_forwarding(AF_INET6, net6);
    }
}

void
reconcile_forward(bool full)
{
    static uint64_t last_seqno;

    if (!full && state_seqno() == last_seqno) {
        return;
    }
    last_seqno = state_seqno();

    size_t n_nets;
    const struct state_network **nets = sorted_networks(&n_nets);
    struct fwd_network *fwd4 = xcalloc(n_nets + 1, sizeof *fwd4);
    struct fwd_network *fwd6 = xcalloc(n_nets + 1, sizeof *fwd6);
    size_t n4 = 0, n6 = 0;

    for (size_t i = 0; i < n_nets; i++) {
        const struct state_network *net = nets[i];
        struct fwd_network fn = {
            .id = net->id,
            .ifname = net->gw_port,
            .routed = !net->cfg.nat,
        };
        if (net->cfg.internal) {
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

/* Every port of ovsnet's is an access port of its network's VLAN: 'vlan'
 * 1 to 4094, or 0 for an untagged network.  A port without a tag would be
 * a trunk of every VLAN in OVS, carrying the other networks' frames on a
 * shared bridge and letting its container send into them (tag 0 makes it
 * drop what comes in tagged and see only untagged frames). */
static bool
port_tag_ok(const struct ovsrec_port *port, int vlan)
{
    return port->n_tag == 1 && port->tag[0] == vlan;
}

static void
port_set_tag(const struct ovsrec_port *port, int vlan)
{
    int64_t tag = vlan;
    ovsrec_port_set_tag(port, &tag, 1);
}

/* The OVSDB side. */

struct bridge_info {
    const struct ovsrec_bridge *br;
    bool is_new;
    /* New bridges get their ports all at once. */
    const struct ovsrec_port **ports;
    size_t n_ports, allocated_ports;
};

struct port_info {
    const struct ovsrec_port *port;
    const struct ovsrec_bridge *br;
};

static struct bridge_info *
add_bridge_info(struct shash *bridges, const struct ovsrec_bridge *br,
                bool is_new)
{
    struct bridge_info *bi = xzalloc(sizeof *bi);
    bi->br = br;
    bi->is_new = is_new;
    shash_add(bridges, br->name, bi);
    return bi;
}

static void
bridge_add_port(struct bridge_info *bi, const struct ovsrec_port *port)
{
    if (bi->is_new) {
        if (bi->n_ports >= bi->allocated_ports) {
            bi->ports = x2nrealloc(bi->ports, &bi->allocated_ports,
                                   sizeof *bi->ports);
        }
        bi->ports[bi->n_ports++] = port;
    } else {
        ovsrec_bridge_update_ports_addvalue(bi->br, port);
    }
}

static const struct ovsrec_interface *
create_port(struct ovsdb_idl_txn *txn, struct bridge_info *bi,
            const char *name, const char *type, const struct smap *port_ids,
            const struct smap *iface_ids, int vlan,
            const struct ovsrec_port **portp)
{
    const struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    ovsrec_interface_set_type(iface, type);
    ovsrec_interface_set_external_ids(iface, iface_ids);

    const struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port,
                               (struct ovsrec_interface **) &iface, 1);
    ovsrec_port_set_external_ids(port, port_ids);
    port_set_tag(port, vlan);
    bridge_add_port(bi, port);
    if (portp) {
        *portp = port;
    }
    return iface;
}

/* Makes ovsnet's keys in ROW's external_ids what WANT says, key by key
 * (SETKEY and DELKEY are the table's partial-update functions), so that
 * keys of other writers stay. */
#define UPDATE_OUR_IDS(ROW, WANT, SETKEY, DELKEY)                           \
    do {                                                                    \
        const struct smap_node *node_;                                      \
        SMAP_FOR_EACH (node_, WANT) {                                       \
            const char *have_ = smap_get(&(ROW)->external_ids, node_->key); \
            if (!have_ || strcmp(have_, node_->value)) {                    \
                SETKEY(ROW, node_->key, node_->value);                      \
            }                                                               \
        }                                                                   \
        SMAP_FOR_EACH (node_, &(ROW)->external_ids) {                       \
            if (state_key_is_ours(node_->key)                               \
                && !smap_get(WANT, node_->key)) {                           \
                DELKEY(ROW, node_->key);                                    \
            }                                                               \
        }                                                                   \
    } while (0)

/* Makes the columns ovsnet sets on an existing 'port' what they should be,
 * writing only what differs. */
static const struct ovsrec_interface *
update_port(const struct ovsrec_port *port, const char *type,
            const struct smap *port_ids, const struct smap *iface_ids,
            int vlan)
{
    UPDATE_OUR_IDS(port, port_ids, ovsrec_port_update_external_ids_setkey,
                   ovsrec_port_update_external_ids_delkey);
    if (!port_tag_ok(port, vlan)) {
        port_set_tag(port, vlan);
    }
    if (port->n_interfaces != 1) {
        return NULL;            /* Not our shape: caller replaces it. */
    }

    const struct ovsrec_interface *iface = port->interfaces[0];
    if (strcmp(iface->type, type)) {
        ovsrec_interface_set_type(iface, type);
    }
    UPDATE_OUR_IDS(iface, iface_ids,
                   ovsrec_interface_update_external_ids_setkey,
                   ovsrec_interface_update_external_ids_delkey);
    return iface;
}

/* Keeps the port called 'name' on bridge 'bi' if it is there (removing it
 * from 'ports', the owned ports not yet claimed), or creates it. */
static const struct ovsrec_interface *
ensure_port(struct ovsdb_idl_txn *txn, struct shash *ports,
            struct bridge_info *bi, const char *name, const char *type,
            const struct smap *port_ids, const struct smap *iface_ids,
            int vlan, const struct ovsrec_port **portp)
{
    struct port_info *pi = shash_find_data(ports, name);
    const struct ovsrec_interface *iface = NULL;

    if (pi && pi->br == bi->br) {
        iface = update_port(pi->port, type, port_ids, iface_ids, vlan);
        if (iface) {
            if (portp) {
                *portp = pi->port;
            }
            free(shash_find_and_delete(ports, name));
            return iface;
        }
    }
    if (pi) {
        /* On the wrong bridge or of the wrong shape: it goes with the other
         * leftovers, and a new one is made.  OVSDB allows one port of a
         * name per bridge, but ovs-vswitchd one per datapath, so delete
         * first. */
        ovsrec_bridge_update_ports_delvalue(pi->br, pi->port);
        free(shash_find_and_delete(ports, name));
    }
    return create_port(txn, bi, name, type, port_ids, iface_ids, vlan,
                       portp);
}

static void
set_protected(const struct ovsrec_port *port, bool protected)
{
    if (port->protected_ != protected) {
        ovsrec_port_set_protected_(port, protected);
    }
}

/* Returns the name of the tunnel port of network 'id' towards 'peer':
 * "ovstn-" and 9 hex digits of a hash of both. */
static char *
tunnel_port_name(const char *id, const char *peer)
{
    uint8_t digest[SHA1_DIGEST_SIZE];
    char *s = xasprintf("%s/%s", id, peer);

    sha1_bytes(s, strlen(s), digest);
    free(s);
    return xasprintf("ovstn-%02x%02x%02x%02x%x", digest[0], digest[1],
                     digest[2], digest[3], digest[4] >> 4);
}

/* Makes the tunnel ports of network 'net' on bridge 'bi': one to each of its
 * peers that is not this host.  Tunnel ports are protected: what comes in
 * from one tunnel never goes out of another (split horizon), so broadcast
 * reaches every host once and a full mesh does not loop. */
static void
ensure_tunnels(struct ovsdb_idl_txn *txn, struct shash *ports,
               struct bridge_info *bi, const struct state_network *net)
{
    const struct state_netcfg *cfg = &net->cfg;
    const struct ovsrec_port *port;
    const char *peer;
    size_t i;

    if (net->vx_dev) {
        /* The kernel VXLAN device is one port for all peers; the kernel's
         * FDB sends to each of them (see fix_vxlan_link()). */
        if (net->vx_ready) {
            struct smap ids = SMAP_INITIALIZER(&ids);
            smap_add(&ids, STATE_KEY_ROLE, STATE_ROLE_TUNNEL);
            smap_add(&ids, STATE_KEY_NETWORK, net->id);
            ensure_port(txn, ports, bi, net->vx_dev, "", &ids, &ids,
                        cfg->vlan, &port);
            set_protected(port, true);
            smap_destroy(&ids);
        }
        return;
    }

    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    state_netcfg_split_peers(cfg, &remotes, NULL);
    SVEC_FOR_EACH (i, peer, &remotes) {
        struct smap ids = SMAP_INITIALIZER(&ids);
        smap_add(&ids, STATE_KEY_ROLE, STATE_ROLE_TUNNEL);
        smap_add(&ids, STATE_KEY_NETWORK, net->id);
        smap_add(&ids, "ovsnet-remote-ip", peer);

        char *name = tunnel_port_name(net->id, peer);
        const struct ovsrec_interface *iface;
        iface = ensure_port(txn, ports, bi, name, cfg->tunnel, &ids, &ids,
                            cfg->vlan, &port);
        set_protected(port, true);

        struct smap options = SMAP_INITIALIZER(&options);
        smap_add(&options, "remote_ip", peer);
        smap_add_format(&options, "key", "%"PRIu64, cfg->vni);
        if (cfg->local_ip) {
            smap_add(&options, "local_ip", cfg->local_ip);
        }
        if (!smap_equal(&iface->options, &options)) {
            ovsrec_interface_set_options(iface, &options);
        }
        smap_destroy(&options);
        smap_destroy(&ids);
        free(name);
    }
    svec_destroy(&remotes);
}

/* Returns true, claiming the port from 'ports', if endpoint 'ep''s port is
 * on bridge 'bi' exactly as it should be.  The common case, checked without
 * building the rows' columns. */
static bool
endpoint_port_ok(struct shash *ports, const struct bridge_info *bi,
                 const struct state_endpoint *ep, int vlan)
{
    struct port_info *pi = shash_find_data(ports, ep->port);
    if (!pi || pi->br != bi->br) {
        return false;
    }

    const struct ovsrec_port *port = pi->port;
    if (!port_tag_ok(port, vlan)
        || port->n_interfaces != 1
        || state_count_our_keys(&port->external_ids) != 3
        || strcmp(smap_get_def(&port->external_ids, STATE_KEY_ROLE, ""),
                  STATE_ROLE_ENDPOINT)
        || strcmp(smap_get_def(&port->external_ids, STATE_KEY_NETWORK, ""),
                  ep->network_id)
        || strcmp(smap_get_def(&port->external_ids, STATE_KEY_ENDPOINT, ""),
                  ep->id)) {
        return false;
    }

    const struct ovsrec_interface *iface = port->interfaces[0];
    if (iface->type[0]
        || !state_endpoint_ids_match(ep, &iface->external_ids)) {
        return false;
    }
    free(shash_find_and_delete(ports, ep->port));
    return true;
}

void
reconcile_ovsdb(const struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    if (!ovs) {
        VLOG_WARN_RL(&rl, "the database has no Open_vSwitch row yet "
                     "(is ovs-vswitchd running, or \"ovs-vsctl init\" done?)");
        return;
    }

    /* Load the actual state: every bridge, and every port ovsnet owns. */
    struct shash bridges = SHASH_INITIALIZER(&bridges);
    struct shash ports = SHASH_INITIALIZER(&ports);
    const struct ovsrec_bridge *br;
    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        add_bridge_info(&bridges, br, false);
        for (size_t i = 0; i < br->n_ports; i++) {
            const struct ovsrec_port *port = br->ports[i];
            if (owned(&port->external_ids, NULL)
                && !owned(&port->external_ids, STATE_ROLE_BRIDGE)) {
                struct port_info *pi = xmalloc(sizeof *pi);
                pi->port = port;
                pi->br = br;
                if (!shash_add_once(&ports, port->name, pi)) {
                    free(pi);   /* Same name on two bridges: keep one. */
                    ovsrec_bridge_update_ports_delvalue(br, port);
                }
            }
        }
    }

    /* Bridges of the networks. */
    struct state_network *net;
    HMAP_FOR_EACH (net, node, state_networks()) {
        struct bridge_info *bi = shash_find_data(&bridges, net->cfg.bridge);
        if (bi) {
            continue;
        }

        struct smap ids = SMAP_INITIALIZER(&ids);
        smap_add(&ids, STATE_KEY_ROLE, STATE_ROLE_BRIDGE);
        smap_add(&ids, STATE_KEY_NETWORK, net->id);

        const struct ovsrec_bridge *nbr = ovsrec_bridge_insert(txn);
        ovsrec_bridge_set_name(nbr, net->cfg.bridge);
        ovsrec_bridge_set_datapath_type(nbr, net->cfg.datapath);
        ovsrec_bridge_set_external_ids(nbr, &ids);
        ovsrec_open_vswitch_update_bridges_addvalue(ovs, nbr);
        bi = add_bridge_info(&bridges, nbr, true);

        /* The bridge's own internal port, as "ovs-vsctl add-br" makes. */
        struct smap local_ids = SMAP_INITIALIZER(&local_ids);
        smap_add(&local_ids, STATE_KEY_ROLE, STATE_ROLE_BRIDGE);
        create_port(txn, bi, net->cfg.bridge, "internal", &local_ids,
                    &local_ids, 0, NULL);
        smap_destroy(&local_ids);
        smap_destroy(&ids);
        VLOG_INFO("network %s: creating bridge %s (datapath_type=%s)",
                  net->id, net->cfg.bridge, net->cfg.datapath);
    }

    /* Gateway ports. */
    HMAP_FOR_EACH (net, node, state_networks()) {
        struct bridge_info *bi = shash_find_data(&bridges, net->cfg.bridge);
        struct smap port_ids = SMAP_INITIALIZER(&port_ids);
        struct smap iface_ids = SMAP_INITIALIZER(&iface_ids);

        state_network_to_smap(net, &port_ids);
        smap_add(&iface_ids, STATE_KEY_ROLE, STATE_ROLE_NETWORK);
        smap_add(&iface_ids, STATE_KEY_NETWORK, net->id);

        const struct ovsrec_interface *iface;
        const struct ovsrec_port *port;
        iface = ensure_port(txn, &ports, bi, net->gw_port, "internal",
                            &port_ids, &iface_ids, net->cfg.vlan, &port);
        int64_t mtu = net->cfg.mtu;
        if (iface->n_mtu_request != 1 || iface->mtu_request[0] != mtu) {
            ovsrec_interface_set_mtu_request(iface, &mtu, 1);
        }

        /* On a tunnel network every host is the gateway of its own
         * containers, with the same address and MAC (an anycast gateway):
         * the gateway port is protected, like the tunnels, so that it never
         * talks across them. */
        bool protected = net->cfg.tunnel != NULL;
        set_protected(port, protected);
        char mac[ETH_ADDR_STRLEN + 1] = "";
        if (protected) {
            struct eth_addr ea;
            state_network_gateway_mac(net, &ea);
            snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(ea));
        }
        if (strcmp(iface->mac ? iface->mac : "", mac)) {
            ovsrec_interface_set_mac(iface, mac[0] ? mac : NULL);
        }
        if (net->cfg.tunnel) {
            ensure_tunnels(txn, &ports, bi, net);
        }
        smap_destroy(&port_ids);
        smap_destroy(&iface_ids);
    }

    /* Endpoint ports, once their links exist. */
    struct state_endpoint *ep;
    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        if (!ep->link_created || ep->error) {
            continue;
        }
        net = state_network_find(ep->network_id);

        struct bridge_info *bi = shash_find_data(&bridges, net->cfg.bridge);
        if (endpoint_port_ok(&ports, bi, ep, net->cfg.vlan)) {
            continue;
        }

        struct smap port_ids = SMAP_INITIALIZER(&port_ids);
        struct smap iface_ids = SMAP_INITIALIZER(&iface_ids);

        smap_add(&port_ids, STATE_KEY_ROLE, STATE_ROLE_ENDPOINT);
        smap_add(&port_ids, STATE_KEY_NETWORK, ep->network_id);
        smap_add(&port_ids, STATE_KEY_ENDPOINT, ep->id);
        state_endpoint_to_smap(ep, &iface_ids);
        ensure_port(txn, &ports, bi, ep->port, "", &port_ids, &iface_ids,
                    net->cfg.vlan, NULL);
        smap_destroy(&port_ids);
        smap_destroy(&iface_ids);
    }

    /* What is left of ours is not wanted any more. */
    struct shash_node *node;
    bool ack = false;
    SHASH_FOR_EACH (node, &ports) {
        struct port_info *pi = node->data;
        VLOG_INFO("removing port %s from bridge %s", pi->port->name,
                  pi->br->name);
        ovsrec_bridge_update_ports_delvalue(pi->br, pi->port);
        /* A VXLAN device may be made again under the same name: see
         * fix_vxlan_link(). */
        ack |= !strncmp(pi->port->name, NAMES_VXLAN_PREFIX,
                        strlen(NAMES_VXLAN_PREFIX));
    }
    if (ack) {
        db_request_vswitchd_ack(txn);
    }
    shash_destroy_free_data(&ports);

    SHASH_FOR_EACH (node, &bridges) {
        struct bridge_info *bi = node->data;
        bool used = false;

        HMAP_FOR_EACH (net, node, state_networks()) {
            if (!strcmp(net->cfg.bridge, bi->br->name)) {
                used = true;
                break;
            }
        }
        if (bi->is_new) {
            ovsrec_bridge_set_ports(bi->br,
                                    (struct ovsrec_port **) bi->ports,
                                    bi->n_ports);
        } else if (!used && owned(&bi->br->external_ids,
                                  STATE_ROLE_BRIDGE)) {
            VLOG_INFO("deleting bridge %s, which no network uses",
                      bi->br->name);
            ovsrec_open_vswitch_update_bridges_delvalue(ovs, bi->br);
        }
        free(bi->ports);
        free(bi);
    }
    shash_destroy(&bridges);
}
