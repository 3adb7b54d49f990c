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

/* Looks up the route to 'ip' (a bare IPv4 or IPv6 address, no prefix).  On
 * success stores the route's MTU (the output device's when the route sets
 * none) in '*mtu' and, if 'src' is nonnull, the preferred source address as
 * a new string in '*src' (NULL if the kernel gives none), and if 'dev' is
 * nonnull, the name of the output device as a new string in '*dev' (NULL if
 * unknown). */
int route_lookup(const char *ip, int *mtu, char **src, char **dev);

/* Returns true if 'ip' (a bare address) is assigned to an interface of this
 * host (of the daemon's namespace). */
bool route_is_local(const char *ip);

#endif /* netns/route.h */
