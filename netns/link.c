/*
 * netns/link: the kernel links of ovsnet, over rtnetlink.
 *
 * Requests go through libopenvswitch's pooled Netlink sockets
 * (nl_transact(), nl_dump_*()), which match replies to requests and hand
 * back errors as positive errno values; the ethtool requests go through
 * af_inet_ioctl(), which does the same.  So no function here ever sees the
 * kernel's negative error codes.
 */
#include <config.h>

#include "netns/link.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>

#include "netlink.h"
#include "netlink-socket.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "packets.h"
#include "socket-util.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(link);

/* <linux/if.h>, which defines it, does not mix with <net/if.h>. */
#ifndef IFALIASZ
#define IFALIASZ 256
#endif

#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Returns true if 'name' can be the name of a link: nonnull, nonempty and
 * short enough for the kernel.  (The kernel checks the rest.) */
static bool
link_name_is_valid(const char *name)
{
    return name && name[0] && strlen(name) < IFNAMSIZ;
}

/* Initializes 'request' (which the caller must ofpbuf_uninit()) with a
 * Netlink header for a link request of 'type' with 'flags' (NLM_F_REQUEST is
 * added) and a zeroed struct ifinfomsg.  If 'name' is nonnull, adds it as
 * IFLA_IFNAME: with ifi_index 0, the kernel looks the link up by it (or, for
 * a creation, gives it to the new link). */
static void
link_msg_init(struct ofpbuf *request, uint16_t type, uint16_t flags,
              const char *name)
{
    struct ifinfomsg ifi;

    ofpbuf_init(request, 0);
    nl_msg_put_nlmsghdr(request, sizeof ifi, type, NLM_F_REQUEST | flags);
    memset(&ifi, 0, sizeof ifi);
    ifi.ifi_family = AF_UNSPEC;
    nl_msg_put(request, &ifi, sizeof ifi);
    if (name) {
        nl_msg_put_string(request, IFLA_IFNAME, name);
    }
}

/* Returns the struct ifinfomsg of link request 'request', as initialized by
 * link_msg_init(). */
static struct ifinfomsg *
link_msg_ifinfo(struct ofpbuf *request)
{
    return ofpbuf_at_assert(request, NLMSG_HDRLEN, sizeof(struct ifinfomsg));
}

/* Initializes 'request' (which the caller must ofpbuf_uninit()) to create
 * link 'name' of 'kind' with 'mtu' (0: the kernel's default), and opens its
 * IFLA_LINKINFO (offset in '*linkinfo_ofs') and IFLA_INFO_DATA (the return
 * value) for the caller to fill and close. */
static size_t
link_create_msg_init(struct ofpbuf *request, const char *name, int mtu,
                     const char *kind, size_t *linkinfo_ofs)
{
    link_msg_init(request, RTM_NEWLINK,
                  NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, name);
    if (mtu) {
        nl_msg_put_u32(request, IFLA_MTU, mtu);
    }
    *linkinfo_ofs = nl_msg_start_nested(request, IFLA_LINKINFO);
    nl_msg_put_string(request, IFLA_INFO_KIND, kind);
    return nl_msg_start_nested(request, IFLA_INFO_DATA);
}

/* Sends 'request' and waits for the kernel's answer; on success, if 'replyp'
 * is nonnull, stores the reply there (the caller frees it with
 * ofpbuf_delete()).  Returns 0 or a positive errno value. */
static int
link_transact(const struct ofpbuf *request, struct ofpbuf **replyp)
{
    return nl_transact(NETLINK_ROUTE, request, replyp);
}

/* Changes the existing link 'name': sets its alias to 'alias' if that is
 * nonnull, its MTU to 'mtu' if that is positive, and brings it up if 'up' is
 * true.  Returns 0 or a positive errno value. */
static int
link_change(const char *name, const char *alias, int mtu, bool up)
{
    struct ofpbuf request;
    int error;

    link_msg_init(&request, RTM_NEWLINK, NLM_F_ACK, name);
    if (up) {
        struct ifinfomsg *ifi = link_msg_ifinfo(&request);

        ifi->ifi_change = IFF_UP;
        ifi->ifi_flags = IFF_UP;
    }
    if (mtu > 0) {
        nl_msg_put_u32(&request, IFLA_MTU, mtu);
    }
    if (alias) {
        nl_msg_put_string(&request, IFLA_IFALIAS, alias);
    }
    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    return error;
}

/* Asks the kernel for link 'name' (without statistics) and, on success,
 * stores its RTM_NEWLINK message in '*replyp' (caller frees with
 * ofpbuf_delete()).  Returns 0, ENODEV if there is no such link, or another
 * positive errno value. */
