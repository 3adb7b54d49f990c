/* ovsdb/state: the desired state of ovsnet. */

#include <config.h>

#include "ovsdb/state.h"

#include <netinet/in.h>
#include <string.h>

#include "bitmap.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "sset.h"
#include "util.h"

static struct hmap networks = HMAP_INITIALIZER(&networks);
static struct hmap endpoints = HMAP_INITIALIZER(&endpoints);
static const struct state_hooks *hooks;
static uint64_t seqno = 1;
static uint64_t nat_seqno = 1;
static bool loaded;
static char *unavailable;

/* Indexes of the endpoints: by port name and by MAC. */
static struct hmap endpoints_by_port = HMAP_INITIALIZER(&endpoints_by_port);
static struct hmap endpoints_by_mac = HMAP_INITIALIZER(&endpoints_by_mac);

static void port_index_add(struct state_endpoint *);
static void port_index_remove(struct state_endpoint *);

void
state_netcfg_init(struct state_netcfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    svec_init(&cfg->ipv4_pools);
    svec_init(&cfg->ipv4_gateways);
    svec_init(&cfg->ipv6_pools);
    svec_init(&cfg->ipv6_gateways);
    smap_init(&cfg->options);
    svec_init(&cfg->peers);
    svec_init(&cfg->swarm_nodes);
    svec_init(&cfg->host_ipv4);
    svec_init(&cfg->host_ipv6);
}

void
state_netcfg_destroy(struct state_netcfg *cfg)
{
    if (cfg) {
        free(cfg->bridge);
        free(cfg->datapath);
        svec_destroy(&cfg->ipv4_pools);
        svec_destroy(&cfg->ipv4_gateways);
        svec_destroy(&cfg->ipv6_pools);
        svec_destroy(&cfg->ipv6_gateways);
        smap_destroy(&cfg->options);
        free(cfg->tunnel);
        svec_destroy(&cfg->peers);
        free(cfg->local_ip);
        svec_destroy(&cfg->swarm_nodes);
        free(cfg->ovn);
        free(cfg->uplink);
        svec_destroy(&cfg->host_ipv4);
        svec_destroy(&cfg->host_ipv6);
    }
}

/* Returns true if 'ip' (a bare address, in any spelling) is in 'local', a
 * set of addresses in canonical form. */
static bool
state_ip_is_local(const char *ip, const struct sset *local)
{
    char *canonical = addr_ip_canonical(ip);
    bool found = canonical && sset_contains(local, canonical);

    free(canonical);
    return found;
}

static struct smap nodes = SMAP_INITIALIZER(&nodes);
static char *self_node;

/* Adds 'peer' of 'cfg' to 'remotes' or, if it is this host, to 'self'
 * (if nonnull), unless 'seen' has it. */
static void
split_peer(const struct state_netcfg *cfg, const struct sset *local,
           const char *peer, struct sset *seen,
           struct svec *remotes, struct svec *self)
{
    if (!sset_add(seen, peer)) {
        return;
    }
    if ((cfg->local_ip && !strcmp(cfg->local_ip, peer))
        || (cfg->swarm && self_node && !strcmp(self_node, peer))
        || state_ip_is_local(peer, local)) {
        if (self) {
            svec_add(self, peer);
        }
    } else {
        svec_add(remotes, peer);
    }
}

/* Adds the peers of tunnel network 'cfg' that are not this host to
 * 'remotes' and, if 'self' is nonnull, those that are (its ovs.local_ip,
 * swarm's address of this node, or one of the addresses of this host in
 * 'local', in canonical form) to 'self'.  A swarm network's peers are its
 * ovs.peers and the swarm's nodes, each once. */
void
state_netcfg_split_peers(const struct state_netcfg *cfg,
                         const struct sset *local,
                         struct svec *remotes, struct svec *self)
{
    struct sset seen = SSET_INITIALIZER(&seen);
    const char *peer;
    size_t i;

    SVEC_FOR_EACH (i, peer, &cfg->peers) {
        split_peer(cfg, local, peer, &seen, remotes, self);
    }
    if (cfg->swarm) {
        const struct smap_node **sorted = smap_sort(&nodes);
        for (i = 0; i < smap_count(&nodes); i++) {
            split_peer(cfg, local, sorted[i]->key, &seen, remotes, self);
        }
        free(sorted);
    }
    sset_destroy(&seen);
}

const char *
state_netcfg_peer_origin(const struct state_netcfg *cfg, const char *peer)
{
    return (svec_contains_unsorted(&cfg->peers, peer) ? "ovs.peers"
            : smap_get_def(&nodes, peer, "?"));
}

