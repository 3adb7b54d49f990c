/* plugin/driver: Docker's NetworkDriver calls. */

#include <config.h>

#include "plugin/driver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "netns/link-sync.h"
#include "netns/nat.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/nb.h"
#include "ovsdb/nb-reconcile.h"
#include "ovsdb/state.h"
#include "plugin/http.h"
#include "plugin/ipam.h"
#include "plugin/json-get.h"
#include "plugin/netcheck.h"
#include "plugin/netopts.h"
#include "plugin/pending.h"
#include "plugin/portmap.h"
#include "plugin/provcheck.h"
#include "plugin/swarm.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(driver);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 50);

static struct json *
object_with_string(const char *key, const char *value)
{
    struct json *o = json_object_create();
    json_object_put_string(o, key, value);
    return o;
}

/* Completion predicates. */

/* Returns PENDING_FAILED, with 'status' and 'message' (which this takes)
 * in '*statusp' and '*msgp'. */
static enum pending_verdict
verdict_failed(unsigned int *statusp, char **msgp, unsigned int status,
               char *message)
{
    *statusp = status;
    *msgp = message;
    return PENDING_FAILED;
}

/* What CreateNetwork and CreateEndpoint wait for: that the object they
 * created ('what') still 'exists' without an 'error' (a message, or NULL),
 * that it is committed, and that ovs-vswitchd has added its port 'port'. */
static enum pending_verdict
check_port(struct pending *p, const char *what, bool exists,
           const char *error, const char *port, unsigned int *status,
           char **msg)
{
    int64_t ofport;
    const char *vswitchd_error;

    if (!exists) {
        return verdict_failed(status, msg, 409, xasprintf(
                                  "the %s was deleted while it was being "
                                  "created", what));
    } else if (error) {
        return verdict_failed(status, msg, 500, xstrdup(error));
    } else if (!pending_committed(p)) {
        return PENDING_WAIT;
    }

    p->waiting = "ovs-vswitchd did not add the port";
    if (!db_interface_state(port, &ofport, &vswitchd_error) || !ofport) {
        return PENDING_WAIT;    /* ovs-vswitchd has not got to it yet. */
    } else if (ofport < 0) {
        return verdict_failed(status, msg, 500, xasprintf(
                                  "ovs-vswitchd could not add port %s: %s",
                                  port, (vswitchd_error ? vswitchd_error
                                         : "unknown error")));
    }
    return PENDING_DONE;
}

/* What a call on OVN network 'net' waits for once its port is there: its
 * change in OVN's Northbound database, the switch (and the logical port of
 * endpoint 'ep', if nonnull) there, and ovn-controller's flows for the
 * endpoint's port. */
static enum pending_verdict
check_ovn(struct pending *p, const struct state_network *net,
          const struct state_endpoint *ep, unsigned int *status, char **msg)
{
    char *error = NULL;

    switch (nb_check(net->id, p->seqno, &error)) {
    case NB_FAILED:
        return verdict_failed(status, msg, nb_is_connected() ? 409 : 503,
                              error);
    case NB_WAIT:
        p->waiting = nb_waiting_for();
        return PENDING_WAIT;
    case NB_DONE:
        break;
    }
    if (!nbr_in_replica(nb_idl(), net->id, ep ? ep->id : NULL,
                        db_system_id())) {
        p->waiting = "the logical switch or port is not in OVN's Northbound "
                     "database";
        return PENDING_WAIT;
    }
    if (ep && !db_interface_ovn_installed(ep->port)) {
        p->waiting = "ovn-controller did not install the port's flows (is "
                     "it running, and connected to the Southbound "
                     "database?)";
        return PENDING_WAIT;
    }
    return PENDING_DONE;
}

/* CreateEndpoint: the endpoint's port is on its bridge (and, in OVN mode,
 * installed by ovn-controller). */