static int
link_get(const char *name, struct ofpbuf **replyp)
{
    struct ofpbuf request;
    int error;

    *replyp = NULL;
    if (!link_name_is_valid(name)) {
        return EINVAL;
    }

    link_msg_init(&request, RTM_GETLINK, 0, name);
    nl_msg_put_u32(&request, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    error = link_transact(&request, replyp);
    ofpbuf_uninit(&request);
    return error;
}

/* Creates the veth pair 'name' <-> 'peer' with 'mtu' (0 for the kernel's
 * default) on both ends, 'peer_mac' (NULL for a random one) on 'peer' and
 * 'alias' (NULL or "" for none) on both ends, and brings 'name' up.
 *
 * The kernel silently ignores IFLA_IFALIAS in the request that creates a
 * veth pair, for either end (seen on Linux 6.18), so the alias is set by a
 * second request on each end; 'name' is brought up by the same request as
 * its alias.  If one of these fails, the pair is deleted again.
 *
 * Returns 0, EEXIST if 'name' or 'peer' is taken, EINVAL for a bad name,
 * MTU or alias, or another positive errno value. */
int
link_veth_create(const char *name, const char *peer, int mtu,
                 const struct eth_addr *peer_mac, const char *alias)
{
    struct ifinfomsg peer_ifi;
    struct ofpbuf request;
    size_t linkinfo_ofs, data_ofs, peer_ofs;
    int error;

    if (!link_name_is_valid(name) || !link_name_is_valid(peer) || mtu < 0
        || (alias && strlen(alias) >= IFALIASZ)) {
        return EINVAL;
    }
    if (alias && !alias[0]) {
        alias = NULL;
    }

    data_ofs = link_create_msg_init(&request, name, mtu, "veth",
                                    &linkinfo_ofs);

    /* VETH_INFO_PEER holds a struct ifinfomsg followed by the peer's
     * attributes, like a message of its own. */
    peer_ofs = nl_msg_start_nested(&request, VETH_INFO_PEER);
    memset(&peer_ifi, 0, sizeof peer_ifi);
    peer_ifi.ifi_family = AF_UNSPEC;
    nl_msg_put(&request, &peer_ifi, sizeof peer_ifi);
    nl_msg_put_string(&request, IFLA_IFNAME, peer);
    if (mtu) {
        nl_msg_put_u32(&request, IFLA_MTU, mtu);
    }
    if (peer_mac) {
        nl_msg_put_unspec(&request, IFLA_ADDRESS, peer_mac->ea,
                          sizeof peer_mac->ea);
    }
    nl_msg_end_nested(&request, peer_ofs);

    nl_msg_end_nested(&request, data_ofs);
    nl_msg_end_nested(&request, linkinfo_ofs);

    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    if (error) {
        /* EEXIST is an answer for the caller, not a problem of ours. */
        VLOG_RL(&rl, error == EEXIST ? VLL_DBG : VLL_WARN,
                "%s: creating veth pair with %s failed (%s)",
                name, peer, ovs_strerror(error));
        return error;
    }

    if (alias) {
        error = link_change(peer, alias, 0, false);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: setting alias failed (%s)",
                         peer, ovs_strerror(error));
            goto error;
        }
    }
    error = link_change(name, alias, 0, true);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: setting %slink up failed (%s)", name,
                     alias ? "alias and " : "", ovs_strerror(error));
        goto error;
    }

    VLOG_DBG("%s: created veth pair with %s", name, peer);
    return 0;

error:
    link_delete(name);
    return error;
}

/* Deletes link 'name' (a veth's peer goes with it).  Returns 0, also if
 * there is no such link, or a positive errno value. */
int
link_delete(const char *name)
{
    struct ofpbuf request;
    int error;

    if (!link_name_is_valid(name)) {
        return EINVAL;
    }

    link_msg_init(&request, RTM_DELLINK, NLM_F_ACK, name);
    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    if (error == ENODEV) {
        return 0;
    } else if (error) {
        VLOG_WARN_RL(&rl, "%s: deleting link failed (%s)",
                     name, ovs_strerror(error));
        return error;
    }
    VLOG_DBG("%s: deleted link", name);
    return 0;
}

int
link_delete_many(const char *const *names, size_t n)
{
    struct ofpbuf request;
    size_t n_grouped = 0;
    int error = 0;

    if (n == 1) {
        return link_delete(names[0]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!link_name_is_valid(names[i])) {
            continue;
        }
        link_msg_init(&request, RTM_NEWLINK, NLM_F_ACK, names[i]);
        nl_msg_put_u32(&request, IFLA_GROUP, LINK_DOOMED_GROUP);
        int retval = link_transact(&request, NULL);
        ofpbuf_uninit(&request);
        if (!retval) {
            n_grouped++;
        } else if (retval != ENODEV) {
            /* Then delete it on its own. */
            VLOG_WARN_RL(&rl, "%s: could not set link group (%s)",
                         names[i], ovs_strerror(retval));
            int retval2 = link_delete(names[i]);
            if (retval2 && !error) {
                error = retval2;
            }
        }
    }
    if (!n_grouped) {
        return error;
    }

    link_msg_init(&request, RTM_DELLINK, NLM_F_ACK, NULL);
    nl_msg_put_u32(&request, IFLA_GROUP, LINK_DOOMED_GROUP);
    int retval = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    if (retval && retval != ENODEV) {
        VLOG_WARN_RL(&rl, "deleting %"PRIuSIZE" links failed (%s)",
                     n_grouped, ovs_strerror(retval));
        return retval;
    }
    VLOG_DBG("deleted %"PRIuSIZE" links", n_grouped);
    return error;
}

const char *
link_proc_sys(void)
{
    const char *dir = getenv("OVSNET_PROC_SYS");
    return dir && dir[0] ? dir : "/proc/sys";
}

