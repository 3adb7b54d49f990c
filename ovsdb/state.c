/* ovsdb/state: the desired state of ovsnet. */

#include <config.h>

#include "ovsdb/state.h"

#include <netinet/in.h>
#include <string.h>

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
static bool loaded;
static char *unavailable;

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

/* Adds the peers of tunnel network 'cfg' that are not this host to
 * 'remotes' and, if 'self' is nonnull, those that are (its ovs.local_ip, or
 * one of the addresses of this host in 'local', in canonical form) to
 * 'self'. */
void
state_netcfg_split_peers(const struct state_netcfg *cfg,
                         const struct sset *local,
                         struct svec *remotes, struct svec *self)
{
    const char *peer;
    size_t i;

    SVEC_FOR_EACH (i, peer, &cfg->peers) {
        if ((cfg->local_ip && !strcmp(cfg->local_ip, peer))
            || state_ip_is_local(peer, local)) {
            if (self) {
                svec_add(self, peer);
            }
        } else {
            svec_add(remotes, peer);
        }
    }
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

static void
state_changed(void)
{
    seqno++;
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
}

uint64_t
state_seqno(void)
{
    return seqno;
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
    net->gw_port = names_gateway(id);
    if (state_network_is_kernel_vxlan(net)) {
        net->vx_dev = names_vxlan(id);
    }
    hmap_insert(&networks, &net->node, hash_string(id, 0));
    state_changed();
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
    state_changed();
    return ep;
}

void
state_endpoint_remove(struct state_endpoint *ep)
{
    if (ep) {
        hmap_remove(&endpoints, &ep->node);
        state_changed();
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
    free(ep->ports);
    ep->ports = n ? xmemdup(ports, n * sizeof *ports) : NULL;
    ep->n_ports = n;
    state_changed();
}

bool
state_ports_overlap(const struct state_port *a, const struct state_port *b)
{
    return (a->proto == b->proto && a->host_port == b->host_port
            && (!a->host_ip[0] || !b->host_ip[0]
                || !strcmp(a->host_ip, b->host_ip)));
}

const struct state_endpoint *
state_port_owner(const struct state_port *p, const struct state_endpoint *self)
{
    const struct state_endpoint *ep;

    HMAP_FOR_EACH (ep, node, &endpoints) {
        if (ep == self) {
            continue;
        }
        for (size_t i = 0; i < ep->n_ports; i++) {
            if (state_ports_overlap(p, &ep->ports[i])) {
                return ep;
            }
        }
    }
    return NULL;
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

/* Stores in 'mac' a random locally administered MAC that no endpoint has. */
void
state_random_mac(struct eth_addr *mac)
{
    size_t n = 0;
    struct eth_addr *used = xmalloc((hmap_count(&endpoints) + 1)
                                    * sizeof *used);
    const struct state_endpoint *ep;

    HMAP_FOR_EACH (ep, node, &endpoints) {
        used[n++] = ep->mac;
    }
    names_random_mac(mac, used, n);
    free(used);
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
     * administered, unicast), a byte for the type, the key's low 32 bits. */
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
