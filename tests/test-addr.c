/*
 * Unit tests of ovsdb/addr: IP addresses as text, with and without a
 * prefix length.
 *
 * addr.c is pure and linked in as it is: nothing is replaced.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ovsdb/addr.h"
#include "util.h"

/* Parses 'cidr', checks the result against 'family' and 'plen', and that
 * addr_format() gives back 'cidr'. */
static void
check_parse_ok(const char *cidr, int family, unsigned int plen)
{
    char buf[INET6_ADDRSTRLEN + 4];
    struct addr a;

    assert_int_equal(addr_parse(cidr, &a), 0);
    assert_int_equal(a.family, family);
    assert_int_equal(a.plen, plen);
    addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, cidr);
}

/* Checks that 'cidr' does not parse, and leaves nothing behind. */
static void
check_parse_bad(const char *cidr)
{
    struct addr a, zero;

    memset(&a, 0xff, sizeof a);
    memset(&zero, 0, sizeof zero);
    if (addr_parse(cidr, &a) != EINVAL) {
        fail_msg("\"%s\" parsed", cidr ? cidr : "(null)");
    }
    assert_memory_equal(&a, &zero, sizeof a);
}

static void
test_parse_good(void **state OVS_UNUSED)
{
    check_parse_ok("198.51.100.1/24", AF_INET, 24);
    check_parse_ok("0.0.0.0/0", AF_INET, 0);
    check_parse_ok("203.0.113.255/32", AF_INET, 32);
    check_parse_ok("2001:db8::1/64", AF_INET6, 64);
    check_parse_ok("::/0", AF_INET6, 0);
    check_parse_ok("fe80::1:2:3:4/128", AF_INET6, 128);
}

/* Host bits may be set, and IPv6 comes back in its canonical form. */
static void
test_parse_keeps_host_bits(void **state OVS_UNUSED)
{
    char buf[INET6_ADDRSTRLEN + 4];
    struct addr a;

    assert_int_equal(addr_parse("198.51.100.77/24", &a), 0);
    assert_int_equal(ntohl(a.in4.s_addr), 0xc6336400 | 77);
    assert_int_equal(addr_parse("2001:DB8::A/64", &a), 0);
    addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "2001:db8::a/64");
}

static void
test_parse_bad(void **state OVS_UNUSED)
{
    static const char *bad[] = {
        "1.2.3.4", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/+8",
        "1.2.3.4/ 8", "1.2.3.4/8 ", "1.2.3.4/0008", "1.2.3.4/4294967320",
        "1.2.3.4/24/1", "1.2.3/24", "1.2.3.256/24", "::1", "::1/129",
        "2001:db8::1::2/64", "fe80::1%eth0/64", "garbage", "garbage/24",
        "/24", "",
        /* Longer than any address before the '/'. */
        "2001:0db8:0000:0000:0000:0000:0000:0000:0001/64",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        check_parse_bad(bad[i]);
    }
    check_parse_bad(NULL);
}

static void
test_format_truncates(void **state OVS_UNUSED)
{
    char buf[INET6_ADDRSTRLEN + 4];
    struct addr a;

    assert_int_equal(addr_parse("198.51.100.1/24", &a), 0);
    memset(buf, 'x', sizeof buf);
    addr_format(&a, buf, 8);
    assert_string_equal(buf, "198.51.");

    /* A size of 0 writes nothing. */
    memset(buf, 'x', sizeof buf);
    addr_format(&a, buf, 0);
    assert_int_equal(buf[0], 'x');

    a.family = AF_UNIX;
    addr_format(&a, buf, sizeof buf);
    assert_string_equal(buf, "?");
}

static void
test_ip_parse(void **state OVS_UNUSED)
{
    struct addr a;

    assert_true(addr_ip_parse("192.0.2.1", &a));
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(a.plen, 32);
    assert_int_equal(addr_len(&a), 4);
    assert_int_equal(ntohl(a.in4.s_addr), 0xc0000201);

    assert_true(addr_ip_parse("2001:db8::1", &a));
    assert_int_equal(a.family, AF_INET6);
    assert_int_equal(a.plen, 128);
    assert_int_equal(addr_len(&a), 16);

    static const char *bad[] = {
        "192.0.2.1/32", "192.0.2", "192.0.2.256", " 192.0.2.1",
        "2001:db8::1/128", "[2001:db8::1]", "", "host.example",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        memset(&a, 0xff, sizeof a);
        if (addr_ip_parse(bad[i], &a)) {
            fail_msg("\"%s\" parsed as a bare IP", bad[i]);
        }
        assert_int_equal(a.family, 0);
        assert_int_equal(a.plen, 0);
    }
    assert_false(addr_ip_parse(NULL, &a));
}

static void
test_ip_valid(void **state OVS_UNUSED)
{
    int family = -1;

    assert_true(addr_ip_valid("198.51.100.7", &family));
    assert_int_equal(family, AF_INET);
    assert_true(addr_ip_valid("2001:db8::7", &family));
    assert_int_equal(family, AF_INET6);
    assert_true(addr_ip_valid("203.0.113.1", NULL));

    family = -1;
    assert_false(addr_ip_valid("203.0.113.1/24", &family));
    assert_int_equal(family, -1);
    assert_false(addr_ip_valid("nope", NULL));
}

static void
test_ip_canonical(void **state OVS_UNUSED)
{
    static const char *cases[][2] = {
        { "192.0.2.1", "192.0.2.1" },
        { "2001:DB8:0::1", "2001:db8::1" },
        { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
        { "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *s = addr_ip_canonical(cases[i][0]);
        assert_non_null(s);
        assert_string_equal(s, cases[i][1]);
        free(s);
    }
    assert_null(addr_ip_canonical("192.0.2.1/24"));
    assert_null(addr_ip_canonical("192.0.2.300"));
    assert_null(addr_ip_canonical(""));
    assert_null(addr_ip_canonical(NULL));
}

/* Protocol names, both ways, and what is none of the three. */
static void
test_proto_names(void **state OVS_UNUSED)
{
    static const struct {
        uint8_t proto;
        const char *name;
    } protos[] = {
        { IPPROTO_TCP, "tcp" }, { IPPROTO_UDP, "udp" },
        { IPPROTO_SCTP, "sctp" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
        assert_string_equal(addr_proto_name(protos[i].proto), protos[i].name);
        assert_int_equal(addr_proto_from_name(protos[i].name),
                         protos[i].proto);
    }
    assert_null(addr_proto_name(IPPROTO_ICMP));
    assert_int_equal(addr_proto_from_name("TCP"), 0);
    assert_int_equal(addr_proto_from_name("icmp"), 0);
    assert_int_equal(addr_proto_from_name(""), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_keeps_host_bits),
        cmocka_unit_test(test_parse_bad),
        cmocka_unit_test(test_format_truncates),
        cmocka_unit_test(test_ip_parse),
        cmocka_unit_test(test_ip_valid),
        cmocka_unit_test(test_ip_canonical),
        cmocka_unit_test(test_proto_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