/* Writes 'value' to net/'path' under link_proc_sys(). */
static int
link_write_sysctl(const char *path, const char *value)
{
    char *file = xasprintf("%s/net/%s", link_proc_sys(), path);
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    int error = 0;

    if (fd < 0) {
        error = errno;
    } else {
        if (write(fd, value, strlen(value)) < 0) {
            error = errno;
        }
        close(fd);
    }
    if (error) {
        VLOG_WARN_RL(&rl, "%s: %s", file, ovs_strerror(error));
    }
    free(file);
    return error;
}

int
link_set_stackless(const char *name)
{
    struct ofpbuf request;
    int error;

    if (!link_name_is_valid(name)) {
        return EINVAL;
    }

    link_msg_init(&request, RTM_NEWLINK, NLM_F_ACK, name);
    struct ifinfomsg *ifi = link_msg_ifinfo(&request);
    ifi->ifi_change = IFF_NOARP;
    ifi->ifi_flags = IFF_NOARP;
    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    if (!error) {
        char *path = xasprintf("ipv6/conf/%s/disable_ipv6", name);
        error = link_write_sysctl(path, "1");
        free(path);
        if (error == ENOENT) {
            error = 0;          /* No IPv6 in this kernel. */
        }
    }
    return error;
}

int
link_set_arp_strict(const char *name)
{
    if (!link_name_is_valid(name)) {
        return EINVAL;
    }

    char *path = xasprintf("ipv4/conf/%s/arp_ignore", name);
    int error = link_write_sysctl(path, "1");
    free(path);
    return error;
}

/* Returns true if a link called 'name' exists.  An invalid name does not;
 * an error other than "no such device" is logged and counts as "does not
 * exist". */
bool
link_exists(const char *name)
{
    struct ofpbuf *reply;
    int error;

    error = link_get(name, &reply);
    ofpbuf_delete(reply);
    if (error && error != ENODEV && error != EINVAL) {
        VLOG_WARN_RL(&rl, "%s: looking up link failed (%s)",
                     name ? name : "(null)", ovs_strerror(error));
    }
    return !error;
}

/* Stores in '*alias' a copy of the IFLA_IFALIAS of link 'name', for the
 * caller to free(), or NULL if it has none (or on error).  Returns 0,
 * ENODEV if there is no such link, or another positive errno value. */
int
link_get_alias(const char *name, char **alias)
{
    static const struct nl_policy policy[] = {
        [IFLA_IFNAME] = { .type = NL_A_STRING, .optional = false },
        [IFLA_IFALIAS] = { .type = NL_A_STRING, .optional = true },
    };
    struct nlattr *attrs[ARRAY_SIZE(policy)];
    struct ofpbuf *reply;
    int error;

    *alias = NULL;
    error = link_get(name, &reply);
    if (error) {
        return error;
    }

    if (!nl_policy_parse(reply, NLMSG_HDRLEN + sizeof(struct ifinfomsg),
                         policy, attrs, ARRAY_SIZE(policy))) {
        VLOG_WARN_RL(&rl, "%s: unparseable RTM_NEWLINK reply", name);
        error = EPROTO;
        goto out;
    }
    if (attrs[IFLA_IFALIAS]) {
        const char *s = nl_attr_get_string(attrs[IFLA_IFALIAS]);

        if (s[0]) {
            *alias = xstrdup(s);
        }
    }

out:
    ofpbuf_delete(reply);
    return error;
}

/* Brings link 'name' up and, if 'mtu' > 0, sets its MTU, in one request.
 * Returns 0, ENODEV if there is no such link, or another positive errno
 * value (EINVAL for an MTU the link does not take). */
int
link_set_up(const char *name, int mtu)
{
    int error;

    if (!link_name_is_valid(name)) {
        return EINVAL;
    }

    error = link_change(name, NULL, mtu, true);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: setting link up (mtu %d) failed (%s)",
                     name, mtu, ovs_strerror(error));
    }
    return error;
}

/* Returns 0 if 'addr' is an address that addr_parse() could have
 * produced, otherwise EINVAL. */
static int
link_addr_check(const struct addr *addr)
{
    return ((addr->family == AF_INET && addr->plen <= 32)
            || (addr->family == AF_INET6 && addr->plen <= 128)
            ? 0 : EINVAL);
}

/* Adds 'addr' to the link with 'ifindex', or replaces it with itself if it
 * is there already.  IPv6 addresses skip duplicate address detection.
 * Returns 0 or a positive errno value. */
static int
link_add_addr(int ifindex, const struct addr *addr)
{
    struct ifaddrmsg *ifa;
    struct ofpbuf request;
    size_t len;
    int error;

    len = addr_len(addr);

    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof *ifa, RTM_NEWADDR,
                        (NLM_F_REQUEST | NLM_F_ACK
                         | NLM_F_CREATE | NLM_F_REPLACE));
    ifa = ofpbuf_put_zeros(&request, sizeof *ifa);
    ifa->ifa_family = addr->family;
    ifa->ifa_prefixlen = addr->plen;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = ifindex;
    if (addr->family == AF_INET6) {
        /* ifa_flags has only 8 bits; IFA_FLAGS carries all of them. */
        ifa->ifa_flags = IFA_F_NODAD;
    }

    /* As "ip address add" does: without a peer, IFA_ADDRESS is IFA_LOCAL. */
    nl_msg_put_unspec(&request, IFA_LOCAL, &addr->in6, len);
    nl_msg_put_unspec(&request, IFA_ADDRESS, &addr->in6, len);
    if (addr->family == AF_INET6) {
        nl_msg_put_u32(&request, IFA_FLAGS, IFA_F_NODAD);
    }

    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    return error == EEXIST ? 0 : error;
}

