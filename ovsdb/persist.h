/*
 * ovsdb/persist: the desired state as OVSDB records it.
 *
 * The desired state (ovsdb/state) has no copy of its own: it lives in the
 * external_ids of the rows that reconcile writes (see doc/design.md).  This
 * module says what those external_ids are for a network or an endpoint,
 * whether a row's are still right, and reads them all back when the daemon
 * starts.  Everything else in ovsdb/state knows nothing of OVSDB.
 */
#ifndef OVSDB_PERSIST_H
#define OVSDB_PERSIST_H 1

#include <stdbool.h>
#include <stddef.h>

#include "openvswitch/compiler.h"

struct ovsdb_idl;
struct smap;
struct state_endpoint;
struct state_network;
struct state_port;

/* The names of ovsnet's external_ids keys. */
#define PERSIST_KEY_ROLE       "ovsnet-role"
#define PERSIST_KEY_NETWORK    "ovsnet-network"
#define PERSIST_KEY_ENDPOINT   "ovsnet-endpoint"
#define PERSIST_KEY_DRIVER     "ovsnet-driver"
#define PERSIST_ROLE_BRIDGE    "bridge"
#define PERSIST_ROLE_NETWORK   "network"
#define PERSIST_ROLE_ENDPOINT  "endpoint"
#define PERSIST_ROLE_TUNNEL    "tunnel"
#define PERSIST_ROLE_UPLINK    "uplink"   /* A provider network's uplink,
                                            * when ovsnet added it. */

/* Loads the desired state recorded in 'idl' (once, when the daemon first
 * sees the database), replacing whatever the state held, and marks the
 * state loaded (state_is_loaded()). */
void persist_load(const struct ovsdb_idl *);

/* Whether external_ids key 'key' is one ovsnet writes on its rows: its own
 * ("ovsnet-...") and the integration keys of OVS's integration guide that
 * it sets on endpoints' Interfaces.  Other keys belong to other writers and
 * are left alone. */
bool persist_key_is_ours(const char *key);
size_t persist_count_our_keys(const struct smap *ids);

/* Adds to 'ids' the keys that mark a row as this ovsnetd's, with 'role':
 * PERSIST_KEY_ROLE and PERSIST_KEY_DRIVER (names_driver()). */
void persist_ids_add_role(struct smap *ids, const char *role);

/* Returns true if 'ids', the external_ids of a row that has
 * PERSIST_KEY_ROLE, belong to this ovsnetd's driver: PERSIST_KEY_DRIVER is
 * names_driver(), or is missing (a row written before there were several
 * drivers) and this is the default driver. */
bool persist_ids_are_mine(const struct smap *ids);

/* Docker swarm's nodes (state_nodes(), state_self_node()) are recorded in
 * the external_ids of the Open_vSwitch row, under keys of this driver:
 * "ovsnet-swarm-nodes-DRIVER" (IP=ORIGIN, separated by commas, sorted)
 * and "ovsnet-swarm-self-DRIVER".  The caller frees what these return;
 * persist_nodes_value() returns NULL when there is no node. */
char *persist_nodes_key(void);
char *persist_self_node_key(void);
char *persist_nodes_value(void);

/* Fills 'ids' with the external_ids that record 'net' (on its gateway
 * Port), and 'ep' (on its Interface). */
void persist_network_to_smap(const struct state_network *,
                             struct smap *ids);
void persist_endpoint_to_smap(const struct state_endpoint *,
                              struct smap *ids);
bool persist_endpoint_ids_match(const struct state_endpoint *,
                                const struct smap *ids);

/* Published ports as external_ids:ovsnet-ports holds them. */
char *persist_ports_to_string(const struct state_port *, size_t n);
char *persist_ports_from_string(const char *, struct state_port **,
                                size_t *n)
    OVS_WARN_UNUSED_RESULT;

#endif /* ovsdb/persist.h */
