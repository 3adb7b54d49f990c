/* plugin/appctl: the operator's commands. */

#include <config.h>

#include "plugin/appctl.h"

#include <limits.h>
#include <string.h>

#include "netns/fwd.h"
#include "netns/link-sync.h"
#include "netns/route.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/db.h"
#include "ovsdb/nb-reconcile.h"
#include "ovsdb/nb.h"
#include "ovsdb/persist.h"
#include "ovsdb/state.h"
#include "plugin/swarm.h"
#include "smap.h"
#include "unixctl.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(appctl);

static bool full_sweep;

static void
put_list(struct ds *s, const struct svec *v)
{
    if (!v->n) {
        ds_put_cstr(s, "-");
    }
    for (size_t i = 0; i < v->n; i++) {
        ds_put_format(s, "%s%s", i ? "," : "", v->names[i]);
    }
}

/* Puts the elements of 'a', a space, then those of 'b', or "-" if
 * there are none (an IPv6-only network has no IPv4 subnet). */
static void
put_lists(struct ds *s, const struct svec *a, const struct svec *b)
{
    if (!a->n || !b->n) {
        put_list(s, a->n ? a : b);
    } else {
        put_list(s, a);
        ds_put_char(s, ' ');
        put_list(s, b);
    }
}

/* Puts the peers 'v' of 'cfg', with where each comes from if it is a
 * swarm network's. */
static void
put_peers(struct ds *s, const struct state_netcfg *cfg,
          const struct svec *v)
{
    if (!cfg->swarm || !v->n) {
        put_list(s, v);
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        ds_put_format(s, "%s%s (%s)", i ? ", " : "", v->names[i],
                      state_netcfg_peer_origin(cfg, v->names[i]));
    }
}

/* Puts the mode of network 'cfg' (how its containers reach beyond it) and,
 * for a provider network, its uplink and the host's address on it. */
static void
put_mode(struct ds *s, const struct state_netcfg *cfg)
{
    if (!cfg->uplink) {
        ds_put_format(s, "    mode: %s\n",
                      cfg->tunnel ? "overlay (tunnels between the hosts)"
                      : "local (the host is the gateway)");
        return;
    }

    const struct ovsrec_port *port;
    db_find_ports(cfg->uplink, &port);
    const char *role = port ? smap_get(&port->external_ids,
                                       PERSIST_KEY_ROLE) : NULL;
    ds_put_format(s, "    mode: provider (the physical network's %s; the "
                  "gateways are the LAN's router)\n",
                  cfg->vlan ? "VLAN" : "untagged network");
    ds_put_format(s, "    uplink: %s (%s)\n", cfg->uplink,
                  !port ? "not in Open vSwitch yet"
                  : role ? "added by ovsnet" : "the operator's port");
    ds_put_cstr(s, "    host address: ");
    if (cfg->host_ipv4.n || cfg->host_ipv6.n) {
        put_lists(s, &cfg->host_ipv4, &cfg->host_ipv6);
    } else {
        ds_put_cstr(s, "none");
    }
    ds_put_cstr(s, "\n");
}

