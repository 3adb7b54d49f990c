/*
 * Tests netns/link, netns/monitor and netns/route's local addresses
 * against the running kernel.
 *
 * Creates, changes and deletes links whose names start with "ovtst-" (veth
 * pairs, and VXLAN devices if the kernel has them; their FDB is read back
 * with iproute2's "bridge"), so it belongs in a network namespace of its
 * own (tests/test-link.sh makes one) and needs CAP_NET_ADMIN.  Exits 0 on
 * success, 77 if the kernel has no veth, 1 with a message on the first
 * failure.
 */
#include <config.h>

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "netlink.h"
#include "netlink-socket.h"
#include "netns/link.h"
#include "netns/monitor.h"
#include "netns/route.h"
#include "ovsdb/addr.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

static void fail(const char *file, int line, const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4) OVS_NO_RETURN;

/* Reports a failure at 'file':'line' and exits 1. */
static void
fail(const char *file, int line, const char *format, ...)
{
    va_list args;

    fprintf(stderr, "test-link: %s:%d: ", file, line);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            fail(__FILE__, __LINE__, "check failed: %s", #COND);        \
        }                                                               \
    } while (0)

/* Checks that 'EXPR', a function returning 0 or a positive errno value,
 * returns 'EXPECTED'. */
#define CHECK_ERR(EXPR, EXPECTED)                                       \
    do {                                                                \
        int error_ = (EXPR);                                            \
        int expected_ = (EXPECTED);                                     \
                                                                        \
        if (error_ != expected_) {                                      \
            fail(__FILE__, __LINE__, "%s returned %d (%s), expected "   \
                 "%d (%s)", #EXPR, error_, ovs_strerror(error_),        \
                 expected_, ovs_strerror(expected_));                   \
        }                                                               \
    } while (0)

#define CHECK_STREQ(A, B)                                               \
    do {                                                                \
        const char *a_ = (A);                                           \
        const char *b_ = (B);                                           \
                                                                        \
        if (!a_ || !b_ || strcmp(a_, b_)) {                             \
            fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"",   \
                 #A, a_ ? a_ : "(null)", b_ ? b_ : "(null)");           \
        }                                                               \
    } while (0)

#define A0 "ovtst-a0"
#define A1 "ovtst-a1"
#define B0 "ovtst-b0"
#define B1 "ovtst-b1"
#define M0 "ovtst-m0"
#define M1 "ovtst-m1"
#define X0 "ovtst-x0"
#define R0 "ovtst-r0"
#define R1 "ovtst-r1"
#define ALIAS "ovsnet test endpoint 0123"

/* Reads the first line of file 'path' into 'buf' of 'size' bytes, without
 * the trailing new-line.  Exits on failure. */
static void
read_line(const char *path, char *buf, size_t size)
{
    FILE *file = fopen(path, "r");

    if (!file || !fgets(buf, size, file)) {
        fail(__FILE__, __LINE__, "%s: cannot read (%s)", path,
             ovs_strerror(errno));
    }
    fclose(file);
    buf[strcspn(buf, "\n")] = '\0';
}

/* Reads /sys/class/net/'name'/'attr' into 'buf' of 'size' bytes, without
 * the trailing new-line.  Exits on failure. */
static void
read_sys(const char *name, const char *attr, char *buf, size_t size)
{
    char *path = xasprintf("/sys/class/net/%s/%s", name, attr);

    read_line(path, buf, size);
    free(path);
}

/* Returns the number in /sys/class/net/'name'/'attr' (decimal or 0x
 * hex). */
static unsigned long int
read_sys_ulong(const char *name, const char *attr)
{
    char buf[64];

    read_sys(name, attr, buf, sizeof buf);
    return strtoul(buf, NULL, 0);
}

static bool
is_up(const char *name)
{
    return (read_sys_ulong(name, "flags") & IFF_UP) != 0;
}

/* Returns ETHTOOL_GTXCSUM of 'name', asked independently of netns/link. */
static bool
get_tx_csum(const char *name)
{
    struct ethtool_value value = { .cmd = ETHTOOL_GTXCSUM };
    struct ifreq ifr;
    int fd;

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    memset(&ifr, 0, sizeof ifr);
    ovs_strzcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    ifr.ifr_data = (caddr_t) &value;
    if (ioctl(fd, SIOCETHTOOL, &ifr)) {
        fail(__FILE__, __LINE__, "%s: ETHTOOL_GTXCSUM: %s", name,
             ovs_strerror(errno));
    }
    close(fd);
    return value.data != 0;
}

