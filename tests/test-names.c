/*
 * Unit tests of ovsdb/names: IDs, the names of ovsnet's links and rows, and
 * random MAC addresses.
 *
 * names.c is linked in as it is.  Its one collaborator, libopenvswitch's
 * random_bytes(), is replaced with -Wl,--wrap=random_bytes so that the test
 * decides which candidate addresses names_random_mac() draws.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ovsdb/names.h"
#include "packets.h"
#include "util.h"

/* A Docker-style ID: 64 lowercase hex digits. */
static const char id64[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

void __wrap_random_bytes(void *, size_t);

/* Replaces libopenvswitch's random_bytes().  Mock queue: one pointer per
 * call, to the bytes to return (as many as the caller asks for); the number
 * of bytes asked for is checked against expect_value(..., n, ...). */
void
__wrap_random_bytes(void *p, size_t n)
{
    const uint8_t *bytes = mock_ptr_type(const uint8_t *);

    check_expected(n);
    memcpy(p, bytes, n);
}

/* Queues 'mac' as the next 6 random bytes. */
static void
queue_random_mac(const struct eth_addr *mac)
{
    expect_value(__wrap_random_bytes, n, ETH_ADDR_LEN);
    will_return(__wrap_random_bytes, cast_ptr_to_largest_integral_type(
                    mac->ea));
}

/* Fails unless 'mac' is unicast and locally administered. */
static void
assert_local_unicast(const struct eth_addr *mac)
{
    assert_true(mac->ea[0] & 0x02);            /* Locally administered. */
    assert_false(mac->ea[0] & 0x01);           /* Not multicast. */
    assert_false(eth_addr_is_zero(*mac));
}

static void
assert_mac_equal(const struct eth_addr *a, const struct eth_addr *b)
{
    if (!eth_addr_equals(*a, *b)) {
        fail_msg(ETH_ADDR_FMT" != "ETH_ADDR_FMT,
                 ETH_ADDR_ARGS(*a), ETH_ADDR_ARGS(*b));
    }
}

/* names_id_valid(). */

static void
test_id_valid_docker_id(void **state OVS_UNUSED)
{
    assert_true(names_id_valid(id64));
    assert_true(names_id_valid("0"));
    assert_true(names_id_valid("deadbeef"));
    /* A swarm network's, as swarmkit makes them. */
    assert_true(names_id_valid("xfpz9op4haq7fempnc6d2435k"));
}

static void
test_id_valid_length(void **state OVS_UNUSED)
{
    char id[130];

    memset(id, 'a', 128);
    id[128] = '\0';
    assert_true(names_id_valid(id));            /* 128: the longest. */

    id[128] = 'a';
    id[129] = '\0';
    assert_false(names_id_valid(id));           /* 129: one too many. */

    assert_false(names_id_valid(""));
    assert_false(names_id_valid(NULL));
}

static void
test_id_valid_bad_chars(void **state OVS_UNUSED)
{
    assert_false(names_id_valid("G"));
    assert_false(names_id_valid("0X12"));
    assert_false(names_id_valid("0_12"));
    assert_false(names_id_valid("abc def"));
    assert_false(names_id_valid("abc/def"));
    assert_false(names_id_valid("-1"));
    assert_false(names_id_valid(" abc"));
    assert_false(names_id_valid("abc\n"));

    /* A 64-digit ID with one bad digit at the end. */
    char id[sizeof id64];
    memcpy(id, id64, sizeof id64);
    id[63] = '.';
    assert_false(names_id_valid(id));
}

/* Driver names: names_driver_from_socket(), names_driver_error(),
 * names_set_driver(), names_lock(). */

static void
test_driver_from_socket(void **state OVS_UNUSED)
{
    static const char *cases[][2] = {
        { "/run/docker/plugins/ovs.sock", "ovs" },
        { "/run/docker/plugins/ovs2.sock", "ovs2" },
        { "/tmp/x/my-net.sock", "my-net" },
        { "ovs.sock", "ovs" },
        { "/run/docker/plugins/ovs", "ovs" },
        { "/tmp/.sock", ".sock" },
        { "/tmp/a.sock.sock", "a.sock" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *driver = names_driver_from_socket(cases[i][0]);
        assert_string_equal(driver, cases[i][1]);
        free(driver);
    }
}

static void
test_driver_error(void **state OVS_UNUSED)
{
    assert_null(names_driver_error("ovs"));
    assert_null(names_driver_error("ovs2"));
    assert_null(names_driver_error("My_net-1.0"));
    assert_null(names_driver_error("abcdefghij012345"));     /* 16 */
    assert_non_null(names_driver_error("abcdefghij0123456"));
    assert_non_null(names_driver_error(""));
    assert_non_null(names_driver_error(NULL));
    assert_non_null(names_driver_error(".sock"));
    assert_non_null(names_driver_error("-x"));
    assert_non_null(names_driver_error("a:b"));
    assert_non_null(names_driver_error("a b"));
    assert_non_null(names_driver_error("a/b"));
}

static void
test_driver_lock(void **state OVS_UNUSED)
{
    static const char *cases[][2] = {
        { "ovs", "ovsnet_ovs" },
        { "ovs2", "ovsnet_ovs2" },
        { "my-net", "ovsnet_my_hnet" },
        { "my_net", "ovsnet_my__net" },
        { "my.net", "ovsnet_my_dnet" },
        { "my_hnet", "ovsnet_my__hnet" },
    };

    assert_string_equal(names_driver(), NAMES_DEFAULT_DRIVER);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        names_set_driver(cases[i][0]);
        assert_string_equal(names_driver(), cases[i][0]);
        assert_int_equal(names_driver_is_default(),
                         !strcmp(cases[i][0], "ovs"));
        char *lock = names_lock();
        assert_string_equal(lock, cases[i][1]);
        free(lock);
    }
    names_set_driver(NAMES_DEFAULT_DRIVER);
}

/* names_alias(), names_alias_is_mine(). */

static void
test_alias_default_driver(void **state OVS_UNUSED)
{
    names_set_driver(NAMES_DEFAULT_DRIVER);

    char *alias = names_alias(id64);
    char *expected = xasprintf("ovsnet:%s", id64);
    char *other = xasprintf("ovsnet:ovs2:%s", id64);
    char *explicit = xasprintf("ovsnet:ovs:%s", id64);

    assert_string_equal(alias, expected);
    assert_true(names_alias_is_mine(alias));
    assert_true(names_alias_is_mine(explicit));
    assert_false(names_alias_is_mine(other));
    assert_false(names_alias_is_mine(NULL));
    assert_false(names_alias_is_mine(""));
    assert_false(names_alias_is_mine("ovsnet:"));
    assert_false(names_alias_is_mine("ovsnet:XYZ"));
    assert_false(names_alias_is_mine("ovsnet:ovs:"));
    assert_false(names_alias_is_mine("something else"));
    assert_false(names_alias_is_mine(id64));
    free(alias);
    free(expected);
    free(other);
    free(explicit);
}

static void
test_alias_other_driver(void **state OVS_UNUSED)
{
    char *plain = xasprintf("ovsnet:%s", id64);
    char *expected = xasprintf("ovsnet:ovs2:%s", id64);
    char *longer = xasprintf("ovsnet:ovs22:%s", id64);
    char *shorter = xasprintf("ovsnet:ovs:%s", id64);

    names_set_driver("ovs2");
    char *alias = names_alias(id64);
    assert_string_equal(alias, expected);
    assert_true(names_alias_is_mine(alias));
    assert_false(names_alias_is_mine(plain));
    assert_false(names_alias_is_mine(longer));
    assert_false(names_alias_is_mine(shorter));
    assert_false(names_alias_is_mine("ovsnet:ovs2:"));
    assert_false(names_alias_is_mine("ovsnet:ovs2:XYZ"));
    names_set_driver(NAMES_DEFAULT_DRIVER);
    free(alias);
    free(plain);
    free(expected);
    free(longer);
    free(shorter);
}

/* names_bridge(), names_gateway(), names_port(), names_peer(),
 * names_vxlan(). */

/* Checks that 'name' (which this frees) is 'prefix' followed by the first
 * NAMES_ID_DIGITS of id64, and usable as a device name. */
static void
check_name(char *name, const char *prefix)
{
    char *expected = xasprintf("%s%.*s", prefix, NAMES_ID_DIGITS, id64);

    assert_non_null(name);
    assert_string_equal(name, expected);
    assert_int_equal(strlen(name), strlen(prefix) + NAMES_ID_DIGITS);
    assert_true(strlen(name) <= NAMES_IFNAME_MAX);
    assert_null(names_ifname_error(name));
    free(expected);
    free(name);
}

static void
test_names_from_id(void **state OVS_UNUSED)
{
    check_name(names_bridge(id64), "ovsbr-");
    check_name(names_gateway(id64), "ovsgw-");
    check_name(names_port(id64), "ovsep-");
    check_name(names_peer(id64), "ovsct-");
    check_name(names_vxlan(id64), "ovsvx-");

    /* The literal prefixes, as doc/design.md gives them. */
    char *name = names_bridge(id64);
    assert_string_equal(name, "ovsbr-012345678");
    free(name);
    name = names_peer(id64);
    assert_string_equal(name, "ovsct-012345678");
    free(name);
}

static void
test_names_from_short_id(void **state OVS_UNUSED)
{
    /* An ID shorter than NAMES_ID_DIGITS is used whole. */
    char *name = names_port("abc");
    assert_string_equal(name, "ovsep-abc");
    free(name);

    /* Exactly NAMES_ID_DIGITS. */
    name = names_gateway("123456789");
    assert_string_equal(name, "ovsgw-123456789");
    free(name);
}

static void
test_names_differ_by_role(void **state OVS_UNUSED)
{
    char *names[5] = {
        names_bridge(id64), names_gateway(id64),
        names_port(id64), names_peer(id64), names_vxlan(id64),
    };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        for (size_t j = i + 1; j < ARRAY_SIZE(names); j++) {
            assert_string_not_equal(names[i], names[j]);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        free(names[i]);
    }
}

/* names_ifname_error(). */

static void
test_ifname_good(void **state OVS_UNUSED)
{
    assert_null(names_ifname_error("br0"));
    assert_null(names_ifname_error("a"));
    assert_null(names_ifname_error("br-int.10_x"));
    assert_null(names_ifname_error("..."));
    assert_null(names_ifname_error("123456789012345"));    /* 15 bytes. */
}

static void
test_ifname_length(void **state OVS_UNUSED)
{
    const char *why = names_ifname_error("1234567890123456");  /* 16. */

    assert_non_null(why);
    assert_non_null(strstr(why, "15"));
    assert_non_null(names_ifname_error(""));
    assert_non_null(names_ifname_error(NULL));
}

static void
test_ifname_bad_characters(void **state OVS_UNUSED)
{
    static const char *const bad[] = {
        "a/b", "a b", "a\tb", "a\nb", "a:b", "/", " ", "a\x01", "a\x7f",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (!names_ifname_error(bad[i])) {
            fail_msg("names_ifname_error(\"%s\") accepted it", bad[i]);
        }
    }
}

static void
test_ifname_dots(void **state OVS_UNUSED)
{
    assert_non_null(names_ifname_error("."));
    assert_non_null(names_ifname_error(".."));
}

/* names_random_mac(). */

static void
test_random_mac_bits(void **state OVS_UNUSED)
{
    /* Whatever the random bytes, the result is unicast and locally
     * administered, and the other bits are the random ones. */
    static const struct eth_addr raw[] = {
        ETH_ADDR_C(ff, ff, ff, ff, ff, ff),
        ETH_ADDR_C(01, 00, 5e, 00, 00, 01),
        ETH_ADDR_C(00, 00, 00, 00, 00, 00),
        ETH_ADDR_C(a8, 12, 34, 56, 78, 9a),
    };
    static const struct eth_addr expected[] = {
        ETH_ADDR_C(fe, ff, ff, ff, ff, ff),
        ETH_ADDR_C(02, 00, 5e, 00, 00, 01),
        ETH_ADDR_C(02, 00, 00, 00, 00, 00),
        ETH_ADDR_C(aa, 12, 34, 56, 78, 9a),
    };

    for (size_t i = 0; i < ARRAY_SIZE(raw); i++) {
        struct eth_addr mac;

        queue_random_mac(&raw[i]);
        names_random_mac(&mac, NULL, 0);
        assert_local_unicast(&mac);
        assert_mac_equal(&mac, &expected[i]);
    }
}

static void
test_random_mac_skips_used(void **state OVS_UNUSED)
{
    static const struct eth_addr used[] = {
        ETH_ADDR_C(02, 00, 00, 00, 00, 01),
        ETH_ADDR_C(02, 00, 00, 00, 00, 02),
        ETH_ADDR_C(02, 00, 00, 00, 00, 03),
    };
    /* The first candidates become used[1] and used[0] once their first byte
     * is fixed up, the third is used[2] as drawn; the fourth is free. */
    static const struct eth_addr raw[] = {
        ETH_ADDR_C(03, 00, 00, 00, 00, 02),
        ETH_ADDR_C(00, 00, 00, 00, 00, 01),
        ETH_ADDR_C(02, 00, 00, 00, 00, 03),
        ETH_ADDR_C(02, 00, 00, 00, 00, 04),
    };
    static const struct eth_addr free_mac = ETH_ADDR_C(02, 00, 00, 00, 00, 04);
    struct eth_addr mac;

    for (size_t i = 0; i < ARRAY_SIZE(raw); i++) {
        queue_random_mac(&raw[i]);
    }
    names_random_mac(&mac, used, ARRAY_SIZE(used));
    assert_mac_equal(&mac, &free_mac);
    for (size_t i = 0; i < ARRAY_SIZE(used); i++) {
        assert_false(eth_addr_equals(mac, used[i]));
    }
    /* cmocka fails the test if a queued candidate was not drawn, or if one
     * more was asked for. */
}

static void
test_random_mac_first_free(void **state OVS_UNUSED)
{
    /* No collision: one draw is enough. */
    static const struct eth_addr used[] = {
        ETH_ADDR_C(02, 00, 00, 00, 00, 01),
    };
    static const struct eth_addr raw = ETH_ADDR_C(02, 11, 22, 33, 44, 55);
    struct eth_addr mac;

    queue_random_mac(&raw);
    names_random_mac(&mac, used, ARRAY_SIZE(used));
    assert_mac_equal(&mac, &raw);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_valid_docker_id),
        cmocka_unit_test(test_id_valid_length),
        cmocka_unit_test(test_id_valid_bad_chars),
        cmocka_unit_test(test_names_from_id),
        cmocka_unit_test(test_names_from_short_id),
        cmocka_unit_test(test_names_differ_by_role),
        cmocka_unit_test(test_ifname_good),
        cmocka_unit_test(test_ifname_length),
        cmocka_unit_test(test_ifname_bad_characters),
        cmocka_unit_test(test_ifname_dots),
        cmocka_unit_test(test_random_mac_bits),
        cmocka_unit_test(test_random_mac_skips_used),
        cmocka_unit_test(test_random_mac_first_free),
        cmocka_unit_test(test_driver_from_socket),
        cmocka_unit_test(test_driver_error),
        cmocka_unit_test(test_driver_lock),
        cmocka_unit_test(test_alias_default_driver),
        cmocka_unit_test(test_alias_other_driver),
    };

    return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
