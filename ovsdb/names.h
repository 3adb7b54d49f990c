/*
 * ovsdb/names: how ovsnet names what it creates, and what it accepts as a
 * name or an ID from outside.
 *
 * Every kernel link and OVSDB row of ovsnet has a name with one of the
 * prefixes below, followed by the first NAMES_ID_DIGITS hex digits of the
 * Docker ID it belongs to, so that an operator can tell at a glance what is
 * ours and which network or endpoint it serves.
 */
#ifndef OVSDB_NAMES_H
#define OVSDB_NAMES_H 1

#include <stdbool.h>
#include <stddef.h>

struct eth_addr;

#define NAMES_BRIDGE_PREFIX   "ovsbr-"   /* A bridge of ovsnet's own. */
#define NAMES_GATEWAY_PREFIX  "ovsgw-"   /* A network's gateway port. */
#define NAMES_PORT_PREFIX     "ovsep-"   /* Host end of an endpoint's veth. */
#define NAMES_PEER_PREFIX     "ovsct-"   /* Container end, until renamed. */
#define NAMES_VXLAN_PREFIX    "ovsvx-"   /* A network's kernel VXLAN device. */
#define NAMES_ID_DIGITS 9

/* Longest kernel interface name (IFNAMSIZ - 1). */
#define NAMES_IFNAME_MAX 15

/* Docker's IDs are 64 hex digits; swarm's (a swarm network's) 25 digits and
 * lowercase letters.  We accept 1 to 128 of those, which can safely become
 * part of a name and an external_ids value. */
bool names_id_valid(const char *id);

/* Returns a newly allocated name PREFIX + the first NAMES_ID_DIGITS of 'id'
 * ('id' must be valid). */
char *names_bridge(const char *network_id);
char *names_gateway(const char *network_id);
char *names_port(const char *endpoint_id);
char *names_peer(const char *endpoint_id);
char *names_vxlan(const char *network_id);

/* The driver name: the base name of the plugin socket without ".sock", the
 * name Docker knows the plugin by ("docker network create -d NAME").  Every
 * row and link of ovsnet records the driver that made it, so that several
 * ovsnetd, each on its own socket, share one Open vSwitch without touching
 * each other's networks.  NAMES_DEFAULT_DRIVER is the name of the default
 * socket; what ovsnet recorded before there were several is its. */
#define NAMES_DEFAULT_DRIVER  "ovs"
#define NAMES_DRIVER_MAX      16

/* Returns the driver name for plugin socket 'path', newly allocated. */
char *names_driver_from_socket(const char *path);

/* Returns NULL if 'driver' may be a driver name (1 to NAMES_DRIVER_MAX
 * letters, digits, '_', '.' and '-', beginning with a letter or a digit:
 * it becomes part of the names of a netfilter table and an iptables chain),
 * otherwise a static string that says what is wrong. */
const char *names_driver_error(const char *driver);

/* Sets the driver name of this ovsnetd (a valid one), and returns it:
 * NAMES_DEFAULT_DRIVER until it is set. */
void names_set_driver(const char *driver);
const char *names_driver(void);
bool names_driver_is_default(void);

/* The name of the OVSDB lock of this ovsnetd's driver, newly allocated:
 * "ovsnet_" and the driver name, in which (OVSDB wants an <id>) '_' becomes
 * "__", '-' "_h" and '.' "_d" ("ovsnet_ovs", "ovsnet_my_hnet" for
 * "my-net"): one lock per driver name. */
char *names_lock(void);

/* The ifalias of the links of the network or endpoint 'id': "ovsnet:ID" for
 * the default driver (as ovsnet always wrote it), "ovsnet:DRIVER:ID" for
 * another.  Newly allocated. */
char *names_alias(const char *id);

/* Returns true if 'alias' (the ifalias of a link, may be NULL) says the link
 * belongs to this ovsnetd's driver: "ovsnet:DRIVER:ID" with this driver, or
 * "ovsnet:ID" if this is the default driver, with a valid ID. */
bool names_alias_is_mine(const char *alias);

/* Returns NULL if 'name' may name an OVS bridge or port that becomes a kernel
 * device (1 to 15 bytes, no '/', no white space, not "." or ".."), otherwise
 * a static string that says what is wrong. */
const char *names_ifname_error(const char *name);

/* Stores in 'mac' a random unicast, locally administered address that is
 * not in 'used' (an array of 'n_used' addresses). */
void names_random_mac(struct eth_addr *mac, const struct eth_addr *used,
                      size_t n_used);

#endif /* ovsdb/names.h */
