/* plugin/provcheck: CreateNetwork's checks of a provider network. */

#include <config.h>

#include "plugin/provcheck.h"

#include <errno.h>
#include <string.h>

#include "netns/uplink.h"
#include "openvswitch/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/persist.h"
#include "ovsdb/state.h"
#include "plugin/http.h"
#include "plugin/netopts.h"
#include "plugin/provopts.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(provcheck);

/* Returns true if 'name' is the name of a link or port of ovsnet's own
 * (an endpoint's veth, a gateway, tunnel or bridge port). */
static bool
is_ovsnet_name(const char *name)
{
    static const char *prefixes[] = {
        NAMES_PORT_PREFIX, NAMES_PEER_PREFIX, NAMES_GATEWAY_PREFIX,
        NAMES_VXLAN_PREFIX, NAMES_BRIDGE_PREFIX, "ovstn-",
    };

    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) {
            return true;
        }
    }
    return false;
}

/* Returns the bridge that has port 'port', or NULL. */
static const struct ovsrec_bridge *
bridge_of(const struct ovsrec_port *port)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, db_idl()) {
        for (size_t i = 0; i < br->n_ports; i++) {
            if (br->ports[i] == port) {
                return br;
            }
        }
    }
    return NULL;
}

/* Checks the other networks: one that has the same uplink must be on the
 * same bridge, and on another VLAN. */
static bool
check_other_networks(struct http_request *req, const struct state_netcfg *cfg)
{
    const struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        const struct state_netcfg *o = &net->cfg;
        if (!o->uplink || strcmp(o->uplink, cfg->uplink)) {
            continue;
        }
        if (strcmp(o->bridge, cfg->bridge)) {
            http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK
                                     "=%s: it is the uplink of network %s "
                                     "on bridge %s; give " NETOPTS_BRIDGE
                                     "=%s", cfg->uplink, net->id, o->bridge,
                                     o->bridge);
            return false;
        }
        if (o->vlan == cfg->vlan) {
            char vlan[32];
            snprintf(vlan, sizeof vlan, o->vlan ? "VLAN %d" : "untagged",
                     o->vlan);
            http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK
                                     "=%s: network %s already carries the "
                                     "physical network's %s on it; give "
                                     "this network another " NETOPTS_VLAN,
                                     cfg->uplink, net->id, vlan);
            return false;
        }
    }
    return true;
}

/* An uplink that is a port of Open vSwitch already ('port'): it must be on
 * the network's bridge and not a port of ovsnet's other than an uplink.
 * Stores in '*mtu' the smallest MTU of its interfaces (0 if unknown). */
static bool
check_existing_port(struct http_request *req, const struct state_netcfg *cfg,
                    const struct ovsrec_port *port, int *mtu)
{
    const char *role = smap_get(&port->external_ids, PERSIST_KEY_ROLE);
    if (role && strcmp(role, PERSIST_ROLE_UPLINK)) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "it is an ovsnet port (%s%s%s), not an "
                                 "uplink", cfg->uplink, role,
                                 smap_get(&port->external_ids,
                                          PERSIST_KEY_NETWORK)
                                 ? " of network " : "",
                                 smap_get_def(&port->external_ids,
                                              PERSIST_KEY_NETWORK, ""));
        return false;
    }

    const struct ovsrec_bridge *br = bridge_of(port);
    if (br && strcmp(br->name, cfg->bridge)) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "it is a port of bridge %s; give "
                                 NETOPTS_BRIDGE "=%s, or take it off that "
                                 "bridge", cfg->uplink, br->name, br->name);
        return false;
    }
    *mtu = 0;
    for (size_t i = 0; i < port->n_interfaces; i++) {
        const struct ovsrec_interface *iface = port->interfaces[i];
        if (!strcmp(iface->type, "internal")) {
            http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK
                                     "=%s: it is an internal port of Open "
                                     "vSwitch (the host's), not a way to "
                                     "the physical network", cfg->uplink);
            return false;
        }
        if (iface->n_mtu && iface->mtu[0] > 0
            && (!*mtu || iface->mtu[0] < *mtu)) {
            *mtu = iface->mtu[0];
        }
    }
    return true;
}

/* An uplink that ovsnet is to add to the bridge: a kernel interface that
 * the host does not use itself, unless the operator says so.  Stores its
 * MTU in '*mtu'. */
