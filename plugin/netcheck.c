/* plugin/netcheck: CreateNetwork's checks against the host and the other
 * networks. */

#include <config.h>

#include "plugin/netcheck.h"

#include <string.h>
#include <sys/socket.h>

#include "netns/link.h"
#include "netns/route.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/nb.h"
#include "ovsdb/nb-reconcile.h"
#include "ovsdb/state.h"
#include "plugin/http.h"
#include "plugin/netopts.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netcheck);

/* Returns the datapath type of bridge 'name': from OVSDB, or from a network
 * that is about to create it, or NULL if there is no such bridge. */
static const char *
bridge_datapath(const char *name)
{
    const char *dp = db_bridge_datapath(name);
    if (dp) {
        return dp;
    }

    const struct state_network *net;
    HMAP_FOR_EACH (net, node, state_networks()) {
        if (!strcmp(net->cfg.bridge, name)) {
            return net->cfg.datapath;
        }
    }
    return NULL;
}

/* Returns true if OVS can make bridge 'name', which has no Bridge row: no
 * link has that name, or only the device of a bridge just deleted, which
 * ovs-vswitchd is about to remove (an "openvswitch" link on the kernel
 * datapath, a tap on the userspace one). */
static bool
bridge_name_free(const char *name)
{
    char *kind;
    bool free_ = true;

    if (!link_get_kind(name, &kind)) {
        free_ = !strcmp(kind, "openvswitch") || !strcmp(kind, "tun");
        free(kind);
    }
    return free_;
}

/* Works out the largest MTU a tunnel network 'cfg' can have: the MTU of the
 * route to each peer that is not this host, less the encapsulation.
 * Returns it, or 0 with an error message in '*errorp'.  '*why' says where
 * the figure comes from. */
static int
tunnel_max_mtu(const struct state_netcfg *cfg, char **why, char **errorp)
{
    int overhead = netopts_tunnel_overhead(cfg->tunnel);
    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    int best = 0;
    const char *peer;
    size_t i;

    *why = NULL;
    *errorp = NULL;
    state_netcfg_split_peers(cfg, route_local_addrs(), &remotes, NULL);
    SVEC_FOR_EACH (i, peer, &remotes) {
        int family, mtu;

        int error = route_lookup(peer, &mtu, NULL, NULL);
        if (error) {
            *errorp = xasprintf("option " NETOPTS_PEERS ": no route to peer "
                                "%s (%s)", peer, ovs_strerror(error));
            free(*why);
            *why = NULL;
            svec_destroy(&remotes);
            return 0;
        }
        addr_ip_valid(peer, &family);
        int fit = mtu - overhead - (family == AF_INET6 ? 20 : 0);
        if (!best || fit < best) {
            best = fit;
            free(*why);
            *why = xasprintf("the route to peer %s has MTU %d, and %s over "
                             "IPv%d takes %d bytes", peer, mtu, cfg->tunnel,
                             family == AF_INET6 ? 6 : 4,
                             overhead + (family == AF_INET6 ? 20 : 0));
        }
    }
    svec_destroy(&remotes);
    if (!best) {
        best = NETOPTS_DEFAULT_MTU - overhead;
        *why = xasprintf("no peer other than this host yet: assuming an "
                         "underlay MTU of %d, and %s takes %d bytes",
                         NETOPTS_DEFAULT_MTU, cfg->tunnel, overhead);
    }
    return best;
}

static const char *
vxlan_device_name(enum state_vxlan_device device)
{
    return device == STATE_VXLAN_KERNEL ? "kernel" : "ovs";
}

/* Decides what carries the tunnel of vxlan network 'cfg' (for network 'id')
 * unless the user did (ovs.vxlan_device): on the userspace datapath, a
 * Linux VXLAN device if the kernel has them, because OVS's own userspace
 * vxlan port is many times slower (and cannot carry TSO packets); on the
 * kernel datapath, OVS's port, which is the kernel's VXLAN there anyway.
 * A kernel VXLAN device has one address family, so an underlay that mixes
 * IPv4 and IPv6 needs OVS's ports.  Logs the choice and the reason.
 * Replies and returns false if the choice cannot work. */
static bool
choose_vxlan_device(struct http_request *req, const char *id,
                    struct state_netcfg *cfg)
{
    bool mixed = state_netcfg_peer_family(cfg) < 0;