static enum pending_verdict
check_endpoint(struct pending *p, unsigned int *status, char **msg)
{
    const struct state_endpoint *ep = state_endpoint_find(p->endpoint_id);
    enum pending_verdict v;

    v = check_port(p, "endpoint", ep != NULL, ep ? ep->error : NULL,
                   ep ? ep->port : NULL, status, msg);
    const struct state_network *net = (v == PENDING_DONE
                                       ? state_network_find(ep->network_id)
                                       : NULL);
    return net && net->cfg.ovn ? check_ovn(p, net, ep, status, msg) : v;
}

/* CreateNetwork of a provider network: ovs-vswitchd has its uplink port. */
static enum pending_verdict
check_uplink(struct pending *p, const struct state_network *net,
             unsigned int *status, char **msg)
{
    char *error;

    if (provcheck_uplink_ready(net, &error)) {
        return PENDING_DONE;
    } else if (error) {
        return verdict_failed(status, msg, 500, error);
    }
    p->waiting = "ovs-vswitchd did not add the uplink port";
    return PENDING_WAIT;
}

/* CreateNetwork: the network's gateway port is on its bridge, up, with its
 * addresses and its MTU requested of ovs-vswitchd (committed once the port
 * is in the datapath, after the port itself). */
static enum pending_verdict
check_network(struct pending *p, unsigned int *status, char **msg)
{
    const struct state_network *net = state_network_find(p->network_id);
    const char *gw_error = NULL;
    bool gw_ready = net && linksync_gateway_status(net, &gw_error);
    char *error = (gw_error
                   ? xasprintf("could not configure the gateway: %s",
                               gw_error)
                   : NULL);
    enum pending_verdict v = check_port(p, "network", net != NULL, error,
                                        net ? net->gw_port : NULL, status,
                                        msg);
    free(error);

    if (v == PENDING_DONE && !gw_ready) {
        p->waiting = "the gateway port did not get its addresses";
        v = PENDING_WAIT;
    } else if (v == PENDING_DONE
               && !db_interface_mtu_requested(net->gw_port, net->cfg.mtu)) {
        p->waiting = "the gateway port's MTU was not requested";
        v = PENDING_WAIT;
    }
    if (v == PENDING_DONE && net->cfg.ovn) {
        v = check_ovn(p, net, NULL, status, msg);
    }
    if (v == PENDING_DONE) {
        v = check_uplink(p, net, status, msg);
    }
    return v;
}

/* ProgramExternalConnectivity: table inet ovsnet holds the endpoint's
 * published ports. */
static enum pending_verdict
check_published(struct pending *p, unsigned int *status, char **msg)
{
    const char *error;

    if (nat_applied_seqno() < p->seqno
        && nat_failed_seqno(&error) >= p->seqno) {
        return verdict_failed(status, msg, 500, xasprintf(
                                  "could not publish the ports: %s", error));
    } else if (!pending_committed(p)) {
        return PENDING_WAIT;
    }
    p->waiting = "the NAT rules were not applied";
    return nat_applied_seqno() >= p->seqno ? PENDING_DONE : PENDING_WAIT;
}

/* DeleteEndpoint: the endpoint's removal is committed and its veth pair
 * deleted.  Deleting a link takes the kernel tens of ms, in the one thread:
 * answered before that, the next call (Docker's next CreateEndpoint) would
 * wait for it (see doc/design.md). */
static enum pending_verdict
check_link_deleted(struct pending *p, unsigned int *status OVS_UNUSED,
                   char **msg OVS_UNUSED)
{
    if (!pending_committed(p)) {
        return PENDING_WAIT;
    }
    p->waiting = "the veth pair was not deleted";

    char *port = names_port(p->endpoint_id);
    bool doomed = linksync_link_doomed(port);
    free(port);
    return doomed ? PENDING_WAIT : PENDING_DONE;
}

/* Rollbacks. */

static void
rollback_network(struct pending *p)
{
    state_network_remove(state_network_find(p->network_id));
}

static void
rollback_endpoint(struct pending *p)
{
    state_endpoint_remove(state_endpoint_find(p->endpoint_id));
}

static bool
ports_equal(const struct state_port *a, size_t n_a,
            const struct state_port *b, size_t n_b)
{
    return n_a == n_b && (!n_a || !memcmp(a, b, n_a * sizeof *a));
}