static void
network_list(struct unixctl_conn *conn, int argc OVS_UNUSED,
             const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct state_network *net;

    ds_put_format(&s, "%-12s %-15s %-4s %-5s %-7s %-15s %-9s %s\n",
                  "NETWORK", "BRIDGE", "VLAN", "MTU", "DPATH", "GATEWAY-PORT",
                  "ENDPOINTS", "SUBNETS (GATEWAYS)");
    HMAP_FOR_EACH (net, node, state_networks()) {
        const struct state_netcfg *cfg = &net->cfg;

        ds_put_format(&s, "%-12.12s %-15s ", net->id, cfg->bridge);
        if (cfg->vlan) {
            ds_put_format(&s, "%-4d ", cfg->vlan);
        } else {
            ds_put_format(&s, "%-4s ", "-");
        }
        ds_put_format(&s, "%-5d %-7s %-15s %-9"PRIuSIZE" ", cfg->mtu,
                      cfg->datapath, net->gw_port,
                      state_network_n_endpoints(net));
        put_lists(&s, &cfg->ipv4_pools, &cfg->ipv6_pools);
        ds_put_cstr(&s, " (");
        if (cfg->internal) {
            ds_put_cstr(&s, "internal: none on the host");
        } else {
            put_lists(&s, &cfg->ipv4_gateways, &cfg->ipv6_gateways);
        }
        ds_put_cstr(&s, ")\n");
        ds_put_format(&s, "    id: %s\n", net->id);
        if (cfg->swarm) {
            ds_put_cstr(&s, "    scope: swarm\n");
        }
        put_mode(&s, cfg);
        ds_put_format(&s, "    nat: %s\n",
                      cfg->internal ? "none (internal)"
                      : cfg->uplink ? "none (provider network)"
                      : cfg->nat ? "masquerade to the host's addresses"
                      : "off (ovs.nat=false: the subnets are routed)");
        nbr_describe_network(&s, nb_idl(), net);
        if (cfg->tunnel) {
            /* The effective peers: the configured ones less this host. */
            struct svec remote = SVEC_EMPTY_INITIALIZER;
            struct svec self = SVEC_EMPTY_INITIALIZER;

            state_netcfg_split_peers(cfg, route_local_addrs(), &remote, &self);
            ds_put_format(&s, "    tunnel: %s", cfg->tunnel);
            if (net->vx_dev) {
                ds_put_format(&s, " (kernel VXLAN device %s%s)", net->vx_dev,
                              linksync_vxlan_ready(net) ? "" : ", not ready");
            } else if (!strcmp(cfg->tunnel, "vxlan")) {
                ds_put_cstr(&s, " (Open vSwitch's vxlan ports)");
            }
            ds_put_format(&s, ", key %"PRIu64", peers ", cfg->vni);
            put_peers(&s, cfg, &remote);
            ds_put_cstr(&s, "\n");
            if (self.n || cfg->local_ip) {
                ds_put_cstr(&s, "    this host: ");
                put_list(&s, &self);
                if (cfg->local_ip) {
                    ds_put_format(&s, " (local_ip %s)", cfg->local_ip);
                }
                ds_put_cstr(&s, "\n");
            }
            svec_destroy(&remote);
            svec_destroy(&self);
        }
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
endpoint_list(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct state_endpoint *ep;

    ds_put_format(&s, "%-12s %-12s %-15s %-17s %-6s %-8s %s\n",
                  "ENDPOINT", "NETWORK", "PORT", "MAC", "OFPORT", "STATUS",
                  "ADDRESSES");
    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        if (argc > 1 && strncmp(ep->network_id, argv[1], strlen(argv[1]))) {
            continue;
        }

        const struct ovsrec_interface *iface;
        iface = db_find_interface(ep->port);
        int64_t ofport = iface && iface->n_ofport ? iface->ofport[0] : 0;
        const char *status;
        if (ep->error) {
            status = "failed";
        } else if (!iface) {
            status = "pending";
        } else if (ofport < 0 || (iface->error && iface->error[0])) {
            status = "error";
        } else if (iface->link_state && !strcmp(iface->link_state, "up")) {
            status = "up";
        } else {
            status = "down";
        }

        ds_put_format(&s, "%-12.12s %-12.12s %-15s "ETH_ADDR_FMT" ",
                      ep->id, ep->network_id, ep->port,
                      ETH_ADDR_ARGS(ep->mac));
        ds_put_format(&s, "%-6"PRId64" %-8s %s%s%s\n", ofport, status,
                      ep->ipv4 ? ep->ipv4 : "",
                      ep->ipv4 && ep->ipv6 ? "," : "",
                      ep->ipv6 ? ep->ipv6 : "");
        if (iface && iface->error && iface->error[0]) {
            ds_put_format(&s, "    error: %s\n", iface->error);
        }
        nbr_describe_endpoint(&s, nb_idl(), ep,
                              db_interface_ovn_installed(ep->port),
                              db_system_id());
        if (ep->n_ports) {
            ds_put_cstr(&s, "    published: ");
            state_ports_format(&s, ep->ports, ep->n_ports);
            ds_put_cstr(&s, "\n");
        }
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Finds the network whose ID is or starts with 'prefix', or replies with an
 * error and returns NULL. */
static struct state_network *
find_network(struct unixctl_conn *conn, const char *prefix)
{
    struct state_network *net, *found = NULL;
    size_t n = 0;

    net = state_network_find(prefix);
    if (net) {
        return net;
    }
    HMAP_FOR_EACH (net, node, state_networks()) {
        if (!strncmp(net->id, prefix, strlen(prefix))) {
            found = net;
            n++;
        }
    }
    if (n == 1) {
        return found;
    }

    char *msg = xasprintf("%s: %s network", prefix,
                          n ? "names more than one" : "no such");
    unixctl_command_reply_error(conn, msg);
    free(msg);
    return NULL;
}

/* "network/add-peer NETWORK IP" ('add') and "network/del-peer NETWORK IP". */
/* Whether peer 'p' is 'ip' (canonical), whichever way 'p' is written
 * (peers recorded before ovsnet wrote them canonically). */
static bool
peer_equals(const char *p, const char *ip)
{
    char *canonical = addr_ip_canonical(p);
    bool same = canonical ? !strcmp(canonical, ip) : !strcmp(p, ip);
    free(canonical);
    return same;
}

static bool
peers_contain(const struct svec *peers, const char *ip)
{
    const char *p;
    size_t i;

    SVEC_FOR_EACH (i, p, peers) {
        if (peer_equals(p, ip)) {
            return true;
        }
    }
    return false;
}

static void
change_peer(struct unixctl_conn *conn, const char *argv[], bool add)
{
    struct state_network *net = find_network(conn, argv[1]);
    char *ip = addr_ip_canonical(argv[2]);

    if (!net) {
        goto out;
    }
    if (!net->cfg.tunnel) {
        unixctl_command_reply_error(conn, "not a tunnel network (created "
                                    "without ovs.tunnel)");
        goto out;
    }
    int family;
    if (!ip || !addr_ip_valid(ip, &family)) {
        unixctl_command_reply_error(conn, "not an IPv4 or IPv6 address");
        goto out;
    }
    int have = state_netcfg_peer_family(&net->cfg);
    if (add && net->vx_dev && have > 0 && have != family) {
        char *msg = xasprintf("the network's kernel VXLAN device has an "
                              "IPv%d underlay, and a device has one address "
                              "family", have == AF_INET ? 4 : 6);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        goto out;
    }

    struct svec peers;
    svec_clone(&peers, &net->cfg.peers);
    bool had = peers_contain(&peers, ip);
    if (add && !had) {
        svec_add(&peers, ip);
    } else if (!add && had) {
        struct svec keep = SVEC_EMPTY_INITIALIZER;
        const char *p;
        size_t i;
        SVEC_FOR_EACH (i, p, &peers) {
            if (!peer_equals(p, ip)) {
                svec_add(&keep, p);
            }
        }
        svec_swap(&peers, &keep);
        svec_destroy(&keep);
    }
    if (add != had) {
        VLOG_INFO("network %s: %s peer %s", net->id,
                  add ? "adding" : "removing", ip);
        state_network_set_peers(net, &peers);
        linksync_vxlan_changed(net);
        poll_immediate_wake();  /* Reconcile now, not at the next event. */
    }
    svec_destroy(&peers);

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&s, "peers: ");
    put_list(&s, &net->cfg.peers);
    ds_put_cstr(&s, "\n");
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);

out:
    free(ip);
}

static void
add_peer(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
         void *aux OVS_UNUSED)
{
    change_peer(conn, argv, true);
}

static void
del_peer(struct unixctl_conn *conn, int argc OVS_UNUSED, const char *argv[],
         void *aux OVS_UNUSED)
{
    change_peer(conn, argv, false);
}

static void
tunnel_list(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct ovsrec_interface *iface;

    ds_put_format(&s, "%-15s %-12s %-13s %-8s %-24s %-6s %-5s %s\n",
                  "PORT", "NETWORK", "TYPE", "KEY", "REMOTE", "OFPORT",
                  "LINK", "ERROR");
    OVSREC_INTERFACE_FOR_EACH (iface, db_idl()) {
        const char *role = smap_get(&iface->external_ids, PERSIST_KEY_ROLE);
        if (!role || strcmp(role, PERSIST_ROLE_TUNNEL)
            || !persist_ids_are_mine(&iface->external_ids)) {
            continue;
        }

        const char *id = smap_get_def(&iface->external_ids,
                                      PERSIST_KEY_NETWORK, "?");
        const struct state_network *net = state_network_find(id);
        char *key, *remote;
        const char *type;
        if (net && net->vx_dev && !strcmp(net->vx_dev, iface->name)) {
            /* A kernel VXLAN device: one port, every peer. */
            struct svec remotes = SVEC_EMPTY_INITIALIZER;
            struct ds r = DS_EMPTY_INITIALIZER;

            state_netcfg_split_peers(&net->cfg, route_local_addrs(), &remotes,
                                     NULL);
            put_list(&r, &remotes);
            svec_destroy(&remotes);
            type = "vxlan(kernel)";
            key = xasprintf("%"PRIu64, net->cfg.vni);
            remote = ds_steal_cstr(&r);
        } else {
            type = iface->type;
            key = xstrdup(smap_get_def(&iface->options, "key", "-"));
            remote = xstrdup(smap_get_def(&iface->options, "remote_ip", "-"));
        }
        ds_put_format(&s, "%-15s %-12.12s %-13s %-8s %-24s %-6"PRId64" "
                      "%-5s %s\n", iface->name, id, type, key, remote,
                      iface->n_ofport ? iface->ofport[0] : 0,
                      iface->link_state ? iface->link_state : "-",
                      iface->error ? iface->error : "");
        free(key);
        free(remote);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cleanup(struct unixctl_conn *conn, int argc OVS_UNUSED,
        const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    size_t n_nets = hmap_count(state_networks());
    size_t n_eps = hmap_count(state_endpoints());

    VLOG_WARN("ovsnet/cleanup: removing all %"PRIuSIZE" networks and "
              "%"PRIuSIZE" endpoints", n_nets, n_eps);
    state_clear();
    full_sweep = true;
    poll_immediate_wake();

    char *msg = xasprintf("removing %"PRIuSIZE" networks and %"PRIuSIZE
                          " endpoints with their ports, bridges and links\n",
                          n_nets, n_eps);
    unixctl_command_reply(conn, msg);
    free(msg);
}

static void
iptables_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    fwd_format(&s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "swarm/nodes": the swarm's nodes as this node knows them. */
static void
swarm_nodes(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *self = state_self_node();

    ds_put_format(&s, "scope: %s\nthis node: %s\nnodes:",
                  swarm_is_global() ? "global (swarm)" : "local",
                  self ? self : "-");
    const struct smap_node **sorted = smap_sort(state_nodes());
    for (size_t i = 0; i < smap_count(state_nodes()); i++) {
        ds_put_format(&s, " %s (%s)", sorted[i]->key, sorted[i]->value);
    }
    free(sorted);
    if (smap_is_empty(state_nodes())) {
        ds_put_cstr(&s, " -");
    }
    ds_put_char(&s, '\n');
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "swarm/add-node IP..." ('aux' non-null) and "swarm/del-node IP...": what
 * Docker's DiscoverNew and DiscoverDelete do, for a node Docker did not
 * tell this one of. */
static void
swarm_change_nodes(struct unixctl_conn *conn, int argc, const char *argv[],
                   void *aux)
{
    if (!swarm_is_global()) {
        unixctl_command_reply_error(conn, "not a swarm driver (--scope="
                                    "local): no swarm nodes");
        return;
    }
    if (!state_is_loaded()) {
        unixctl_command_reply_error(conn, "the state is not loaded from "
                                    "OVSDB yet");
        return;
    }
    for (int i = 1; i < argc; i++) {
        if (!addr_ip_valid(argv[i], NULL)) {
            char *msg = xasprintf("%s is not an IPv4 or IPv6 address",
                                  argv[i]);
            unixctl_command_reply_error(conn, msg);
            free(msg);
            return;
        }
    }
    for (int i = 1; i < argc; i++) {
        bool changed;
        char *error = swarm_node_change(argv[i], aux ? "appctl" : NULL,
                                        &changed);
        if (error) {
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
    }
    swarm_nodes(conn, 0, NULL, NULL);
}

void
appctl_register(void)
{
    unixctl_command_register("swarm/nodes", "", 0, 0, swarm_nodes, NULL);
    unixctl_command_register("swarm/add-node", "IP...", 1, INT_MAX,
                             swarm_change_nodes, &full_sweep);
    unixctl_command_register("swarm/del-node", "IP...", 1, INT_MAX,
                             swarm_change_nodes, NULL);
    unixctl_command_register("network/list", "", 0, 0, network_list, NULL);
    unixctl_command_register("endpoint/list", "[NETWORK]", 0, 1,
                             endpoint_list, NULL);
    unixctl_command_register("ovsnet/cleanup", "", 0, 0, cleanup, NULL);
    unixctl_command_register("network/add-peer", "NETWORK IP", 2, 2,
                             add_peer, NULL);
    unixctl_command_register("network/del-peer", "NETWORK IP", 2, 2,
                             del_peer, NULL);
    unixctl_command_register("tunnel/list", "", 0, 0, tunnel_list, NULL);
    unixctl_command_register("iptables/show", "", 0, 0, iptables_show,
                             NULL);
}

bool
appctl_take_full_sweep(void)
{
    bool r = full_sweep;
    full_sweep = false;
    return r;
}
