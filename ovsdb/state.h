/*
 * ovsdb/state: the desired state of ovsnet, networks and endpoints.
 *
 * This is the one place that says what should exist.  Docker calls change it
 * (plugin/driver.c); the reconcile pass (ovsdb/reconcile.c) makes OVSDB and
 * the kernel's links match it.  It is persisted in OVSDB, in the
 * external_ids of the rows that reconcile writes (see doc/design.md), and is
 * loaded back from there when the daemon starts: there is no other copy.
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
struct ovsdb_idl;

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

const char *state_proto_name(uint8_t proto);
/* The reverse: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP for "tcp", "udp" or
 * "sctp", 0 for anything else. */
uint8_t state_proto_from_name(const char *name);
/* Appends the 'n' 'ports' to 's' for people: "8080->80/tcp,
 * 192.0.2.1:53->53/udp, [2001:db8::1]:80->80/tcp". */
void state_ports_format(struct ds *s, const struct state_port *, size_t n);
char *state_ports_to_string(const struct state_port *, size_t n);
char *state_ports_from_string(const char *, struct state_port **, size_t *n)
    OVS_WARN_UNUSED_RESULT;

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
};

void state_netcfg_init(struct state_netcfg *);
void state_netcfg_destroy(struct state_netcfg *);
void state_netcfg_split_peers(const struct state_netcfg *,
                              struct svec *remotes, struct svec *self);
int state_netcfg_peer_family(const struct state_netcfg *);

struct state_network {
    struct hmap_node node;      /* In the networks map, by hash of 'id'. */
    char *id;                   /* Docker's NetworkID. */
    struct state_netcfg cfg;
    char *gw_port;              /* Name of the gateway port. */

    /* Not persisted: what the link side of reconcile still has to do. */
    bool gw_dirty;              /* Gateway link needs its addresses. */
    int64_t gw_ofport;          /* Last ofport seen for the gateway. */
    char *gw_error;             /* Why the last attempt to configure the
                                 * gateway link failed, or NULL. */

    /* The kernel VXLAN device, if the network has one (see
     * state_network_is_kernel_vxlan()), or NULL. */
    char *vx_dev;               /* Its name. */
    bool vx_ready;              /* It is there as it should be: its port
                                 * belongs in OVSDB. */
    bool vx_dirty;              /* Needs a look (peers changed...). */
};

struct state_endpoint {
    struct hmap_node node;      /* In the endpoints map, by hash of 'id'. */
    char *id;                   /* Docker's EndpointID. */
    char *network_id;
    char *port;                 /* Host end of the veth = OVS port name. */
    char *peer;                 /* Container end, until Docker renames it. */
    struct eth_addr mac;        /* The container end's MAC. */
    char *ipv4;                 /* "ip/len" or NULL. */
    char *ipv6;                 /* "ip/len" or NULL. */
    struct state_port *ports;   /* Published ports. */
    size_t n_ports;

    /* Not persisted. */
    bool link_created;          /* The veth pair was made (or loaded). */
    char *error;                /* Why the endpoint failed, or NULL. */
};

void state_destroy(void);

uint64_t state_seqno(void);
bool state_is_loaded(void);
void state_load(const struct ovsdb_idl *);
void state_clear(void);

const struct hmap *state_networks(void);
const struct hmap *state_endpoints(void);

struct state_network *state_network_find(const char *id);
struct state_endpoint *state_endpoint_find(const char *id);
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
 * overlaps 'p', or NULL. */
const struct state_endpoint *state_port_owner(const struct state_port *p,
                                              const struct state_endpoint
                                              *self);

/* Links of removed endpoints, for the reconcile pass to delete once their
 * ports are gone from OVSDB: maps a link name to the state_seqno() (cast to
 * a pointer) that must be committed first. */
struct shash *state_doomed_links(void);

void state_random_mac(struct eth_addr *);

void state_mark_all_gateways_dirty(void);

/* Records why the gateway link of 'net' could not be configured (a copy of
 * 'error'), or that it could (NULL). */
void state_network_set_gw_error(struct state_network *, const char *error);

/* Returns true if the tunnel of 'net' is a kernel VXLAN device. */
bool state_network_is_kernel_vxlan(const struct state_network *);

/* Records whether the kernel VXLAN device of 'net' is ready, which decides
 * whether its port belongs in OVSDB. */
void state_network_set_vxlan_ready(struct state_network *, bool ready);

/* Replaces the peers of tunnel network 'net' by 'peers'. */
void state_network_set_peers(struct state_network *,
                             const struct svec *peers);

/* Returns the anycast MAC of the gateway port of a tunnel network: the same
 * on every host, derived from the tunnel type and key. */
void state_network_gateway_mac(const struct state_network *,
                               struct eth_addr *);

/* The names of ovsnet's external_ids keys. */
#define STATE_KEY_ROLE       "ovsnet-role"
#define STATE_KEY_NETWORK    "ovsnet-network"
#define STATE_KEY_ENDPOINT   "ovsnet-endpoint"
#define STATE_ROLE_BRIDGE    "bridge"
#define STATE_ROLE_NETWORK   "network"
#define STATE_ROLE_ENDPOINT  "endpoint"
#define STATE_ROLE_TUNNEL    "tunnel"

/* Whether external_ids key 'key' is one ovsnet writes on its rows: its own
 * ("ovsnet-...") and the integration keys of OVS's integration guide that
 * it sets on endpoints' Interfaces.  Other keys belong to other writers and
 * are left alone. */
bool state_key_is_ours(const char *key);
size_t state_count_our_keys(const struct smap *ids);

/* Fills 'ids' with the external_ids that record 'net' (on its gateway
 * Port), and 'ep' (on its Interface). */
void state_network_to_smap(const struct state_network *, struct smap *ids);
void state_endpoint_to_smap(const struct state_endpoint *, struct smap *ids);
bool state_endpoint_ids_match(const struct state_endpoint *,
                              const struct smap *ids);

#endif /* ovsdb/state.h */