/* ProgramExternalConnectivity: the endpoint's published ports as they were,
 * unless a later call has changed them since: that one then restores these
 * ports if it fails too. */
static void
rollback_ports(struct pending *p)
{
    struct state_endpoint *ep = state_endpoint_find(p->endpoint_id);
    if (!ep) {
        return;
    }
    if (ports_equal(ep->ports, ep->n_ports, p->new_ports, p->n_new_ports)) {
        state_endpoint_set_ports(ep, p->old_ports, p->n_old_ports);
        return;
    }

    struct pending *q;
    LIST_FOR_EACH (q, node, pending_in_flight()) {
        if (q != p && q->rollback == rollback_ports && q->seqno > p->seqno
            && !strcmp(q->endpoint_id, p->endpoint_id)
            && ports_equal(q->old_ports, q->n_old_ports,
                           p->new_ports, p->n_new_ports)) {
            free(q->old_ports);
            q->old_ports = p->n_old_ports
                           ? xmemdup(p->old_ports,
                                     p->n_old_ports * sizeof *p->old_ports)
                           : NULL;
            q->n_old_ports = p->n_old_ports;
        }
    }
}

/* Request parsing. */

static const char *
get_id(const struct json *body, const char *key, struct http_request *req)
{
    const struct json *v = json_get(body, key);

    if (!v) {
        http_request_reply_error(req, 400, "%s: %s is missing",
                                 http_request_path(req), key);
        return NULL;
    }
    if (v->type != JSON_STRING || !names_id_valid(json_string(v))) {
        char *s = json_to_string(v, 0);
        http_request_reply_error(req, 400, "%s: %s must be an ID (digits and "
                                 "lowercase letters), "
                                 "not %.80s", http_request_path(req), key, s);
        free(s);
        return NULL;
    }
    return json_string(v);
}

/* The calls.  Each one either replies at once or leaves a pending. */

static void
handle_activate(struct http_request *req, const struct json *body OVS_UNUSED)
{
    struct json *reply = json_object_create();
    json_object_put(reply, "Implements",
                    json_array_create_2(json_string_create("NetworkDriver"),
                                        json_string_create("IpamDriver")));
    http_request_reply_json(req, 200, reply);
}

static void
handle_capabilities(struct http_request *req, const struct json *body OVS_UNUSED)
{
    const char *scope = swarm_is_global() ? "global" : "local";
    struct json *reply = object_with_string("Scope", scope);
    json_object_put_string(reply, "ConnectivityScope", scope);
    http_request_reply_json(req, 200, reply);
}

/* CreateNetwork, step by step (the checks against the host and the other
 * networks are plugin/netcheck's).  Each check replies and returns false
 * if the network cannot be made. */

/* A network that exists already: answer as the first time, once that is
 * complete (and if it has not been rolled back meanwhile). */
static void
create_network_again(struct http_request *req, const char *id)
{
    struct pending *p = pending_add(req, "CreateNetwork",
                                    json_object_create());
    p->network_id = xstrdup(id);
    p->check = check_network;
}

/* Reads the request into 'cfg'. */
static bool
parse_network(struct http_request *req, const struct json *body,
              const char *id, struct state_netcfg *cfg)
{
    char *error = netopts_parse(body, id, cfg);
    cfg->swarm = swarm_is_global();
    if (error) {
        http_request_reply_error(req, 400, "%s", error);
        VLOG_WARN_RL(&rl, "CreateNetwork %s refused: %s", id, error);
        free(error);
        return false;
    }
    return true;
}

/* Adds network 'id' with 'cfg' (which this takes) to the desired state, to
 * be answered once its gateway works: ovs-vswitchd has the gateway port,
 * which shows that the bridge came up too, and the port has its
 * addresses. */
static void
add_network(struct http_request *req, const char *id,
            struct state_netcfg *cfg)
{
    VLOG_INFO("CreateNetwork %s: bridge %s, vlan %d, mtu %d, datapath %s%s"
              "%s%s", id, cfg->bridge, cfg->vlan, cfg->mtu, cfg->datapath,
              cfg->internal ? ", internal" : "",
              cfg->tunnel ? ", tunnel " : "", cfg->tunnel ? cfg->tunnel : "");

