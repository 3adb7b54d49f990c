/*
 * ovsdb/reconcile: the OVSDB reconciler.  Makes the bridges, ports and
 * interfaces of OVSDB match the desired state of ovsdb/state.
 *
 * Follows OVN's encaps.c: load every row ovsnet owns (external_ids
 * ovsnet-role) into a map, keep or create the row of each desired object
 * (a bridge per network, its gateway port, its tunnel ports, a port per
 * endpoint), delete what is left.  No memory between passes but what
 * saves work (the endpoints whose rows were found right, and the IDL's
 * seqno then): a pass after a crash heals whatever the previous run left
 * half done.
 */
#ifndef OVSDB_RECONCILE_H
#define OVSDB_RECONCILE_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sset;

/* What a pass reads besides the desired state. */
struct reconcile_ctx_in {
    const struct ovsdb_idl *idl;        /* The actual state. */
    struct ovsdb_idl_txn *txn;          /* Where the changes go. */

    /* The links whose ports belong in OVSDB now (netns/link-sync): an
     * endpoint's port appears once its veth pair exists, a kernel VXLAN
     * device's once the device is ready; a gateway port gets its
     * mtu_request once it is in the datapath. */
    const struct sset *ready_links;

    /* This host's addresses (netns/route's route_local_addrs()): the peers
     * of a tunnel network that are this host get no tunnel port. */
    const struct sset *local_addrs;

    /* Look at everything (after a start, a reconnection), not only at the
     * endpoints that changed. */
    bool full;
};

/* One pass, written into 'in->txn'.  Looks at everything when 'in->full',
 * when the database moved since the last pass (or what it wrote is not
 * applied), or when more than endpoints changed in the desired state
 * (state_take_changes()); otherwise only at the endpoints that changed.
 * Even then, the rows of an endpoint found right once are not read again
 * until they or the endpoint change. */
void reconcile_ovsdb(const struct reconcile_ctx_in *in);

#endif /* ovsdb/reconcile.h */
