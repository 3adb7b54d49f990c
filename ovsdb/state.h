/*
 * ovsdb/state: the desired state of ovsnet, networks and endpoints.
 *
 * This is the one place that says what should exist.  Docker calls change it
 * (plugin/driver.c); the reconcilers make OVSDB (ovsdb/reconcile.c), the
 * kernel's links (netns/link-sync.c) and its netfilter table and FORWARD
 * chain (netns/nat-sync.c) match it.  It is persisted in OVSDB, in the
 * external_ids of the rows that reconcile writes (see doc/design.md), and is
 * loaded back from there when the daemon starts: there is no other copy.
 * How it is written there and read back is ovsdb/persist's business: this
 * module knows nothing of OVSDB, nor of the system.
 *
 * Every change increments state_seqno(); a caller that needs its change to
 * be durable waits until db_applied_seqno() reaches that number.
 */
#ifndef OVSDB_STATE_H
#define OVSDB_STATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/types.h"
#include "packets.h"
#include "smap.h"
#include "svec.h"

struct ds;
struct sset;
struct state_port_use;

/* A published port: connections to 'host_port' (on 'host_ip', or on every
 * address of the host if it is empty) reach 'port' of the endpoint. */
struct state_port {
    uint8_t proto;              /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP. */
    uint16_t port;              /* In the container. */
    uint16_t host_port;
    char host_ip[46];           /* Bare IPv4 or IPv6 address, or "". */
};

/* The first and last host port handed out when Docker asks for any (-P, or
 * -p with no host port). */
#define STATE_PORT_MIN 49153
#define STATE_PORT_MAX 65535

/* Appends the 'n' 'ports' to 's' for people: "8080->80/tcp,
 * 192.0.2.1:53->53/udp, [2001:db8::1]:80->80/tcp". */
void state_ports_format(struct ds *s, const struct state_port *, size_t n);

/* What carries a vxlan network's tunnel (ovs.vxlan_device). */
enum state_vxlan_device {
    STATE_VXLAN_AUTO,           /* Not chosen yet: only in CreateNetwork. */
    STATE_VXLAN_OVS,            /* Open vSwitch's own vxlan port per peer. */
    STATE_VXLAN_KERNEL,         /* One Linux VXLAN device, a system port. */
};

/* A network's configuration: what CreateNetwork asked for, validated. */
struct state_netcfg {
    char *bridge;               /* Bridge name. */
    int vlan;                   /* Access VLAN, 0 for none. */
    int mtu;                    /* MTU of every link of the network. */
    bool mtu_auto;              /* Not given by the user (not persisted). */
    char *datapath;             /* "system" or "netdev". */
    bool internal;              /* No address on the host. */
    bool nat;                   /* Masquerade what leaves the host (never
                                 * on an internal network). */
    struct svec ipv4_pools;     /* CIDRs. */
    struct svec ipv4_gateways;  /* "ip/len" per pool that has one. */
    struct svec ipv6_pools;
    struct svec ipv6_gateways;
    struct smap options;        /* The -o options, as given. */

    /* Multi-host networks: a tunnel port to each peer. */
    char *tunnel;               /* "vxlan", "gre", "geneve", "stt" or NULL. */
    uint64_t vni;               /* Tunnel key. */
    struct svec peers;          /* Hosts of the network (bare IPs), this
                                 * one included or not. */
    char *local_ip;             /* Tunnel source, or NULL for the route's. */
    enum state_vxlan_device vxlan_device;  /* vxlan only. */

    /* Docker swarm (a global-scope driver).  A swarm network's tunnels go
     * to its 'peers' and to the swarm's nodes (state_nodes()). */
    bool swarm;
    struct svec swarm_nodes;    /* Option ovs.swarm_nodes (bare IPs,
                                 * canonical): the nodes the leading
                                 * manager knew when the network was made,
                                 * which CreateNetwork adds to the nodes. */

    /* OVN mode (option ovs.ovn): the logical switch the network is, on
     * OVN's integration bridge ('bridge'); NULL otherwise.  See
     * ovsdb/nb-reconcile. */
    char *ovn;