    if (cfg->swarm) {
        swarm_add_manager_nodes(cfg);
    }
    state_network_add(id, cfg);
    struct pending *p = pending_add(req, "CreateNetwork",
                                    json_object_create());
    p->network_id = xstrdup(id);
    p->check = check_network;
    p->rollback = rollback_network;
}

static void
handle_create_network(struct http_request *req, const struct json *body)
{
    const char *id = get_id(body, "NetworkID", req);
    if (!id) {
        return;
    }
    if (state_network_find(id)) {
        create_network_again(req, id);
        return;
    }

    struct state_netcfg cfg;
    state_netcfg_init(&cfg);
    if (parse_network(req, body, id, &cfg)
        && provcheck_uplink(req, id, &cfg, cfg.ipv6_pools.n > 0)
        && (!cfg.ovn || netcheck_ovn(req, &cfg))
        && netcheck_bridge(req, &cfg)
        && netcheck_gateway_port(req, id)
        && netcheck_gateway_addresses(req, &cfg)
        && (!cfg.tunnel
            || netcheck_tunnel(req, id, &cfg, cfg.ipv6_pools.n > 0))) {
        add_network(req, id, &cfg);
    }
    state_netcfg_destroy(&cfg);
}

static void
handle_delete_network(struct http_request *req, const struct json *body)
{
    const char *id = get_id(body, "NetworkID", req);
    if (!id) {
        return;
    }

    struct state_network *net = state_network_find(id);
    if (net) {
        VLOG_INFO("DeleteNetwork %s", id);
        state_network_remove(net);
    }
    pending_add(req, "DeleteNetwork", json_object_create());
}

/* Checks that 'cidr' is an address of 'family' with a prefix. */
static bool
check_address(struct http_request *req, const char *key, const char *cidr,
              int family)
{
    struct addr a;

    if (cidr[0] && (addr_parse(cidr, &a) || a.family != family)) {
        http_request_reply_error(req, 400, "Interface.%s must be an IPv%d "
                                 "address/prefix, not %.80s", key,
                                 family == AF_INET ? 4 : 6, cidr);
        return false;
    }
    return true;
}

/* Checks that the name of the port of new endpoint 'eid' is free: no other
 * endpoint's (names take the first digits of the ID: they must not clash),
 * and no port of someone else's.  Replies with an error and returns false if
 * it is not. */
static bool
check_endpoint_port(struct http_request *req, const char *eid)
{
    char *port = names_port(eid);
    const struct state_endpoint *other = state_endpoint_find_by_port(port);
    bool ok = false;

    if (other) {
        http_request_reply_error(req, 409, "endpoint %s has the same first "
                                 "%d digits as endpoint %s", eid,
                                 NAMES_ID_DIGITS, other->id);
    } else if (db_foreign_port_exists(port)) {
        http_request_reply_error(req, 409, "a port called %s, which is not "
                                 "ovsnet's, already exists", port);
    } else {
        ok = true;
    }
    free(port);
    return ok;
}

