/* ovsdb/persist: the desired state as OVSDB records it. */

#include <config.h>

#include "ovsdb/persist.h"

#include <stdio.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "smap.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

/* What this logs is about the desired state, as it always was. */
VLOG_DEFINE_THIS_MODULE(state);

/* Returns the published ports 'ports' as OVSDB stores them, a comma-separated
 * list of PROTO/HOSTPORT/PORT[/HOSTIP] (e.g. "tcp/8080/80,udp/53/53/
 * 192.0.2.1"; IPv6 addresses have no '/' or ','), or NULL if 'n' is 0.  The
 * caller frees it. */
char *
persist_ports_to_string(const struct state_port *ports, size_t n)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        const struct state_port *p = &ports[i];
        ds_put_format(&s, "%s%s/%"PRIu16"/%"PRIu16, i ? "," : "",
                      addr_proto_name(p->proto), p->host_port, p->port);
        if (p->host_ip[0]) {
            ds_put_format(&s, "/%s", p->host_ip);
        }
    }
    return n ? ds_steal_cstr(&s) : NULL;
}


/* Parses 's', as made by persist_ports_to_string(), into a new array in
 * '*portsp' of '*n' elements that the caller frees.  Returns NULL, or an
 * error message (and no array) that the caller frees. */
char *
persist_ports_from_string(const char *s, struct state_port **portsp, size_t *n)
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
        } else if ((p.proto = addr_proto_from_name(proto)) != 0) {
            if (!host_port || host_port > 65535 || !port || port > 65535) {
                error = xasprintf("%.80s: ports go from 1 to 65535", t);
            } else if (ip[0] && !addr_ip_valid(ip, NULL)) {
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
persist_network_to_smap(const struct state_network *net, struct smap *ids)
{
    const struct state_netcfg *cfg = &net->cfg;

    persist_ids_add_role(ids, PERSIST_ROLE_NETWORK);
    smap_add(ids, PERSIST_KEY_NETWORK, net->id);
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
    if (cfg->swarm) {
        smap_add(ids, "ovsnet-scope", "swarm");
    }
    if (cfg->ovn) {
        smap_add(ids, "ovsnet-ovn", cfg->ovn);
    }
    if (cfg->uplink) {
        smap_add(ids, "ovsnet-uplink", cfg->uplink);
        svec_put(ids, "ovsnet-host-ipv4", &cfg->host_ipv4);
        svec_put(ids, "ovsnet-host-ipv6", &cfg->host_ipv6);
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
persist_endpoint_to_smap(const struct state_endpoint *ep, struct smap *ids)
{
    smap_add(ids, "iface-id", ep->id);
    smap_add_format(ids, "attached-mac", ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
    smap_add(ids, "iface-status", "active");
    persist_ids_add_role(ids, PERSIST_ROLE_ENDPOINT);
    smap_add(ids, PERSIST_KEY_NETWORK, ep->network_id);
    smap_add(ids, PERSIST_KEY_ENDPOINT, ep->id);
    smap_add(ids, "ovsnet-peer", ep->peer);
    if (ep->ipv4) {
        smap_add(ids, "ovsnet-ipv4", ep->ipv4);
    }
    if (ep->ipv6) {
        smap_add(ids, "ovsnet-ipv6", ep->ipv6);
    }
    if (ep->n_ports) {
        smap_add_nocopy(ids, xstrdup("ovsnet-ports"),
                        persist_ports_to_string(ep->ports, ep->n_ports));
    }
}

/* Returns true if 'ids' is exactly what persist_endpoint_to_smap() would
 * make of 'ep' (without building it: reconcile asks this of every endpoint
 * on every pass). */
bool
persist_endpoint_ids_match(const struct state_endpoint *ep,
                         const struct smap *ids)
{
    char mac[ETH_ADDR_STRLEN + 1];
    snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
    char *ports = persist_ports_to_string(ep->ports, ep->n_ports);

    const char *kv[][2] = {
        { "iface-id", ep->id },
        { "attached-mac", mac },
        { "iface-status", "active" },
        { PERSIST_KEY_ROLE, PERSIST_ROLE_ENDPOINT },
        { PERSIST_KEY_DRIVER, names_driver() },
        { PERSIST_KEY_NETWORK, ep->network_id },
        { PERSIST_KEY_ENDPOINT, ep->id },
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
    return match && persist_count_our_keys(ids) == n;
}

/* Reads back a network recorded by persist_network_to_smap(). */
static void
persist_load_network(const struct smap *ids)
{
    const char *id = smap_get(ids, PERSIST_KEY_NETWORK);
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

    cfg.swarm = !strcmp(smap_get_def(ids, "ovsnet-scope", ""), "swarm");
    cfg.ovn = nullable_xstrdup(smap_get(ids, "ovsnet-ovn"));
    const char *uplink = smap_get(ids, "ovsnet-uplink");
    if (uplink) {
        cfg.uplink = xstrdup(uplink);
        svec_get(ids, "ovsnet-host-ipv4", &cfg.host_ipv4);
        svec_get(ids, "ovsnet-host-ipv6", &cfg.host_ipv6);
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
persist_load_endpoint(const struct smap *ids)
{
    const char *id = smap_get(ids, PERSIST_KEY_ENDPOINT);
    const char *network_id = smap_get(ids, PERSIST_KEY_NETWORK);
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

    const char *ports = smap_get(ids, "ovsnet-ports");
    if (ports) {
        struct state_port *p;
        size_t n;
        char *error = persist_ports_from_string(ports, &p, &n);
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

char *
persist_nodes_key(void)
{
    return xasprintf("ovsnet-swarm-nodes-%s", names_driver());
}

char *
persist_self_node_key(void)
{
    return xasprintf("ovsnet-swarm-self-%s", names_driver());
}

char *
persist_nodes_value(void)
{
    const struct smap *nodes = state_nodes();

    if (smap_is_empty(nodes)) {
        return NULL;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    const struct smap_node **sorted = smap_sort(nodes);
    for (size_t i = 0; i < smap_count(nodes); i++) {
        ds_put_format(&s, "%s%s=%s", i ? "," : "", sorted[i]->key,
                      sorted[i]->value);
    }
    free(sorted);
    return ds_steal_cstr(&s);
}

/* Reads back the swarm's nodes from the Open_vSwitch row's external_ids:
 * "IP=ORIGIN,...". */
static void
persist_load_nodes(const struct ovsdb_idl *idl)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    if (!ovs) {
        return;
    }

    char *key = persist_nodes_key();
    struct svec v = SVEC_EMPTY_INITIALIZER;
    const char *node;
    size_t i;

    svec_get(&ovs->external_ids, key, &v);
    SVEC_FOR_EACH (i, node, &v) {
        char *ip = xstrdup(node);
        char *origin = strchr(ip, '=');
        if (origin) {
            *origin++ = '\0';
        }
        char *canonical = addr_ip_canonical(ip);
        if (canonical) {
            state_node_add(canonical, origin && origin[0] ? origin : "swarm");
        } else {
            VLOG_WARN("%s: ignoring %s, not an IP address", key, node);
        }
        free(canonical);
        free(ip);
    }
    svec_destroy(&v);
    free(key);

    key = persist_self_node_key();
    char *self = addr_ip_canonical(smap_get_def(&ovs->external_ids, key, ""));
    state_set_self_node(self);
    free(self);
    free(key);
}

/* Loads the desired state recorded in 'idl' (once, when the daemon first
 * sees the database). */
void
persist_load(const struct ovsdb_idl *idl)
{
    const struct ovsrec_port *port;
    const struct ovsrec_interface *iface;

    state_clear();
    OVSREC_PORT_FOR_EACH (port, idl) {
        const char *role = smap_get(&port->external_ids, PERSIST_KEY_ROLE);
        if (role && !strcmp(role, PERSIST_ROLE_NETWORK)
            && persist_ids_are_mine(&port->external_ids)) {
            persist_load_network(&port->external_ids);
        }
    }
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        const char *role = smap_get(&iface->external_ids, PERSIST_KEY_ROLE);
        if (role && !strcmp(role, PERSIST_ROLE_ENDPOINT)
            && persist_ids_are_mine(&iface->external_ids)) {
            persist_load_endpoint(&iface->external_ids);
        }
    }
    persist_load_nodes(idl);
    state_set_loaded();
    VLOG_INFO("loaded %"PRIuSIZE" networks, %"PRIuSIZE" endpoints and "
              "%"PRIuSIZE" swarm nodes of driver %s from OVSDB",
              hmap_count(state_networks()), hmap_count(state_endpoints()),
              smap_count(state_nodes()), names_driver());
}

void
persist_ids_add_role(struct smap *ids, const char *role)
{
    smap_add(ids, PERSIST_KEY_ROLE, role);
    smap_add(ids, PERSIST_KEY_DRIVER, names_driver());
}

bool
persist_ids_are_mine(const struct smap *ids)
{
    const char *driver = smap_get(ids, PERSIST_KEY_DRIVER);
    return (driver ? !strcmp(driver, names_driver())
            : names_driver_is_default());
}

bool
persist_key_is_ours(const char *key)
{
    return (!strncmp(key, "ovsnet-", strlen("ovsnet-"))
            || !strcmp(key, "iface-id")
            || !strcmp(key, "attached-mac")
            || !strcmp(key, "iface-status"));
}

size_t
persist_count_our_keys(const struct smap *ids)
{
    const struct smap_node *node;
    size_t n = 0;

    SMAP_FOR_EACH (node, ids) {
        n += persist_key_is_ours(node->key);
    }
    return n;
}