int
link_forget_neighbor(const char *name, const struct addr *addr)
{
    struct ofpbuf request;
    struct ndmsg *ndm;
    int error;

    if (!link_name_is_valid(name) || link_addr_check(addr)) {
        return EINVAL;
    }
    unsigned int ifindex = if_nametoindex(name);
    if (!ifindex) {
        return ENODEV;
    }

    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof *ndm, RTM_DELNEIGH,
                        NLM_F_REQUEST | NLM_F_ACK);
    ndm = ofpbuf_put_zeros(&request, sizeof *ndm);
    ndm->ndm_family = addr->family;
    ndm->ndm_ifindex = ifindex;
    nl_msg_put_unspec(&request, NDA_DST, &addr->in6, addr_len(addr));
    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    return error == ENOENT ? 0 : error;
}

/* Turns IPv6 on for link 'name' (the kernel refuses IPv6 addresses with
 * EACCES on a link made while net.ipv6.conf.default.disable_ipv6 was 1), as
 * Docker's bridge driver does for its bridge.  Returns 0 or a positive
 * errno value. */
static int
link_enable_ipv6(const char *name)
{
    char *path = xasprintf("ipv6/conf/%s/disable_ipv6", name);
    int error = link_write_sysctl(path, "0");

    if (!error) {
        VLOG_INFO("%s: IPv6 was disabled on it: enabled it "
                  "(net.ipv6.conf.%s.disable_ipv6=0) to add its IPv6 "
                  "addresses", name, name);
    }
    free(path);
    return error;
}

/* Makes the 'n' addresses in 'addrs' present on link 'name', leaving its
 * other addresses alone; an address that is there already is success.
 * Stops at the first failure.  Returns 0, ENODEV if there is no such link,
 * EINVAL for a malformed address, or another positive errno value. */
int
link_ensure_addrs(const char *name, const struct addr *addrs,
                  size_t n)
{
    unsigned int ifindex;
    size_t i;

    if (!link_name_is_valid(name)) {
        return EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (link_addr_check(&addrs[i])) {
            return EINVAL;
        }
    }

    ifindex = if_nametoindex(name);
    if (!ifindex) {
        return errno ? errno : ENODEV;
    }

    for (i = 0; i < n; i++) {
        int error = link_add_addr(ifindex, &addrs[i]);

        if (error == EACCES && addrs[i].family == AF_INET6
            && !link_enable_ipv6(name)) {
            error = link_add_addr(ifindex, &addrs[i]);
        }
        if (error) {
            char s[INET6_ADDRSTRLEN + 4];

            addr_format(&addrs[i], s, sizeof s);
            VLOG_WARN_RL(&rl, "%s: adding address %s failed (%s)",
                         name, s, ovs_strerror(error));
            return error;
        }
    }
    return 0;
}

int
link_configure_gateway(const char *name, int mtu,
                       const struct addr *addrs, size_t n,
                       char **errorp)
{
    int error;

    *errorp = NULL;
    if (!link_name_is_valid(name) || !if_nametoindex(name)) {
        /* Not there (yet), or gone: nothing to say about it. */
        *errorp = xasprintf("%s: no such device", name);
        return ENODEV;
    }
    error = link_set_arp_strict(name);
    if (error) {
        *errorp = xasprintf("%s: cannot set net.ipv4.conf.%s.arp_ignore "
                            "(%s)", name, name, ovs_strerror(error));
        return error;
    }
    error = link_set_up(name, mtu);
    if (error) {
        *errorp = xasprintf("%s: cannot set it up with MTU %d (%s)", name,
                            mtu, ovs_strerror(error));
        return error;
    }
    for (size_t i = 0; i < n; i++) {
        error = link_ensure_addrs(name, &addrs[i], 1);
        if (error) {
            char s[INET6_ADDRSTRLEN + 4];

            addr_format(&addrs[i], s, sizeof s);
            *errorp = xasprintf("%s: cannot add address %s (%s%s)", name, s,
                                ovs_strerror(error),
                                (error == EACCES && addrs[i].family
                                 == AF_INET6
                                 ? ": IPv6 is disabled on the device, and "
                                   "it could not be enabled" : ""));
            return error;
        }
    }
    return 0;
}

/* Runs ethtool command 'cmd' on link 'name' with 'value' (whose 'cmd' member
 * this sets).  Returns 0, ENODEV if there is no such link, EOPNOTSUPP if its
 * driver does not do 'cmd', or another positive errno value. */
static int
link_ethtool(const char *name, uint32_t cmd, struct ethtool_value *value)
{
    struct ifreq ifr;

    /* ovs_strzcpy() would silently truncate a long name into another
     * link's. */
    if (!link_name_is_valid(name)) {
        return EINVAL;
    }

    memset(&ifr, 0, sizeof ifr);
    ovs_strzcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    value->cmd = cmd;
    ifr.ifr_data = (caddr_t) value;
    return af_inet_ioctl(SIOCETHTOOL, &ifr);
}

/* Turns transmit checksum offload of link 'name' on or off, as
 * "ethtool -K NAME tx on|off" does (ETHTOOL_STXCSUM).  The kernel then turns
 * off the segmentation offloads that need it, and back on those that were
 * wanted.  Returns 0 or a positive errno value. */