static void
handle_create_endpoint(struct http_request *req, const struct json *body)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return;
    }

    const struct json *iface = json_get(body, "Interface");
    if (iface && iface->type != JSON_NULL && iface->type != JSON_OBJECT) {
        http_request_reply_error(req, 400, "Interface must be an object");
        return;
    }

    const char *ipv4 = http_request_json_string(req, iface, "Address");
    const char *ipv6 = (ipv4
                        ? http_request_json_string(req, iface, "AddressIPv6")
                        : NULL);
    const char *mac_s = (ipv6
                         ? http_request_json_string(req, iface, "MacAddress")
                         : NULL);
    if (!mac_s
        || !check_address(req, "Address", ipv4, AF_INET)
        || !check_address(req, "AddressIPv6", ipv6, AF_INET6)) {
        return;
    }

    struct eth_addr mac;
    if (mac_s[0] && (!eth_addr_from_string(mac_s, &mac)
                     || eth_addr_is_multicast(mac)
                     || eth_addr_is_zero(mac))) {
        http_request_reply_error(req, 400, "Interface.MacAddress %.40s is "
                                 "not a unicast MAC address", mac_s);
        return;
    }

    struct state_network *net = state_network_find(nid);
    if (!net) {
        http_request_reply_error(req, 404, "network %s not found", nid);
        return;
    }
    char *why = net->cfg.ovn ? nb_unavailable() : NULL;
    if (why) {
        http_request_reply_error(req, 503, "network %s (logical switch %s): "
                                 "%s", nid, net->cfg.ovn, why);
        free(why);
        return;
    }

    struct state_endpoint *ep = state_endpoint_find(eid);
    bool added = false;
    if (ep && strcmp(ep->network_id, nid)) {
        http_request_reply_error(req, 409, "endpoint %s already exists on "
                                 "network %s", eid, ep->network_id);
        return;
    }
    if (!ep) {
        if (!check_endpoint_port(req, eid)) {
            return;
        }
        if (!mac_s[0]) {
            state_random_mac(&mac);
        }
        ep = state_endpoint_add(eid, nid, &mac, ipv4, ipv6);
        added = true;
        VLOG_INFO("CreateEndpoint %s on network %s: port %s, mac "
                  ETH_ADDR_FMT, eid, nid, ep->port, ETH_ADDR_ARGS(mac));
    }

    /* Fill in only what Docker left empty. */
    struct json *reply = json_object_create();
    if (!mac_s[0]) {
        char s[ETH_ADDR_STRLEN + 1];
        snprintf(s, sizeof s, ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
        json_object_put(reply, "Interface", object_with_string("MacAddress",
                                                               s));
    }

    struct pending *p = pending_add(req, "CreateEndpoint", reply);
    p->endpoint_id = xstrdup(eid);
    p->check = check_endpoint;
    if (added) {
        p->rollback = rollback_endpoint;
    }
}

static void
handle_delete_endpoint(struct http_request *req, const struct json *body)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return;
    }

    struct state_endpoint *ep = state_endpoint_find(eid);
    if (ep) {
        VLOG_INFO("DeleteEndpoint %s", eid);
        state_endpoint_remove(ep);
    }
    struct pending *p = pending_add(req, "DeleteEndpoint",
                                    json_object_create());
    p->endpoint_id = xstrdup(eid);
    p->check = check_link_deleted;
}

/* Returns the gateway (an "ip/len" string of 'gateways') in the same subnet
 * as 'addr', or NULL if there is none.  Without 'addr', the first gateway.
 * (Docker gives each pool at most one gateway, in the pool.) */
static const char *
pick_gateway(const struct svec *gateways,
             const char *addr)
{
    struct addr a;

    if (!gateways->n) {
        return NULL;
    }
    if (addr && !addr_parse(addr, &a)) {
        for (size_t i = 0; i < gateways->n; i++) {
            struct addr g;
            if (!addr_parse(gateways->names[i], &g)
                && g.plen == a.plen && addr_in_prefix(&a, &g)) {
                return gateways->names[i];
            }
        }
        return NULL;
    }
    return gateways->names[0];
}

/* Puts the address of 'cidr' without its prefix into 'obj' as 'key'. */
static void
put_bare_ip(struct json *obj, const char *key, const char *cidr)
{
    if (cidr) {
        size_t len = strcspn(cidr, "/");
        json_object_put_nocopy(obj, xstrdup(key),
                               json_string_create_nocopy(
                                   xmemdup0(cidr, len)));
    }
}

static void
handle_join(struct http_request *req, const struct json *body)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return;
    }

    struct state_endpoint *ep = state_endpoint_find(eid);
    if (!ep || strcmp(ep->network_id, nid)) {
        http_request_reply_error(req, 404, "endpoint %s not found on "
                                 "network %s", eid, nid);
        return;
    }
    struct state_network *net = state_network_find(nid);

    struct json *ifname = object_with_string("SrcName", ep->peer);
    json_object_put_string(ifname, "DstPrefix", "eth");
    struct json *reply = json_object_create();
    json_object_put(reply, "InterfaceName", ifname);
    if (!net->cfg.internal) {
        put_bare_ip(reply, "Gateway",
                    pick_gateway(&net->cfg.ipv4_gateways, ep->ipv4));
        put_bare_ip(reply, "GatewayIPv6",
                    pick_gateway(&net->cfg.ipv6_gateways, ep->ipv6));
    }
    VLOG_INFO("Join %s: %s", eid, ep->peer);
    http_request_reply_json(req, 200, reply);
}

