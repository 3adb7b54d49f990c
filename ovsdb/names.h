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

/* Docker IDs are 64 hex digits; we accept 1 to 128 hex digits, which is what
 * can safely become part of a name and an external_ids value. */
bool names_id_valid(const char *id);

/* Returns a newly allocated name PREFIX + the first NAMES_ID_DIGITS of 'id'
 * ('id' must be valid). */
char *names_bridge(const char *network_id);
char *names_gateway(const char *network_id);
char *names_port(const char *endpoint_id);
char *names_peer(const char *endpoint_id);
char *names_vxlan(const char *network_id);

/* Returns NULL if 'name' may name an OVS bridge or port that becomes a kernel
 * device (1 to 15 bytes, no '/', no white space, not "." or ".."), otherwise
 * a static string that says what is wrong. */
const char *names_ifname_error(const char *name);

/* Stores in 'mac' a random unicast, locally administered address that is
 * not in 'used' (an array of 'n_used' addresses). */
void names_random_mac(struct eth_addr *mac, const struct eth_addr *used,
                      size_t n_used);

#endif /* ovsdb/names.h */
