/* plugin/netopts: CreateNetwork options. */

#include <config.h>

#include "plugin/netopts.h"

#include <string.h>
#include <sys/socket.h>

#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "plugin/json-get.h"
#include "plugin/provopts.h"
#include "util.h"

static bool
is_string(const struct json *j)
{
    return j && j->type == JSON_STRING;
}

/* Checks gateway 'gw' (the string 'gw_s') of pool 'pool' (the string
 * 'pool_s'), item 'i' of IPv4Data or IPv6Data ('what'): it must be an
 * address of the pool, with the pool's prefix length, and not the pool's
 * network address or (IPv4) broadcast address, which no host may have.
 * Returns NULL or an error message. */
static char *
check_gateway(const char *what, size_t i, const char *pool_s,
              const struct addr *pool, const char *gw_s,
              const struct addr *gw)
{
    if (!addr_in_prefix(gw, pool)) {
        return xasprintf("%s[%"PRIuSIZE"].Gateway=%.80s is not in its pool "
                         "%.80s", what, i, gw_s, pool_s);
    }
    if (gw->plen != pool->plen) {
        return xasprintf("%s[%"PRIuSIZE"].Gateway=%.80s: the prefix length "
                         "must be the pool's (%.80s)", what, i, gw_s,
                         pool_s);
    }

    const char *edge = addr_subnet_edge(gw);
    if (edge) {
        return xasprintf("%s[%"PRIuSIZE"].Gateway=%.80s is %s of pool "
                         "%.80s", what, i, gw_s, edge, pool_s);
    }
    return NULL;
}

/* Reads the pools of 'data' (IPv4Data or IPv6Data, may be NULL) of address
 * family 'family' into 'pools' and 'gateways'. */
static char *
parse_ipam_data(const struct json *data, const char *what, int family,
                struct svec *pools, struct svec *gateways)
{
    if (!data || data->type == JSON_NULL) {
        return NULL;
    }
    if (data->type != JSON_ARRAY) {
        return xasprintf("%s must be an array", what);
    }
    for (size_t i = 0; i < json_array(data)->n; i++) {
        const struct json *item = json_array(data)->elems[i];
        const struct json *pool = json_get(item, "Pool");
        const struct json *gw = json_get(item, "Gateway");
        struct addr a, g;

        if (item->type != JSON_OBJECT) {
            return xasprintf("%s[%"PRIuSIZE"] must be an object", what, i);
        }
        if (!is_string(pool)
            || addr_parse(json_string(pool), &a)
            || a.family != family) {
            return xasprintf("%s[%"PRIuSIZE"].Pool must be an IPv%d "
                             "address/prefix, not %.80s", what, i,
                             family == AF_INET ? 4 : 6,
                             is_string(pool) ? json_string(pool)
                             : "missing");
        }
        svec_add(pools, json_string(pool));

        if (gw && gw->type != JSON_NULL
            && !(is_string(gw) && !json_string(gw)[0])) {
            if (!is_string(gw)
                || addr_parse(json_string(gw), &g)
                || g.family != family) {
                return xasprintf("%s[%"PRIuSIZE"].Gateway must be an IPv%d "
                                 "address/prefix, not %.80s", what, i,
                                 family == AF_INET ? 4 : 6,
                                 is_string(gw) ? json_string(gw)
                                 : "a non-string");
            }
            char *error = check_gateway(what, i, json_string(pool), &a,
                                        json_string(gw), &g);
            if (error) {
                return error;
            }
            svec_add(gateways, json_string(gw));
        }
    }
    return NULL;
}

static bool
parse_bool_option(const struct json *options, const char *key, bool *value,
                  char **errorp)
{
    const struct json *v = json_get(options, key);

    *value = false;
    if (!v || v->type == JSON_NULL) {
        return true;
    }
    if (v->type == JSON_TRUE || v->type == JSON_FALSE) {
        *value = v->type == JSON_TRUE;
        return true;
    }
    if (is_string(v)) {
        const char *s = json_string(v);
        if (!strcmp(s, "true") || !strcmp(s, "false")) {
            *value = !strcmp(s, "true");
            return true;
        }
    }
    char *text = json_to_string(v, 0);
    *errorp = xasprintf("Options[\"%s\"]=%.80s: must be true or false",
                        key, text);
    free(text);
    return false;
}

/* Parses 'value' as a decimal number from 'min' to 'max', digits only (no
 * sign, no white space). */
static bool
parse_number(const char *value, int min, int max, int *n)
{
    if (!value[0] || strspn(value, "0123456789") != strlen(value)) {
        return false;
    }
    return str_to_int(value, 10, n) && *n >= min && *n <= max;
}

/* Replaces 'peers' by those of option 'key'='value', a list of IP
 * addresses separated by commas or spaces.  Returns NULL or an error. */