static void
handle_leave(struct http_request *req, const struct json *body)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return;
    }

    /* The link is still in the container: DeleteEndpoint removes it once
     * Docker has moved it back.  The published ports go now, whatever
     * Docker sent before: Docker 29 sends RevokeExternalConnectivity only
     * when the endpoint stops being the container's gateway, and never for
     * an endpoint it restored after a restart. */
    struct state_endpoint *ep = state_endpoint_find(eid);
    if (ep && !strcmp(ep->network_id, nid) && ep->n_ports) {
        VLOG_INFO("Leave %s: removing its published ports", eid);
        state_endpoint_set_ports(ep, NULL, 0);
        pending_add(req, "Leave", json_object_create());
    } else {
        http_request_reply_json(req, 200, json_object_create());
    }
}

static void
handle_oper_info(struct http_request *req, const struct json *body)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return;
    }

    struct state_endpoint *ep = state_endpoint_find(eid);
    if (!ep) {
        http_request_reply_error(req, 404, "endpoint %s not found", eid);
        return;
    }

    struct state_network *net = state_network_find(ep->network_id);
    char mac[ETH_ADDR_STRLEN + 1];
    snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
    struct json *value = object_with_string(
        "com.docker.network.endpoint.macaddress", mac);
    json_object_put_string(value, "ovs.bridge", net->cfg.bridge);
    json_object_put_string(value, "ovs.port", ep->port);
    if (net->cfg.vlan) {
        json_object_put_format(value, "ovs.vlan", "%d", net->cfg.vlan);
    }
    if (ep->n_ports) {
        /* As libnetwork's PortBinding.  (Docker 20.10 does not read it back
         * from a remote driver: "docker port" shows nothing.) */
        struct json *map = json_array_create_empty();
        for (size_t i = 0; i < ep->n_ports; i++) {
            const struct state_port *p = &ep->ports[i];
            struct json *b = json_object_create();
            json_object_put(b, "Proto", json_integer_create(p->proto));
            json_object_put_string(b, "HostIP", p->host_ip);
            json_object_put(b, "HostPort",
                            json_integer_create(p->host_port));
            json_object_put(b, "HostPortEnd",
                            json_integer_create(p->host_port));
            json_object_put(b, "Port", json_integer_create(p->port));
            json_array_add(map, b);
        }
        json_object_put(value, PORTMAP_KEY, map);
    }
    struct json *reply = json_object_create();
    json_object_put(reply, "Value", value);
    http_request_reply_json(req, 200, reply);
}

/* Returns endpoint 'EndpointID' of network 'NetworkID' of 'body', or NULL
 * after replying with an error. */
static struct state_endpoint *
get_endpoint(const struct json *body, struct http_request *req)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return NULL;
    }

    struct state_endpoint *ep = state_endpoint_find(eid);
    if (!ep || strcmp(ep->network_id, nid)) {
        http_request_reply_error(req, 404, "endpoint %s not found on "
                                 "network %s", eid, nid);
        return NULL;
    }
    return ep;
}

/* Checks that endpoint 'ep' has an address of the family of each host
 * address in 'ports'.  Replies and returns false if not. */
static bool
check_port_families(struct http_request *req,
                    const struct state_endpoint *ep,
                    const struct state_port *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct state_port *p = &ports[i];
        bool v6 = strchr(p->host_ip, ':') != NULL;
        if (p->host_ip[0] && !(v6 ? ep->ipv6 : ep->ipv4)) {
            http_request_reply_error(req, 400, "host address %s: endpoint %s "
                                     "has no IPv%d address to publish port "
                                     "%s/%"PRIu16" on", p->host_ip, ep->id,
                                     v6 ? 6 : 4, addr_proto_name(p->proto),
                                     p->port);
            return false;
        }
    }
    return true;
}

