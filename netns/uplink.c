/* netns/uplink: the kernel's view of a provider network's uplink. */

#include <config.h>

#include "netns/uplink.h"

#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ovsdb/addr.h"
#include "util.h"

/* Returns the prefix length of netmask 'mask' (an IPv4 or IPv6 one). */
static unsigned int
mask_plen(const struct sockaddr *mask)
{
    const uint8_t *b;
    size_t n;
    unsigned int plen = 0;

    if (!mask) {
        return 0;
    }
    if (mask->sa_family == AF_INET) {
        b = (const uint8_t *) &((const struct sockaddr_in *) mask)->sin_addr;
        n = 4;
    } else {
        b = (const uint8_t *) &((const struct sockaddr_in6 *) mask)
            ->sin6_addr;
        n = 16;
    }
    for (size_t i = 0; i < n; i++) {
        for (uint8_t bit = 0x80; bit; bit >>= 1) {
            plen += (b[i] & bit) != 0;
        }
    }
    return plen;
}

/* Returns the first address of 'name' other than an IPv6 link-local one,
 * as "ip/len", or NULL. */
static char *
first_address(const char *name)
{
    struct ifaddrs *ifas;
    char *found = NULL;

    if (getifaddrs(&ifas)) {
        return NULL;
    }
    for (const struct ifaddrs *ifa = ifas; ifa && !found;
         ifa = ifa->ifa_next) {
        const struct sockaddr *sa = ifa->ifa_addr;
        struct addr a;

        if (!sa || strcmp(ifa->ifa_name, name)) {
            continue;
        }
        memset(&a, 0, sizeof a);
        a.family = sa->sa_family;
        if (sa->sa_family == AF_INET) {
            a.in4 = ((const struct sockaddr_in *) sa)->sin_addr;
        } else if (sa->sa_family == AF_INET6) {
            a.in6 = ((const struct sockaddr_in6 *) sa)->sin6_addr;
            if (IN6_IS_ADDR_LINKLOCAL(&a.in6)) {
                continue;
            }
        } else {
            continue;
        }
        a.plen = mask_plen(ifa->ifa_netmask);

        char buf[INET6_ADDRSTRLEN + 4];
        addr_format(&a, buf, sizeof buf);
        found = xstrdup(buf);
    }
    freeifaddrs(ifas);
    return found;
}

/* Returns true if the routing table in 'path' (/proc/net/route's or
 * /proc/net/ipv6_route's format) has a default route through 'name'. */
static bool
has_default_route(const char *path, const char *name, bool ipv6)
{
    FILE *f = fopen(path, "r");
    char line[512];
    bool found = false;

    if (!f) {
        return false;
    }
    while (!found && fgets(line, sizeof line, f)) {
        char dev[IFNAMSIZ + 1], dst[33];
        unsigned int plen, flags;

        if (ipv6) {
            /* dst plen src plen next-hop metric refcnt use flags dev */
            if (sscanf(line, "%32s %x %*s %*x %*s %*x %*x %*x %x %16s",
                       dst, &plen, &flags, dev) == 4) {
                found = (!plen && !strcmp(dev, name)
                         && strspn(dst, "0") == strlen(dst)
                         && (flags & 0x1) /* RTF_UP */);
            }
        } else {
            /* Iface Destination Gateway Flags ... Mask */
            unsigned int mask;
            if (sscanf(line, "%16s %32s %*x %x %*d %*d %*d %x", dev, dst,
                       &flags, &mask) == 4) {
                found = (!mask && !strcmp(dev, name)
                         && strspn(dst, "0") == strlen(dst)
                         && (flags & 0x1));
            }
        }
    }
    fclose(f);
    return found;
}

/* Returns the name of the master of interface 'name' (a Linux bridge or
 * bond it is a port of), or NULL (also when /sys does not say). */
static char *
master_of(const char *name)
{
    char *path = xasprintf("/sys/class/net/%s/master", name);
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof target - 1);
    char *master = NULL;

    free(path);
    if (n > 0) {
        target[n] = '\0';
        const char *slash = strrchr(target, '/');
        master = xstrdup(slash ? slash + 1 : target);
    }
    return master;
}

int
uplink_probe(const char *name, struct uplink_facts *facts)
{
    struct ifreq ifr;
    int error = 0;

    memset(facts, 0, sizeof *facts);
    if (strlen(name) >= IFNAMSIZ || !if_nametoindex(name)) {
        return ENODEV;
    }

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    memset(&ifr, 0, sizeof ifr);
    ovs_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
        error = errno;
    }
    close(fd);
    if (error) {
        return error;
    }
    facts->mtu = ifr.ifr_mtu;
    facts->master = master_of(name);
    facts->address = first_address(name);
    facts->default_route = (has_default_route("/proc/net/route", name, false)
                            ? "IPv4"
                            : has_default_route("/proc/net/ipv6_route", name,
                                                true)
                            ? "IPv6" : NULL);
    return 0;
}

void
uplink_facts_destroy(struct uplink_facts *facts)
{
    if (facts) {
        free(facts->address);
        facts->address = NULL;
        free(facts->master);
        facts->master = NULL;
    }
}