/* Returns the number of leading 1-bits of the 'n'-byte mask 'mask'. */
static unsigned int
mask_plen(const uint8_t *mask, size_t n)
{
    unsigned int plen = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        plen += __builtin_popcount(mask[i]);
    }
    return plen;
}

/* Returns how many times 'addr' (with its prefix length) is on link
 * 'name', according to getifaddrs(). */
static int
count_addr(const char *name, const struct addr *addr)
{
    struct ifaddrs *ifas, *ifa;
    int count = 0;

    if (getifaddrs(&ifas)) {
        fail(__FILE__, __LINE__, "getifaddrs: %s", ovs_strerror(errno));
    }
    for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
        if (!ifa->ifa_addr || !ifa->ifa_netmask
            || strcmp(ifa->ifa_name, name)
            || ifa->ifa_addr->sa_family != addr->family) {
            continue;
        }
        if (addr->family == AF_INET) {
            const struct sockaddr_in *sin = (void *) ifa->ifa_addr;
            const struct sockaddr_in *mask = (void *) ifa->ifa_netmask;

            if (sin->sin_addr.s_addr == addr->in4.s_addr
                && mask_plen((const uint8_t *) &mask->sin_addr,
                             sizeof mask->sin_addr) == addr->plen) {
                count++;
            }
        } else {
            const struct sockaddr_in6 *sin6 = (void *) ifa->ifa_addr;
            const struct sockaddr_in6 *mask = (void *) ifa->ifa_netmask;

            if (!memcmp(&sin6->sin6_addr, &addr->in6, sizeof addr->in6)
                && mask_plen(mask->sin6_addr.s6_addr,
                             sizeof mask->sin6_addr) == addr->plen) {
                count++;
            }
        }
    }
    freeifaddrs(ifas);
    return count;
}

/* Returns the flags of IPv6 address 'addr' on link 'name' from
 * /proc/net/if_inet6, or -1 if it is not there. */
static int
ipv6_addr_flags(const char *name, const struct in6_addr *addr)
{
    char hex[33], ifname[IFNAMSIZ + 1];
    unsigned int ifindex, plen, scope, flags;
    FILE *file;
    int result = -1;
    size_t i;

    file = fopen("/proc/net/if_inet6", "r");
    CHECK(file != NULL);
    while (fscanf(file, "%32s %x %x %x %x %16s", hex, &ifindex, &plen,
                  &scope, &flags, ifname) == 6) {
        char want[33];

        for (i = 0; i < 16; i++) {
            snprintf(&want[i * 2], 3, "%02x", addr->s6_addr[i]);
        }
        if (!strcmp(ifname, name) && !strcmp(hex, want)) {
            result = flags;
        }
    }
    fclose(file);
    return result;
}

/* Returns true if 'name' is one of the 'n' strings in 'names'. */
static bool
names_contain(char **names, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!strcmp(names[i], name)) {
            return true;
        }
    }
    return false;
}