int
link_set_tx_csum(const char *name, bool on)
{
    struct ethtool_value value = { .data = on };
    int error;

    error = link_ethtool(name, ETHTOOL_STXCSUM, &value);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: turning tx checksum offload %s failed (%s)",
                     name, on ? "on" : "off", ovs_strerror(error));
    }
    return error;
}

/* Stores in '*on' the answer to ethtool "get" command 'cmd' for link 'name';
 * false on error.  Returns 0 or a positive errno value. */
static int
link_ethtool_get(const char *name, uint32_t cmd, bool *on)
{
    struct ethtool_value value = { .data = 0 };
    int error;

    error = link_ethtool(name, cmd, &value);
    *on = !error && value.data;
    return error;
}

/* Stores in '*on' whether TCP segmentation offload is on for link 'name'
 * (ETHTOOL_GTSO); false on error.  Returns 0 or a positive errno value. */
int
link_get_tso(const char *name, bool *on)
{
    return link_ethtool_get(name, ETHTOOL_GTSO, on);
}

/* Stores in '*on' whether transmit checksum offload is on for link 'name'
 * (ETHTOOL_GTXCSUM); false on error.  Returns 0 or a positive errno
 * value. */
int
link_get_tx_csum(const char *name, bool *on)
{
    return link_ethtool_get(name, ETHTOOL_GTXCSUM, on);
}

/* Sends the RTM_NEWLINK that creates VXLAN device 'name' (see
 * link_vxlan_create()), down and without alias.  Returns 0 or a positive
 * errno value. */
static int
link_vxlan_new(const char *name, uint32_t vni, const struct addr *local,
               int mtu)
{
    struct ofpbuf request;
    size_t linkinfo_ofs, data_ofs;
    int error;

    data_ofs = link_create_msg_init(&request, name, mtu, "vxlan",
                                    &linkinfo_ofs);
    nl_msg_put_u32(&request, IFLA_VXLAN_ID, vni);
    if (local) {
        nl_msg_put_unspec(&request, (local->family == AF_INET
                                     ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6),
                          &local->in6, addr_len(local));
    }
    nl_msg_put_be16(&request, IFLA_VXLAN_PORT, htons(LINK_VXLAN_PORT));
    nl_msg_put_u8(&request, IFLA_VXLAN_LEARNING, 1);
    nl_msg_end_nested(&request, data_ofs);
    nl_msg_end_nested(&request, linkinfo_ofs);

    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    return error;
}

/* Returns true if the kernel can create VXLAN devices: the first call
 * creates one called 'probe', down, and deletes it again (the kernel answers
 * EOPNOTSUPP for a kind of link it does not have, and EEXIST when another
 * VXLAN device has the probe's VNI and port, which proves it has them);
 * later calls give the same answer.  A failure that says nothing about the
 * kernel (out of memory, say) is not remembered: the next call tries
 * again. */
bool
link_vxlan_supported(const char *probe)
{
    static int supported = -1;

    if (supported < 0) {
        int error = link_vxlan_new(probe, 0, NULL, 0);
        if (error == EEXIST && link_exists(probe)) {
            /* Left over by a daemon that died right here. */
            link_delete(probe);
            error = link_vxlan_new(probe, 0, NULL, 0);
        }
        if (!error) {
            link_delete(probe);
        } else if (error != EEXIST && error != EOPNOTSUPP) {
            VLOG_WARN_RL(&rl, "cannot create a VXLAN device (%s): taking it "
                         "that this kernel has none, for now",
                         ovs_strerror(error));
            return false;
        }
        supported = error != EOPNOTSUPP;
        VLOG_INFO("this kernel %s VXLAN devices",
                  supported ? "has" : "does not have");
    }
    return supported;
}

/* Creates VXLAN device 'name': VNI 'vni', UDP port LINK_VXLAN_PORT, tunnel
 * source 'local' (a bare address, or NULL), 'mtu' (0 for the kernel's
 * choice), learning (unicast goes to the one peer that has the MAC, once
 * seen; broadcast and unknown unicast where the FDB says, see
 * link_vxlan_set_remotes()).  Sets 'alias' (NULL or "" for none) and brings
 * it up, by a second request; if that fails the device is deleted again.
 *
 * Returns 0, EEXIST if 'name' is taken, EOPNOTSUPP if the kernel has no
 * VXLAN, EINVAL for a bad name, VNI, address or alias, or another positive
 * errno value. */
int
link_vxlan_create(const char *name, uint32_t vni, const char *local,
                  int mtu, const char *alias)
{
    struct addr addr;
    int error;

    if (!link_name_is_valid(name) || vni > 0xffffff || mtu < 0
        || (local && !addr_ip_parse(local, &addr))
        || (alias && strlen(alias) >= IFALIASZ)) {
        return EINVAL;
    }

    error = link_vxlan_new(name, vni, local ? &addr : NULL, mtu);
    if (error) {
        VLOG_RL(&rl, error == EEXIST ? VLL_DBG : VLL_WARN,
                "%s: creating VXLAN device (VNI %"PRIu32", local %s) "
                "failed (%s)", name, vni, local ? local : "any",
                ovs_strerror(error));
        return error;
    }
    error = link_change(name, alias && alias[0] ? alias : NULL, 0, true);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: setting alias and link up failed (%s)",
                     name, ovs_strerror(error));
        link_delete(name);
        return error;
    }
    VLOG_DBG("%s: created VXLAN device, VNI %"PRIu32", local %s",
             name, vni, local ? local : "any");
    return 0;
}