    /* A provider network (ovs.uplink): VLAN 'vlan' (or untagged) of the
     * physical network behind port 'uplink' of the bridge, whose gateways
     * are the LAN's router, not the host.  The host has an address on it
     * only if the operator gave one (ovs.host_ip). */
    char *uplink;               /* Uplink port, or NULL: not a provider
                                 * network. */
    struct svec host_ipv4;      /* ovs.host_ip, "ip/len" (the pool's
                                 * prefix length). */
    struct svec host_ipv6;
};

void state_netcfg_init(struct state_netcfg *);
void state_netcfg_destroy(struct state_netcfg *);
/* The addresses of this host, 'local', come from the caller (netns/route's
 * route_local_addrs()): the model looks nothing up. */
void state_netcfg_split_peers(const struct state_netcfg *,
                              const struct sset *local,
                              struct svec *remotes, struct svec *self);
/* Where 'peer', one of the peers state_netcfg_split_peers() gives for
 * 'cfg', comes from: "ovs.peers" (the option, or network/add-peer), or
 * that of the swarm node (see state_nodes()). */
const char *state_netcfg_peer_origin(const struct state_netcfg *,
                                     const char *peer);
int state_netcfg_peer_family(const struct state_netcfg *);

/* Returns true if the host is the gateway of network 'cfg': its containers
 * reach beyond it through the host, which holds its gateway addresses and
 * may translate (not an internal network, not a provider network). */
bool state_netcfg_host_is_gateway(const struct state_netcfg *);
/* Returns the addresses ("ip/len") of 'family' that the host holds on the
 * network's gateway port: the gateways, if the host is the gateway; a
 * provider network's ovs.host_ip; none on an internal network. */
const struct svec *state_netcfg_host_addrs(const struct state_netcfg *,
                                           int family);

struct state_network {
    struct hmap_node node;      /* In the networks map, by hash of 'id'. */
    char *id;                   /* Docker's NetworkID. */
    struct state_netcfg cfg;
    char *gw_port;              /* Name of the gateway port. */

    /* Name of the kernel VXLAN device, if the network has one (see
     * state_network_is_kernel_vxlan()), or NULL. */
    char *vx_dev;
};

struct state_endpoint {
    struct hmap_node node;      /* In the endpoints map, by hash of 'id'. */
    struct hmap_node port_node; /* Private: by hash of 'port'. */
    struct hmap_node mac_node;  /* Private: by hash of 'mac'. */
    char *id;                   /* Docker's EndpointID. */
    char *network_id;
    char *port;                 /* Host end of the veth = OVS port name. */
    char *peer;                 /* Container end, until Docker renames it. */
    struct eth_addr mac;        /* The container end's MAC. */
    char *ipv4;                 /* "ip/len" or NULL. */
    char *ipv6;                 /* "ip/len" or NULL. */
    struct state_port *ports;   /* Published ports. */
    size_t n_ports;
    struct state_port_use *port_uses;  /* Private: 'ports' in the index of
                                        * host ports. */
    uint64_t changed_seqno;     /* state_seqno() of its last change. */

    /* Not persisted: why the link side (netns/link-sync) could not make
     * the endpoint, for the CreateEndpoint call to answer, or NULL. */
    char *error;
};

void state_destroy(void);

uint64_t state_seqno(void);
/* For a reconcile pass that looks only at what changed: moves into 'ports'
 * (which the caller owns, and this empties first) the port names of the
 * endpoints added, changed or removed since the last call, and returns
 * true if that is all that changed (no network came, went or changed, and
 * nothing called state_touch()). */
bool state_take_changes(struct sset *ports);
/* Like state_seqno(), but moves only when what the NAT table and the chain
 * in iptables' FORWARD are made of changes: the networks, and the published
 * ports (with their endpoints' addresses).  Adding or removing an endpoint
 * that publishes nothing leaves it alone. */
uint64_t state_nat_seqno(void);
/* Whether the state has been loaded from OVSDB (see ovsdb/persist), and
 * so may be acted upon. */
bool state_is_loaded(void);
void state_set_loaded(void);
void state_clear(void);

/* Forgets the loaded state as if it had never been loaded: another ovsnetd
 * of the same driver took over (see db_lock_contended()).  After
 * linksync_unload(), whose removal hooks would otherwise doom the links,
 * nothing is marked for deletion.  persist_load() loads it again. */
void state_unload(void);

/* Why the state cannot be loaded now (a message for Docker's calls, which
 * then fail at once), or NULL: the caller of persist_load() says so. */