static void
free_names(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

static void
test_veth(void)
{
    struct eth_addr mac = ETH_ADDR_C(02, 42, ac, 11, 00, 02);
    static char sentinel[] = "sentinel";
    char long_alias[300];
    char buf[64];
    char *alias;

    /* Leftovers of an earlier run, if not in a namespace of our own. */
    CHECK_ERR(link_delete(A0), 0);
    CHECK_ERR(link_delete(B0), 0);
    CHECK_ERR(link_delete(X0), 0);
    CHECK(!link_exists(A0));
    CHECK(!link_exists(A1));

    CHECK_ERR(link_veth_create(A0, A1, 1400, &mac, ALIAS), 0);
    CHECK(link_exists(A0));
    CHECK(link_exists(A1));

    CHECK_ERR(link_get_alias(A0, &alias), 0);
    CHECK_STREQ(alias, ALIAS);
    free(alias);
    CHECK_ERR(link_get_alias(A1, &alias), 0);
    CHECK_STREQ(alias, ALIAS);
    free(alias);
    read_sys(A1, "ifalias", buf, sizeof buf);
    CHECK_STREQ(buf, ALIAS);

    read_sys(A1, "address", buf, sizeof buf);
    CHECK_STREQ(buf, "02:42:ac:11:00:02");
    CHECK(read_sys_ulong(A0, "mtu") == 1400);
    CHECK(read_sys_ulong(A1, "mtu") == 1400);
    CHECK(is_up(A0));
    CHECK(!is_up(A1));

    /* Taken names; nothing is left behind. */
    CHECK_ERR(link_veth_create(A0, A1, 1400, &mac, ALIAS), EEXIST);
    CHECK_ERR(link_veth_create(A0, X0, 0, NULL, NULL), EEXIST);
    CHECK(!link_exists(X0));
    CHECK_ERR(link_veth_create(X0, A1, 0, NULL, ALIAS), EEXIST);
    CHECK(!link_exists(X0));
    CHECK(link_exists(A0) && link_exists(A1));

    /* Bad arguments: ours and the kernel's. */
    CHECK_ERR(link_veth_create("ovtst-0123456789", X0, 0, NULL, NULL),
              EINVAL);
    CHECK_ERR(link_veth_create(X0, "", 0, NULL, NULL), EINVAL);
    CHECK_ERR(link_veth_create(X0, NULL, 0, NULL, NULL), EINVAL);
    CHECK_ERR(link_veth_create(X0, B1, -1, NULL, NULL), EINVAL);
    memset(long_alias, 'x', sizeof long_alias - 1);
    long_alias[sizeof long_alias - 1] = '\0';
    CHECK_ERR(link_veth_create(X0, B1, 0, NULL, long_alias), EINVAL);
    CHECK_ERR(link_veth_create(X0, B1, 50, NULL, NULL), EINVAL);
    CHECK_ERR(link_veth_create("ovtst/x", B1, 0, NULL, NULL), EINVAL);
    CHECK(!link_exists(X0));
    CHECK(!link_exists(B1));

    /* Defaults: no MTU, MAC or alias. */
    CHECK_ERR(link_veth_create(B0, B1, 0, NULL, NULL), 0);
    CHECK(read_sys_ulong(B0, "mtu") == 1500);
    CHECK(read_sys_ulong(B1, "mtu") == 1500);
    CHECK(is_up(B0));
    CHECK(!is_up(B1));
    alias = sentinel;
    CHECK_ERR(link_get_alias(B0, &alias), 0);
    CHECK(alias == NULL);
    CHECK_ERR(link_delete(B1), 0);
    CHECK(!link_exists(B0));

    alias = sentinel;
    CHECK_ERR(link_get_alias("ovtst-nope", &alias), ENODEV);
    CHECK(alias == NULL);
    CHECK(!link_exists("ovtst-nope"));
    CHECK(!link_exists(""));
    CHECK(!link_exists("ovtst-0123456789"));
}

static void
test_set_up(void)
{
    CHECK_ERR(link_set_up(A1, 1300), 0);
    CHECK(is_up(A1));
    CHECK(read_sys_ulong(A1, "mtu") == 1300);
    CHECK(read_sys_ulong(A0, "mtu") == 1400);
    CHECK_ERR(link_set_up(A1, 0), 0);
    CHECK(read_sys_ulong(A1, "mtu") == 1300);
    CHECK_ERR(link_set_up(A1, 70000), EINVAL);
    CHECK(read_sys_ulong(A1, "mtu") == 1300);
    CHECK_ERR(link_set_up("ovtst-nope", 0), ENODEV);
    CHECK_ERR(link_set_up("ovtst-0123456789", 0), EINVAL);
}

static void
test_offloads(void)
{
    bool tso;

    CHECK_ERR(link_get_tso(A0, &tso), 0);
    CHECK(tso);
    CHECK(get_tx_csum(A0));

    CHECK_ERR(link_set_tx_csum(A0, false), 0);
    CHECK(!get_tx_csum(A0));
    CHECK_ERR(link_get_tso(A0, &tso), 0);
    CHECK(!tso);
    CHECK(get_tx_csum(A1));

    CHECK_ERR(link_set_tx_csum(A0, false), 0);
    CHECK(!get_tx_csum(A0));

    CHECK_ERR(link_set_tx_csum(A0, true), 0);
    CHECK(get_tx_csum(A0));
    CHECK_ERR(link_get_tso(A0, &tso), 0);
    CHECK(tso);

    CHECK_ERR(link_set_tx_csum("ovtst-nope", false), ENODEV);
    tso = true;
    CHECK_ERR(link_get_tso("ovtst-nope", &tso), ENODEV);
    CHECK(!tso);
    CHECK_ERR(link_get_tso("ovtst-0123456789", &tso), EINVAL);
}

#define V0 "ovtst-v0"
#define V1 "ovtst-v1"

/* Returns how many FDB entries of 'dev' for 'mac' go to 'dst', as "bridge
 * fdb show" (iproute2, independent of netns/link) lists them. */
static int
fdb_count(const char *dev, const char *mac, const char *dst)
{
    char *cmd = xasprintf("bridge fdb show dev %s", dev);
    char *want = xasprintf("%s dst %s ", mac, dst);
    FILE *p = popen(cmd, "r");
    char line[256];
    int n = 0;

    if (!p) {
        fail(__FILE__, __LINE__, "%s: %s", cmd, ovs_strerror(errno));
    }
    while (fgets(line, sizeof line, p)) {
        n += strstr(line, want) == line;
    }
    pclose(p);
    free(want);
    free(cmd);
    return n;
}

static void
run(const char *cmd)
{
    if (system(cmd)) {
        fail(__FILE__, __LINE__, "%s failed", cmd);
    }
}

static void
test_vxlan(void)
{
    static const char zero[] = "00:00:00:00:00:00";
    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    char *alias;
    bool same, on;

    /* Only a kernel without VXLAN skips: any other failure to create one
     * is a failure (link_vxlan_supported() would take it for "none"). */
    int error = link_vxlan_create("ovtst-probe", 1, NULL, 0, NULL);
    if (error == EOPNOTSUPP) {
        printf("test-link: no VXLAN in this kernel, skipping its tests\n");
        return;
    }
    CHECK_ERR(error, 0);
    CHECK_ERR(link_delete("ovtst-probe"), 0);
    CHECK(!link_exists("ovtst-probe"));

    /* The kernel has them: so says link_vxlan_supported(), which leaves no
     * probe behind. */
    CHECK(link_vxlan_supported("ovtst-probe"));
    CHECK(!link_exists("ovtst-probe"));

    /* Creation. */
    CHECK_ERR(link_vxlan_create(V0, 77, "192.0.2.1", 1450, ALIAS), 0);
    CHECK_ERR(link_vxlan_create(V0, 77, "192.0.2.1", 1450, ALIAS), EEXIST);
    CHECK_ERR(link_vxlan_create(V1, 1 << 24, NULL, 0, NULL), EINVAL);
    CHECK_ERR(link_vxlan_create(V1, 7, "bogus", 0, NULL), EINVAL);
    CHECK_ERR(link_vxlan_create("ovtst-0123456789", 7, NULL, 0, NULL),
              EINVAL);
    CHECK(!link_exists(V1));
    CHECK(is_up(V0));
    CHECK(read_sys_ulong(V0, "mtu") == 1450);
    CHECK_ERR(link_get_alias(V0, &alias), 0);
    CHECK_STREQ(alias, ALIAS);
    free(alias);
    CHECK_ERR(link_get_tx_csum(V0, &on), 0);
    CHECK(on == get_tx_csum(V0));

    /* What it is. */
    CHECK_ERR(link_vxlan_check(V0, 77, "192.0.2.1", &same), 0);
    CHECK(same);
    CHECK_ERR(link_vxlan_check(V0, 77, NULL, &same), 0);
    CHECK(same);
    CHECK_ERR(link_vxlan_check(V0, 78, "192.0.2.1", &same), 0);
    CHECK(!same);
    CHECK_ERR(link_vxlan_check(V0, 77, "192.0.2.2", &same), 0);
    CHECK(!same);
    CHECK_ERR(link_vxlan_check(V0, 77, "2001:db8::1", &same), 0);
    CHECK(!same);
    CHECK_ERR(link_vxlan_check(A0, 77, NULL, &same), 0);   /* A veth. */
    CHECK(!same);
    CHECK_ERR(link_vxlan_check("ovtst-nope", 77, NULL, &same), ENODEV);
    CHECK_ERR(link_vxlan_check(V0, 77, "bogus", &same), EINVAL);

    /* The FDB: one all-zeros entry per remote, none elsewhere. */
    svec_add(&remotes, "192.0.2.2");
    svec_add(&remotes, "192.0.2.3");
    CHECK_ERR(link_vxlan_set_remotes(V0, &remotes), 0);
    CHECK(fdb_count(V0, zero, "192.0.2.2") == 1);
    CHECK(fdb_count(V0, zero, "192.0.2.3") == 1);
    CHECK_ERR(link_vxlan_set_remotes(V0, &remotes), 0);     /* Again. */
    CHECK(fdb_count(V0, zero, "192.0.2.2") == 1);
    CHECK(fdb_count(V0, zero, "192.0.2.3") == 1);

    /* Entries of other MACs towards a remote that goes go with it. */
    run("bridge fdb add 02:00:00:00:00:09 dev " V0 " dst 192.0.2.2");
    run("bridge fdb add 02:00:00:00:00:0a dev " V0 " dst 192.0.2.3");
    svec_clear(&remotes);
    svec_add(&remotes, "192.0.2.3");
    CHECK_ERR(link_vxlan_set_remotes(V0, &remotes), 0);
    CHECK(fdb_count(V0, zero, "192.0.2.2") == 0);
    CHECK(fdb_count(V0, "02:00:00:00:00:09", "192.0.2.2") == 0);
    CHECK(fdb_count(V0, zero, "192.0.2.3") == 1);
    CHECK(fdb_count(V0, "02:00:00:00:00:0a", "192.0.2.3") == 1);

    svec_clear(&remotes);
    CHECK_ERR(link_vxlan_set_remotes(V0, &remotes), 0);
    CHECK(fdb_count(V0, zero, "192.0.2.3") == 0);
    CHECK(fdb_count(V0, "02:00:00:00:00:0a", "192.0.2.3") == 0);

    svec_add(&remotes, "bogus");
    CHECK_ERR(link_vxlan_set_remotes(V0, &remotes), EINVAL);
    svec_clear(&remotes);
    CHECK_ERR(link_vxlan_set_remotes("ovtst-nope", &remotes), ENODEV);

    /* IPv6. */
    CHECK_ERR(link_vxlan_create(V1, 78, "2001:db8::1", 1430, NULL), 0);
    CHECK_ERR(link_vxlan_check(V1, 78, "2001:db8:0::1", &same), 0);
    CHECK(same);
    CHECK_ERR(link_vxlan_check(V1, 78, "192.0.2.1", &same), 0);
    CHECK(!same);
    svec_add(&remotes, "2001:db8:0::2");
    CHECK_ERR(link_vxlan_set_remotes(V1, &remotes), 0);
    CHECK(fdb_count(V1, zero, "2001:db8::2") == 1);

    CHECK_ERR(link_delete(V0), 0);
    CHECK_ERR(link_delete(V1), 0);
    svec_destroy(&remotes);
}

static void
test_addrs(void)
{
    struct addr addrs[3], extra, bad;
    int flags;
    int i;

    CHECK_ERR(addr_parse("198.51.100.1/24", &addrs[0]), 0);
    CHECK_ERR(addr_parse("2001:db8::1/64", &addrs[1]), 0);
    CHECK_ERR(addr_parse("198.51.100.7/32", &addrs[2]), 0);

    /* Twice: the second time everything is there already. */
    for (i = 0; i < 2; i++) {
        CHECK_ERR(link_ensure_addrs(A0, addrs, 3), 0);
        CHECK(count_addr(A0, &addrs[0]) == 1);
        CHECK(count_addr(A0, &addrs[1]) == 1);
        CHECK(count_addr(A0, &addrs[2]) == 1);
    }

    /* No duplicate address detection: not "tentative", although the peer
     * was down when it was added. */
    flags = ipv6_addr_flags(A0, &addrs[1].in6);
    CHECK(flags >= 0);
    CHECK(!(flags & 0x40));     /* IFA_F_TENTATIVE */
    CHECK(flags & 0x02);        /* IFA_F_NODAD */

    /* Others are left alone. */
    CHECK_ERR(addr_parse("2001:db8:1::5/80", &extra), 0);
    CHECK_ERR(link_ensure_addrs(A0, &extra, 1), 0);
    CHECK_ERR(link_ensure_addrs(A0, addrs, 1), 0);
    CHECK(count_addr(A0, &extra) == 1);
    CHECK(count_addr(A0, &addrs[1]) == 1);
    CHECK(count_addr(A1, &addrs[0]) == 0);

    /* netns/route reports them as addresses of this host, in canonical
     * form, and no other. */
    const struct sset *local = route_local_addrs();
    CHECK(sset_contains(local, "198.51.100.1"));
    CHECK(sset_contains(local, "198.51.100.7"));
    CHECK(sset_contains(local, "2001:db8::1"));
    CHECK(sset_contains(local, "2001:db8:1::5"));
    CHECK(!sset_contains(local, "198.51.100.2"));
    CHECK(!sset_contains(local, "2001:db8::2"));

    CHECK_ERR(link_ensure_addrs(A0, addrs, 0), 0);
    CHECK_ERR(link_ensure_addrs("ovtst-nope", addrs, 2), ENODEV);
    memset(&bad, 0, sizeof bad);
    CHECK_ERR(link_ensure_addrs(A0, &bad, 1), EINVAL);
    bad = addrs[0];
    bad.plen = 33;
    CHECK_ERR(link_ensure_addrs(A0, &bad, 1), EINVAL);
}

/* netns/route's route_local_addrs() follows the addresses as they come
 * and go (it reads them once, then again after the kernel reports a
 * change). */
static void
test_local_addrs(void)
{
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 07);
    struct addr addrs[2];

    CHECK_ERR(addr_parse("203.0.113.9/32", &addrs[0]), 0);
    CHECK_ERR(addr_parse("2001:db8:9::9/64", &addrs[1]), 0);
    CHECK(!sset_contains(route_local_addrs(), "203.0.113.9"));
    CHECK(!sset_contains(route_local_addrs(), "2001:db8:9::9"));

    CHECK_ERR(link_veth_create(R0, R1, 0, &mac, NULL), 0);
    CHECK_ERR(link_ensure_addrs(R0, addrs, 2), 0);
    CHECK(sset_contains(route_local_addrs(), "203.0.113.9"));
    CHECK(sset_contains(route_local_addrs(), "2001:db8:9::9"));
    CHECK(!sset_contains(route_local_addrs(), "203.0.113.8"));

    /* Gone with its link. */
    CHECK_ERR(link_delete(R0), 0);
    CHECK(!sset_contains(route_local_addrs(), "203.0.113.9"));
    CHECK(!sset_contains(route_local_addrs(), "2001:db8:9::9"));
}