/* Returns the address family of the underlay of tunnel network 'cfg' (of
 * its peers and ovs.local_ip): AF_INET or AF_INET6, 0 if it has none of
 * them, -1 if they mix the two. */
int
state_netcfg_peer_family(const struct state_netcfg *cfg)
{
    int family = 0;
    const char *peer;
    size_t i;

    if (cfg->local_ip) {
        addr_ip_valid(cfg->local_ip, &family);
    }
    SVEC_FOR_EACH (i, peer, &cfg->peers) {
        int f;
        if (addr_ip_valid(peer, &f)) {
            if (family && f != family) {
                return -1;
            }
            family = f;
        }
    }
    return family;
}

/* What changed since the last state_take_changes(): the port names of the
 * endpoints added, changed or removed, and whether anything else did. */
static struct sset changed_ports = SSET_INITIALIZER(&changed_ports);
static bool changed_other = true;

/* A change of something other than an endpoint (a network). */
static void
state_changed(void)
{
    seqno++;
    if (!changed_other) {
        changed_other = true;
        sset_clear(&changed_ports);
    }
}

/* A change of endpoint 'ep' alone. */
static void
state_endpoint_changed(struct state_endpoint *ep)
{
    seqno++;
    ep->changed_seqno = seqno;
    if (!changed_other) {
        sset_add(&changed_ports, ep->port);
    }
}

bool
state_take_changes(struct sset *ports)
{
    bool only_endpoints = !changed_other;

    sset_swap(&changed_ports, ports);
    sset_clear(&changed_ports);
    changed_other = false;
    return only_endpoints;
}

/* A change of what state_nat_seqno() follows. */
static void
state_nat_changed(void)
{
    nat_seqno++;
}

/* Forgets everything (used when the daemon exits or after a clean-up). */
void
state_clear(void)
{
    struct state_endpoint *ep;
    HMAP_FOR_EACH_SAFE (ep, node, &endpoints) {
        state_endpoint_remove(ep);
    }
    struct state_network *net;
    HMAP_FOR_EACH_SAFE (net, node, &networks) {
        state_network_remove(net);
    }
    smap_clear(&nodes);
    free(self_node);
    self_node = NULL;
    state_changed();
}

void
state_unload(void)
{
    struct state_endpoint *ep;
    HMAP_FOR_EACH_SAFE (ep, node, &endpoints) {
        state_endpoint_remove(ep);
    }
    struct state_network *net;
    HMAP_FOR_EACH_SAFE (net, node, &networks) {
        free(net->vx_dev);
        net->vx_dev = NULL;
        state_network_remove(net);
    }
    smap_clear(&nodes);
    free(self_node);
    self_node = NULL;
    loaded = false;
    state_changed();
}

void
state_set_unavailable(const char *reason)
{
    if (!nullable_string_is_equal(reason, unavailable)) {
        free(unavailable);
        unavailable = nullable_xstrdup(reason);
    }
}

const char *
state_unavailable(void)
{
    return unavailable;
}

void
state_destroy(void)
{
    state_clear();
    state_set_unavailable(NULL);
    hmap_destroy(&networks);
    hmap_destroy(&endpoints);
    hmap_destroy(&endpoints_by_port);
    hmap_destroy(&endpoints_by_mac);
    sset_destroy(&changed_ports);
    sset_init(&changed_ports);
    smap_destroy(&nodes);
    smap_init(&nodes);
    changed_other = true;
}

uint64_t
state_seqno(void)
{
    return seqno;
}

uint64_t
state_nat_seqno(void)
{
    return nat_seqno;
}

bool
state_is_loaded(void)
{
    return loaded;
}

void
state_set_loaded(void)
{
    loaded = true;
}

const struct hmap *
state_networks(void)
{
    return &networks;
}

const struct hmap *
state_endpoints(void)
{
    return &endpoints;
}

struct state_network *
state_network_find(const char *id)
{
    struct state_network *net;

    HMAP_FOR_EACH_WITH_HASH (net, node, hash_string(id, 0), &networks) {
        if (!strcmp(net->id, id)) {
            return net;
        }
    }
    return NULL;
}

struct state_endpoint *
state_endpoint_find(const char *id)
{
    struct state_endpoint *ep;

    HMAP_FOR_EACH_WITH_HASH (ep, node, hash_string(id, 0), &endpoints) {
        if (!strcmp(ep->id, id)) {
            return ep;
        }
    }
    return NULL;
}

