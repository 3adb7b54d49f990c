/*
 * netns/uplink: what the kernel says of an interface that is to carry a
 * provider network (ovs.uplink): whether it exists, its MTU, whether the
 * host uses it itself (an address, the default route) and whether it is a
 * port of a Linux bridge or bond, in the daemon's own network namespace.
 */
#ifndef NETNS_UPLINK_H
#define NETNS_UPLINK_H 1

#include <stdbool.h>

struct uplink_facts {
    int mtu;
    char *address;              /* An address of the host on it ("ip/len",
                                 * IPv6 link-local ones aside), or NULL. */
    const char *default_route;  /* "IPv4" or "IPv6" if a default route of
                                 * that family goes through it, or NULL. */
    char *master;               /* The Linux bridge or bond it is a port
                                 * of, or NULL. */
};

/* Fills in '*facts' for interface 'name'.  Returns 0, ENODEV if there is no
 * such interface, or another positive errno (then '*facts' needs no
 * uplink_facts_destroy()). */
int uplink_probe(const char *name, struct uplink_facts *facts);
void uplink_facts_destroy(struct uplink_facts *);

#endif /* netns/uplink.h */