/* Writes 'value' to /proc/sys/net/'path'.  Exits on failure. */
static void
write_sysctl(const char *path, const char *value)
{
    char *file = xasprintf("/proc/sys/net/%s", path);
    FILE *stream = fopen(file, "w");

    if (!stream || fputs(value, stream) < 0 || fclose(stream)) {
        fail(__FILE__, __LINE__, "%s: cannot write (%s)", file,
             ovs_strerror(errno));
    }
    free(file);
}

/* A link made while net.ipv6.conf.default.disable_ipv6 is 1 (a host that
 * turns IPv6 off by default) takes no IPv6 address (EACCES) until IPv6 is
 * enabled on it: link_ensure_addrs() and link_configure_gateway() do
 * that. */
static void
test_addrs_ipv6_disabled(void)
{
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 02);
    struct addr addrs[2];
    char value[16];
    char *msg;

    CHECK_ERR(addr_parse("192.0.2.1/24", &addrs[0]), 0);
    CHECK_ERR(addr_parse("2001:db8:9::1/64", &addrs[1]), 0);

    write_sysctl("ipv6/conf/default/disable_ipv6", "1");
    CHECK_ERR(link_veth_create(X0, B1, 0, &mac, NULL), 0);
    CHECK_ERR(link_veth_create(M0, M1, 0, &mac, NULL), 0);
    write_sysctl("ipv6/conf/default/disable_ipv6", "0");
    read_line("/proc/sys/net/ipv6/conf/" X0 "/disable_ipv6", value,
              sizeof value);
    CHECK_STREQ(value, "1");

    CHECK_ERR(link_ensure_addrs(X0, &addrs[1], 1), 0);
    CHECK(count_addr(X0, &addrs[1]) == 1);
    read_line("/proc/sys/net/ipv6/conf/" X0 "/disable_ipv6", value,
              sizeof value);
    CHECK_STREQ(value, "0");

    CHECK_ERR(link_configure_gateway(M0, 1400, addrs, 2, &msg), 0);
    CHECK(!msg);
    CHECK(count_addr(M0, &addrs[0]) == 1);
    CHECK(count_addr(M0, &addrs[1]) == 1);
    CHECK(is_up(M0));
    CHECK(read_sys_ulong(M0, "mtu") == 1400);

    /* What fails is named, with the kernel's reason. */
    CHECK_ERR(link_configure_gateway("ovtst-nope", 1400, addrs, 2, &msg),
              ENODEV);
    CHECK(msg && strstr(msg, "ovtst-nope"));
    free(msg);
    CHECK_ERR(link_configure_gateway(M0, 1 << 20, addrs, 2, &msg), EINVAL);
    CHECK(msg && strstr(msg, M0) && strstr(msg, "MTU"));
    free(msg);

    CHECK_ERR(link_delete(X0), 0);
    CHECK_ERR(link_delete(M0), 0);
}

