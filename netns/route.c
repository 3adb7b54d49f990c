/* netns/route: routes and local addresses, over rtnetlink. */

#include <config.h>

#include "netns/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "netlink-socket.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(route);

/* Returns the MTU of the link with 'ifindex', or 0. */
static int
route_link_mtu(int ifindex)
{
    struct ofpbuf request, *reply = NULL;
    struct ifinfomsg ifi;
    int mtu = 0;

    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof ifi, RTM_GETLINK, NLM_F_REQUEST);
    memset(&ifi, 0, sizeof ifi);
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    nl_msg_put(&request, &ifi, sizeof ifi);
    if (!nl_transact(NETLINK_ROUTE, &request, &reply)) {
        static const struct nl_policy policy[] = {
            [IFLA_MTU] = { .type = NL_A_U32, .optional = true },
        };
        struct nlattr *attrs[ARRAY_SIZE(policy)];

        if (nl_policy_parse(reply, NLMSG_HDRLEN + sizeof ifi, policy, attrs,
                            ARRAY_SIZE(policy)) && attrs[IFLA_MTU]) {
            mtu = nl_attr_get_u32(attrs[IFLA_MTU]);
        }
    }
    ofpbuf_uninit(&request);
    ofpbuf_delete(reply);
    return mtu;
}

int
route_lookup(const char *ip, int *mtu, char **src, char **dev)
{
    struct ofpbuf request, *reply = NULL;
    struct rtmsg rtm;
    union {
        struct in_addr a4;
        struct in6_addr a6;
    } dst;
    int family, error;

    *mtu = 0;
    if (src) {
        *src = NULL;
    }
    if (dev) {
        *dev = NULL;
    }
    if (!addr_ip_valid(ip, &family)) {
        return EINVAL;
    }
    inet_pton(family, ip, &dst);

    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof rtm, RTM_GETROUTE, NLM_F_REQUEST);
    memset(&rtm, 0, sizeof rtm);
    rtm.rtm_family = family;
    rtm.rtm_dst_len = family == AF_INET ? 32 : 128;
    nl_msg_put(&request, &rtm, sizeof rtm);
    nl_msg_put_unspec(&request, RTA_DST, &dst,
                      family == AF_INET ? sizeof dst.a4 : sizeof dst.a6);
    error = nl_transact(NETLINK_ROUTE, &request, &reply);
    ofpbuf_uninit(&request);
    if (error) {
        return error;
    }

    static const struct nl_policy policy[] = {
        [RTA_OIF] = { .type = NL_A_U32, .optional = true },
        [RTA_PREFSRC] = { .type = NL_A_UNSPEC, .optional = true },
        [RTA_METRICS] = { .type = NL_A_NESTED, .optional = true },
    };
    struct nlattr *attrs[ARRAY_SIZE(policy)];
    if (!nl_policy_parse(reply, NLMSG_HDRLEN + sizeof rtm, policy, attrs,
                         ARRAY_SIZE(policy))) {
        ofpbuf_delete(reply);
        return EPROTO;
    }

    if (attrs[RTA_METRICS]) {
        const struct nlattr *nla;
        size_t left;

        NL_NESTED_FOR_EACH (nla, left, attrs[RTA_METRICS]) {
            if (nl_attr_type(nla) == RTAX_MTU
                && nl_attr_get_size(nla) >= sizeof(uint32_t)) {
                *mtu = nl_attr_get_u32(nla);
            }
        }
    }
    if (!*mtu && attrs[RTA_OIF]) {
        *mtu = route_link_mtu(nl_attr_get_u32(attrs[RTA_OIF]));
    }
    if (src && attrs[RTA_PREFSRC]) {
        char buf[INET6_ADDRSTRLEN];
        if (inet_ntop(family, nl_attr_get(attrs[RTA_PREFSRC]), buf,
                      sizeof buf)) {
            *src = xstrdup(buf);
        }
    }
    if (dev && attrs[RTA_OIF]) {
        char name[IF_NAMESIZE];
        if (if_indextoname(nl_attr_get_u32(attrs[RTA_OIF]), name)) {
            *dev = xstrdup(name);
        }
    }
    ofpbuf_delete(reply);
    if (!*mtu) {
        if (src) {
            free(*src);
            *src = NULL;
        }
        if (dev) {
            free(*dev);
            *dev = NULL;
        }
        return ENETUNREACH;
    }
    return 0;
}

/* This host's addresses, for route_local_addrs(), which the reconcilers
 * and the driver ask for every tunnel network at every pass.  They are read
 * with one RTM_GETADDR dump, and again only once the kernel has reported an
 * address added or removed on 'addr_events', a socket that joins the
 * address groups before the first dump.  Without that socket (it cannot be
 * had), every call reads them. */
