/*
 * netns/link-sync: the link reconciler.  Makes the kernel's links match the
 * desired state of ovsdb/state: the veth pair of every endpoint, the
 * addresses of every gateway port, the kernel VXLAN device of every network
 * that has one, and no link of ovsnet's that nothing owns.
 *
 * What it must remember between passes is its own, in a record per network
 * and per endpoint (by ID): whether an endpoint's veth pair was made,
 * whether a gateway port still needs its addresses, whether a VXLAN device
 * is ready for its port or needs a look, and the links of removed objects
 * still to delete ("doomed" links).  ovsdb/state tells it of removals.
 */
#ifndef NETNS_LINK_SYNC_H
#define NETNS_LINK_SYNC_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct sset;
struct state_network;

void linksync_init(void);
void linksync_destroy(void);

/* Returns true if the gateway port of 'net' has its settings and
 * addresses; sets '*error' to why the kernel refused them the last time
 * (NULL if it did not, or the device is not there yet). */
bool linksync_gateway_status(const struct state_network *,
                             const char **error);

/* Forgets what link-sync knows of the links (which exist, which are to be
 * deleted) without deleting anything: before state_unload(), when another
 * ovsnetd of the same driver owns them now. */
void linksync_unload(void);

/* Records that the veth pair of every endpoint of the desired state exists:
 * called once the state was loaded from OVSDB, where an endpoint is recorded
 * only after its link was made. */
void linksync_adopt_loaded(void);

/* One pass: creates the veth pairs of new endpoints, deletes those of
 * removed ones once their ports are out of OVSDB, drops endpoints whose link
 * went away behind our back, gives gateway ports their addresses, keeps the
 * kernel VXLAN devices (made again if they vanish, their FDB one entry per
 * peer).  'gone' and 'changed' name the links the kernel reported deleted or
 * changed since the last pass (netns/monitor).  With 'full', also checks
 * every endpoint's link and deletes links of ovsnet that no endpoint or
 * network owns (after a start, a reconnection or lost link events). */
void linksync_run(const struct ovsdb_idl *, bool full,
                  const struct sset *gone, const struct sset *changed);

/* The links whose OVSDB ports belong in OVSDB now: the veth pairs made and
 * the kernel VXLAN devices ready; and the gateway ports that ovs-vswitchd
 * has put in the datapath (an ofport), whose MTU can be requested. */
const struct sset *linksync_ready_links(void);

/* Returns true if link 'name' is still to be deleted: its endpoint or
 * network was removed, but the link is not deleted yet. */
bool linksync_link_doomed(const char *name);

/* Returns true if the kernel VXLAN device of 'net' is ready. */
bool linksync_vxlan_ready(const struct state_network *);

/* Makes the next pass look at the kernel VXLAN device of 'net' (its peers
 * changed). */
void linksync_vxlan_changed(const struct state_network *);

#endif /* netns/link-sync.h */