static char *
parse_peers(const char *key, const char *value, struct svec *peers)
{
    char *copy = xstrdup(value);
    char *save_ptr = NULL;
    char *error = NULL;

    svec_clear(peers);
    for (char *p = strtok_r(copy, ", ", &save_ptr); p && !error;
         p = strtok_r(NULL, ", ", &save_ptr)) {
        /* Canonical, so that one peer written two ways is one. */
        char *peer = addr_ip_canonical(p);
        if (!peer) {
            error = xasprintf("option %s=%.200s: %.80s is not an IPv4 or "
                              "IPv6 address", key, value, p);
        } else if (!svec_contains_unsorted(peers, peer)) {
            svec_add(peers, peer);
        }
        free(peer);
    }
    free(copy);
    return error;
}

/* Reads 'value' of option ovs.vxlan_device into '*device'.  Returns false
 * if it is none of the choices. */
static bool
parse_vxlan_device(const char *value, enum state_vxlan_device *device)
{
    if (!strcmp(value, "kernel")) {
        *device = STATE_VXLAN_KERNEL;
    } else if (!strcmp(value, "ovs")) {
        *device = STATE_VXLAN_OVS;
    } else if (!strcmp(value, "auto")) {
        *device = STATE_VXLAN_AUTO;
    } else {
        return false;
    }
    return true;
}

