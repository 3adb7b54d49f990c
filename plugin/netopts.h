/*
 * plugin/netopts: a CreateNetwork request, read and checked.
 *
 * Turns the JSON body Docker sends (parsed by libopenvswitch's json) into a network configuration
 * (struct state_netcfg), refusing bad values with a message that names the
 * option and the value.  Knows nothing of what else exists: conflicts with
 * other networks and bridges are the driver's to find.
 */
#ifndef PLUGIN_NETOPTS_H
#define PLUGIN_NETOPTS_H 1


struct json;
struct state_netcfg;

#define NETOPTS_DEFAULT_MTU 1500

/* Option keys, as given with "docker network create -o KEY=VALUE". */
#define NETOPTS_BRIDGE   "ovs.bridge"
#define NETOPTS_VLAN     "ovs.vlan"
#define NETOPTS_DATAPATH "ovs.datapath"
#define NETOPTS_MTU      "com.docker.network.driver.mtu"
#define NETOPTS_TUNNEL   "ovs.tunnel"
#define NETOPTS_VNI      "ovs.vni"
#define NETOPTS_PEERS    "ovs.peers"
#define NETOPTS_LOCAL_IP "ovs.local_ip"
#define NETOPTS_NAT      "ovs.nat"
#define NETOPTS_VXLAN_DEVICE "ovs.vxlan_device"
/* The swarm nodes the leading manager knows, which it adds to a swarm
 * network's options in AllocateNetwork (plugin/swarm). */
#define NETOPTS_SWARM_NODES "ovs.swarm_nodes"
/* OVN mode: the logical switch (ovsnetd --ovn-nb). */
#define NETOPTS_OVN      "ovs.ovn"

/* Encapsulation overhead of tunnel type 'tunnel' ("vxlan", ...) over an IPv4
 * underlay (add 20 for IPv6): the outer headers plus the inner Ethernet
 * header.  Frames enter tunnels untagged (tunnel ports are access ports of
 * the network's VLAN), so no VLAN tag is counted. */
int netopts_tunnel_overhead(const char *tunnel);

/* Parses CreateNetwork body 'req' for network 'network_id' into 'cfg'
 * (initialized by the caller).  'cfg->datapath' stays NULL when the user
 * named none, and 'cfg->vxlan_device' STATE_VXLAN_AUTO unless the user
 * chose.  Returns NULL on success, otherwise an error message the
 * caller must free. */
char *netopts_parse(const struct json *req, const char *network_id,
                    struct state_netcfg *cfg);

#endif /* plugin/netopts.h */