/* Adds a permanent neighbour entry for 'addr' on 'name' with RTM_NEWNEIGH
 * and NLM_F_EXCL: EEXIST if there is one already. */
static int
neigh_add(const char *name, const struct addr *addr)
{
    static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
    struct ofpbuf request;
    struct ndmsg *ndm;

    ofpbuf_init(&request, 0);
    nl_msg_put_nlmsghdr(&request, sizeof *ndm, RTM_NEWNEIGH,
                        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
                        | NLM_F_EXCL);
    ndm = ofpbuf_put_zeros(&request, sizeof *ndm);
    ndm->ndm_family = addr->family;
    ndm->ndm_ifindex = if_nametoindex(name);
    ndm->ndm_state = NUD_PERMANENT;
    nl_msg_put_unspec(&request, NDA_DST, &addr->in6,
                      addr->family == AF_INET ? 4 : 16);
    nl_msg_put_unspec(&request, NDA_LLADDR, mac, sizeof mac);
    int error = nl_transact(NETLINK_ROUTE, &request, NULL);
    ofpbuf_uninit(&request);
    return error;
}

static void
test_forget_neighbor(void)
{
    const char *const cidrs[] = { "198.51.100.9/24", "2001:db8::9/64" };

    for (size_t i = 0; i < ARRAY_SIZE(cidrs); i++) {
        struct addr a;

        CHECK_ERR(addr_parse(cidrs[i], &a), 0);
        CHECK_ERR(neigh_add(A0, &a), 0);
        CHECK_ERR(neigh_add(A0, &a), EEXIST);
        CHECK_ERR(link_forget_neighbor(A0, &a), 0);
        /* Gone: it can be added again. */
        CHECK_ERR(neigh_add(A0, &a), 0);
        CHECK_ERR(link_forget_neighbor(A0, &a), 0);
        /* None is success too. */
        CHECK_ERR(link_forget_neighbor(A0, &a), 0);
        CHECK_ERR(link_forget_neighbor("ovtst-nope", &a), ENODEV);
    }
}