struct state_endpoint *
state_endpoint_find_by_port(const char *port)
{
    struct state_endpoint *ep;

    HMAP_FOR_EACH_WITH_HASH (ep, port_node, hash_string(port, 0),
                             &endpoints_by_port) {
        if (!strcmp(ep->port, port)) {
            return ep;
        }
    }
    return NULL;
}

bool
state_mac_in_use(const struct eth_addr *mac)
{
    const struct state_endpoint *ep;

    HMAP_FOR_EACH_WITH_HASH (ep, mac_node, hash_mac(*mac, 0, 0),
                             &endpoints_by_mac) {
        if (eth_addr_equals(ep->mac, *mac)) {
            return true;
        }
    }
    return false;
}

/* Returns a network other than none on 'bridge' with access VLAN 'vlan' (0
 * for untagged), or NULL. */
struct state_network *
state_network_find_by_bridge_vlan(const char *bridge, int vlan)
{
    struct state_network *net;

    HMAP_FOR_EACH (net, node, &networks) {
        if (!strcmp(net->cfg.bridge, bridge) && net->cfg.vlan == vlan) {
            return net;
        }
    }
    return NULL;
}

size_t
state_network_n_endpoints(const struct state_network *net)
{
    const struct state_endpoint *ep;
    size_t n = 0;

    HMAP_FOR_EACH (ep, node, &endpoints) {
        n += !strcmp(ep->network_id, net->id);
    }
    return n;
}

/* Moves the provider network settings of 'from' into 'to'. */
static void
state_netcfg_move_provider(struct state_netcfg *to,
                           struct state_netcfg *from)
{
    to->uplink = from->uplink;
    from->uplink = NULL;
    svec_swap(&to->host_ipv4, &from->host_ipv4);
    svec_swap(&to->host_ipv6, &from->host_ipv6);
}

struct state_network *
state_network_add(const char *id, struct state_netcfg *cfg)
{
    struct state_network *net = xzalloc(sizeof *net);

    net->id = xstrdup(id);
    /* Move, not copy: the svecs and the smap own memory, and an smap holds
     * pointers into itself. */
    state_netcfg_init(&net->cfg);
    net->cfg.bridge = cfg->bridge;
    net->cfg.datapath = cfg->datapath;
    cfg->bridge = cfg->datapath = NULL;
    net->cfg.vlan = cfg->vlan;
    net->cfg.mtu = cfg->mtu;
    net->cfg.internal = cfg->internal;
    net->cfg.nat = cfg->nat && !cfg->internal;
    svec_swap(&net->cfg.ipv4_pools, &cfg->ipv4_pools);
    svec_swap(&net->cfg.ipv4_gateways, &cfg->ipv4_gateways);
    svec_swap(&net->cfg.ipv6_pools, &cfg->ipv6_pools);
    svec_swap(&net->cfg.ipv6_gateways, &cfg->ipv6_gateways);
    hmap_swap(&net->cfg.options.map, &cfg->options.map);
    net->cfg.tunnel = cfg->tunnel;
    net->cfg.local_ip = cfg->local_ip;
    cfg->tunnel = cfg->local_ip = NULL;
    net->cfg.vni = cfg->vni;
    svec_swap(&net->cfg.peers, &cfg->peers);
    net->cfg.vxlan_device = cfg->vxlan_device;
    net->cfg.swarm = cfg->swarm;
    svec_swap(&net->cfg.swarm_nodes, &cfg->swarm_nodes);
    net->cfg.ovn = cfg->ovn;
    cfg->ovn = NULL;
    state_netcfg_move_provider(&net->cfg, cfg);
    net->gw_port = names_gateway(id);
    if (state_network_is_kernel_vxlan(net)) {
        net->vx_dev = names_vxlan(id);
    }
    hmap_insert(&networks, &net->node, hash_string(id, 0));
    state_changed();
    state_nat_changed();
    return net;
}

/* Removes 'net' and every endpoint on it. */
void
state_network_remove(struct state_network *net)
{
    if (!net) {
        return;
    }

    struct state_endpoint *ep;
    HMAP_FOR_EACH_SAFE (ep, node, &endpoints) {
        if (!strcmp(ep->network_id, net->id)) {
            state_endpoint_remove(ep);
        }
    }
    hmap_remove(&networks, &net->node);
    state_changed();
    state_nat_changed();
    if (hooks && hooks->network_removed) {
        hooks->network_removed(net, seqno);
    }
    state_netcfg_destroy(&net->cfg);
    free(net->id);
    free(net->gw_port);
    free(net->vx_dev);
    free(net);
}