void state_set_unavailable(const char *reason);
const char *state_unavailable(void);

const struct hmap *state_networks(void);
const struct hmap *state_endpoints(void);

struct state_network *state_network_find(const char *id);
struct state_endpoint *state_endpoint_find(const char *id);
/* Returns the endpoint whose host end of the veth pair (OVS port) is called
 * 'port', or NULL. */
struct state_endpoint *state_endpoint_find_by_port(const char *port);
/* Returns true if an endpoint has MAC 'mac'. */
bool state_mac_in_use(const struct eth_addr *mac);
struct state_network *state_network_find_by_bridge_vlan(const char *bridge,
                                                        int vlan);
size_t state_network_n_endpoints(const struct state_network *);

/* Adds a network.  Takes ownership of 'cfg''s contents. */
struct state_network *state_network_add(const char *id,
                                        struct state_netcfg *cfg);
void state_network_remove(struct state_network *);

struct state_endpoint *state_endpoint_add(const char *id,
                                          const char *network_id,
                                          const struct eth_addr *mac,
                                          const char *ipv4, const char *ipv6);
void state_endpoint_remove(struct state_endpoint *);

/* Replaces the published ports of 'ep' by the 'n' of 'ports' (copied). */
void state_endpoint_set_ports(struct state_endpoint *,
                              const struct state_port *ports, size_t n);

/* Returns true if published ports 'a' and 'b' take the same host port:
 * same protocol and host port, and the same host address or either one
 * empty. */
bool state_ports_overlap(const struct state_port *a,
                         const struct state_port *b);

/* Returns the endpoint other than 'self' that publishes a port that
 * overlaps 'p', or NULL.  O(1): a look in an index. */
const struct state_endpoint *state_port_owner(const struct state_port *p,
                                              const struct state_endpoint
                                              *self);

/* Returns the lowest host port from 'first' to 'last' that, published as
 * 'p' ('p->host_port' aside), would overlap no port of an endpoint other
 * than 'self' (state_port_owner() would find none), or 0 if there is none.
 * It takes at most one look per 64 ports of the range, and one per port
 * of 'self', however many ports are published. */
uint16_t state_port_first_free(const struct state_port *p, uint16_t first,
                               uint16_t last,
                               const struct state_endpoint *self);

/* A module that keeps records of its own per network and per endpoint
 * (netns/link-sync) hears here of every removal, before the object is
 * freed, with the state_seqno() of the removal.  One set of hooks; NULL for
 * none. */
struct state_hooks {
    void (*network_removed)(const struct state_network *, uint64_t seqno);
    void (*endpoint_removed)(const struct state_endpoint *, uint64_t seqno);
};
void state_set_hooks(const struct state_hooks *);

/* Records a change of what OVSDB should hold that is decided outside the
 * desired state (netns/link-sync: whether a kernel VXLAN device is ready for
 * its port), so that the next OVSDB pass writes it and state_seqno() says
 * when it is in. */
void state_touch(void);

void state_random_mac(struct eth_addr *);

/* Returns true if the tunnel of 'net' is a kernel VXLAN device. */
bool state_network_is_kernel_vxlan(const struct state_network *);

/* Replaces the peers of tunnel network 'net' by 'peers'. */
void state_network_set_peers(struct state_network *,
                             const struct svec *peers);

/* Docker swarm's nodes, by the addresses they advertise: canonical bare
 * IPs, each with where it came from: "swarm" (Docker's node discovery,
 * DiscoverNew), "manager" (the leading manager's list, ovs.swarm_nodes, at
 * CreateNetwork) or "appctl" (swarm/add-node).  This node's own ('self')
 * apart.  Persisted for the driver as a whole (ovsdb/persist), so that a
 * restarted plugin, which Docker tells only of itself, keeps them.  The
 * setters return true if they changed something; state_node_add() changes
 * the origin of a known node only to "swarm". */
const struct smap *state_nodes(void);
const char *state_self_node(void);
bool state_node_add(const char *ip, const char *origin);
bool state_node_remove(const char *ip);
bool state_set_self_node(const char *ip);

/* Returns the anycast MAC of the gateway port of a tunnel network: the same
 * on every host, derived from the tunnel type and key. */
void state_network_gateway_mac(const struct state_network *,
                               struct eth_addr *);

#endif /* ovsdb/state.h */