static bool
check_new_interface(struct http_request *req, const struct state_netcfg *cfg,
                    int *mtu)
{
    const struct ovsrec_interface *iface = db_find_interface(cfg->uplink);
    if (iface) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "it is an interface of another port of "
                                 "Open vSwitch (a bond?): give the port's "
                                 "name", cfg->uplink);
        return false;
    }

    struct uplink_facts facts;
    int error = uplink_probe(cfg->uplink, &facts);
    if (error) {
        http_request_reply_error(req, 400, "option " PROVOPTS_UPLINK "=%s: "
                                 "%s", cfg->uplink,
                                 error == ENODEV
                                 ? "no such interface or Open vSwitch port"
                                 : ovs_strerror(error));
        return false;
    }

    if (facts.master) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "it is a port of %s (a Linux bridge or "
                                 "bond): give that one as the uplink, or "
                                 "take it out", cfg->uplink, facts.master);
        uplink_facts_destroy(&facts);
        return false;
    }

    bool force = smap_get_bool(&cfg->options, PROVOPTS_UPLINK_FORCE, false);
    char *use = (facts.address
                 ? xasprintf("it holds address %s", facts.address)
                 : facts.default_route
                 ? xasprintf("the %s default route goes through it",
                             facts.default_route)
                 : NULL);
    bool ok = true;
    if (use && !force) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "the host uses it itself (%s): adding it "
                                 "to a bridge would cut the host off; move "
                                 "the host's address to the bridge first "
                                 "(contrib/ovsnet-underlay), or give "
                                 PROVOPTS_UPLINK_FORCE "=true", cfg->uplink,
                                 use);
        ok = false;
    } else if (use) {
        VLOG_WARN("option " PROVOPTS_UPLINK "=%s: adding it to bridge %s "
                  "although the host uses it (%s), as "
                  PROVOPTS_UPLINK_FORCE "=true says", cfg->uplink,
                  cfg->bridge, use);
    }
    free(use);
    *mtu = facts.mtu;
    uplink_facts_destroy(&facts);
    return ok;
}

/* Sets the MTU of 'cfg' to the uplink's 'mtu' unless the user gave one, or
 * checks that the user's fits. */
static bool
check_mtu(struct http_request *req, const char *id, struct state_netcfg *cfg,
          int mtu, bool ipv6)
{
    if (mtu <= 0) {
        mtu = NETOPTS_DEFAULT_MTU;
    }
    if (cfg->mtu_auto) {
        cfg->mtu = mtu;
        VLOG_INFO("network %s: MTU %d, its uplink %s's", id, mtu,
                  cfg->uplink);
    } else if (cfg->mtu > mtu) {
        http_request_reply_error(req, 400, "option " NETOPTS_MTU "=%d: the "
                                 "uplink %s has MTU %d", cfg->mtu,
                                 cfg->uplink, mtu);
        return false;
    }
    if (ipv6 && cfg->mtu < 1280) {
        http_request_reply_error(req, 400, "IPv6 needs an MTU of at least "
                                 "1280, and uplink %s has %d", cfg->uplink,
                                 cfg->mtu);
        return false;
    }
    return true;
}

bool
provcheck_uplink(struct http_request *req, const char *id,
                 struct state_netcfg *cfg, bool ipv6)
{
    if (!cfg->uplink) {
        return true;
    }
    if (!strcmp(cfg->uplink, cfg->bridge)) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "it is the bridge's own port", cfg->uplink);
        return false;
    }
    if (is_ovsnet_name(cfg->uplink)) {
        http_request_reply_error(req, 409, "option " PROVOPTS_UPLINK "=%s: "
                                 "that is the name of a link of ovsnet's (an "
                                 "endpoint, gateway, tunnel or bridge), not "
                                 "an uplink", cfg->uplink);
        return false;
    }
    if (!check_other_networks(req, cfg)) {
        return false;
    }

    const struct ovsrec_port *port;
    int mtu = 0;
    db_find_ports(cfg->uplink, &port);
    if (port ? !check_existing_port(req, cfg, port, &mtu)
        : !check_new_interface(req, cfg, &mtu)) {
        return false;
    }
    return check_mtu(req, id, cfg, mtu, ipv6);
}

bool
provcheck_uplink_ready(const struct state_network *net, char **errorp)
{
    int64_t ofport;
    const char *error;

    *errorp = NULL;
    if (!net->cfg.uplink) {
        return true;
    }
    if (!db_interface_state(net->cfg.uplink, &ofport, &error) || !ofport) {
        return false;
    }
    if (ofport < 0) {
        *errorp = xasprintf("ovs-vswitchd could not add uplink %s: %s",
                            net->cfg.uplink, error ? error : "unknown error");
        return false;
    }
    return true;
}
