/*
 * Unit test of netns/route's route_local_addrs(): which addresses are this
 * host's, and how often it reads them.  The reconcilers ask for them for
 * every tunnel network at every pass, so it must not read the host's
 * addresses (which means dumping every link too, with getifaddrs()) each
 * time: once, then again only after the kernel reported a change.
 *
 * The kernel is replaced (-Wl,--wrap) where netns/route meets it: the
 * netlink sockets and dumps of libopenvswitch, and getifaddrs().  The fake
 * host has the addresses in 'host_addrs'; the fake address events socket
 * has 'n_events' events to read, or fails as 'recv_error' says.  Every
 * read of the addresses, a dump or a getifaddrs(), counts in 'n_reads'.
 * (tests/test-link.c checks route_local_addrs() against the real
 * kernel.)
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>

#include "netlink.h"
#include "netlink-socket.h"
#include "netns/route.h"
#include "ovsdb/addr.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "util.h"

/* The fake host. */
static const char *host_addrs[8];
static size_t n_host_addrs;
static unsigned int n_reads;    /* Dumps of the addresses, getifaddrs(). */
static unsigned int n_events;   /* Address events waiting to be read. */
static int recv_error;          /* What reading them fails with, or 0. */
static int create_error;        /* What creating the socket fails with. */
static size_t dump_pos;         /* Next address a dump returns. */

static void
set_host_addrs(const char *a, const char *b, const char *c)
{
    const char *addrs[] = { a, b, c };

    n_host_addrs = 0;
    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        if (addrs[i]) {
            host_addrs[n_host_addrs++] = addrs[i];
        }
    }
}

/* The netlink socket that receives address events. */

static struct nl_sock *fake_sock = (struct nl_sock *) &fake_sock;

int __wrap_nl_sock_create(int protocol, struct nl_sock **sockp);
int
__wrap_nl_sock_create(int protocol, struct nl_sock **sockp)
{
    assert_int_equal(protocol, NETLINK_ROUTE);
    *sockp = create_error ? NULL : fake_sock;
    return create_error;
}

int __wrap_nl_sock_join_mcgroup(struct nl_sock *, unsigned int group);
int
__wrap_nl_sock_join_mcgroup(struct nl_sock *sock, unsigned int group)
{
    assert_ptr_equal(sock, fake_sock);
    assert_true(group == RTNLGRP_IPV4_IFADDR || group == RTNLGRP_IPV6_IFADDR);
    return 0;
}

void __wrap_nl_sock_destroy(struct nl_sock *);
void
__wrap_nl_sock_destroy(struct nl_sock *sock)
{
    assert_true(!sock || sock == fake_sock);
}

int __wrap_nl_sock_recv(struct nl_sock *, struct ofpbuf *, int *nsid,
                        bool wait);
int
__wrap_nl_sock_recv(struct nl_sock *sock, struct ofpbuf *buf OVS_UNUSED,
                    int *nsid OVS_UNUSED, bool wait)
{
    assert_ptr_equal(sock, fake_sock);
    assert_false(wait);
    if (recv_error) {
        int error = recv_error;
        recv_error = 0;
        return error;
    }
    if (n_events) {
        n_events--;
        return 0;
    }
    return EAGAIN;
}

/* The dump of the addresses. */

void __wrap_nl_dump_start(struct nl_dump *, int protocol,
                          const struct ofpbuf *request);
void
__wrap_nl_dump_start(struct nl_dump *dump OVS_UNUSED, int protocol,
                     const struct ofpbuf *request)
{
    assert_int_equal(protocol, NETLINK_ROUTE);
    assert_int_equal(nl_msg_nlmsghdr(request)->nlmsg_type, RTM_GETADDR);
    n_reads++;
    dump_pos = 0;
}

bool __wrap_nl_dump_next(struct nl_dump *, struct ofpbuf *reply,
                         struct ofpbuf *buf);
bool
__wrap_nl_dump_next(struct nl_dump *dump OVS_UNUSED, struct ofpbuf *reply,
                    struct ofpbuf *buf)
{
    if (dump_pos >= n_host_addrs) {
        return false;
    }

    const char *s = host_addrs[dump_pos++];
    int family = strchr(s, ':') ? AF_INET6 : AF_INET;
    struct in6_addr a;
    assert_int_equal(inet_pton(family, s, &a), 1);

    ofpbuf_clear(buf);
    nl_msg_put_nlmsghdr(buf, 0, RTM_NEWADDR, NLM_F_MULTI);
    struct ifaddrmsg *ifa = ofpbuf_put_zeros(buf, sizeof *ifa);
    ifa->ifa_family = family;
    ifa->ifa_prefixlen = family == AF_INET ? 24 : 64;
    nl_msg_put_unspec(buf, IFA_ADDRESS, &a, family == AF_INET ? 4 : 16);
    nl_msg_nlmsghdr(buf)->nlmsg_len = buf->size;
    ofpbuf_use_const(reply, buf->data, buf->size);
    return true;
}