static void
handle_program_external(struct http_request *req, const struct json *body)
{
    struct state_endpoint *ep = get_endpoint(body, req);
    if (!ep) {
        return;
    }
    const struct state_network *net = state_network_find(ep->network_id);

    struct portmap_binding *bindings;
    struct state_port *ports = NULL;
    size_t n;
    char *error = portmap_parse(json_get(body, "Options"), &bindings, &n);
    if (error) {
        http_request_reply_error(req, 400, "%s", error);
        VLOG_WARN_RL(&rl, "ProgramExternalConnectivity %s refused: %s",
                     ep->id, error);
        goto out;
    }
    if (n && net->cfg.internal) {
        http_request_reply_error(req, 400, "network %s is internal: it "
                                 "cannot publish ports", net->id);
        goto out;
    }
    if (n && net->cfg.uplink) {
        http_request_reply_error(req, 400, "network %s is a provider "
                                 "network (on uplink %s): its containers "
                                 "are reachable at their own addresses, and "
                                 "there is no NAT to publish ports with",
                                 net->id, net->cfg.uplink);
        goto out;
    }
    error = portmap_allocate(bindings, n, ep, &ports);
    if (error) {
        http_request_reply_error(req, 409, "%s", error);
        VLOG_WARN_RL(&rl, "ProgramExternalConnectivity %s refused: %s",
                     ep->id, error);
        goto out;
    }
    if (!check_port_families(req, ep, ports, n)) {
        goto out;
    }

    /* Answer once the ports are in OVSDB and, if the endpoint publishes
     * any or had some, in table inet ovsnet. */
    struct state_port *old = (ep->n_ports
                              ? xmemdup(ep->ports,
                                        ep->n_ports * sizeof *ep->ports)
                              : NULL);
    size_t n_old = ep->n_ports;
    bool changed = !ports_equal(ports, n, ep->ports, ep->n_ports);
    if (changed) {
        struct ds s = DS_EMPTY_INITIALIZER;
        state_ports_format(&s, ports, n);
        VLOG_INFO("ProgramExternalConnectivity %s: %s", ep->id,
                  n ? ds_cstr(&s) : "no published ports");
        ds_destroy(&s);
        state_endpoint_set_ports(ep, ports, n);
    }
    struct pending *p = pending_add(req, "ProgramExternalConnectivity",
                                    json_object_create());
    if (n || n_old) {
        p->check = check_published;
    }
    if (changed) {
        p->endpoint_id = xstrdup(ep->id);
        p->rollback = rollback_ports;
        p->old_ports = old;
        p->n_old_ports = n_old;
        p->new_ports = ports;
        p->n_new_ports = n;
        old = NULL;
        ports = NULL;
    }
    free(old);

out:
    free(bindings);
    free(ports);
    free(error);
}

static void
handle_revoke_external(struct http_request *req, const struct json *body)
{
    const char *nid = get_id(body, "NetworkID", req);
    const char *eid = nid ? get_id(body, "EndpointID", req) : NULL;
    if (!eid) {
        return;
    }

    struct state_endpoint *ep = state_endpoint_find(eid);
    if (ep && ep->n_ports) {
        VLOG_INFO("RevokeExternalConnectivity %s", eid);
        state_endpoint_set_ports(ep, NULL, 0);
    }
    pending_add(req, "RevokeExternalConnectivity", json_object_create());
}

struct call {
    const char *path;
    void (*handler)(struct http_request *, const struct json *body);
    bool has_body;              /* Needs a JSON object body. */
    bool needs_state;           /* Needs the state loaded from OVSDB. */
};