    /* Both kinds take UDP port 4789: where OVS's userspace vxlan ports
     * terminate tunnels, they would take the kernel device's packets too.
     * So all vxlan networks of a host have the same kind. */
    const struct state_network *other = NULL, *net;
    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->cfg.tunnel && !strcmp(net->cfg.tunnel, "vxlan")) {
            other = net;
            break;
        }
    }

    const char *why = "as option " NETOPTS_VXLAN_DEVICE " says";
    if (cfg->vxlan_device == STATE_VXLAN_AUTO) {
        if (other) {
            cfg->vxlan_device = other->cfg.vxlan_device;
            why = "as the other vxlan networks of this host";
        } else if (strcmp(cfg->datapath, "netdev")) {
            cfg->vxlan_device = STATE_VXLAN_OVS;
            why = "on the kernel datapath, Open vSwitch's vxlan ports are "
                  "the kernel's VXLAN";
        } else if (mixed) {
            cfg->vxlan_device = STATE_VXLAN_OVS;
            why = "ovs.peers mixes IPv4 and IPv6, and a kernel VXLAN device "
                  "has one address family";
        } else if (link_vxlan_supported(NAMES_VXLAN_PREFIX "probe")) {
            cfg->vxlan_device = STATE_VXLAN_KERNEL;
            why = "on the userspace datapath a Linux VXLAN device is several "
                  "times faster than Open vSwitch's vxlan port, and this "
                  "kernel has them";
        } else {
            cfg->vxlan_device = STATE_VXLAN_OVS;
            why = "this kernel cannot create VXLAN devices";
        }
    } else if (cfg->vxlan_device == STATE_VXLAN_KERNEL
               && !link_vxlan_supported(NAMES_VXLAN_PREFIX "probe")) {
        http_request_reply_error(req, 400, "option " NETOPTS_VXLAN_DEVICE
                                 "=kernel: this kernel cannot create VXLAN "
                                 "devices; use " NETOPTS_VXLAN_DEVICE "=ovs");
        return false;
    }

    if (other && other->cfg.vxlan_device != cfg->vxlan_device) {
        http_request_reply_error(req, 409, "option " NETOPTS_VXLAN_DEVICE
                                 "=%s: network %s of this host has %s, and "
                                 "the two cannot share UDP port %d; give "
                                 NETOPTS_VXLAN_DEVICE "=%s",
                                 vxlan_device_name(cfg->vxlan_device),
                                 other->id,
                                 vxlan_device_name(other->cfg.vxlan_device),
                                 LINK_VXLAN_PORT,
                                 vxlan_device_name(other->cfg.vxlan_device));
        return false;
    }
    if (mixed && cfg->vxlan_device == STATE_VXLAN_KERNEL) {
        http_request_reply_error(req, 400, "option " NETOPTS_PEERS ": a "
                                 "kernel VXLAN device (" NETOPTS_VXLAN_DEVICE
                                 "=kernel%s) has one address family, and "
                                 "the peers and " NETOPTS_LOCAL_IP " mix "
                                 "IPv4 and IPv6",
                                 other ? ", as the other vxlan networks of "
                                 "this host" : "");
        return false;
    }
    VLOG_INFO("network %s: vxlan through %s: %s", id,
              (cfg->vxlan_device == STATE_VXLAN_KERNEL
               ? "a kernel VXLAN device" : "Open vSwitch's vxlan ports"),
              why);
    return true;
}

/* Checks the tunnel options of 'cfg' (for network 'id') against the other
 * networks and the underlay, and sets its MTU if the user gave none.
 * Replies and returns false if they do not fit. */
bool
netcheck_tunnel(struct http_request *req, const char *id,
                struct state_netcfg *cfg, bool ipv6)
{
    const struct state_network *other;

    HMAP_FOR_EACH (other, node, state_networks()) {
        if (other->cfg.tunnel && !strcmp(other->cfg.tunnel, cfg->tunnel)
            && other->cfg.vni == cfg->vni) {
            http_request_reply_error(req, 409, "option " NETOPTS_VNI "=%"
                                     PRIu64": network %s already uses %s "
                                     "with this key", cfg->vni, other->id,
                                     cfg->tunnel);
            return false;
        }
    }
    if (!strcmp(cfg->tunnel, "vxlan") && !choose_vxlan_device(req, id, cfg)) {
        return false;
    }