static void
test_list(void)
{
    char **names;
    size_t n;

    CHECK_ERR(link_list_prefix("ovtst-a", &names, &n), 0);
    CHECK(n == 2);
    CHECK(names_contain(names, n, A0));
    CHECK(names_contain(names, n, A1));
    free_names(names, n);

    CHECK_ERR(link_list_prefix("ovtst-a1", &names, &n), 0);
    CHECK(n == 1);
    CHECK_STREQ(names[0], A1);
    free_names(names, n);

    CHECK_ERR(link_list_prefix("ovtst-zz", &names, &n), 0);
    CHECK(n == 0 && names == NULL);

    CHECK_ERR(link_list_prefix("", &names, &n), 0);
    CHECK(n >= 3);
    CHECK(names_contain(names, n, "lo"));
    CHECK(names_contain(names, n, A0));
    free_names(names, n);

    CHECK_ERR(link_list_prefix(NULL, &names, &n), 0);
    CHECK(n >= 3);
    CHECK(names_contain(names, n, A1));
    free_names(names, n);
}

static void
test_delete(void)
{
    CHECK_ERR(link_delete(A0), 0);
    CHECK(!link_exists(A0));
    CHECK(!link_exists(A1));
    CHECK_ERR(link_delete(A0), 0);
    CHECK_ERR(link_delete(A1), 0);
    CHECK_ERR(link_delete("ovtst-0123456789"), EINVAL);
}

