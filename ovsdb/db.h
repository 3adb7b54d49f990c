/*
 * ovsdb/db: ovsnet's connection to the local Open vSwitch database.
 *
 * Wraps the IDL and its transactions: which tables and columns ovsnet
 * replicates, when a transaction may be opened, how far the desired state
 * has been committed, and what became of the last transaction (OVSDB's
 * error, when it refused one).
 */
#ifndef OVSDB_DB_H
#define OVSDB_DB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovsdb/dbloop.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct ovsrec_bridge;
struct ovsrec_interface;
struct ovsrec_port;
struct sset;

/* Connects to 'remote' and asks for the OVSDB lock of its driver
 * (names_lock()): of several ovsnetd of one driver, only the one that
 * holds it writes to the database (the IDL makes every transaction assert
 * it) or anywhere else. */
void db_init(const char *remote);
void db_destroy(void);

/* Runs the IDL.  Returns a transaction to write into, or NULL when one
 * cannot be opened now (not connected, not holding the lock, or a commit in
 * flight). */
struct ovsdb_idl_txn *db_run(void);

/* Commits the transaction db_run() returned, which carries the desired state
 * of 'seqno'. */
void db_commit_and_wait(uint64_t seqno);

struct ovsdb_idl *db_idl(void);
bool db_is_connected(void);

/* True once, after the first time the database's contents are complete and
 * the lock is held; true again after every reconnection or lock regained. */
bool db_take_reconnected(void);

/* True if this ovsnetd is connected but another one holds its lock: the
 * other one, of the same driver, serves Docker and owns the rows. */
bool db_lock_contended(void);
const char *db_lock_name(void);

/* The highest state_seqno() whose changes are known to be in OVSDB. */
uint64_t db_applied_seqno(void);

/* Returns the last transaction that finished.  After DB_TXN_ERROR, db_run()
 * opens no transaction for the same desired state until the state or the
 * database changes (or a few seconds pass): the caller is expected to take
 * the faulty change out of the desired state. */
const struct db_txn_result *db_last_txn(void);

/* The datapath type for a new bridge when the user names none: "system" if
 * the kernel has (or can load) Open vSwitch's datapath, else "netdev". */
const char *db_default_datapath(void);

/* Makes 'txn' ask ovs-vswitchd to say when it has applied it (increments
 * Open_vSwitch.next_cfg, as ovs-vsctl does). */
void db_request_vswitchd_ack(struct ovsdb_idl_txn *txn);

/* Returns true if ovs-vswitchd has applied every change that asked for it
 * (Open_vSwitch.cur_cfg has reached next_cfg in the replica). */
bool db_vswitchd_caught_up(void);

/* Lookups in the replica, for modules that do not include the IDL. */

/* Finds the Interface row called 'name', or NULL.  O(log n): an index. */
const struct ovsrec_interface *db_find_interface(const char *name);

/* Adds to 'names' the names of the Interfaces that have an error, without
 * looking at the others. */
void db_interfaces_with_error(struct sset *names);

/* Reports the ofport (0 if none yet) and error (NULL if none) that
 * ovs-vswitchd gave interface 'name'.  Returns false if there is no such
 * interface. */
bool db_interface_state(const char *name, int64_t *ofport,
                        const char **error);

/* Returns true if interface 'name' exists with mtu_request 'mtu'. */
bool db_interface_mtu_requested(const char *name, int64_t mtu);

/* Returns the datapath type of bridge 'name' ("system" for the default), or
 * NULL if there is no such bridge. */
const char *db_bridge_datapath(const char *name);

/* Returns the number of Port rows called 'name', and stores the first one
 * (or NULL) in '*port'.  O(log n): an index. */
size_t db_find_ports(const char *name, const struct ovsrec_port **port);

/* Returns true if there is a port called 'name' that is not this
 * ovsnetd's (not ovsnet's, or another driver's). */
bool db_foreign_port_exists(const char *name);

/* With the default driver, marks the bridges ovsnet created before there
 * were several drivers, and their local ports, as the default driver's
 * (writing into the transaction db_run() returned). */
void db_adopt_legacy_bridges(void);

/* Returns true if bridge 'br' was created by ovsnet (by any ovsnetd) and no
 * other ovsnetd has a port on it: it may go with this one's last network on
 * it.  Bridges are shared: whichever ovsnetd removes the last port of
 * ovsnet's deletes the bridge. */
bool db_bridge_deletable(const struct ovsrec_bridge *br);

/* OVN.  This host's chassis name (external_ids:system-id of the
 * Open_vSwitch row), or NULL. */
const char *db_system_id(void);
/* OVN's integration bridge (external_ids:ovn-bridge, default br-int) if this
 * host is an OVN chassis (it has external_ids:ovn-remote), else NULL. */
const char *db_ovn_bridge(void);
/* external_ids:ovn-remote: OVN's Southbound database, or NULL. */
const char *db_ovn_remote(void);
/* external_ids:ovn-encap-type: "geneve" (the default) or "vxlan"... */
const char *db_ovn_encap_type(void);
/* Returns true if ovn-controller has installed the flows of Interface
 * 'name' (its external_ids:ovn-installed). */
bool db_interface_ovn_installed(const char *name);

#endif /* ovsdb/db.h */
