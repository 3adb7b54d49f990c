/*
 * netns/route: what the kernel's routing says about the underlay.
 *
 * For tunnel networks: which of the peers are this host, which source
 * address and MTU the route towards a peer gives.  Over rtnetlink, in the
 * daemon's own network namespace.  Functions return 0 or a positive errno.
 */
#ifndef NETNS_ROUTE_H
#define NETNS_ROUTE_H 1

#include <stdbool.h>

struct sset;

/* Looks up the route to 'ip' (a bare IPv4 or IPv6 address, no prefix).  On
 * success stores the route's MTU (the output device's when the route sets
 * none) in '*mtu' and, if 'src' is nonnull, the preferred source address as
 * a new string in '*src' (NULL if the kernel gives none), and if 'dev' is
 * nonnull, the name of the output device as a new string in '*dev' (NULL if
 * unknown). */
int route_lookup(const char *ip, int *mtu, char **src, char **dev);

/* Returns the addresses assigned to the interfaces of this host (of the
 * daemon's namespace), each in canonical form (addr_ip_canonical()'s), for
 * ovsdb/state to tell which tunnel peers are this host.  They are read
 * once, and again only after the kernel has reported one added or removed
 * (or events were lost): asking for every tunnel network at every pass
 * costs a few reads of a netlink socket.  The set belongs to this module
 * and stays as it is until the next call; it is empty if the addresses
 * cannot be read. */
const struct sset *route_local_addrs(void);

#endif /* netns/route.h */
