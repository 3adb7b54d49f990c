/* netns/route: routes and local addresses, over rtnetlink. */

#include <config.h>

#include "netns/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
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

const struct sset *
route_local_addrs(void)
{
    static struct sset addrs = SSET_INITIALIZER(&addrs);
    struct ifaddrs *ifas, *ifa;

    sset_clear(&addrs);
    if (getifaddrs(&ifas)) {
        return &addrs;
    }
    for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
        const struct sockaddr *sa = ifa->ifa_addr;
        char buf[INET6_ADDRSTRLEN];
        const void *a;

        if (!sa) {
            continue;
        } else if (sa->sa_family == AF_INET) {
            const struct sockaddr_in *sin = (const void *) sa;
            a = &sin->sin_addr;
        } else if (sa->sa_family == AF_INET6) {
            const struct sockaddr_in6 *sin6 = (const void *) sa;
            a = &sin6->sin6_addr;
        } else {
            continue;
        }
        if (inet_ntop(sa->sa_family, a, buf, sizeof buf)) {
            sset_add(&addrs, buf);
        }
    }
    freeifaddrs(ifas);
    return &addrs;
}