/* Runs the monitor until 'gone' and 'changed' hold the names they must,
 * for at most 5 seconds. */
static void
test_monitor(void)
{
    struct sset gone = SSET_INITIALIZER(&gone);
    struct sset changed = SSET_INITIALIZER(&changed);
    long long int deadline;

    linkmon_init();
    linkmon_init();

    /* Nothing happened yet. */
    linkmon_run();
    CHECK(!linkmon_take(&gone, &changed));
    CHECK(!sset_contains(&gone, M0) && !sset_contains(&changed, M0));

    CHECK_ERR(link_veth_create(M0, M1, 0, NULL, "monitor"), 0);
    CHECK_ERR(link_delete(M0), 0);

    deadline = time_msec() + 5000;
    for (;;) {
        linkmon_run();
        CHECK(!linkmon_take(&gone, &changed));
        if (sset_contains(&gone, M0) && sset_contains(&gone, M1)
            && sset_contains(&changed, M0) && sset_contains(&changed, M1)) {
            break;
        }
        if (time_msec() >= deadline) {
            char *g = sset_join(&gone, " ", "");
            char *c = sset_join(&changed, " ", "");

            fail(__FILE__, __LINE__, "after 5 s, monitor saw gone: [%s], "
                 "changed: [%s]", g, c);
        }
        linkmon_wait();
        poll_timer_wait(100);
        poll_block();
    }

    /* Taken: the module's sets are empty again. */
    sset_clear(&gone);
    sset_clear(&changed);
    linkmon_run();
    CHECK(!linkmon_take(&gone, &changed));
    CHECK(sset_is_empty(&gone));
    CHECK(!sset_contains(&changed, M0));

    linkmon_destroy();
    linkmon_destroy();

    /* After destruction, nothing is recorded, and init works again. */
    CHECK_ERR(link_veth_create(M0, M1, 0, NULL, NULL), 0);
    CHECK_ERR(link_delete(M0), 0);
    linkmon_run();
    CHECK(!linkmon_take(&gone, &changed));
    CHECK(sset_is_empty(&gone));
    linkmon_init();
    linkmon_run();
    CHECK(!linkmon_take(&gone, &changed));
    linkmon_destroy();

    sset_destroy(&gone);
    sset_destroy(&changed);
}

