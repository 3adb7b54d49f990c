/*
 * ovsdb/reconcile: the OVSDB reconciler.  Makes the bridges, ports and
 * interfaces of OVSDB match the desired state of ovsdb/state.
 *
 * Follows OVN's encaps.c: load every row ovsnet owns (external_ids
 * ovsnet-role) into a map, keep or create the row of each desired object
 * (a bridge per network, its gateway port, its tunnel ports, a port per
 * endpoint), delete what is left.  No memory between passes: a pass after a
 * crash heals whatever the previous run left half done.
 */
#ifndef OVSDB_RECONCILE_H
#define OVSDB_RECONCILE_H 1

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sset;

/* What a pass reads besides the desired state. */
struct reconcile_ctx_in {
    const struct ovsdb_idl *idl;        /* The actual state. */
    struct ovsdb_idl_txn *txn;          /* Where the changes go. */

    /* The links whose ports belong in OVSDB now (netns/link-sync): an
     * endpoint's port appears once its veth pair exists, a kernel VXLAN
     * device's once the device is ready. */
    const struct sset *ready_links;
};

/* One pass, written into 'in->txn'. */
void reconcile_ovsdb(const struct reconcile_ctx_in *in);

#endif /* ovsdb/reconcile.h */
