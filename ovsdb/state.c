/* ovsdb/state: the desired state of ovsnet. */

#include <config.h>

#include "ovsdb/state.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "netns/route.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb/names.h"
#include "sset.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(state);

static struct hmap networks = HMAP_INITIALIZER(&networks);
static struct hmap endpoints = HMAP_INITIALIZER(&endpoints);
static struct shash doomed_links = SHASH_INITIALIZER(&doomed_links);
static uint64_t seqno = 1;
static bool loaded;

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

/* Adds the peers of tunnel network 'cfg' that are not this host to
 * 'remotes' and, if 'self' is nonnull, those that are (its ovs.local_ip, an
 * address of this host) to 'self'. */
void
state_netcfg_split_peers(const struct state_netcfg *cfg,
                         struct svec *remotes, struct svec *self)
{
    const char *peer;
    size_t i;

    SVEC_FOR_EACH (i, peer, &cfg->peers) {
        if ((cfg->local_ip && !strcmp(cfg->local_ip, peer))
            || route_is_local(peer)) {
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
        route_ip_valid(cfg->local_ip, &family);
    }
    SVEC_FOR_EACH (i, peer, &cfg->peers) {
        int f;
        if (route_ip_valid(peer, &f)) {
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
state_destroy(void)
{
    state_clear();
    shash_destroy(&doomed_links);
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
        net->vx_dirty = true;
    }
    net->gw_dirty = true;
    net->gw_ofport = 0;
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
    if (net->vx_dev) {
        /* Deleted once its port is out of OVSDB, like endpoints' links. */
        shash_replace(&doomed_links, net->vx_dev, (void *) (uintptr_t) seqno);
    }
    state_netcfg_destroy(&net->cfg);
    free(net->id);
    free(net->gw_port);
    free(net->gw_error);
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
        if (ep->link_created) {
            shash_replace(&doomed_links, ep->port,
                          (void *) (uintptr_t) seqno);
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

/* Returns "tcp", "udp" or "sctp" for 'proto', or NULL. */
const char *
state_proto_name(uint8_t proto)
{
    return (proto == IPPROTO_TCP ? "tcp"
            : proto == IPPROTO_UDP ? "udp"
            : proto == IPPROTO_SCTP ? "sctp"
            : NULL);
}

uint8_t
state_proto_from_name(const char *name)
{
    return (!strcmp(name, "tcp") ? IPPROTO_TCP
            : !strcmp(name, "udp") ? IPPROTO_UDP
            : !strcmp(name, "sctp") ? IPPROTO_SCTP
            : 0);
}

/* Returns the published ports 'ports' as OVSDB stores them, a comma-separated
 * list of PROTO/HOSTPORT/PORT[/HOSTIP] (e.g. "tcp/8080/80,udp/53/53/
 * 192.0.2.1"; IPv6 addresses have no '/' or ','), or NULL if 'n' is 0.  The
 * caller frees it. */
char *
state_ports_to_string(const struct state_port *ports, size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        const struct state_port *p = &ports[i];
        ds_put_format(&s, "%s%s/%"PRIu16"/%"PRIu16, i ? "," : "",
                      state_proto_name(p->proto), p->host_port, p->port);
        if (p->host_ip[0]) {
            ds_put_format(&s, "/%s", p->host_ip);
        }
    }
    return n ? ds_steal_cstr(&s) : NULL;
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
                      p->host_port, p->port, state_proto_name(p->proto));
    }
}

/* Parses 's', as made by state_ports_to_string(), into a new array in
 * '*portsp' of '*n' elements that the caller frees.  Returns NULL, or an
 * error message (and no array) that the caller frees. */
char *
state_ports_from_string(const char *s, struct state_port **portsp, size_t *n)
{
    char *copy = xstrdup(s);
    char *save_ptr = NULL;
    char *error = NULL;
    size_t allocated = 0;

    *portsp = NULL;
    *n = 0;
    for (char *t = strtok_r(copy, ",", &save_ptr); t && !error;
         t = strtok_r(NULL, ",", &save_ptr)) {
        char proto[8], ip[64] = "";
        unsigned int host_port, port;
        struct state_port p;
        int len = 0;

        memset(&p, 0, sizeof p);
        if (!ovs_scan_len(t, &len, "%7[a-z]/%u/%u", proto, &host_port,
                          &port)
            || (t[len] && !ovs_scan_len(t, &len, "/%63[0-9a-fA-F.:]", ip))
            || t[len]) {
            error = xasprintf("%.80s: not PROTO/HOSTPORT/PORT[/HOSTIP]", t);
        } else if ((p.proto = state_proto_from_name(proto)) != 0) {
            if (!host_port || host_port > 65535 || !port || port > 65535) {
                error = xasprintf("%.80s: ports go from 1 to 65535", t);
            } else if (ip[0] && !route_ip_valid(ip, NULL)) {
                error = xasprintf("%.80s: %s is not an IP address", t, ip);
            }
            p.host_port = host_port;
            p.port = port;
            ovs_strlcpy(p.host_ip, ip, sizeof p.host_ip);
        } else {
            error = xasprintf("%.80s: the protocol must be tcp, udp or "
                              "sctp", t);
        }
        if (!error) {
            if (*n >= allocated) {
                *portsp = x2nrealloc(*portsp, &allocated, sizeof **portsp);
            }
            (*portsp)[(*n)++] = p;
        }
    }
    free(copy);
    if (error) {
        free(*portsp);
        *portsp = NULL;
        *n = 0;
    }
    return error;
}

struct shash *
state_doomed_links(void)
{
    return &doomed_links;
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
    net->vx_dirty = true;
    state_changed();
}

bool
state_network_is_kernel_vxlan(const struct state_network *net)
{
    return (net->cfg.tunnel && !strcmp(net->cfg.tunnel, "vxlan")
            && net->cfg.vxlan_device == STATE_VXLAN_KERNEL);
}

void
state_network_set_vxlan_ready(struct state_network *net, bool ready)
{
    if (net->vx_ready != ready) {
        net->vx_ready = ready;
        state_changed();
    }
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

void
state_mark_all_gateways_dirty(void)
{
    struct state_network *net;

    HMAP_FOR_EACH (net, node, &networks) {
        net->gw_dirty = true;
    }
}

void
state_network_set_gw_error(struct state_network *net, const char *error)
{
    if (error ? !net->gw_error || strcmp(error, net->gw_error)
        : net->gw_error != NULL) {
        free(net->gw_error);
        net->gw_error = nullable_xstrdup(error);
    }
}

/* Persistence. */

static void
svec_put(struct smap *ids, const char *key, const struct svec *v)
{
    if (v->n) {
        char *s = svec_join(v, ",", "");
        smap_add_nocopy(ids, xstrdup(key), s);
    }
}

static void
svec_get(const struct smap *ids, const char *key, struct svec *v)
{
    const char *s = smap_get(ids, key);

    if (s && s[0]) {
        char *copy = xstrdup(s);
        char *save_ptr = NULL;
        for (char *t = strtok_r(copy, ",", &save_ptr); t;
             t = strtok_r(NULL, ",", &save_ptr)) {
            svec_add(v, t);
        }
        free(copy);
    }
}

void
state_network_to_smap(const struct state_network *net, struct smap *ids)
{
    const struct state_netcfg *cfg = &net->cfg;

    smap_add(ids, STATE_KEY_ROLE, STATE_ROLE_NETWORK);
    smap_add(ids, STATE_KEY_NETWORK, net->id);
    smap_add(ids, "ovsnet-bridge", cfg->bridge);
    smap_add_format(ids, "ovsnet-vlan", "%d", cfg->vlan);
    smap_add_format(ids, "ovsnet-mtu", "%d", cfg->mtu);
    smap_add(ids, "ovsnet-datapath", cfg->datapath);
    smap_add(ids, "ovsnet-internal", cfg->internal ? "true" : "false");
    smap_add(ids, "ovsnet-nat", cfg->nat ? "true" : "false");
    svec_put(ids, "ovsnet-ipv4-pools", &cfg->ipv4_pools);
    svec_put(ids, "ovsnet-ipv4-gateways", &cfg->ipv4_gateways);
    svec_put(ids, "ovsnet-ipv6-pools", &cfg->ipv6_pools);
    svec_put(ids, "ovsnet-ipv6-gateways", &cfg->ipv6_gateways);
    if (cfg->tunnel) {
        smap_add(ids, "ovsnet-tunnel", cfg->tunnel);
        smap_add_format(ids, "ovsnet-vni", "%"PRIu64, cfg->vni);
        svec_put(ids, "ovsnet-peers", &cfg->peers);
        if (cfg->local_ip) {
            smap_add(ids, "ovsnet-local-ip", cfg->local_ip);
        }
        if (cfg->vxlan_device != STATE_VXLAN_AUTO) {
            smap_add(ids, "ovsnet-vxlan-device",
                     cfg->vxlan_device == STATE_VXLAN_KERNEL
                     ? "kernel" : "ovs");
        }
    }
    if (!smap_is_empty(&cfg->options)) {
        struct json *o = json_object_create();
        struct smap_node *node;
        SMAP_FOR_EACH (node, &cfg->options) {
            json_object_put_string(o, node->key, node->value);
        }
        smap_add_nocopy(ids, xstrdup("ovsnet-options"),
                        json_to_string(o, JSSF_SORT));
        json_destroy(o);
    }
}

void
state_endpoint_to_smap(const struct state_endpoint *ep, struct smap *ids)
{
    smap_add(ids, "iface-id", ep->id);
    smap_add_format(ids, "attached-mac", ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
    smap_add(ids, "iface-status", "active");
    smap_add(ids, STATE_KEY_ROLE, STATE_ROLE_ENDPOINT);
    smap_add(ids, STATE_KEY_NETWORK, ep->network_id);
    smap_add(ids, STATE_KEY_ENDPOINT, ep->id);
    smap_add(ids, "ovsnet-peer", ep->peer);
    if (ep->ipv4) {
        smap_add(ids, "ovsnet-ipv4", ep->ipv4);
    }
    if (ep->ipv6) {
        smap_add(ids, "ovsnet-ipv6", ep->ipv6);
    }
    if (ep->n_ports) {
        smap_add_nocopy(ids, xstrdup("ovsnet-ports"),
                        state_ports_to_string(ep->ports, ep->n_ports));
    }
}

/* Returns true if 'ids' is exactly what state_endpoint_to_smap() would
 * make of 'ep' (without building it: reconcile asks this of every endpoint
 * on every pass). */
bool
state_endpoint_ids_match(const struct state_endpoint *ep,
                         const struct smap *ids)
{
    char mac[ETH_ADDR_STRLEN + 1];
    snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
    char *ports = state_ports_to_string(ep->ports, ep->n_ports);

    const char *kv[][2] = {
        { "iface-id", ep->id },
        { "attached-mac", mac },
        { "iface-status", "active" },
        { STATE_KEY_ROLE, STATE_ROLE_ENDPOINT },
        { STATE_KEY_NETWORK, ep->network_id },
        { STATE_KEY_ENDPOINT, ep->id },
        { "ovsnet-peer", ep->peer },
        { "ovsnet-ipv4", ep->ipv4 },
        { "ovsnet-ipv6", ep->ipv6 },
        { "ovsnet-ports", ports },
    };
    size_t n = 0;
    bool match = true;

    for (size_t i = 0; match && i < ARRAY_SIZE(kv); i++) {
        if (kv[i][1]) {
            const char *value = smap_get(ids, kv[i][0]);
            match = value && !strcmp(value, kv[i][1]);
            n++;
        }
    }
    free(ports);
    return match && state_count_our_keys(ids) == n;
}

/* Reads back a network recorded by state_network_to_smap(). */
static void
state_load_network(const struct smap *ids)
{
    const char *id = smap_get(ids, STATE_KEY_NETWORK);
    const char *bridge = smap_get(ids, "ovsnet-bridge");
    const char *datapath = smap_get(ids, "ovsnet-datapath");

    if (!names_id_valid(id) || !bridge || !datapath
        || state_network_find(id)) {
        VLOG_WARN("ignoring an invalid network record (%s)",
                  id ? id : "no id");
        return;
    }

    struct state_netcfg cfg;
    state_netcfg_init(&cfg);
    cfg.bridge = xstrdup(bridge);
    cfg.datapath = xstrdup(datapath);
    cfg.vlan = smap_get_int(ids, "ovsnet-vlan", 0);
    cfg.mtu = smap_get_int(ids, "ovsnet-mtu", 1500);
    cfg.internal = smap_get_bool(ids, "ovsnet-internal", false);
    /* Networks recorded before ovs.nat existed get its default. */
    cfg.nat = smap_get_bool(ids, "ovsnet-nat", !cfg.internal);
    svec_get(ids, "ovsnet-ipv4-pools", &cfg.ipv4_pools);
    svec_get(ids, "ovsnet-ipv4-gateways", &cfg.ipv4_gateways);
    svec_get(ids, "ovsnet-ipv6-pools", &cfg.ipv6_pools);
    svec_get(ids, "ovsnet-ipv6-gateways", &cfg.ipv6_gateways);
    const char *tunnel = smap_get(ids, "ovsnet-tunnel");
    if (tunnel) {
        cfg.tunnel = xstrdup(tunnel);
        cfg.vni = smap_get_ullong(ids, "ovsnet-vni", 0);
        svec_get(ids, "ovsnet-peers", &cfg.peers);
        const char *local_ip = smap_get(ids, "ovsnet-local-ip");
        cfg.local_ip = local_ip ? xstrdup(local_ip) : NULL;
        /* Networks recorded before there was a choice have OVS's ports. */
        if (!strcmp(tunnel, "vxlan")) {
            const char *dev = smap_get_def(ids, "ovsnet-vxlan-device", "");
            cfg.vxlan_device = (!strcmp(dev, "kernel") ? STATE_VXLAN_KERNEL
                                : STATE_VXLAN_OVS);
        }
    }

    const char *options = smap_get(ids, "ovsnet-options");
    if (options) {
        struct json *o = json_from_string(options);
        if (o->type == JSON_OBJECT) {
            struct shash_node *node;
            SHASH_FOR_EACH (node, json_object(o)) {
                const struct json *v = node->data;
                if (v->type == JSON_STRING) {
                    smap_add(&cfg.options, node->name, json_string(v));
                }
            }
        }
        json_destroy(o);
    }
    state_network_add(id, &cfg);
}

static void
state_load_endpoint(const struct smap *ids)
{
    const char *id = smap_get(ids, STATE_KEY_ENDPOINT);
    const char *network_id = smap_get(ids, STATE_KEY_NETWORK);
    const char *mac_s = smap_get(ids, "attached-mac");
    struct eth_addr mac;

    if (!names_id_valid(id) || !network_id || !mac_s
        || !eth_addr_from_string(mac_s, &mac)
        || state_endpoint_find(id)) {
        VLOG_WARN("ignoring an invalid endpoint record (%s)",
                  id ? id : "no id");
        return;
    }
    if (!state_network_find(network_id)) {
        VLOG_INFO("endpoint %s: its network %s is gone, dropping it",
                  id, network_id);
        return;
    }
    struct state_endpoint *ep;
    ep = state_endpoint_add(id, network_id, &mac,
                            smap_get(ids, "ovsnet-ipv4"),
                            smap_get(ids, "ovsnet-ipv6"));
    ep->link_created = true;

    const char *ports = smap_get(ids, "ovsnet-ports");
    if (ports) {
        struct state_port *p;
        size_t n;
        char *error = state_ports_from_string(ports, &p, &n);
        if (error) {
            VLOG_WARN("endpoint %s: ignoring its published ports (%s)",
                      id, error);
            free(error);
        } else {
            state_endpoint_set_ports(ep, p, n);
            free(p);
        }
    }
}

/* Loads the desired state recorded in 'idl' (once, when the daemon first
 * sees the database). */
void
state_load(const struct ovsdb_idl *idl)
{
    const struct ovsrec_port *port;
    const struct ovsrec_interface *iface;

    state_clear();
    OVSREC_PORT_FOR_EACH (port, idl) {
        const char *role = smap_get(&port->external_ids, STATE_KEY_ROLE);
        if (role && !strcmp(role, STATE_ROLE_NETWORK)) {
            state_load_network(&port->external_ids);
        }
    }
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        const char *role = smap_get(&iface->external_ids, STATE_KEY_ROLE);
        if (role && !strcmp(role, STATE_ROLE_ENDPOINT)) {
            state_load_endpoint(&iface->external_ids);
        }
    }
    loaded = true;
    VLOG_INFO("loaded %"PRIuSIZE" networks and %"PRIuSIZE" endpoints "
              "from OVSDB", hmap_count(&networks), hmap_count(&endpoints));
}

bool
state_key_is_ours(const char *key)
{
    return (!strncmp(key, "ovsnet-", strlen("ovsnet-"))
            || !strcmp(key, "iface-id")
            || !strcmp(key, "attached-mac")
            || !strcmp(key, "iface-status"));
}

size_t
state_count_our_keys(const struct smap *ids)
{
    const struct smap_node *node;
    size_t n = 0;

    SMAP_FOR_EACH (node, ids) {
        n += state_key_is_ours(node->key);
    }
    return n;
}
