/*
 * netns/dpwatch: watches the kernel datapath of Open vSwitch for lost
 * upcalls, and says so loudly.
 *
 * While a network of the desired state is on the kernel datapath
 * ("system"), every DPWATCH_INTERVAL_MS it reads the "lost" counter of
 * datapath ovs-system (what "ovs-appctl dpctl/show" prints: packets that
 * missed the flow table and that the kernel could not hand to
 * ovs-vswitchd).  When it grows, it logs an error naming the likely cause:
 * Open vSwitch 3.1.0 started within 10 s of boot counts 0 CPUs, makes no
 * upcall handlers, and so loses every such packet until ovs-vswitchd
 * restarts (fixed in 3.1.1).
 */
#ifndef NETNS_DPWATCH_H
#define NETNS_DPWATCH_H 1

#include <stdint.h>

#define DPWATCH_INTERVAL_MS 5000

void dpwatch_run(void);
void dpwatch_wait(void);

/* Reads the "lost" counter of kernel datapath ovs-system into '*n_lost'.
 * Returns 0, or a positive errno (ENODEV: no such datapath). */
int dpwatch_read_lost(uint64_t *n_lost);

#endif /* netns/dpwatch.h */