/* Applies -o option 'key'='value' to 'cfg'.  Returns NULL or an error. */
static char *
parse_option(const char *key, const char *value, struct state_netcfg *cfg)
{
    char *prov_error;

    if (provopts_parse_option(key, value, cfg, &prov_error)) {
        if (prov_error) {
            return prov_error;
        }
    } else if (!strcmp(key, NETOPTS_BRIDGE)) {
        const char *why = names_ifname_error(value);
        if (why) {
            return xasprintf("option %s=%.80s: a bridge name %s",
                             key, value, why);
        }
        free(cfg->bridge);
        cfg->bridge = xstrdup(value);
    } else if (!strcmp(key, NETOPTS_VLAN)) {
        if (!parse_number(value, 1, 4094, &cfg->vlan)) {
            return xasprintf("option %s=%.80s: a VLAN must be a number "
                             "from 1 to 4094", key, value);
        }
    } else if (!strcmp(key, NETOPTS_DATAPATH)) {
        if (strcmp(value, "system") && strcmp(value, "netdev")) {
            return xasprintf("option %s=%.80s: the datapath must be "
                             "\"system\" (kernel) or \"netdev\" "
                             "(userspace)", key, value);
        }
        free(cfg->datapath);
        cfg->datapath = xstrdup(value);
    } else if (!strcmp(key, NETOPTS_MTU)) {
        if (!parse_number(value, 68, 65535, &cfg->mtu)) {
            return xasprintf("option %s=%.80s: the MTU must be a number "
                             "from 68 to 65535", key, value);
        }
        cfg->mtu_auto = false;
    } else if (!strcmp(key, NETOPTS_TUNNEL)) {
        if (!netopts_tunnel_overhead(value)) {
            return xasprintf("option %s=%.80s: the tunnel type must be "
                             "vxlan, gre, geneve or stt", key, value);
        }
        free(cfg->tunnel);
        cfg->tunnel = xstrdup(value);
    } else if (!strcmp(key, NETOPTS_VNI)) {
        unsigned long long int vni;
        if (!value[0] || strspn(value, "0123456789") != strlen(value)
            || strlen(value) > 20 || !str_to_ullong(value, 10, &vni)) {
            return xasprintf("option %s=%.80s: the VNI must be a number",
                             key, value);
        }
        cfg->vni = vni;
    } else if (!strcmp(key, NETOPTS_PEERS)
               || !strcmp(key, NETOPTS_SWARM_NODES)) {
        char *error = parse_peers(key, value,
                                  !strcmp(key, NETOPTS_PEERS)
                                  ? &cfg->peers : &cfg->swarm_nodes);
        if (error) {
            return error;
        }
    } else if (!strcmp(key, NETOPTS_LOCAL_IP)) {
        if (!addr_ip_valid(value, NULL)) {
            return xasprintf("option %s=%.80s: not an IPv4 or IPv6 address",
                             key, value);
        }
        free(cfg->local_ip);
        cfg->local_ip = xstrdup(value);
    } else if (!strcmp(key, NETOPTS_NAT)) {
        if (strcmp(value, "true") && strcmp(value, "false")) {
            return xasprintf("option %s=%.80s: must be true (masquerade "
                             "what leaves the host) or false (the subnet "
                             "is routed)", key, value);
        }
        cfg->nat = !strcmp(value, "true");
    } else if (!strcmp(key, NETOPTS_VXLAN_DEVICE)) {
        if (!parse_vxlan_device(value, &cfg->vxlan_device)) {
            return xasprintf("option %s=%.80s: give kernel (a Linux VXLAN "
                             "device), ovs (Open vSwitch's vxlan ports) or "
                             "auto", key, value);
        }
    } else if (!strcmp(key, NETOPTS_OVN)) {
        if (!value[0] || strlen(value) > 64
            || strspn(value, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
               != strlen(value)) {
            return xasprintf("option %s=%.80s: a logical switch name is 1 "
                             "to 64 letters, digits, '_', '.' or '-'", key,
                             value);
        }
        free(cfg->ovn);
        cfg->ovn = xstrdup(value);
    } else if (!strncmp(key, "ovs.", 4)) {
        return xasprintf("option %.80s=%.80s: unknown option (known: "
                         NETOPTS_BRIDGE ", " NETOPTS_VLAN ", "
                         NETOPTS_DATAPATH ", " NETOPTS_MTU ", "
                         NETOPTS_TUNNEL ", " NETOPTS_VNI ", " NETOPTS_PEERS
                         ", " NETOPTS_LOCAL_IP ", " NETOPTS_NAT ", "
                         NETOPTS_VXLAN_DEVICE ", " NETOPTS_SWARM_NODES ", "
                         NETOPTS_OVN ", " PROVOPTS_UPLINK ", "
                         PROVOPTS_UPLINK_FORCE ", " PROVOPTS_HOST_IP ")",
                         key, value);
    } else {
        return NULL;            /* Not ours: Docker's business. */
    }
    smap_replace(&cfg->options, key, value);
    return NULL;
}

/* Reads Docker's own options of CreateNetwork request 'req' (its
 * "Options"): whether the network has IPv6 (into '*enable_ipv6') and is
 * internal (into 'cfg'), and the -o options (into '*generic', NULL if
 * there are none).  Returns NULL or an error. */
static char *
parse_docker_options(const struct json *req, struct state_netcfg *cfg,
                     bool *enable_ipv6, const struct json **generic)
{
    const struct json *options = json_get(req, "Options");
    bool enable_ipv4 = false;
    char *error = NULL;

    *enable_ipv6 = false;
    *generic = NULL;
    if (!options || options->type == JSON_NULL) {
        return NULL;
    }
    if (options->type != JSON_OBJECT) {
        return xstrdup("Options must be an object");
    }
    /* Docker 28 and later always send enable_ipv4; without IPv4
     * (--ipv4=false) IPv4Data is empty: the pools say it all. */
    if (!parse_bool_option(options, "com.docker.network.enable_ipv6",
                           enable_ipv6, &error)
        || !parse_bool_option(options, "com.docker.network.enable_ipv4",
                              &enable_ipv4, &error)
        || !parse_bool_option(options, "com.docker.network.internal",
                              &cfg->internal, &error)) {
        return error;
    }
    *generic = json_get(options, "com.docker.network.generic");
    if (*generic && (*generic)->type != JSON_NULL
        && (*generic)->type != JSON_OBJECT) {
        return xstrdup("Options[\"com.docker.network.generic\"] must be "
                       "an object");
    }
    return NULL;
}

/* Applies the -o options in 'generic' (an object, JSON null or NULL) to
 * 'cfg', in the order of their names.  Returns NULL or an error. */
static char *
parse_generic_options(const struct json *generic, struct state_netcfg *cfg)
{
    if (!generic || generic->type != JSON_OBJECT) {
        return NULL;
    }

    const struct shash_node **nodes = shash_sort(json_object(generic));
    size_t n = shash_count(json_object(generic));
    char *error = NULL;

    for (size_t i = 0; !error && i < n; i++) {
        const struct json *v = nodes[i]->data;

        if (!is_string(v)) {
            char *text = json_to_string(v, 0);
            error = xasprintf("option %.80s=%.80s: the value must be a "
                              "string", nodes[i]->name, text);
            free(text);
        } else {
            error = parse_option(nodes[i]->name, json_string(v), cfg);
        }
    }
    free(nodes);
    return error;
}

/* Checks that an OVN network ('cfg' with ovs.ovn) has none of the options
 * that OVN decides for it.  Returns NULL or an error. */
static char *
check_ovn(const struct state_netcfg *cfg)
{
    static const char *not_with_ovn[] = {
        NETOPTS_BRIDGE, NETOPTS_VLAN, NETOPTS_DATAPATH, NETOPTS_TUNNEL,
        PROVOPTS_UPLINK,
    };

    for (size_t i = 0; cfg->ovn && i < ARRAY_SIZE(not_with_ovn); i++) {
        const char *v = smap_get(&cfg->options, not_with_ovn[i]);
        if (v) {
            return xasprintf("option %s=%.80s cannot go with " NETOPTS_OVN
                             ": OVN's integration bridge and its tunnels "
                             "carry the network", not_with_ovn[i], v);
        }
    }
    return NULL;
}

/* Checks the tunnel options of 'cfg' together: the vxlan device only with
 * vxlan, a key in the range of the tunnel type, and no tunnel option
 * without a tunnel.  Returns NULL or an error. */
static char *
check_tunnel(const struct state_netcfg *cfg)
{
    const char *vxlan_device = smap_get(&cfg->options, NETOPTS_VXLAN_DEVICE);
    if (vxlan_device && (!cfg->tunnel || strcmp(cfg->tunnel, "vxlan"))) {
        return xasprintf("option %s=%.80s needs " NETOPTS_TUNNEL "=vxlan",
                         NETOPTS_VXLAN_DEVICE, vxlan_device);
    }
    if (cfg->tunnel) {
        unsigned long long int max = (!strcmp(cfg->tunnel, "vxlan")
                                      || !strcmp(cfg->tunnel, "geneve")
                                      ? 0xffffff
                                      : !strcmp(cfg->tunnel, "gre")
                                      ? 0xffffffffULL : UINT64_MAX);
        if (!smap_get(&cfg->options, NETOPTS_VNI)) {
            return xasprintf("option %s=%s needs " NETOPTS_VNI ", the tunnel "
                             "key (0 to %llu)", NETOPTS_TUNNEL, cfg->tunnel,
                             max);
        }
        if (cfg->vni > max) {
            return xasprintf("option %s=%"PRIu64": a %s key must be from 0 "
                             "to %llu", NETOPTS_VNI, cfg->vni, cfg->tunnel,
                             max);
        }
    } else {
        static const char *needs_tunnel[] = {
            NETOPTS_VNI, NETOPTS_PEERS, NETOPTS_LOCAL_IP,
            NETOPTS_SWARM_NODES,
        };
        for (size_t i = 0; i < ARRAY_SIZE(needs_tunnel); i++) {
            const char *v = smap_get(&cfg->options, needs_tunnel[i]);
            if (v) {
                return xasprintf("option %s=%.80s needs " NETOPTS_TUNNEL,
                                 needs_tunnel[i], v);
            }
        }
    }
    return NULL;
}

char *
netopts_parse(const struct json *req, const char *network_id,
              struct state_netcfg *cfg)
{
    const struct json *generic;
    bool enable_ipv6;
    char *error;

    error = parse_docker_options(req, cfg, &enable_ipv6, &generic);
    if (!error) {
        error = parse_ipam_data(json_get(req, "IPv4Data"), "IPv4Data",
                                AF_INET, &cfg->ipv4_pools,
                                &cfg->ipv4_gateways);
    }
    if (!error) {
        error = parse_ipam_data(json_get(req, "IPv6Data"), "IPv6Data",
                                AF_INET6, &cfg->ipv6_pools,
                                &cfg->ipv6_gateways);
    }
    if (error) {
        return error;
    }
    bool ipv6 = enable_ipv6 || cfg->ipv6_pools.n;

    cfg->mtu = NETOPTS_DEFAULT_MTU;
    cfg->mtu_auto = true;
    cfg->nat = !cfg->internal;
    error = parse_generic_options(generic, cfg);
    if (!error) {
        error = check_tunnel(cfg);
    }
    if (!error) {
        error = check_ovn(cfg);
    }
    if (!error) {
        error = provopts_check(cfg);
    }
    if (error) {
        return error;
    }

    if (cfg->internal && cfg->nat) {
        return xstrdup("option " NETOPTS_NAT "=true: an internal network "
                       "has no way off the host to translate");
    }
    if (ipv6 && !cfg->mtu_auto && cfg->mtu < 1280) {
        return xasprintf("option %s=%d: IPv6 needs an MTU of at least 1280",
                         NETOPTS_MTU, cfg->mtu);
    }
    if (!cfg->bridge && !cfg->ovn) {
        /* An OVN network's is the host's integration bridge: see
         * netcheck_ovn(). */
        cfg->bridge = names_bridge(network_id);
    }
    return NULL;
}

int
netopts_tunnel_overhead(const char *tunnel)
{
    /* Outer IPv4 20 + ... + inner Ethernet 14. */
    return (!strcmp(tunnel, "vxlan") ? 20 + 8 + 8 + 14      /* UDP, VXLAN */
            : !strcmp(tunnel, "geneve") ? 20 + 8 + 8 + 14   /* UDP, Geneve */
            : !strcmp(tunnel, "gre") ? 20 + 8 + 14          /* GRE + key */
            : !strcmp(tunnel, "stt") ? 20 + 20 + 18 + 14    /* TCP, STT */
            : 0);
}
