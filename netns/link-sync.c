/* netns/link-sync: make the kernel's links match the desired state. */

#include <config.h>

#include "netns/link-sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "netns/link.h"
#include "netns/route.h"
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(linksync);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* What the link side remembers of a network. */
struct ls_network {
    struct hmap_node node;      /* In 'ls_networks', by hash of 'id'. */
    char *id;
    bool gw_dirty;              /* Gateway link needs its addresses. */
    int64_t gw_ofport;          /* Last ofport seen for the gateway. */
    char *gw_error;             /* Why the kernel refused the gateway its
                                 * settings last time, or NULL. */
    bool vx_ready;              /* The kernel VXLAN device is there as it
                                 * should be: its port belongs in OVSDB. */
    bool vx_dirty;              /* It needs a look (peers changed...). */
};

/* What the link side remembers of an endpoint. */
struct ls_endpoint {
    struct hmap_node node;      /* In 'ls_endpoints', by hash of 'id'. */
    char *id;
    bool link_created;          /* The veth pair was made (or loaded). */
};

static struct hmap ls_networks = HMAP_INITIALIZER(&ls_networks);
static struct hmap ls_endpoints = HMAP_INITIALIZER(&ls_endpoints);

/* Links of removed endpoints and networks, to delete once their ports are
 * gone from OVSDB: maps a link name to the state_seqno() (cast to a
 * pointer) that must be committed first. */
static struct shash doomed_links = SHASH_INITIALIZER(&doomed_links);

/* The links of 'linksync_ready_links()'. */
static struct sset ready_links = SSET_INITIALIZER(&ready_links);

static void
set_ready(const char *name, bool ready)
{
    if (ready) {
        sset_add(&ready_links, name);
    } else {
        sset_find_and_delete(&ready_links, name);
    }
}

/* Returns the record of 'net', made if it has none yet. */
static struct ls_network *
ls_network(const struct state_network *net)
{
    uint32_t hash = hash_string(net->id, 0);
    struct ls_network *r;

    HMAP_FOR_EACH_WITH_HASH (r, node, hash, &ls_networks) {
        if (!strcmp(r->id, net->id)) {
            return r;
        }
    }
    r = xzalloc(sizeof *r);
    r->id = xstrdup(net->id);
    r->gw_dirty = true;
    r->vx_dirty = true;
    hmap_insert(&ls_networks, &r->node, hash);
    return r;
}

static struct ls_endpoint *
ls_endpoint(const struct state_endpoint *ep)
{
    uint32_t hash = hash_string(ep->id, 0);
    struct ls_endpoint *r;

    HMAP_FOR_EACH_WITH_HASH (r, node, hash, &ls_endpoints) {
        if (!strcmp(r->id, ep->id)) {
            return r;
        }
    }
    r = xzalloc(sizeof *r);
    r->id = xstrdup(ep->id);
    hmap_insert(&ls_endpoints, &r->node, hash);
    return r;
}

static void
set_link_created(const struct state_endpoint *ep, struct ls_endpoint *r,
                 bool created)
{
    r->link_created = created;
    set_ready(ep->port, created);
}

/* Records whether the kernel VXLAN device of 'net' is ready, which decides
 * whether its port belongs in OVSDB: a change of what OVSDB should hold. */
static void
set_vxlan_ready(const struct state_network *net, struct ls_network *r,
                bool ready)
{
    if (r->vx_ready != ready) {
        r->vx_ready = ready;
        set_ready(net->vx_dev, ready);
        state_touch();
    }
}

static void
doom_link(const char *name, uint64_t seqno)
{
    shash_replace(&doomed_links, name, (void *) (uintptr_t) seqno);
}

bool
linksync_link_doomed(const char *name)
{
    return shash_find(&doomed_links, name) != NULL;
}

/* ovsdb/state removes 'net': its VXLAN device goes once its port is out of
 * OVSDB, like endpoints' links. */
static void
network_removed(const struct state_network *net, uint64_t seqno)
{
    struct ls_network *r = ls_network(net);

    if (net->vx_dev) {
        doom_link(net->vx_dev, seqno);
        set_ready(net->vx_dev, false);
    }
    set_ready(net->gw_port, false);
    hmap_remove(&ls_networks, &r->node);
    free(r->gw_error);
    free(r->id);
    free(r);
}

static void
endpoint_removed(const struct state_endpoint *ep, uint64_t seqno)
{
    struct ls_endpoint *r = ls_endpoint(ep);

    if (r->link_created) {
        doom_link(ep->port, seqno);
        set_ready(ep->port, false);
    }
    hmap_remove(&ls_endpoints, &r->node);
    free(r->id);
    free(r);
}

