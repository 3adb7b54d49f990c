/*
 * ovsdb/nb-reconcile: OVN networks of the desired state as rows of OVN's
 * Northbound database.
 *
 * A network with option ovs.ovn=SWITCH is the logical switch SWITCH, which
 * every host that has the network shares: the first one creates it, with
 * the network's configuration in its external_ids (ovsnet-subnets,
 * ovsnet-gateways, ovsnet-mtu, ovsnet-internal), the others join it, each
 * noting itself as ovsnet-host-SYSTEM_ID; the last one to leave deletes it.
 * Its gateway is a localport logical port, ovsnet-gw-SWITCH, with the same
 * MAC and addresses on every host (each host's gateway port binds it
 * there).  Each endpoint is a logical port named after its endpoint ID,
 * with its MAC and addresses as "addresses" and "port_security" and
 * external_ids naming the network, the endpoint and the host.
 *
 * The reconcile is idempotent: it writes what differs, and removes this
 * host's ports and its note on switches that the desired state no longer
 * has.
 */
#ifndef OVSDB_NB_RECONCILE_H
#define OVSDB_NB_RECONCILE_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct state_netcfg;

/* The name of the localport logical port of switch 'ls' (caller frees). */
char *nbr_gateway_lsp(const char *ls);

/* Adds to 'idl' what the reconcile reads. */
void nbr_register(struct ovsdb_idl *idl);

/* One pass: writes into 'txn' what this host ('system_id') needs. */
void nbr_reconcile(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                   const char *system_id);

/* Returns why network 'network_id' cannot join its switch (another host
 * made it with another configuration, or it is not ovsnet's), as found by
 * the last pass, or NULL. */
const char *nbr_network_error(const char *network_id);

/* Returns why 'cfg' cannot join its switch as the replica has it now, or
 * NULL (no such switch yet, or the same configuration).  The caller frees
 * it. */
char *nbr_switch_clash(struct ovsdb_idl *idl, const struct state_netcfg *);

/* Returns true if network 'network_id''s switch exists with this host's
 * note (system_id), and its endpoint 'endpoint_id' (if nonnull) has its
 * logical port, in the replica. */
bool nbr_in_replica(struct ovsdb_idl *idl, const char *network_id,
                    const char *endpoint_id, const char *system_id);

/* For the operator (network/list, endpoint/list): appends to 's' a line
 * on OVN network 'net' (its switch, the hosts that use it, why it cannot
 * join it), or on endpoint 'ep' of one (its logical port, whether
 * ovn-controller installed it: 'installed').  Nothing for the others. */
struct ds;
struct state_network;
struct state_endpoint;
void nbr_describe_network(struct ds *s, struct ovsdb_idl *idl,
                          const struct state_network *net);
void nbr_describe_endpoint(struct ds *s, struct ovsdb_idl *idl,
                           const struct state_endpoint *ep, bool installed);

void nbr_destroy(void);

#endif /* ovsdb/nb-reconcile.h */
