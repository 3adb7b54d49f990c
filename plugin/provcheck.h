/*
 * plugin/provcheck: CreateNetwork's checks of a provider network (ovs.uplink)
 * against the host, Open vSwitch and the other networks: the uplink exists,
 * is no one else's, is on the network's bridge or can be added to it without
 * taking the host's own address or default route, and no other network
 * carries the same VLAN on it.  The network's MTU comes from the uplink.
 *
 * Like plugin/netcheck's, a check replies to the request (400 for what
 * cannot work, 409 for a clash with what exists) and returns false if the
 * network cannot be made.
 */
#ifndef PLUGIN_PROVCHECK_H
#define PLUGIN_PROVCHECK_H 1

#include <stdbool.h>

struct http_request;
struct state_netcfg;
struct state_network;

/* Checks the uplink of 'cfg' (for network 'id'; nothing to check if it is
 * not a provider network), and sets its MTU, the uplink's, unless the user
 * gave one.  'ipv6': the network has IPv6 pools. */
bool provcheck_uplink(struct http_request *req, const char *id,
                      struct state_netcfg *cfg, bool ipv6);

/* Whether ovs-vswitchd has the uplink port of provider network 'net': true
 * if it has (or 'net' has no uplink), false if not yet, or false with the
 * reason in '*errorp' (for the caller to free) if it could not add it. */
bool provcheck_uplink_ready(const struct state_network *net, char **errorp);

#endif /* plugin/provcheck.h */