/* Returns the number of messages that the kernel has dropped for the
 * NETLINK_ROUTE sockets of this namespace (of which only the monitor's
 * listens to multicast groups), from /proc/net/netlink. */
static unsigned long int
rtnetlink_drops(void)
{
    unsigned long int drops = 0;
    char line[256];
    FILE *file;

    file = fopen("/proc/net/netlink", "r");
    CHECK(file != NULL);
    while (fgets(line, sizeof line, file)) {
        unsigned long int d;
        int protocol;

        /* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
        if (sscanf(line, "%*s %d %*s %*s %*s %*s %*s %*s %lu",
                   &protocol, &d) == 2 && protocol == NETLINK_ROUTE) {
            drops += d;
        }
    }
    fclose(file);
    return drops;
}

/* Makes the kernel drop link events meant for the monitor, by creating
 * links without running it until /proc/net/netlink counts drops, and checks
 * that linkmon_take() reports it, once.  Then lists the links, which takes a
 * dump of many parts, and leaves them to the namespace's deletion. */
static void
test_monitor_overflow(void)
{
    struct sset gone = SSET_INITIALIZER(&gone);
    struct sset changed = SSET_INITIALIZER(&changed);
    unsigned long int drops;
    char **names;
    size_t i, n;

    /* linkmon_run() reads only once between calls to linkmon_wait(), like
     * the run functions of libopenvswitch. */
    linkmon_init();
    linkmon_wait();
    linkmon_run();
    linkmon_take(&gone, &changed);

    drops = rtnetlink_drops();
    for (i = 0; rtnetlink_drops() == drops; i++) {
        char name[IFNAMSIZ], peer[IFNAMSIZ];

        if (i >= 10000) {
            fail(__FILE__, __LINE__, "no overflow after %"PRIuSIZE" veth "
                 "pairs", i);
        }
        snprintf(name, sizeof name, "ovtst-o%"PRIuSIZE, i);
        snprintf(peer, sizeof peer, "ovtst-q%"PRIuSIZE, i);
        CHECK_ERR(link_veth_create(name, peer, 0, NULL, "overflow"), 0);
    }

    linkmon_wait();
    linkmon_run();
    CHECK(linkmon_take(&gone, &changed));
    linkmon_wait();
    linkmon_run();
    CHECK(!linkmon_take(&gone, &changed));
    linkmon_destroy();

    printf("test-link: monitor overflowed after %"PRIuSIZE" veth pairs\n",
           i);

    /* Deleting a veth takes the kernel some 15 ms; deleting the namespace
     * takes those in one go. */
    CHECK_ERR(link_list_prefix("ovtst-o", &names, &n), 0);
    CHECK(n == i);
    free_names(names, n);
    CHECK_ERR(link_list_prefix("ovtst-q", &names, &n), 0);
    CHECK(n == i);
    free_names(names, n);

    sset_destroy(&gone);
    sset_destroy(&changed);
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    int error;

    set_program_name(argv[0]);

    /* Does this kernel do veth at all? */
    error = link_veth_create(X0, B1, 0, &mac, NULL);
    if (error == EOPNOTSUPP) {
        fprintf(stderr, "test-link: no veth in this kernel, skipping\n");
        return 77;
    }
    CHECK_ERR(error, 0);
    CHECK_ERR(link_delete(X0), 0);

    test_veth();
    test_set_up();
    test_offloads();
    test_vxlan();
    test_addrs();
    test_addrs_ipv6_disabled();
    test_local_addrs();
    test_forget_neighbor();
    test_list();
    test_delete();
    test_monitor();
    test_monitor_overflow();

    printf("test-link: all passed\n");
    return 0;
}