struct state_endpoint *
state_endpoint_add(const char *id, const char *network_id,
                   const struct eth_addr *mac,
                   const char *ipv4, const char *ipv6)
{
    struct state_endpoint *ep = xzalloc(sizeof *ep);

    ep->id = xstrdup(id);
    ep->network_id = xstrdup(network_id);
    ep->port = names_port(id);
    ep->peer = names_peer(id);
    ep->mac = *mac;
    ep->ipv4 = ipv4 && ipv4[0] ? xstrdup(ipv4) : NULL;
    ep->ipv6 = ipv6 && ipv6[0] ? xstrdup(ipv6) : NULL;
    hmap_insert(&endpoints, &ep->node, hash_string(id, 0));
    hmap_insert(&endpoints_by_port, &ep->port_node, hash_string(ep->port, 0));
    hmap_insert(&endpoints_by_mac, &ep->mac_node, hash_mac(ep->mac, 0, 0));
    state_endpoint_changed(ep);
    return ep;
}

void
state_endpoint_remove(struct state_endpoint *ep)
{
    if (ep) {
        hmap_remove(&endpoints, &ep->node);
        hmap_remove(&endpoints_by_port, &ep->port_node);
        hmap_remove(&endpoints_by_mac, &ep->mac_node);
        port_index_remove(ep);
        state_endpoint_changed(ep);
        if (ep->n_ports) {
            state_nat_changed();
        }
        if (hooks && hooks->endpoint_removed) {
            hooks->endpoint_removed(ep, seqno);
        }
        free(ep->error);
        free(ep->id);
        free(ep->network_id);
        free(ep->port);
        free(ep->peer);
        free(ep->ipv4);
        free(ep->ipv6);
        free(ep->ports);
        free(ep);
    }
}

void
state_endpoint_set_ports(struct state_endpoint *ep,
                         const struct state_port *ports, size_t n)
{
    if (n || ep->n_ports) {
        state_nat_changed();
    }
    port_index_remove(ep);
    free(ep->ports);
    ep->ports = n ? xmemdup(ports, n * sizeof *ports) : NULL;
    ep->n_ports = n;
    port_index_add(ep);
    state_endpoint_changed(ep);
}

bool
state_ports_overlap(const struct state_port *a, const struct state_port *b)
{
    return (a->proto == b->proto && a->host_port == b->host_port
            && (!a->host_ip[0] || !b->host_ip[0]
                || !strcmp(a->host_ip, b->host_ip)));
}

/* The index of host ports.
 *
 * Every published port of every endpoint is in 'port_uses', by protocol and
 * host port, so that the endpoints publishing a given host port are found
 * at once.  To find a free host port without trying them one by one, each
 * protocol also has bitmaps of its host ports: those taken on any address
 * (the key "*"), those taken on every address (host_ip "", key ""), and
 * those taken on each address given (the address as key).  A port is free
 * for host_ip "" where it is clear in "*", and for an address A where it is
 * clear in "" and in A. */

#define PORT_BITMAP_LONGS BITMAP_N_LONGS(65536)

struct state_port_use {
    struct hmap_node node;      /* In 'port_uses', by port_use_hash(). */
    const struct state_endpoint *ep;
    const struct state_port *port;      /* In 'ep->ports'. */
};

struct port_bitmap {
    struct hmap_node node;      /* In 'port_bitmaps', by proto and key. */
    uint8_t proto;
    char key[sizeof ((struct state_port *) NULL)->host_ip];
    size_t n;                   /* Bits set. */
    unsigned long bits[PORT_BITMAP_LONGS];
};

static struct hmap port_uses = HMAP_INITIALIZER(&port_uses);
static struct hmap port_bitmaps = HMAP_INITIALIZER(&port_bitmaps);

static uint32_t
port_use_hash(uint8_t proto, uint16_t host_port)
{
    return hash_int(proto << 16 | host_port, 0);
}

static uint32_t
port_bitmap_hash(uint8_t proto, const char *key)
{
    return hash_string(key, proto);
}

static struct port_bitmap *
port_bitmap_find(uint8_t proto, const char *key)
{
    struct port_bitmap *b;

    HMAP_FOR_EACH_WITH_HASH (b, node, port_bitmap_hash(proto, key),
                             &port_bitmaps) {
        if (b->proto == proto && !strcmp(b->key, key)) {
            return b;
        }
    }
    return NULL;
}

