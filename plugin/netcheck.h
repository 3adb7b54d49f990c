/*
 * plugin/netcheck: CreateNetwork's checks of a new network's configuration
 * (parsed by plugin/netopts) against the host and the networks already in
 * the desired state.
 *
 * Each check replies to 'req' with the error (400 for a configuration that
 * cannot work, 409 for a clash with what exists) and returns false if the
 * network cannot be made; some fill in what the user left to ovsnet.
 */
#ifndef PLUGIN_NETCHECK_H
#define PLUGIN_NETCHECK_H 1

#include <stdbool.h>

struct http_request;
struct state_netcfg;

/* The bridge can be used or made; fills in its datapath type. */
bool netcheck_bridge(struct http_request *req, struct state_netcfg *);

/* The name of the gateway port of network 'id' is free. */
bool netcheck_gateway_port(struct http_request *req, const char *id);

/* No other network has one of the gateway addresses on this host. */
bool netcheck_gateway_addresses(struct http_request *req,
                                const struct state_netcfg *);

/* The tunnel fits the other networks and the underlay; picks the vxlan
 * device and the MTU unless the user did.  'ipv6': the network has IPv6
 * pools. */
bool netcheck_tunnel(struct http_request *req, const char *id,
                     struct state_netcfg *, bool ipv6);

/* An OVN network (option ovs.ovn): OVN mode is on and its database
 * reachable, this host is a chassis, the switch is free on this host and,
 * if other hosts made it, made the same; sets the bridge (OVN's
 * integration bridge) and, unless the user gave one, the MTU. */
bool netcheck_ovn(struct http_request *req, struct state_netcfg *);

#endif /* plugin/netcheck.h */