void
linksync_init(void)
{
    static const struct state_hooks hooks = {
        .network_removed = network_removed,
        .endpoint_removed = endpoint_removed,
    };
    state_set_hooks(&hooks);
}

void
linksync_destroy(void)
{
    linksync_unload();
    state_set_hooks(NULL);
    shash_destroy(&doomed_links);
    sset_destroy(&ready_links);
}

void
linksync_unload(void)
{
    struct ls_endpoint *e;
    HMAP_FOR_EACH_POP (e, node, &ls_endpoints) {
        free(e->id);
        free(e);
    }
    struct ls_network *n;
    HMAP_FOR_EACH_POP (n, node, &ls_networks) {
        free(n->gw_error);
        free(n->id);
        free(n);
    }
    shash_clear(&doomed_links);
    sset_clear(&ready_links);
}

void
linksync_adopt_loaded(void)
{
    const struct state_endpoint *ep;

    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        set_link_created(ep, ls_endpoint(ep), true);
    }
}

const struct sset *
linksync_ready_links(void)
{
    return &ready_links;
}

bool
linksync_vxlan_ready(const struct state_network *net)
{
    return net->vx_dev && sset_contains(&ready_links, net->vx_dev);
}

void
linksync_vxlan_changed(const struct state_network *net)
{
    ls_network(net)->vx_dirty = true;
}

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
        struct addr a;
        if (addrs[i] && !addr_parse(addrs[i], &a)) {
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
create_endpoint_link(const struct ovsdb_idl *idl, struct state_endpoint *ep,
                     struct ls_endpoint *r)
{
    struct state_network *net = state_network_find(ep->network_id);
    char *alias = names_alias(ep->id);
    int error;

    /* The same endpoint, deleted and created again before its old link went:
     * the old one goes now. */
    if (shash_find_and_delete(&doomed_links, ep->port)) {
        link_delete(ep->port);
    }

    error = link_veth_create(ep->port, ep->peer, net->cfg.mtu, &ep->mac,
                             alias);
    if (error == EEXIST) {
        /* Left over from an earlier attempt for the same endpoint (the
         * daemon died before it was recorded, or even before the pair got
         * its alias: the kernel ignores IFLA_IFALIAS when it creates a veth
         * pair, so link_veth_create() sets it right after)?  Then it is
         * ours to replace: its name is this endpoint's.  A link with
         * another alias is not. */
        char *old = NULL;
        if (!link_get_alias(ep->port, &old)
            && (!old || !old[0] || !strcmp(old, alias))) {
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
        set_link_created(ep, r, true);
        forget_neighbors(net, ep);
    }
}

/* Gives the gateway port of 'net' its MTU, state and addresses. */
static void
fix_gateway_link(const struct state_network *net, struct ls_network *r)
{
    const struct ovsrec_interface *iface;
    int error = 0;

    iface = db_find_interface(net->gw_port);
    if (!iface || !iface->n_ofport || iface->ofport[0] <= 0) {
        return;                 /* Not there yet: try again when it is. */
    }
    if (iface->ofport[0] != r->gw_ofport) {
        if (!r->gw_ofport) {
            /* It is in the datapath now: its MTU can be requested (see
             * ensure_gateway_port() in ovsdb/reconcile.c). */
            set_ready(net->gw_port, true);
            state_touch();
        }
        r->gw_ofport = iface->ofport[0];
        r->gw_dirty = true;
    }
    if (!r->gw_dirty) {
        return;
    }

    const struct svec *v4 = state_netcfg_host_addrs(&net->cfg, AF_INET);
    const struct svec *v6 = state_netcfg_host_addrs(&net->cfg, AF_INET6);
    if (!state_netcfg_host_is_gateway(&net->cfg) && !v4->n && !v6->n) {
        /* No address of the host on the network: an internal network, a
         * provider network without ovs.host_ip.  The port stays down. */
        r->gw_dirty = false;
        return;
    }

    size_t n = v4->n + v6->n;
    struct addr *addrs = xcalloc(n ? n : 1, sizeof *addrs);
    size_t n_addrs = 0;
    const char *s;
    size_t i;

    SVEC_FOR_EACH (i, s, v4) {
        if (!addr_parse(s, &addrs[n_addrs])) {
            n_addrs++;
        }
    }
    SVEC_FOR_EACH (i, s, v6) {
        if (!addr_parse(s, &addrs[n_addrs])) {
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
        r->gw_dirty = false;
    }
    /* What a CreateNetwork waiting for the gateway answers (a device that
     * is not there yet is no failure). */
    free(r->gw_error);
    r->gw_error = error == ENODEV ? NULL : msg;
    if (r->gw_error != msg) {
        free(msg);
    }
}

bool
linksync_gateway_status(const struct state_network *net, const char **error)
{
    const struct ls_network *r = ls_network(net);

    *error = r->gw_error;
    return !r->gw_dirty;
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
    state_netcfg_split_peers(&net->cfg, route_local_addrs(), remotes, NULL);
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

/* Returns 0 if the link called 'dev' is the kernel VXLAN device of 'net' as
 * it should be, ENODEV if it is missing or is ours (by its 'alias') but
 * wrong, or another error (EEXIST if it is someone else's). */
static int
vxlan_check(const struct state_network *net, const char *dev,
            const char *local, const char *alias)
{
    bool same;
    int error = link_vxlan_check(dev, net->cfg.vni, local, &same);

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
    return error;
}

/* Makes the kernel VXLAN device of 'net', which is missing or wrong, again:
 * first its OVSDB port goes, and the device is made only once ovs-vswitchd
 * has removed that port (sets '*later' until then).  Returns 0 or a positive
 * errno. */
static int
vxlan_create(const struct state_network *net, struct ls_network *r,
             const char *local, const char *alias, bool *later)
{
    const char *dev = net->vx_dev;
    int error;

    *later = false;
    if (r->vx_ready) {
        VLOG_INFO("network %s: VXLAN device %s is gone or wrong: "
                  "removing its port, then creating it again",
                  net->id, dev);
        set_vxlan_ready(net, r, false);
    }
    if (db_find_interface(dev) || !db_vswitchd_caught_up()) {
        /* Again once the port is gone, from ovs-vswitchd too. */
        *later = true;
        return 0;
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
    return error;
}

/* Turns tx checksum offload of 'dev', the VXLAN device of 'net', off if
 * the underlay route leaves through an OVS internal port ('via_ovs'), on
 * otherwise. */
static int
vxlan_set_tx_csum(const struct state_network *net, const char *dev,
                  bool via_ovs)
{
    bool on;
    int error = link_get_tx_csum(dev, &on);

    if (!error && on == via_ovs) {
        error = link_set_tx_csum(dev, !via_ovs);
        if (!error) {
            VLOG_INFO("network %s: tx checksum offload of %s %s (the "
                      "underlay route %s through an OVS internal port)",
                      net->id, dev, via_ovs ? "off" : "on",
                      via_ovs ? "goes" : "does not go");
        }
    }
    return error;
}

/* Gives 'dev', the VXLAN device of 'net', one FDB entry per peer in
 * 'remotes'. */
static int
vxlan_set_remotes(const struct state_network *net, const char *dev,
                  const struct svec *remotes)
{
    int error = link_vxlan_set_remotes(dev, remotes);

    if (error == EAFNOSUPPORT) {
        /* The peers went over to the other address family, which a
         * device without a tunnel source does not show: deleted, it is
         * made again as one that vanished. */
        VLOG_INFO("network %s: VXLAN device %s has the other address "
                  "family than its peers: replacing it", net->id, dev);
        link_delete(dev);
    }
    return error;
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
fix_vxlan_link(const struct state_network *net, struct ls_network *r,
               bool full, const struct sset *gone, const struct sset *changed)
{
    const char *dev = net->vx_dev;
    if (!full && !r->vx_dirty && !sset_contains(gone, dev)
        && !sset_contains(changed, dev)) {
        return;
    }

    /* A network deleted and created again before its device went: the
     * device is wanted again. */
    shash_find_and_delete(&doomed_links, dev);

    char *alias = names_alias(net->id);
    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    bool via_ovs;
    char *local = vxlan_underlay(net, &remotes, &via_ovs);
    bool later = false;

    int error = vxlan_check(net, dev, local, alias);
    if (error == ENODEV) {
        error = vxlan_create(net, r, local, alias, &later);
    } else if (!error) {
        error = link_set_up(dev, net->cfg.mtu);
    }
    if (!error && !later) {
        /* From here on a failure is retried without taking the port away. */
        set_vxlan_ready(net, r, true);
        error = vxlan_set_tx_csum(net, dev, via_ovs);
    }
    if (!error && !later) {
        error = vxlan_set_remotes(net, dev, &remotes);
    }

    if (error) {
        VLOG_WARN_RL(&rl, "network %s: could not set up VXLAN device %s "
                     "(%s), will retry", net->id, dev, ovs_strerror(error));
    }
    r->vx_dirty = later || error != 0;

    svec_destroy(&remotes);
    free(local);
    free(alias);
}

/* Returns true if link 'name' carries the ifalias of this ovsnetd's links
 * (see names_alias()). */
static bool
link_is_mine(const char *name)
{
    char *alias = NULL;
    bool mine = !link_get_alias(name, &alias) && names_alias_is_mine(alias);

    if (!mine) {
        VLOG_DBG("leaving link %s alone: its ifalias \"%s\" is not driver "
                 "%s's", name, alias ? alias : "", names_driver());
    }
    free(alias);
    return mine;
}

/* Deletes the links of this ovsnetd (by name prefix and ifalias) that no
 * endpoint or network owns.  Doomed links (of endpoints and networks just removed) are left to
 * delete_doomed_links(), which deletes them once their ports' removal is
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
    SHASH_FOR_EACH (doomed, &doomed_links) {
        sset_add(&used, doomed->name);
    }
    for (size_t p = 0; p < ARRAY_SIZE(prefixes); p++) {
        char **names;
        size_t n;

        if (link_list_prefix(prefixes[p], &names, &n)) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (!sset_contains(&used, names[i]) && link_is_mine(names[i])) {
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

/* Deletes the links of endpoints Docker deleted (and of networks' VXLAN
 * devices), once their ports are out of OVSDB (ovs-vswitchd would complain
 * about ports whose device vanished), all in one go. */
static void
delete_doomed_links(void)
{
    if (shash_is_empty(&doomed_links)) {
        return;
    }

    uint64_t applied = db_applied_seqno();
    const char **names = xmalloc(shash_count(&doomed_links) * sizeof *names);
    struct shash_node *node;
    size_t n = 0;

    SHASH_FOR_EACH (node, &doomed_links) {
        if ((uintptr_t) node->data <= applied) {
            names[n++] = node->name;
        }
    }
    if (n) {
        link_delete_many(names, n);
        for (size_t i = 0; i < n; i++) {
            char *name = xstrdup(names[i]);
            shash_find_and_delete(&doomed_links, name);
            free(name);
        }
    }
    free(names);
}

/* Creates the veth pair of 'ep' if it has none yet; if 'check', looks
 * whether it is still there, and drops the endpoint if not. */
static void
fix_endpoint_link(const struct ovsdb_idl *idl, struct state_endpoint *ep,
                  bool check)
{
    if (ep->error) {
        return;
    }
    struct ls_endpoint *r = ls_endpoint(ep);
    if (!r->link_created) {
        create_endpoint_link(idl, ep, r);
        return;
    }
    if (check && !link_exists(ep->port)) {
        VLOG_INFO("endpoint %s: link %s is gone, removing its port",
                  ep->id, ep->port);
        set_link_created(ep, r, false);
        state_endpoint_remove(ep);
    }
}

/* Creates the veth pairs of new endpoints, and drops the endpoints whose
 * link is gone: those in 'gone', those whose interface has an error in
 * OVSDB and, if 'full', every one.
 *
 * This runs at every iteration of the main loop: it looks at every
 * endpoint only at a full pass or when the desired state moved (new ones
 * need their links), else only at those whose links the kernel says went
 * away or ovs-vswitchd cannot open (from an index of the IDL). */
static void
fix_endpoint_links(const struct ovsdb_idl *idl, bool full,
                   const struct sset *gone)
{
    static uint64_t walked_seqno;
    struct sset errors = SSET_INITIALIZER(&errors);

    db_interfaces_with_error(&errors);
    if (full || state_seqno() != walked_seqno) {
        struct state_endpoint *ep;
        HMAP_FOR_EACH_SAFE (ep, node, state_endpoints()) {
            fix_endpoint_link(idl, ep,
                              (full
                               || (!sset_is_empty(gone)
                                   && sset_contains(gone, ep->port))
                               || (!sset_is_empty(&errors)
                                   && sset_contains(&errors, ep->port))));
        }
        walked_seqno = state_seqno();
    } else {
        const struct sset *sets[] = { gone, &errors };
        for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
            const char *name;
            SSET_FOR_EACH (name, sets[i]) {
                struct state_endpoint *ep = state_endpoint_find_by_port(name);
                if (ep) {
                    fix_endpoint_link(idl, ep, true);
                }
            }
        }
    }
    sset_destroy(&errors);
}

void
linksync_run(const struct ovsdb_idl *idl, bool full,
             const struct sset *gone, const struct sset *changed)
{
    delete_doomed_links();
    fix_endpoint_links(idl, full, gone);
    if (full) {
        sweep_orphan_links();
    }

    const struct state_network *net;
    HMAP_FOR_EACH (net, node, state_networks()) {
        struct ls_network *r = ls_network(net);
        if (full || sset_contains(changed, net->gw_port)) {
            r->gw_dirty = true;
        }
        fix_gateway_link(net, r);
        if (net->vx_dev) {
            fix_vxlan_link(net, r, full, gone, changed);
        }
    }
}
