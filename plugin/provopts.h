/*
 * plugin/provopts: the options of provider networks, read and checked.
 *
 * A provider network puts its containers on a VLAN (or the untagged
 * network) of the physical network behind an uplink of the bridge, with the
 * LAN's router as their gateway: ovs.uplink names the uplink, ovs.vlan the
 * VLAN.  Part of plugin/netopts: pure, it knows nothing of the host (whether
 * the uplink exists, holds an address...: plugin/provcheck).
 */
#ifndef PLUGIN_PROVOPTS_H
#define PLUGIN_PROVOPTS_H 1

#include <stdbool.h>

struct state_netcfg;

/* Option keys. */
#define PROVOPTS_UPLINK       "ovs.uplink"
#define PROVOPTS_UPLINK_FORCE "ovs.uplink_force"
#define PROVOPTS_HOST_IP      "ovs.host_ip"

/* If 'key' is an option of provider networks, applies 'value' to 'cfg',
 * stores NULL or an error message (for the caller to free) in '*errorp'
 * and returns true.  Returns false for any other key. */
bool provopts_parse_option(const char *key, const char *value,
                           struct state_netcfg *cfg, char **errorp);

/* Checks the provider options of 'cfg' together and against its other
 * options and pools, once all are read: no tunnel and no NAT on a provider
 * network (ovs.nat is false unless given), the host addresses in a pool
 * and none of them a gateway, and no provider option without ovs.uplink.
 * Gives the host addresses the prefix length of their pool.  Returns NULL
 * or an error message for the caller to free. */
char *provopts_check(struct state_netcfg *cfg);

#endif /* plugin/provopts.h */