/* Parses the IFLA_LINKINFO of 'reply', an RTM_NEWLINK message from
 * link_get() about link 'name', into 'info' (IFLA_INFO_KIND and
 * IFLA_INFO_DATA, each NULL if absent).  Returns 0 or EPROTO. */
static int
link_parse_info(const char *name, struct ofpbuf *reply,
                struct nlattr *info[IFLA_INFO_DATA + 1])
{
    static const struct nl_policy policy[] = {
        [IFLA_LINKINFO] = { .type = NL_A_NESTED, .optional = true },
    };
    static const struct nl_policy info_policy[] = {
        [IFLA_INFO_KIND] = { .type = NL_A_STRING, .optional = true },
        [IFLA_INFO_DATA] = { .type = NL_A_NESTED, .optional = true },
    };
    struct nlattr *attrs[ARRAY_SIZE(policy)];

    memset(info, 0, (IFLA_INFO_DATA + 1) * sizeof *info);
    if (!nl_policy_parse(reply, NLMSG_HDRLEN + sizeof(struct ifinfomsg),
                         policy, attrs, ARRAY_SIZE(policy))
        || (attrs[IFLA_LINKINFO]
            && !nl_parse_nested(attrs[IFLA_LINKINFO], info_policy, info,
                                ARRAY_SIZE(info_policy)))) {
        VLOG_WARN_RL(&rl, "%s: unparseable RTM_NEWLINK reply", name);
        return EPROTO;
    }
    return 0;
}

int
link_get_kind(const char *name, char **kind)
{
    struct nlattr *info[IFLA_INFO_DATA + 1];
    struct ofpbuf *reply;
    int error;

    *kind = NULL;
    error = link_get(name, &reply);
    if (!error) {
        error = link_parse_info(name, reply, info);
    }
    if (!error) {
        *kind = xstrdup(info[IFLA_INFO_KIND]
                        ? nl_attr_get_string(info[IFLA_INFO_KIND]) : "");
    }
    ofpbuf_delete(reply);
    return error;
}

/* Returns true if 'addr' is the IPv4 or IPv6 any address. */
static bool
link_ip_is_any(const struct addr *addr)
{
    static const struct in6_addr any;

    return !memcmp(&addr->in6, &any, addr_len(addr));
}

/* Stores in '*same' whether link 'name' is a VXLAN device with 'vni', UDP
 * port LINK_VXLAN_PORT and, unless 'local' is NULL, tunnel source 'local'
 * (the any address "0.0.0.0" or "::": none, the route chooses).  The kernel
 * does not tell the address family of a device without a tunnel source: one
 * of the other family looks the same, and refuses FDB entries of this one
 * (EAFNOSUPPORT).  Returns 0, ENODEV if there is no such link, EINVAL for a
 * bad 'local', or another positive errno value (and then '*same' is
 * false). */
int
link_vxlan_check(const char *name, uint32_t vni, const char *local,
                 bool *same)
{
    static const struct nl_policy vxlan_policy[] = {
        [IFLA_VXLAN_ID] = { .type = NL_A_U32, .optional = true },
        [IFLA_VXLAN_LOCAL] = { .type = NL_A_UNSPEC, .optional = true,
                               .min_len = 4, .max_len = 4 },
        [IFLA_VXLAN_PORT] = { .type = NL_A_BE16, .optional = true },
        [IFLA_VXLAN_LOCAL6] = { .type = NL_A_UNSPEC, .optional = true,
                                .min_len = 16, .max_len = 16 },
    };
    struct nlattr *info[IFLA_INFO_DATA + 1];
    struct nlattr *vx[ARRAY_SIZE(vxlan_policy)];
    struct ofpbuf *reply;
    struct addr want;
    int error;

    *same = false;
    if (local && !addr_ip_parse(local, &want)) {
        return EINVAL;
    }
    error = link_get(name, &reply);
    if (!error) {
        error = link_parse_info(name, reply, info);
    }
    if (error) {
        goto out;
    }
    if (!info[IFLA_INFO_KIND]
        || strcmp(nl_attr_get_string(info[IFLA_INFO_KIND]), "vxlan")
        || !info[IFLA_INFO_DATA]
        || !nl_parse_nested(info[IFLA_INFO_DATA], vxlan_policy, vx,
                            ARRAY_SIZE(vxlan_policy))
        || !vx[IFLA_VXLAN_ID] || !vx[IFLA_VXLAN_PORT]) {
        goto out;               /* Not a VXLAN device (as we make them). */
    }

    *same = (nl_attr_get_u32(vx[IFLA_VXLAN_ID]) == vni
             && nl_attr_get_be16(vx[IFLA_VXLAN_PORT])
                == htons(LINK_VXLAN_PORT));
    if (*same && local) {
        const struct nlattr *have = vx[want.family == AF_INET
                                       ? IFLA_VXLAN_LOCAL
                                       : IFLA_VXLAN_LOCAL6];
        const struct nlattr *other = vx[want.family == AF_INET
                                        ? IFLA_VXLAN_LOCAL6
                                        : IFLA_VXLAN_LOCAL];
        struct addr zero;

        memset(&zero, 0, sizeof zero);
        if (link_ip_is_any(&want)) {
            /* No tunnel source: the kernel leaves the attribute out (or
             * gives the any address). */
            *same = ((!have || !memcmp(nl_attr_get(have), &zero.in6,
                                       nl_attr_get_size(have)))
                     && (!other || !memcmp(nl_attr_get(other), &zero.in6,
                                           nl_attr_get_size(other))));
        } else {
            *same = have && !memcmp(nl_attr_get(have), &want.in6,
                                    addr_len(&want));
        }
    }

out:
    ofpbuf_delete(reply);
    return error;
}

