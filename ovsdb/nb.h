/*
 * ovsdb/nb: ovsnet's connection to OVN's Northbound database (OVN mode,
 * ovsnetd --ovn-nb).
 *
 * The IDL of the Northbound cluster (generated at build time from
 * ovn-nb.ovsschema) and its transactions (ovsdb/dbloop, as for the local
 * database): at each pass it writes the logical switches and ports of the
 * desired state's OVN networks (ovsdb/nb-reconcile) and the address
 * allocations of the IPAM driver (ovsdb/nb-ipam).  Without --ovn-nb there
 * is no connection and every function here is a no-op.
 */
#ifndef OVSDB_NB_H
#define OVSDB_NB_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ovsdb/dbloop.h"

struct ovsdb_idl;

/* Connects to 'remotes' ("tcp:IP:6641,tcp:IP:6641"; the leader of the
 * cluster is found among them), or does nothing if 'remotes' is NULL.
 * 'patience_ms' is how long the calls that need the database wait for it
 * when it is out of reach (the calls' own timeout). */
void nb_init(const char *remotes, int patience_ms);
void nb_destroy(void);

/* True with --ovn-nb. */
bool nb_enabled(void);
const char *nb_remotes(void);

/* Runs the IDL and, if 'may_write' (the state is loaded and this ovsnetd
 * holds the driver's lock), writes what the desired state and the IPAM
 * requests need into a transaction, which nb_commit_and_wait() sends.
 * 'system_id' is this host's chassis name (Open_vSwitch external_ids
 * system-id), or NULL if it has none yet (nothing is written then).
 * 'sb_remotes' (its external_ids:ovn-remote, or NULL) is where OVN's
 * chassis are listed (ovsdb/sb): the ports and addresses of a host whose
 * chassis is gone are reclaimed. */
void nb_run(bool may_write, const char *system_id, const char *sb_remotes);
void nb_commit_and_wait(void);

bool nb_is_connected(void);
/* How long the connection has lasted without a break, in ms (0: none). */
long long int nb_connected_msec(void);

/* Why the database cannot be used (for the calls that need it), or NULL if
 * it can, or may in a moment: OVN mode is off, or the database has been
 * out of reach for the calls' patience (at start, or while the cluster
 * elects a new leader, the calls wait for it): "cannot reach OVN's
 * Northbound database at ...: Connection refused (for 15 s)".  The caller
 * frees it. */
char *nb_unavailable(void);

/* What a call that waits for the database waits for, for its timeout's
 * message: a string that stays valid (its contents change). */
const char *nb_waiting_for(void);

struct ovsdb_idl *nb_idl(void);
uint64_t nb_applied_seqno(void);
const struct db_txn_result *nb_last_txn(void);

/* For a transaction of 'idl' that creates a row of which there must be one
 * (a switch, a pool): makes it change, and verify, counter 'key' of
 * NB_Global's external_ids, so that of two hosts that create it at once
 * the second one's transaction fails and is tried again (it then finds the
 * row) rather than making a second row or breaking a unique index. */
void nb_guard_creation(struct ovsdb_idl *idl, const char *key);

/* What the calls of OVN networks wait for. */
enum nb_verdict {
    NB_WAIT,
    NB_DONE,
    NB_FAILED,
};

/* Whether the desired state 'seqno' (of a call on network 'network_id') is
 * in the Northbound database: NB_FAILED with an error in '*error' (for the
 * caller to free) if the database refused it or the network's logical
 * switch clashes with what other hosts made of it. */
enum nb_verdict nb_check(const char *network_id, uint64_t seqno,
                         char **error);

#endif /* ovsdb/nb.h */