static void
port_bitmap_set(uint8_t proto, const char *key, uint16_t port)
{
    struct port_bitmap *b = port_bitmap_find(proto, key);

    if (!b) {
        b = xzalloc(sizeof *b);
        b->proto = proto;
        ovs_strlcpy(b->key, key, sizeof b->key);
        hmap_insert(&port_bitmaps, &b->node, port_bitmap_hash(proto, key));
    }
    if (!bitmap_is_set(b->bits, port)) {
        bitmap_set1(b->bits, port);
        b->n++;
    }
}

static void
port_bitmap_clear(uint8_t proto, const char *key, uint16_t port)
{
    struct port_bitmap *b = port_bitmap_find(proto, key);

    if (b && bitmap_is_set(b->bits, port)) {
        bitmap_set0(b->bits, port);
        if (!--b->n) {
            hmap_remove(&port_bitmaps, &b->node);
            free(b);
        }
    }
}

static void
port_index_add(struct state_endpoint *ep)
{
    ep->port_uses = ep->n_ports ? xcalloc(ep->n_ports,
                                          sizeof *ep->port_uses) : NULL;
    for (size_t i = 0; i < ep->n_ports; i++) {
        struct state_port_use *use = &ep->port_uses[i];
        const struct state_port *p = &ep->ports[i];

        use->ep = ep;
        use->port = p;
        hmap_insert(&port_uses, &use->node,
                    port_use_hash(p->proto, p->host_port));
        port_bitmap_set(p->proto, "*", p->host_port);
        port_bitmap_set(p->proto, p->host_ip, p->host_port);
    }
}

static void
port_index_remove(struct state_endpoint *ep)
{
    for (size_t i = 0; i < ep->n_ports; i++) {
        const struct state_port *p = &ep->ports[i];
        uint32_t hash = port_use_hash(p->proto, p->host_port);
        bool any = false, same_ip = false;

        hmap_remove(&port_uses, &ep->port_uses[i].node);

        /* Does another use keep the bits set? */
        const struct state_port_use *use;
        HMAP_FOR_EACH_WITH_HASH (use, node, hash, &port_uses) {
            if (use->port->proto == p->proto
                && use->port->host_port == p->host_port) {
                any = true;
                same_ip |= !strcmp(use->port->host_ip, p->host_ip);
            }
        }
        if (!any) {
            port_bitmap_clear(p->proto, "*", p->host_port);
        }
        if (!same_ip) {
            port_bitmap_clear(p->proto, p->host_ip, p->host_port);
        }
    }
    free(ep->port_uses);
    ep->port_uses = NULL;
}

const struct state_endpoint *
state_port_owner(const struct state_port *p, const struct state_endpoint *self)
{
    const struct state_port_use *use;

    HMAP_FOR_EACH_WITH_HASH (use, node, port_use_hash(p->proto, p->host_port),
                             &port_uses) {
        if (use->ep != self && state_ports_overlap(p, use->port)) {
            return use->ep;
        }
    }
    return NULL;
}

/* Returns the lowest port from 'first' to 'last' that is clear in 'a' and
 * in 'b' (either may be NULL: all clear), or 0 if there is none. */
static uint16_t
port_bitmaps_scan(const struct port_bitmap *a, const struct port_bitmap *b,
                  uint16_t first, uint16_t last)
{
    for (size_t w = first / BITMAP_ULONG_BITS;
         w <= last / BITMAP_ULONG_BITS; w++) {
        unsigned long taken = ((a ? a->bits[w] : 0) | (b ? b->bits[w] : 0));
        size_t base = w * BITMAP_ULONG_BITS;

        if (base < first) {
            /* Bits below 'first' count as taken. */
            taken |= (1UL << (first - base)) - 1;
        }
        if (~taken) {
            size_t port = base + raw_ctz(~taken);
            return port <= last ? port : 0;
        }
    }
    return 0;
}

uint16_t
state_port_first_free(const struct state_port *p, uint16_t first,
                      uint16_t last, const struct state_endpoint *self)
{
    if (!first || first > last) {
        return 0;
    }

    /* Ports that nobody publishes. */
    uint16_t port;
    if (p->host_ip[0]) {
        port = port_bitmaps_scan(port_bitmap_find(p->proto, ""),
                                 port_bitmap_find(p->proto, p->host_ip),
                                 first, last);
    } else {
        port = port_bitmaps_scan(port_bitmap_find(p->proto, "*"), NULL,
                                 first, last);
    }

    /* Below that, one that only 'self' publishes may be free too. */
    for (size_t i = 0; self && i < self->n_ports; i++) {
        struct state_port q = *p;

        q.host_port = self->ports[i].host_port;
        if (q.host_port >= first && q.host_port <= last
            && (!port || q.host_port < port)
            && state_ports_overlap(&q, &self->ports[i])
            && !state_port_owner(&q, self)) {
            port = q.host_port;
        }
    }
    return port;
}