/* Adds ('type' RTM_NEWNEIGH) or deletes (RTM_DELNEIGH) the FDB entry for
 * 'mac' towards 'remote' of the VXLAN device with 'ifindex', as "bridge fdb
 * append MAC dev DEV dst REMOTE" and "bridge fdb del ..." do.  Returns 0 or
 * a positive errno value. */
static int
link_fdb_change(int ifindex, uint16_t type, const struct eth_addr *mac,
                const struct addr *remote)
{
    struct ofpbuf request;
    struct ndmsg *ndm;
    int error;

    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof *ndm, type,
                        (NLM_F_REQUEST | NLM_F_ACK
                         | (type == RTM_NEWNEIGH
                            ? NLM_F_CREATE | NLM_F_APPEND : 0)));
    ndm = ofpbuf_put_zeros(&request, sizeof *ndm);
    ndm->ndm_family = AF_BRIDGE;
    ndm->ndm_ifindex = ifindex;
    ndm->ndm_flags = NTF_SELF;
    ndm->ndm_state = NUD_NOARP | NUD_PERMANENT;
    nl_msg_put_unspec(&request, NDA_LLADDR, mac->ea, sizeof mac->ea);
    nl_msg_put_unspec(&request, NDA_DST, &remote->in6, addr_len(remote));
    error = link_transact(&request, NULL);
    ofpbuf_uninit(&request);
    return error;
}

/* Formats 'addr' into a new string. */
static char *
link_ip_to_string(const struct addr *addr)
{
    char buf[INET6_ADDRSTRLEN];

    return xstrdup(inet_ntop(addr->family, &addr->in6, buf, sizeof buf)
                   ? buf : "?");
}

/* An FDB entry of a VXLAN device. */
struct link_fdb_entry {
    struct eth_addr mac;
    struct addr dst;
};

/* Stores in '*entries' a new array of the '*n' FDB entries of the VXLAN
 * device with 'ifindex' that have a destination (the caller frees it).
 * Returns 0 or a positive errno value. */
static int
link_fdb_dump(int ifindex, struct link_fdb_entry **entries, size_t *n)
{
    static const struct nl_policy policy[] = {
        [NDA_DST] = { .type = NL_A_UNSPEC, .optional = true,
                      .min_len = 4, .max_len = 16 },
        [NDA_LLADDR] = { .type = NL_A_UNSPEC, .optional = true,
                         .min_len = ETH_ADDR_LEN, .max_len = ETH_ADDR_LEN },
    };
    uint64_t reply_stub[NL_DUMP_BUFSIZE / 8];
    struct ofpbuf request, reply, buf;
    struct nl_dump dump;
    size_t allocated = 0;

    *entries = NULL;
    *n = 0;

    /* As "bridge fdb show dev DEV" asks: with a struct ifinfomsg whose
     * ifi_index makes the kernel dump only that device. */
    link_msg_init(&request, RTM_GETNEIGH, 0, NULL);
    struct ifinfomsg *ifi = link_msg_ifinfo(&request);
    ifi->ifi_family = AF_BRIDGE;
    ifi->ifi_index = ifindex;
    nl_dump_start(&dump, NETLINK_ROUTE, &request);
    ofpbuf_uninit(&request);

    ofpbuf_use_stub(&buf, reply_stub, sizeof reply_stub);
    while (nl_dump_next(&dump, &reply, &buf)) {
        struct nlattr *attrs[ARRAY_SIZE(policy)];
        const struct ndmsg *ndm;

        ndm = ofpbuf_at(&reply, NLMSG_HDRLEN, sizeof *ndm);
        if (!ndm || ndm->ndm_ifindex != ifindex
            || !nl_policy_parse(&reply, NLMSG_HDRLEN + sizeof *ndm, policy,
                                attrs, ARRAY_SIZE(policy))
            || !attrs[NDA_DST] || !attrs[NDA_LLADDR]) {
            continue;
        }

        size_t len = nl_attr_get_size(attrs[NDA_DST]);
        if (len != sizeof(struct in_addr) && len != sizeof(struct in6_addr)) {
            continue;
        }
        if (*n >= allocated) {
            *entries = x2nrealloc(*entries, &allocated, sizeof **entries);
        }
        struct link_fdb_entry *e = &(*entries)[(*n)++];
        memset(e, 0, sizeof *e);
        e->mac = nl_attr_get_eth_addr(attrs[NDA_LLADDR]);
        e->dst.family = len == sizeof(struct in_addr) ? AF_INET : AF_INET6;
        memcpy(&e->dst.in6, nl_attr_get(attrs[NDA_DST]), len);
    }
    ofpbuf_uninit(&buf);

    int error = nl_dump_done(&dump);
    if (error) {
        free(*entries);
        *entries = NULL;
        *n = 0;
    }
    return error;
}