int __wrap_nl_dump_done(struct nl_dump *);
int
__wrap_nl_dump_done(struct nl_dump *dump OVS_UNUSED)
{
    return 0;
}

/* getifaddrs(), for a route_local_addrs() that would use it. */

struct fake_ifaddrs {
    struct ifaddrs ifa;
    struct sockaddr_storage ss;
};

int __wrap_getifaddrs(struct ifaddrs **);
int
__wrap_getifaddrs(struct ifaddrs **ifap)
{
    struct ifaddrs *head = NULL;

    n_reads++;
    for (size_t i = n_host_addrs; i-- > 0; ) {
        struct fake_ifaddrs *f = xzalloc(sizeof *f);
        const char *s = host_addrs[i];

        if (strchr(s, ':')) {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &f->ss;
            sin6->sin6_family = AF_INET6;
            inet_pton(AF_INET6, s, &sin6->sin6_addr);
        } else {
            struct sockaddr_in *sin = (struct sockaddr_in *) &f->ss;
            sin->sin_family = AF_INET;
            inet_pton(AF_INET, s, &sin->sin_addr);
        }
        f->ifa.ifa_addr = (struct sockaddr *) &f->ss;
        f->ifa.ifa_next = head;
        head = &f->ifa;
    }
    *ifap = head;
    return 0;
}

void __wrap_freeifaddrs(struct ifaddrs *);
void
__wrap_freeifaddrs(struct ifaddrs *ifa)
{
    while (ifa) {
        struct ifaddrs *next = ifa->ifa_next;
        free(ifa);
        ifa = next;
    }
}

/* Returns true if route_local_addrs() has 'ip' (in whatever spelling), as
 * ovsdb/state asks it of a tunnel peer. */
static bool
route_is_local(const char *ip)
{
    const struct sset *local = route_local_addrs();
    char *canonical = addr_ip_canonical(ip);
    bool found = canonical && sset_contains(local, canonical);

    free(canonical);
    return found;
}

/* The tests.  They run in order: the module keeps what it read. */

static void
test_answers(void **state OVS_UNUSED)
{
    set_host_addrs("192.0.2.1", "2001:db8::1", NULL);

    assert_true(route_is_local("192.0.2.1"));
    assert_true(route_is_local("2001:db8::1"));
    assert_true(route_is_local("2001:DB8:0::1"));
    assert_false(route_is_local("192.0.2.2"));
    assert_false(route_is_local("2001:db8::2"));
    assert_false(route_is_local("::ffff:192.0.2.1"));
    assert_false(route_is_local("not an address"));
}

/* Many questions, one read of the addresses. */
static void
test_read_once(void **state OVS_UNUSED)
{
    set_host_addrs("192.0.2.1", "2001:db8::1", NULL);
    route_is_local("192.0.2.1");

    unsigned int reads = n_reads;
    for (int i = 0; i < 100; i++) {
        assert_true(route_is_local("192.0.2.1"));
        assert_false(route_is_local("198.51.100.7"));
    }
    assert_int_equal(n_reads, reads);
}

/* An address event, or events lost: the addresses are read again. */
static void
test_read_after_change(void **state OVS_UNUSED)
{
    set_host_addrs("192.0.2.1", "2001:db8::1", NULL);
    route_is_local("192.0.2.1");
    unsigned int reads = n_reads;

    set_host_addrs("192.0.2.1", "198.51.100.7", NULL);
    n_events = 3;
    assert_true(route_is_local("198.51.100.7"));
    assert_false(route_is_local("2001:db8::1"));
    assert_int_equal(n_reads, reads + 1);
    assert_int_equal(n_events, 0);

    set_host_addrs("203.0.113.5", NULL, NULL);
    recv_error = ENOBUFS;
    assert_true(route_is_local("203.0.113.5"));
    assert_false(route_is_local("198.51.100.7"));
    assert_int_equal(n_reads, reads + 2);
}

/* Without address events (the socket broke, and cannot be made again for
 * now), every question reads the addresses: right, if slower. */
static void
test_no_events(void **state OVS_UNUSED)
{
    set_host_addrs("192.0.2.1", NULL, NULL);
    route_is_local("192.0.2.1");

    recv_error = EPIPE;
    create_error = ENOMEM;
    unsigned int reads = n_reads;
    assert_true(route_is_local("192.0.2.1"));
    set_host_addrs("192.0.2.2", NULL, NULL);
    assert_true(route_is_local("192.0.2.2"));
    assert_false(route_is_local("192.0.2.1"));
    assert_int_equal(n_reads, reads + 3);

    /* The socket again: one read, then none. */
    create_error = 0;
    assert_true(route_is_local("192.0.2.2"));
    assert_true(route_is_local("192.0.2.2"));
    assert_int_equal(n_reads, reads + 4);
}

int
main(void)
{
    /* Its warnings are expected: keep them out of the output. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_read_once),
        cmocka_unit_test(test_read_after_change),
        cmocka_unit_test(test_no_events),
    };

    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