static struct sset local_addrs = SSET_INITIALIZER(&local_addrs);
static struct nl_sock *addr_events;
static bool local_addrs_valid;

/* Creates 'addr_events'.  Returns 0 or a positive errno value. */
static int
route_addr_events_open(void)
{
    int error = nl_sock_create(NETLINK_ROUTE, &addr_events);
    if (!error) {
        error = nl_sock_join_mcgroup(addr_events, RTNLGRP_IPV4_IFADDR);
    }
    if (!error) {
        error = nl_sock_join_mcgroup(addr_events, RTNLGRP_IPV6_IFADDR);
    }
    if (error) {
        nl_sock_destroy(addr_events);
        addr_events = NULL;
    }
    return error;
}

/* Reads the events that arrived on 'addr_events' (creating it first if
 * need be).  Returns true if the addresses may have changed since they were
 * read. */
static bool
route_addrs_changed(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    bool changed = false;

    if (!addr_events) {
        int error = route_addr_events_open();
        if (error) {
            VLOG_WARN_RL(&rl, "cannot watch this host's addresses (%s): "
                         "reading them every time", ovs_strerror(error));
        }
        return true;
    }
    for (;;) {
        uint64_t stub[4096 / 8];
        struct ofpbuf buf;

        ofpbuf_use_stub(&buf, stub, sizeof stub);
        int error = nl_sock_recv(addr_events, &buf, NULL, false);
        ofpbuf_uninit(&buf);
        if (!error || error == ENOBUFS) {
            changed = true;     /* An event, or events lost. */
        } else {
            if (error != EAGAIN) {
                nl_sock_destroy(addr_events);
                addr_events = NULL;
                changed = true;
            }
            return changed;
        }
    }
}

/* Adds the address of RTM_NEWADDR message 'msg' to 'local_addrs', in
 * canonical form, if it has one. */
static void
route_addr_add(const struct ofpbuf *msg)
{
    static const struct nl_policy policy[] = {
        [IFA_ADDRESS] = { .type = NL_A_UNSPEC, .optional = true },
        [IFA_LOCAL] = { .type = NL_A_UNSPEC, .optional = true },
    };
    struct nlattr *attrs[ARRAY_SIZE(policy)];
    const struct ifaddrmsg *ifa = ofpbuf_at(msg, NLMSG_HDRLEN, sizeof *ifa);

    if (!ifa || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
        || !nl_policy_parse(msg, NLMSG_HDRLEN + sizeof *ifa, policy, attrs,
                            ARRAY_SIZE(policy))) {
        return;
    }
    /* As getifaddrs(): the local address of a point-to-point link. */
    const struct nlattr *attr = (attrs[IFA_LOCAL] ? attrs[IFA_LOCAL]
                                 : attrs[IFA_ADDRESS]);
    size_t len = (ifa->ifa_family == AF_INET ? sizeof(struct in_addr)
                  : sizeof(struct in6_addr));
    char buf[INET6_ADDRSTRLEN];
    if (attr && nl_attr_get_size(attr) == len
        && inet_ntop(ifa->ifa_family, nl_attr_get(attr), buf, sizeof buf)) {
        sset_add(&local_addrs, buf);
    }
}

/* Reads this host's addresses into 'local_addrs'.  Returns 0 or a positive
 * errno value. */
static int
route_addrs_read(void)
{
    struct ofpbuf request;
    struct ifaddrmsg *ifa;

    sset_clear(&local_addrs);
    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof *ifa, RTM_GETADDR, NLM_F_REQUEST);
    ifa = ofpbuf_put_zeros(&request, sizeof *ifa);
    ifa->ifa_family = AF_UNSPEC;

    struct nl_dump dump;
    nl_dump_start(&dump, NETLINK_ROUTE, &request);
    ofpbuf_uninit(&request);

    uint64_t stub[NL_DUMP_BUFSIZE / 8];
    struct ofpbuf reply, buf;
    ofpbuf_use_stub(&buf, stub, sizeof stub);
    while (nl_dump_next(&dump, &reply, &buf)) {
        route_addr_add(&reply);
    }
    ofpbuf_uninit(&buf);
    return nl_dump_done(&dump);
}

const struct sset *
route_local_addrs(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

    if (route_addrs_changed() || !local_addrs_valid) {
        int error = route_addrs_read();
        if (error) {
            VLOG_WARN_RL(&rl, "cannot read this host's addresses (%s)",
                         ovs_strerror(error));
            sset_clear(&local_addrs);
        }
        local_addrs_valid = !error && addr_events != NULL;
    }
    return &local_addrs;
}