/* Makes the FDB of VXLAN device 'name' send to the addresses in 'remotes'
 * and nowhere else: one all-zeros entry per remote (the destinations of
 * broadcast and unknown unicast: head-end replication) is added where
 * missing; entries towards other addresses, all-zeros or learned, are
 * deleted.  Stops at the first failure.  Returns 0, ENODEV if there is no
 * such link, EINVAL for a malformed address, or another positive errno
 * value. */
int
link_vxlan_set_remotes(const char *name, const struct svec *remotes)
{
    static const struct eth_addr zeros = ETH_ADDR_C(00,00,00,00,00,00);
    struct sset wanted = SSET_INITIALIZER(&wanted);
    struct link_fdb_entry *entries;
    const char *remote;
    unsigned int ifindex;
    struct addr addr;
    size_t i, n;
    int error;

    if (!link_name_is_valid(name)) {
        return EINVAL;
    }
    SVEC_FOR_EACH (i, remote, remotes) {
        if (!addr_ip_parse(remote, &addr)) {
            sset_destroy(&wanted);
            return EINVAL;
        }
        sset_add_and_free(&wanted, link_ip_to_string(&addr));
    }
    ifindex = if_nametoindex(name);
    if (!ifindex) {
        sset_destroy(&wanted);
        return errno ? errno : ENODEV;
    }

    error = link_fdb_dump(ifindex, &entries, &n);
    for (i = 0; !error && i < n; i++) {
        char *dst = link_ip_to_string(&entries[i].dst);
        bool zero = eth_addr_is_zero(entries[i].mac);

        if (!sset_contains(&wanted, dst)) {
            error = link_fdb_change(ifindex, RTM_DELNEIGH, &entries[i].mac,
                                    &entries[i].dst);
            if (error == ENOENT) {
                error = 0;
            } else if (error) {
                VLOG_WARN_RL(&rl, "%s: deleting FDB entry "ETH_ADDR_FMT" to "
                             "%s failed (%s)", name,
                             ETH_ADDR_ARGS(entries[i].mac), dst,
                             ovs_strerror(error));
            } else {
                VLOG_DBG("%s: deleted FDB entry "ETH_ADDR_FMT" to %s", name,
                         ETH_ADDR_ARGS(entries[i].mac), dst);
            }
        } else if (zero) {
            sset_find_and_delete(&wanted, dst);     /* There already. */
        }
        free(dst);
    }
    free(entries);

    SSET_FOR_EACH (remote, &wanted) {
        if (error) {
            break;
        }
        addr_ip_parse(remote, &addr);
        error = link_fdb_change(ifindex, RTM_NEWNEIGH, &zeros, &addr);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: adding remote %s failed (%s)",
                         name, remote, ovs_strerror(error));
        } else {
            VLOG_DBG("%s: added remote %s", name, remote);
        }
    }
    sset_destroy(&wanted);
    return error;
}

/* Stores in '*names' a newly allocated array of the '*n' names of the links
 * whose name starts with 'prefix' ("" or NULL for all), in the kernel's
 * order; the caller frees each name and the array.  With no such link,
 * '*names' is NULL.  Returns 0 or a positive errno value (and then no
 * names). */
int
link_list_prefix(const char *prefix, char ***names, size_t *n)
{
    static const struct nl_policy policy[] = {
        [IFLA_IFNAME] = { .type = NL_A_STRING, .optional = false },
    };
    uint64_t reply_stub[NL_DUMP_BUFSIZE / 8];
    struct ofpbuf request, reply, buf;
    struct nl_dump dump;
    size_t prefix_len, allocated = 0;
    int error;

    *names = NULL;
    *n = 0;
    if (!prefix) {
        prefix = "";
    }
    prefix_len = strlen(prefix);

    link_msg_init(&request, RTM_GETLINK, 0, NULL);
    nl_msg_put_u32(&request, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    nl_dump_start(&dump, NETLINK_ROUTE, &request);
    ofpbuf_uninit(&request);

    ofpbuf_use_stub(&buf, reply_stub, sizeof reply_stub);
    while (nl_dump_next(&dump, &reply, &buf)) {
        struct nlattr *attrs[ARRAY_SIZE(policy)];
        const char *name;

        if (!nl_policy_parse(&reply, NLMSG_HDRLEN + sizeof(struct ifinfomsg),
                             policy, attrs, ARRAY_SIZE(policy))) {
            VLOG_WARN_RL(&rl, "unparseable RTM_NEWLINK in link dump");
            continue;
        }
        name = nl_attr_get_string(attrs[IFLA_IFNAME]);
        if (!strncmp(name, prefix, prefix_len)) {
            if (*n >= allocated) {
                *names = x2nrealloc(*names, &allocated, sizeof **names);
            }
            (*names)[(*n)++] = xstrdup(name);
        }
    }
    ofpbuf_uninit(&buf);

    error = nl_dump_done(&dump);
    if (error) {
        size_t i;

        VLOG_WARN_RL(&rl, "dumping links failed (%s)", ovs_strerror(error));
        for (i = 0; i < *n; i++) {
            free((*names)[i]);
        }
        free(*names);
        *names = NULL;
        *n = 0;
    }
    return error;
}
