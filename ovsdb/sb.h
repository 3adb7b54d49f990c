/*
 * ovsdb/sb: which OVN chassis exist (OVN mode), read from OVN's Southbound
 * database.
 *
 * OVN's Northbound database knows nothing of hosts; the Southbound one
 * lists the chassis that ovn-controller registered.  ovsnet reads its
 * Chassis table (names only, from any member: read-only, not the leader)
 * at the remotes this host's ovn-controller uses (Open_vSwitch
 * external_ids:ovn-remote), to tell when a host that held logical ports
 * or addresses is gone for good: ovsdb/nb-reconcile and ovsdb/nb-ipam then
 * reclaim them.
 */
#ifndef OVSDB_SB_H
#define OVSDB_SB_H 1

#include <stdbool.h>

/* How long a chassis must be missing before its ports and addresses are
 * reclaimed (a host being set up runs ovsnetd before ovn-controller has
 * registered its chassis; a chassis re-registers when ovn-controller
 * restarts). */
#define SB_GONE_MSEC 30000

/* Follows 'remotes' (NULL: none, the connection closes). */
void sb_run(const char *remotes);
void sb_wait(void);
void sb_destroy(void);

/* Moves when a chassis goes or comes, or one missing has been missing for
 * SB_GONE_MSEC: when what sb_chassis_gone() says may have changed. */
unsigned int sb_seqno(void);

/* Returns true if chassis 'name' has been missing from a complete replica
 * of the Chassis table for SB_GONE_MSEC; false if it exists, or the
 * replica is not complete, or not for long enough yet (then the loop wakes
 * when it will have been). */
bool sb_chassis_gone(const char *name);

#endif /* ovsdb/sb.h */