    char *why, *error;
    int max = tunnel_max_mtu(cfg, &why, &error);
    if (!max) {
        http_request_reply_error(req, 400, "%s", error);
        free(error);
        return false;
    }
    if (cfg->mtu_auto) {
        cfg->mtu = max;
        VLOG_INFO("network %s: MTU %d (%s)", id, max, why);
    } else if (cfg->mtu > max) {
        http_request_reply_error(req, 400, "option " NETOPTS_MTU "=%d: the "
                                 "largest MTU that fits is %d (%s)",
                                 cfg->mtu, max, why);
        free(why);
        return false;
    }
    free(why);
    if (ipv6 && cfg->mtu < 1280) {
        http_request_reply_error(req, 400, "IPv6 needs an MTU of at least "
                                 "1280, and the %s underlay leaves %d",
                                 cfg->tunnel, cfg->mtu);
        return false;
    }
    if (!strcmp(cfg->tunnel, "stt")) {
        VLOG_WARN("network %s: no Linux datapath of Open vSwitch 3.x "
                  "carries STT: its tunnel ports are configured as asked, "
                  "but will carry no traffic (see \"ovs-appctl tunnel/list\")",
                  id);
    }
    return true;
}

/* Checks that the bridge of 'cfg' can be used or made, and fills in its
 * datapath type. */
bool
netcheck_bridge(struct http_request *req, struct state_netcfg *cfg)
{
    const char *have = bridge_datapath(cfg->bridge);
    if (have && cfg->datapath && strcmp(have, cfg->datapath)) {
        http_request_reply_error(req, 409, "option " NETOPTS_DATAPATH "=%s: "
                                 "bridge %s already exists with "
                                 "datapath_type %s", cfg->datapath,
                                 cfg->bridge, have);
        return false;
    }
    if (!have && !bridge_name_free(cfg->bridge)) {
        /* OVS would make a bridge whose own port cannot open its device. */
        http_request_reply_error(req, 409, "option " NETOPTS_BRIDGE "=%s: "
                                 "a network device of that name exists and "
                                 "is not an Open vSwitch bridge",
                                 cfg->bridge);
        return false;
    }
    if (!cfg->datapath) {
        cfg->datapath = xstrdup(have ? have : db_default_datapath());
    }

    const char *ovn_bridge = db_ovn_bridge();
    if (!cfg->ovn && ovn_bridge && !strcmp(cfg->bridge, ovn_bridge)) {
        http_request_reply_error(req, 409, "bridge %s is OVN's integration "
                                 "bridge: give " NETOPTS_OVN "=SWITCH for a "
                                 "network of OVN, or another bridge",
                                 cfg->bridge);
        return false;
    }

    const struct state_network *other;
    other = (cfg->ovn ? NULL
             : state_network_find_by_bridge_vlan(cfg->bridge, cfg->vlan));
    if (other) {
        if (cfg->vlan) {
            http_request_reply_error(req, 409, "bridge %s already carries "
                                     "network %s on VLAN %d; give this "
                                     "network another " NETOPTS_VLAN,
                                     cfg->bridge, other->id, cfg->vlan);
        } else {
            http_request_reply_error(req, 409, "bridge %s already carries "
                                     "network %s untagged; networks that "
                                     "share a bridge need different "
                                     NETOPTS_VLAN " values", cfg->bridge,
                                     other->id);
        }
        return false;
    }
    return true;
}

/* Checks that the name of the gateway port of network 'id' is free. */
bool
netcheck_gateway_port(struct http_request *req, const char *id)
{
    char *gw = names_gateway(id);
    const struct state_network *net;
    bool ok = true;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (!strcmp(net->gw_port, gw)) {
            http_request_reply_error(req, 409, "network %s has the same "
                                     "first %d digits as network %s",
                                     id, NAMES_ID_DIGITS, net->id);
            ok = false;
            break;
        }
    }
    if (ok && db_foreign_port_exists(gw)) {
        http_request_reply_error(req, 409, "a port called %s, which is not "
                                 "ovsnet's, already exists", gw);
        ok = false;
    }
    free(gw);
    return ok;
}

