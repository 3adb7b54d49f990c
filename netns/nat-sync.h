/*
 * netns/nat-sync: the netfilter reconciler.  Builds from the desired state
 * of ovsdb/state what netns/nat and netns/fwd put in the kernel:
 *
 *   - table inet ovsnet: the masquerade rules of the networks with ovs.nat,
 *     hairpin NAT, and the published ports of the endpoints, rebuilt when
 *     the rules change, on a full pass, when someone else changed the
 *     table, and a second after a failure;
 *
 *   - the IP forwarding that non-internal networks need;
 *
 *   - the networks whose gateway ports iptables' FORWARD must let through
 *     (the non-internal ones, per address family).
 *
 * Both are built in the order of the IDs, so that the same state always
 * makes the same rules.
 */
#ifndef NETNS_NAT_SYNC_H
#define NETNS_NAT_SYNC_H 1

#include <stdbool.h>

/* One pass, if the desired state moved since the last one, or if 'full'. */
void natsync_run(bool full);
void natsync_wait(void);

#endif /* netns/nat-sync.h */
