/* plugin/provopts: the options of provider networks. */

#include <config.h>

#include "plugin/provopts.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "plugin/netopts.h"
#include "util.h"

/* Reads 'value' of ovs.host_ip, bare addresses separated by commas or
 * spaces, at most one of each family, into the host addresses of 'cfg'
 * (bare, canonical: provopts_check() adds the prefix lengths). */
static char *
parse_host_ips(const char *value, struct state_netcfg *cfg)
{
    char *copy = xstrdup(value);
    char *save_ptr = NULL;
    char *error = NULL;

    svec_clear(&cfg->host_ipv4);
    svec_clear(&cfg->host_ipv6);
    for (char *p = strtok_r(copy, ", ", &save_ptr); p && !error;
         p = strtok_r(NULL, ", ", &save_ptr)) {
        char *ip = addr_ip_canonical(p);
        int family = AF_UNSPEC;

        addr_ip_valid(p, &family);
        struct svec *v = (family == AF_INET ? &cfg->host_ipv4
                          : &cfg->host_ipv6);
        if (!ip) {
            error = xasprintf("option " PROVOPTS_HOST_IP "=%.200s: %.80s is "
                              "not an IPv4 or IPv6 address (give it without "
                              "a prefix length)", value, p);
        } else if (v->n) {
            error = xasprintf("option " PROVOPTS_HOST_IP "=%.200s: one "
                              "IPv%d address at most", value,
                              family == AF_INET ? 4 : 6);
        } else {
            svec_add(v, ip);
        }
        free(ip);
    }
    free(copy);
    if (!error && !cfg->host_ipv4.n && !cfg->host_ipv6.n) {
        error = xstrdup("option " PROVOPTS_HOST_IP "=: give an address");
    }
    return error;
}

bool
provopts_parse_option(const char *key, const char *value,
                      struct state_netcfg *cfg, char **errorp)
{
    *errorp = NULL;
    if (!strcmp(key, PROVOPTS_UPLINK)) {
        const char *why = names_ifname_error(value);
        if (why) {
            *errorp = xasprintf("option %s=%.80s: an interface name %s",
                                key, value, why);
        } else {
            free(cfg->uplink);
            cfg->uplink = xstrdup(value);
        }
    } else if (!strcmp(key, PROVOPTS_UPLINK_FORCE)) {
        if (strcmp(value, "true") && strcmp(value, "false")) {
            *errorp = xasprintf("option %s=%.80s: must be true (add the "
                                "uplink even though it holds an address or "
                                "the default route of the host) or false",
                                key, value);
        }
    } else if (!strcmp(key, PROVOPTS_HOST_IP)) {
        *errorp = parse_host_ips(value, cfg);
    } else {
        return false;
    }
    return true;
}

/* Gives each bare address of 'ips' (host addresses of family 'family') the
 * prefix length of the pool of 'pools' it is in, after checking that it is
 * one of its hosts and none of 'gateways'. */
static char *
check_host_ips(struct svec *ips, const struct svec *pools,
               const struct svec *gateways, int family)
{
    const char *ip;
    size_t i;

    SVEC_FOR_EACH (i, ip, ips) {
        struct addr a, pool;
        const char *pool_s = NULL;
        size_t j;

        addr_ip_parse(ip, &a);
        for (j = 0; j < pools->n; j++) {
            if (!addr_parse(pools->names[j], &pool)
                && addr_in_prefix(&a, &pool)) {
                pool_s = pools->names[j];
                break;
            }
        }
        if (!pool_s) {
            return xasprintf("option " PROVOPTS_HOST_IP "=%s: not in a "
                             "subnet of the network (IPv%d: %s)", ip,
                             family == AF_INET ? 4 : 6,
                             pools->n ? pools->names[0] : "none");
        }
        a.plen = pool.plen;
        const char *edge = addr_subnet_edge(&a);
        if (edge) {
            return xasprintf("option " PROVOPTS_HOST_IP "=%s is %s of "
                             "subnet %s", ip, edge, pool_s);
        }
        for (j = 0; j < gateways->n; j++) {
            struct addr g;
            if (!addr_parse(gateways->names[j], &g) && g.family == family
                && !memcmp(&g.in6, &a.in6, addr_len(&a))) {
                return xasprintf("option " PROVOPTS_HOST_IP "=%s is the "
                                 "gateway, the LAN's router's address: "
                                 "give the host another one", ip);
            }
        }
        char buf[INET6_ADDRSTRLEN + 4];
        addr_format(&a, buf, sizeof buf);
        free(ips->names[i]);
        ips->names[i] = xstrdup(buf);
    }
    return NULL;
}

char *
provopts_check(struct state_netcfg *cfg)
{
    const char *nat = smap_get(&cfg->options, NETOPTS_NAT);

    if (!cfg->uplink) {
        static const char *needs_uplink[] = {
            PROVOPTS_UPLINK_FORCE, PROVOPTS_HOST_IP,
        };
        for (size_t i = 0; i < ARRAY_SIZE(needs_uplink); i++) {
            const char *v = smap_get(&cfg->options, needs_uplink[i]);
            if (v) {
                return xasprintf("option %s=%.80s needs " PROVOPTS_UPLINK,
                                 needs_uplink[i], v);
            }
        }
        return NULL;
    }
    if (cfg->tunnel) {
        return xasprintf("option " NETOPTS_TUNNEL "=%s: a provider network "
                         "(" PROVOPTS_UPLINK "=%s) needs no tunnel: the "
                         "physical network joins the hosts", cfg->tunnel,
                         cfg->uplink);
    }
    if (nat && !strcmp(nat, "true")) {
        return xasprintf("option " NETOPTS_NAT "=true: a provider network "
                         "(" PROVOPTS_UPLINK "=%s) has no NAT: its "
                         "containers have addresses of the LAN",
                         cfg->uplink);
    }
    cfg->nat = false;
    if (cfg->internal && (cfg->host_ipv4.n || cfg->host_ipv6.n)) {
        return xstrdup("option " PROVOPTS_HOST_IP ": an internal network "
                       "has no address on the host");
    }

    char *error = check_host_ips(&cfg->host_ipv4, &cfg->ipv4_pools,
                                 &cfg->ipv4_gateways, AF_INET);
    if (!error) {
        error = check_host_ips(&cfg->host_ipv6, &cfg->ipv6_pools,
                               &cfg->ipv6_gateways, AF_INET6);
    }
    return error;
}