static const struct call calls[] = {
    { "/Plugin.Activate", handle_activate, false, false },
    { "/NetworkDriver.GetCapabilities", handle_capabilities, false, false },
    { "/NetworkDriver.CreateNetwork", handle_create_network, true, true },
    { "/NetworkDriver.DeleteNetwork", handle_delete_network, true, true },
    { "/NetworkDriver.CreateEndpoint", handle_create_endpoint, true, true },
    { "/NetworkDriver.DeleteEndpoint", handle_delete_endpoint, true, true },
    { "/NetworkDriver.EndpointOperInfo", handle_oper_info, true, true },
    { "/NetworkDriver.Join", handle_join, true, true },
    { "/NetworkDriver.Leave", handle_leave, true, true },
    { "/NetworkDriver.ProgramExternalConnectivity",
      handle_program_external, true, true },
    { "/NetworkDriver.RevokeExternalConnectivity", handle_revoke_external,
      true, true },
    { "/NetworkDriver.AllocateNetwork", swarm_handle_allocate, true, false },
    { "/NetworkDriver.FreeNetwork", swarm_handle_free, true, false },
    /* A swarm driver's discovery needs the state: swarm's to admit. */
    { "/NetworkDriver.DiscoverNew", swarm_handle_discover_new, true, false },
    { "/NetworkDriver.DiscoverDelete", swarm_handle_discover_delete, true,
      false },
    /* The IPAM driver (OVN mode). */
    { "/IpamDriver.GetCapabilities", ipam_handle_capabilities, false, false },
    { "/IpamDriver.GetDefaultAddressSpaces", ipam_handle_address_spaces,
      false, false },
    { "/IpamDriver.RequestPool", ipam_handle_request_pool, true, true },
    { "/IpamDriver.ReleasePool", ipam_handle_release_pool, true, true },
    { "/IpamDriver.RequestAddress", ipam_handle_request_address, true, true },
    { "/IpamDriver.ReleaseAddress", ipam_handle_release_address, true,
      true },
};

static void
dispatch(struct http_request *req, const struct call *call)
{
    struct json *body = NULL;

    if (call->has_body) {
        size_t len;
        const char *text = http_request_body(req, &len);
        size_t skip = strspn(text, " \t\r\n");

        if (memchr(text, '\0', len)) {
            http_request_reply_error(req, 400, "%s: malformed JSON body: it "
                                     "contains a NUL byte", call->path);
            return;
        }
        if (text[skip] != '{') {
            http_request_reply_error(req, 400, "%s: the body must be a JSON "
                                     "object", call->path);
            return;
        }
        body = json_from_string(text);
        if (body->type == JSON_STRING) {
            /* That is how json_from_string() reports an error. */
            http_request_reply_error(req, 400, "%s: malformed JSON body: %s",
                                     call->path, json_string(body));
            json_destroy(body);
            return;
        }
    }
    call->handler(req, body);
    json_destroy(body);
}

static const struct call *
find_call(const char *path)
{
    for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
        if (!strcmp(path, calls[i].path)) {
            return &calls[i];
        }
    }
    return NULL;
}

/* Runs deferred call 'req' (a pending_dispatch_func). */
static void
driver_dispatch(struct http_request *req)
{
    dispatch(req, find_call(http_request_path(req)));
}

void
driver_handle(struct http_request *req, void *aux OVS_UNUSED)
{
    const char *path = http_request_path(req);
    const struct call *call = find_call(path);

    if (!call) {
        VLOG_WARN_RL(&rl, "%s: unknown call", path);
        http_request_reply_error(req, 404, "%s: unknown call (ovsnet "
                                 "implements NetworkDriver and IpamDriver)", path);
        return;
    }
    if (VLOG_IS_DBG_ENABLED()) {
        /* What Docker sends: "vlog/set driver:file:dbg". */
        size_t len;
        const char *text = http_request_body(req, &len);
        VLOG_DBG("%s %.*s", path, (int) MIN(len, 4096), text ? text : "");
    }
    if (!call->needs_state || pending_admit(req, path + 1)) {
        dispatch(req, call);
    }
}

void
driver_init(int timeout, bool global)
{
    pending_init(timeout, driver_dispatch);
    swarm_init(global);
}

void
driver_run(void)
{
    pending_run();
}

void
driver_wait(void)
{
    pending_wait();
}

void
driver_destroy(void)
{
    pending_shutdown();
}
