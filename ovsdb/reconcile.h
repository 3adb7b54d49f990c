/*
 * ovsdb/reconcile: makes OVSDB and the kernel's links match the desired
 * state of ovsdb/state (the netfilter side is netns/nat-sync's).
 *
 * Follows OVN's encaps.c: load every row ovsnet owns (external_ids
 * ovsnet-role) into a map, keep or create the row of each desired object,
 * delete what is left.  No memory between passes: a pass after a crash
 * heals whatever the previous run left half done.
 */
#ifndef OVSDB_RECONCILE_H
#define OVSDB_RECONCILE_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sset;
struct state_netcfg;
struct svec;

/* The link side: creates the veth pairs of new endpoints, deletes those of
 * removed ones, drops endpoints whose link went away behind our back, gives
 * gateway ports their addresses, keeps the kernel VXLAN devices of networks
 * that have one (made again if they vanish, their FDB one entry per peer).
 * 'gone' and 'changed' name the links the kernel reported deleted or changed
 * since the last pass (netns/monitor).  With 'full', also checks every
 * endpoint's link and deletes links of ovsnet that no endpoint or network
 * owns (after a start, a reconnection or lost link events). */
void reconcile_links(const struct ovsdb_idl *, bool full,
                     const struct sset *gone, const struct sset *changed);

/* The OVSDB side: bridges, ports and interfaces, written into 'txn'. */
void reconcile_ovsdb(const struct ovsdb_idl *, struct ovsdb_idl_txn *txn);

#endif /* ovsdb/reconcile.h */