/* Returns true if "ip/len" strings 'a' and 'b' have the same address. */
static bool
same_address(const char *a, const char *b)
{
    struct addr x, y;

    return (!addr_parse(a, &x) && !addr_parse(b, &y)
            && x.family == y.family
            && !memcmp(&x.in6, &y.in6, addr_len(&x)));
}

/* Checks that no other network has one of the gateway addresses of 'cfg'
 * on this host: the gateways of all networks but internal ones are
 * addresses of the host, and one address on two gateway ports would take
 * the other network's traffic. */
bool
netcheck_gateway_addresses(struct http_request *req,
                           const struct state_netcfg *cfg)
{
    static const int families[] = { AF_INET, AF_INET6 };

    for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
        const struct svec *mine = state_netcfg_host_addrs(cfg, families[i]);
        const char *gw;
        size_t j;
        SVEC_FOR_EACH (j, gw, mine) {
            const struct state_network *net;
            HMAP_FOR_EACH (net, node, state_networks()) {
                const struct svec *theirs;
                const char *other;
                size_t k;

                theirs = state_netcfg_host_addrs(&net->cfg, families[i]);
                SVEC_FOR_EACH (k, other, theirs) {
                    if (same_address(gw, other)) {
                        http_request_reply_error(
                            req, 409, "%s %s: network %s already has %s "
                            "%s on this host",
                            (!cfg->uplink ? (i ? "IPv6Data Gateway"
                                             : "IPv4Data Gateway")
                             : "option ovs.host_ip"), gw, net->id,
                            net->cfg.uplink ? "host address" : "gateway",
                            other);
                        return false;
                    }
                }
            }
        }
    }
    return true;
}


bool
netcheck_ovn(struct http_request *req, struct state_netcfg *cfg)
{
    char *why = nb_unavailable();
    if (why) {
        http_request_reply_error(req, nb_enabled() ? 503 : 400,
                                 "option " NETOPTS_OVN "=%s: %s%s", cfg->ovn,
                                 why, (nb_enabled() ? ""
                                       : " (ovsnetd --ovn-nb)"));
        free(why);
        return false;
    }
    if (cfg->swarm) {
        http_request_reply_error(req, 400, "option " NETOPTS_OVN " is for "
                                 "networks of local scope: OVN, not swarm, "
                                 "spans the hosts");
        return false;
    }

    const char *bridge = db_ovn_bridge();
    if (!bridge || !db_system_id()) {
        http_request_reply_error(req, 400, "option " NETOPTS_OVN "=%s: this "
                                 "host is not an OVN chassis (Open vSwitch "
                                 "has no external_ids:%s); see "
                                 "contrib/ovsnet-ovn-setup", cfg->ovn,
                                 bridge ? "system-id" : "ovn-remote");
        return false;
    }
    if (!db_bridge_datapath(bridge)) {
        http_request_reply_error(req, 503, "option " NETOPTS_OVN "=%s: OVN's "
                                 "integration bridge %s does not exist yet "
                                 "(is ovn-controller running?)", cfg->ovn,
                                 bridge);
        return false;
    }

    const struct state_network *other;
    HMAP_FOR_EACH (other, node, state_networks()) {
        if (other->cfg.ovn && !strcmp(other->cfg.ovn, cfg->ovn)) {
            http_request_reply_error(req, 409, "network %s is already "
                                     "logical switch %s on this host",
                                     other->id, cfg->ovn);
            return false;
        }
    }

    if (cfg->mtu_auto) {
        /* Outer IPv4 20, UDP 8, Geneve 8 and OVN's option 8 (VXLAN 8),
         * inner Ethernet 14: 1442 (1450) on a 1500-byte underlay. */
        bool vxlan = !strcmp(db_ovn_encap_type(), "vxlan");
        cfg->mtu = NETOPTS_DEFAULT_MTU - (vxlan ? 50 : 58);
    }

    /* (Without a connection, the replica may be stale: the reconcile
     * finds a clash once connected, and the call fails then.) */
    char *clash = (nb_is_connected() ? nbr_switch_clash(nb_idl(), cfg)
                   : NULL);
    if (clash) {
        http_request_reply_error(req, 409, "%s", clash);
        free(clash);
        return false;
    }
    free(cfg->bridge);
    cfg->bridge = xstrdup(bridge);
    return true;
}