void
state_ports_format(struct ds *s, const struct state_port *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct state_port *p = &ports[i];
        bool v6 = strchr(p->host_ip, ':') != NULL;

        ds_put_format(s, "%s%s%s%s%s%"PRIu16"->%"PRIu16"/%s",
                      i ? ", " : "", v6 ? "[" : "", p->host_ip,
                      v6 ? "]" : "", p->host_ip[0] ? ":" : "",
                      p->host_port, p->port, addr_proto_name(p->proto));
    }
}

void
state_set_hooks(const struct state_hooks *h)
{
    hooks = h;
}

void
state_touch(void)
{
    state_changed();
}

const struct smap *
state_nodes(void)
{
    return &nodes;
}

const char *
state_self_node(void)
{
    return self_node;
}

bool
state_node_add(const char *ip, const char *origin)
{
    const char *have = smap_get(&nodes, ip);

    if (have && (!strcmp(have, origin) || strcmp(origin, "swarm"))) {
        return false;
    }
    smap_replace(&nodes, ip, origin);
    state_changed();
    return true;
}

bool
state_node_remove(const char *ip)
{
    if (!smap_get(&nodes, ip)) {
        return false;
    }
    smap_remove(&nodes, ip);
    state_changed();
    return true;
}

bool
state_set_self_node(const char *ip)
{
    if (nullable_string_is_equal(ip, self_node)) {
        return false;
    }
    free(self_node);
    self_node = nullable_xstrdup(ip);
    state_changed();
    return true;
}

/* Stores in 'mac' a random locally administered MAC that no endpoint has. */
void
state_random_mac(struct eth_addr *mac)
{
    do {
        names_random_mac(mac, NULL, 0);
    } while (state_mac_in_use(mac));
}

void
state_network_set_peers(struct state_network *net, const struct svec *peers)
{
    svec_destroy(&net->cfg.peers);
    svec_clone(&net->cfg.peers, peers);
    state_changed();
}

bool
state_network_is_kernel_vxlan(const struct state_network *net)
{
    return (net->cfg.tunnel && !strcmp(net->cfg.tunnel, "vxlan")
            && net->cfg.vxlan_device == STATE_VXLAN_KERNEL);
}

void
state_network_gateway_mac(const struct state_network *net,
                          struct eth_addr *mac)
{
    /* Docker gives the network a different ID on every host, but the
     * tunnel type and key are the same everywhere: 02 (locally
     * administered, unicast), a byte for the type, the key's low 32 bits.
     * In OVN mode, the switch's name is: 02, 05, 32 bits of its hash. */
    if (net->cfg.ovn) {
        uint32_t h = hash_string(net->cfg.ovn, 0);
        *mac = (struct eth_addr) { .ea = { 0x02, 0x05, h >> 24, h >> 16,
                                           h >> 8, h } };
        return;
    }
    const char *t = net->cfg.tunnel ? net->cfg.tunnel : "";
    uint32_t vni = net->cfg.vni;

    mac->ea[0] = 0x02;
    mac->ea[1] = (!strcmp(t, "vxlan") ? 1 : !strcmp(t, "gre") ? 2
                  : !strcmp(t, "geneve") ? 3 : !strcmp(t, "stt") ? 4 : 0);
    mac->ea[2] = vni >> 24;
    mac->ea[3] = vni >> 16;
    mac->ea[4] = vni >> 8;
    mac->ea[5] = vni;
}

bool
state_netcfg_host_is_gateway(const struct state_netcfg *cfg)
{
    return !cfg->internal && !cfg->uplink;
}

const struct svec *
state_netcfg_host_addrs(const struct state_netcfg *cfg, int family)
{
    static const struct svec none = SVEC_EMPTY_INITIALIZER;

    if (cfg->uplink) {
        return family == AF_INET ? &cfg->host_ipv4 : &cfg->host_ipv6;
    } else if (cfg->internal) {
        return &none;
    }
    return family == AF_INET ? &cfg->ipv4_gateways : &cfg->ipv6_gateways;
}
