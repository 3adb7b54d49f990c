/*
 * Unit tests of plugin/netopts: netopts_parse() turns a CreateNetwork body
 * into a struct state_netcfg, or refuses it with a message that names the
 * option and the value.
 *
 * netopts.c is pure (it reads JSON and calls names and addr_parse()),
 * so nothing is wrapped: the bodies are JSON text parsed with
 * libopenvswitch's json_from_string(), as the daemon does.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "openvswitch/json.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "plugin/netopts.h"
#include "plugin/provopts.h"
#include "util.h"

static const char id64[] =
    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/* What every test works on, made by setup() and freed by teardown(). */
struct fixture {
    struct state_netcfg cfg;    /* Initialized, as the driver does. */
    struct json *req;           /* The last body parsed, or NULL. */
    char *error;                /* The last netopts_parse() result. */

    /* What parse() presets fx->cfg.vxlan_device to, after initializing it
     * (STATE_VXLAN_AUTO, 0, as the driver does, unless a test says). */
    enum state_vxlan_device vxlan_device;
};

static int
setup(void **state)
{
    struct fixture *fx = xzalloc(sizeof *fx);

    state_netcfg_init(&fx->cfg);
    *state = fx;
    return 0;
}

/* Frees what the last parse left in 'fx' and gives it a fresh 'cfg'. */
static void
fixture_reset(struct fixture *fx)
{
    state_netcfg_destroy(&fx->cfg);
    state_netcfg_init(&fx->cfg);
    fx->cfg.vxlan_device = fx->vxlan_device;
    json_destroy(fx->req);
    fx->req = NULL;
    free(fx->error);
    fx->error = NULL;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    fixture_reset(fx);
    state_netcfg_destroy(&fx->cfg);
    free(fx);
    return 0;
}

/* Parses 'format' (JSON with ' for ", printf-style) as a CreateNetwork body
 * for network id64, into a fresh fx->cfg.  Returns the error or NULL. */
static const char *parse(struct fixture *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

static const char *
parse(struct fixture *fx, const char *format, ...)
{
    va_list args;

    fixture_reset(fx);

    va_start(args, format);
    char *text = xvasprintf(format, args);
    va_end(args);
    for (char *p = text; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    fx->req = json_from_string(text);
    if (fx->req->type != JSON_OBJECT) {
        fail_msg("test body is not a JSON object: %s", text);
    }
    free(text);

    fx->error = netopts_parse(fx->req, id64, &fx->cfg);
    return fx->error;
}

/* Parses a body whose -o options are 'generic' (a JSON object, with '). */
static const char *
parse_options(struct fixture *fx, const char *generic)
{
    return parse(fx, "{'NetworkID': '%s', 'Options': "
                 "{'com.docker.network.generic': %s}}", id64, generic);
}

/* Parses a body with one -o option KEY=VALUE. */
static const char *
parse_option(struct fixture *fx, const char *key, const char *value)
{
    return parse(fx, "{'NetworkID': '%s', 'Options': "
                 "{'com.docker.network.generic': {'%s': '%s'}}}",
                 id64, key, value);
}

/* Fails (at 'file':'line') unless 'error' is an error message that
 * contains every one of the NULL-terminated strings that follow. */
static void
assert_error_names_at(const char *file, int line, const char *error, ...)
{
    va_list args;

    if (!error) {
        print_error("ERROR: the body was accepted, expected an error\n");
        _fail(file, line);
    }
    va_start(args, error);
    for (const char *s = va_arg(args, const char *); s;
         s = va_arg(args, const char *)) {
        if (!strstr(error, s)) {
            va_end(args);
            print_error("ERROR: error \"%s\" does not mention \"%s\"\n",
                        error, s);
            _fail(file, line);
        }
    }
    va_end(args);
}
#define assert_error_names(...) \
    assert_error_names_at(__FILE__, __LINE__, __VA_ARGS__)

#define assert_ok(ERROR)                                                \
    do {                                                                \
        const char *error_ = (ERROR);                                   \
        if (error_) {                                                   \
            fail_msg("%s: unexpected error \"%s\"", #ERROR, error_);    \
        }                                                               \
    } while (0)

/* Fails unless 'v' holds exactly the NULL-terminated strings that follow. */
static void
assert_svec(const struct svec *v, ...)
{
    va_list args;
    size_t i = 0;

    va_start(args, v);
    for (const char *s = va_arg(args, const char *); s;
         s = va_arg(args, const char *), i++) {
        if (i >= v->n) {
            fail_msg("svec has %"PRIuSIZE" elements, expected \"%s\" at "
                     "%"PRIuSIZE, v->n, s, i);
        }
        assert_string_equal(v->names[i], s);
    }
    va_end(args);
    assert_int_equal(v->n, i);
}

/* Checks the configuration of a network created with no options. */
static void
assert_defaults(const struct state_netcfg *cfg)
{
    char *bridge = names_bridge(id64);

    assert_non_null(cfg->bridge);
    assert_string_equal(cfg->bridge, bridge);
    assert_int_equal(cfg->mtu, NETOPTS_DEFAULT_MTU);
    assert_int_equal(cfg->mtu, 1500);
    assert_int_equal(cfg->vlan, 0);
    assert_null(cfg->datapath);
    assert_false(cfg->internal);
    assert_true(smap_is_empty(&cfg->options));
    free(bridge);
}

/* Defaults. */

static void
test_defaults(void **state)
{
    struct fixture *fx = *state;

    /* What Docker sends for "docker network create -d ovs NAME". */
    assert_ok(parse(fx, "{'NetworkID': '%s', 'Options': "
                    "{'com.docker.network.enable_ipv6': false, "
                    "'com.docker.network.generic': {}}, "
                    "'IPv4Data': [{'AddressSpace': 'LocalDefault', "
                    "'Pool': '172.19.0.0/16', 'Gateway': '172.19.0.1/16'}], "
                    "'IPv6Data': []}", id64));
    assert_defaults(&fx->cfg);
    assert_svec(&fx->cfg.ipv4_pools, "172.19.0.0/16", NULL);
    assert_svec(&fx->cfg.ipv4_gateways, "172.19.0.1/16", NULL);
    assert_svec(&fx->cfg.ipv6_pools, NULL);
    assert_svec(&fx->cfg.ipv6_gateways, NULL);
}

static void
test_defaults_minimal_body(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse(fx, "{'NetworkID': '%s'}", id64));
    assert_defaults(&fx->cfg);
    assert_svec(&fx->cfg.ipv4_pools, NULL);

    assert_ok(parse(fx, "{'NetworkID': '%s', 'Options': null, "
                    "'IPv4Data': null, 'IPv6Data': null}", id64));
    assert_defaults(&fx->cfg);

    assert_ok(parse(fx, "{'Options': {'com.docker.network.generic': null}}"));
    assert_defaults(&fx->cfg);
}

/* ovs.vlan. */

static void
test_vlan_good(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_option(fx, "ovs.vlan", "1"));
    assert_int_equal(fx->cfg.vlan, 1);
    assert_string_equal(smap_get(&fx->cfg.options, "ovs.vlan"), "1");

    assert_ok(parse_option(fx, "ovs.vlan", "4094"));
    assert_int_equal(fx->cfg.vlan, 4094);

    assert_ok(parse_option(fx, "ovs.vlan", "100"));
    assert_int_equal(fx->cfg.vlan, 100);
    /* The other settings keep their defaults. */
    assert_int_equal(fx->cfg.mtu, 1500);
    assert_null(fx->cfg.datapath);
}

static void
test_vlan_bad(void **state)
{
    static const char *const bad[] = {
        "0", "4095", "abc", "10x", "", "-1", "99999999999999999999", "1.5",
    };
    struct fixture *fx = *state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *kv = xasprintf("ovs.vlan=%s", bad[i]);
        assert_error_names(parse_option(fx, "ovs.vlan", bad[i]), kv, NULL);
        free(kv);
    }
}

/* com.docker.network.driver.mtu. */

static void
test_mtu_good(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_option(fx, NETOPTS_MTU, "68"));
    assert_int_equal(fx->cfg.mtu, 68);
    assert_string_equal(smap_get(&fx->cfg.options, NETOPTS_MTU), "68");

    assert_ok(parse_option(fx, NETOPTS_MTU, "65535"));
    assert_int_equal(fx->cfg.mtu, 65535);

    assert_ok(parse_option(fx, NETOPTS_MTU, "9000"));
    assert_int_equal(fx->cfg.mtu, 9000);
}

static void
test_mtu_bad(void **state)
{
    static const char *const bad[] = {
        "67", "65536", "abc", "", "0", "-1500", "1500x",
    };
    struct fixture *fx = *state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *kv = xasprintf(NETOPTS_MTU "=%s", bad[i]);
        assert_error_names(parse_option(fx, NETOPTS_MTU, bad[i]), kv, NULL);
        free(kv);
    }
}

static void
test_mtu_ipv6(void **state)
{
    struct fixture *fx = *state;

    /* IPv6 pools need an MTU of at least 1280. */
    assert_error_names(
        parse(fx, "{'Options': {'com.docker.network.generic': "
              "{'" NETOPTS_MTU "': '1279'}}, "
              "'IPv6Data': [{'Pool': 'fd00::/64'}]}"),
        NETOPTS_MTU, "1279", NULL);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.generic': "
                    "{'" NETOPTS_MTU "': '1280'}}, "
                    "'IPv6Data': [{'Pool': 'fd00::/64'}]}"));
    assert_int_equal(fx->cfg.mtu, 1280);

    /* So does enable_ipv6, even before IPAM has given a pool. */
    assert_error_names(
        parse(fx, "{'Options': {'com.docker.network.enable_ipv6': true, "
              "'com.docker.network.generic': "
              "{'" NETOPTS_MTU "': '1279'}}}"),
        NETOPTS_MTU, "1279", NULL);
    assert_error_names(
        parse(fx, "{'Options': {'com.docker.network.enable_ipv6': 'true', "
              "'com.docker.network.generic': "
              "{'" NETOPTS_MTU "': '1279'}}}"),
        NETOPTS_MTU, "1279", NULL);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.enable_ipv6': "
                    "true, 'com.docker.network.generic': "
                    "{'" NETOPTS_MTU "': '1280'}}}"));

    /* Without IPv6, 1279 is fine; an empty IPv6Data is no IPv6. */
    assert_ok(parse(fx, "{'Options': {'com.docker.network.enable_ipv6': "
                    "false, 'com.docker.network.generic': "
                    "{'" NETOPTS_MTU "': '1279'}}, 'IPv6Data': []}"));
    assert_int_equal(fx->cfg.mtu, 1279);
}

/* ovs.datapath. */

static void
test_datapath(void **state)
{
    static const char *const bad[] = { "dpdk", "", "System", "system " };
    struct fixture *fx = *state;

    assert_ok(parse_option(fx, "ovs.datapath", "system"));
    assert_string_equal(fx->cfg.datapath, "system");
    assert_string_equal(smap_get(&fx->cfg.options, "ovs.datapath"),
                        "system");

    assert_ok(parse_option(fx, "ovs.datapath", "netdev"));
    assert_string_equal(fx->cfg.datapath, "netdev");

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *kv = xasprintf("ovs.datapath=%s", bad[i]);
        assert_error_names(parse_option(fx, "ovs.datapath", bad[i]), kv,
                           NULL);
        free(kv);
    }
}

/* ovs.bridge. */

static void
test_bridge_good(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_option(fx, "ovs.bridge", "br-ext"));
    assert_string_equal(fx->cfg.bridge, "br-ext");
    assert_string_equal(smap_get(&fx->cfg.options, "ovs.bridge"), "br-ext");

    assert_ok(parse_option(fx, "ovs.bridge", "123456789012345"));
    assert_string_equal(fx->cfg.bridge, "123456789012345");
}

static void
test_bridge_bad(void **state)
{
    static const char *const bad[] = {
        "1234567890123456", "", "a/b", "a b", ".", "..", "a:b",
    };
    struct fixture *fx = *state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *kv = xasprintf("ovs.bridge=%s", bad[i]);
        assert_error_names(parse_option(fx, "ovs.bridge", bad[i]), kv, NULL);
        free(kv);
    }
}

/* Several options at once. */

static void
test_all_options(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_options(fx, "{'ovs.bridge': 'br0', 'ovs.vlan': '10', "
                            "'ovs.datapath': 'netdev', "
                            "'" NETOPTS_MTU "': '9000', "
                            "'com.docker.network.bridge.name': 'x'}"));
    assert_string_equal(fx->cfg.bridge, "br0");
    assert_int_equal(fx->cfg.vlan, 10);
    assert_string_equal(fx->cfg.datapath, "netdev");
    assert_int_equal(fx->cfg.mtu, 9000);

    /* Exactly the options that are ours are kept, as given. */
    assert_int_equal(smap_count(&fx->cfg.options), 4);
    assert_string_equal(smap_get(&fx->cfg.options, "ovs.vlan"), "10");
    assert_string_equal(smap_get(&fx->cfg.options, NETOPTS_MTU), "9000");
}

/* ovs.vxlan_device. */

static void
test_vxlan_device_good(void **state)
{
    static const struct {
        const char *value;
        enum state_vxlan_device device;
    } good[] = {
        { "kernel", STATE_VXLAN_KERNEL },
        { "ovs", STATE_VXLAN_OVS },
        { "auto", STATE_VXLAN_AUTO },
    };
    struct fixture *fx = *state;

    /* Not given: the driver chooses. */
    assert_ok(parse_options(fx, "{'ovs.tunnel': 'vxlan', 'ovs.vni': '7'}"));
    assert_int_equal(fx->cfg.vxlan_device, STATE_VXLAN_AUTO);

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        char *options = xasprintf("{'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                                  "'" NETOPTS_VXLAN_DEVICE "': '%s'}",
                                  good[i].value);
        /* Starting from another value, so that an option that sets
         * nothing fails (STATE_VXLAN_AUTO is where a cfg starts). */
        fx->vxlan_device = (good[i].device == STATE_VXLAN_KERNEL
                            ? STATE_VXLAN_OVS : STATE_VXLAN_KERNEL);
        assert_ok(parse_options(fx, options));
        assert_int_equal(fx->cfg.vxlan_device, good[i].device);
        /* Kept as given, like the other options. */
        assert_string_equal(smap_get(&fx->cfg.options, NETOPTS_VXLAN_DEVICE),
                            good[i].value);
        free(options);
    }
}

/* One peer written several ways is one peer, kept in its canonical form. */
static void
test_peers_canonical(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_options(fx, "{'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                            "'ovs.peers': '2001:DB8::1, 2001:db8:0::1,"
                            "192.0.2.7,2001:db8::0:1 192.0.2.7'}"));
    assert_int_equal(fx->cfg.peers.n, 2);
    assert_string_equal(fx->cfg.peers.names[0], "2001:db8::1");
    assert_string_equal(fx->cfg.peers.names[1], "192.0.2.7");
    assert_error_names(parse_options(fx, "{'ovs.tunnel': 'vxlan', "
                                     "'ovs.vni': '7', 'ovs.peers': "
                                     "'2001:db8::1,2001:db8::g'}"),
                       "2001:db8::g", NULL);
}

static void
test_vxlan_device_bad(void **state)
{
    static const char *const bad[] = { "", "Kernel", "linux", "ovs ", "1" };
    struct fixture *fx = *state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *options = xasprintf("{'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                                  "'" NETOPTS_VXLAN_DEVICE "': '%s'}",
                                  bad[i]);
        char *kv = xasprintf(NETOPTS_VXLAN_DEVICE "=%s", bad[i]);
        assert_error_names(parse_options(fx, options), kv, "kernel", "ovs",
                           NULL);
        free(kv);
        free(options);
    }
}

static void
test_vxlan_device_needs_vxlan(void **state)
{
    struct fixture *fx = *state;

    /* Without a tunnel, or with another type, it means nothing: refused
     * rather than ignored. */
    assert_error_names(parse_option(fx, NETOPTS_VXLAN_DEVICE, "kernel"),
                       NETOPTS_VXLAN_DEVICE "=kernel", "ovs.tunnel=vxlan",
                       NULL);
    assert_error_names(parse_options(fx, "{'ovs.tunnel': 'gre', "
                                     "'ovs.vni': '7', "
                                     "'" NETOPTS_VXLAN_DEVICE "': 'ovs'}"),
                       NETOPTS_VXLAN_DEVICE "=ovs", "ovs.tunnel=vxlan",
                       NULL);
}

/* Unknown and malformed options. */

static void
test_unknown_ovs_option(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse_option(fx, "ovs.foo", "bar"),
                       "ovs.foo", "bar", NULL);
    assert_error_names(parse_option(fx, "ovs.vlanid", "10"),
                       "ovs.vlanid", "10", NULL);
}

static void
test_foreign_option_ignored(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_option(fx, "com.docker.foo", "bar"));
    assert_defaults(&fx->cfg);
    assert_null(smap_get(&fx->cfg.options, "com.docker.foo"));

    assert_ok(parse_option(fx, "foo", "bar"));
    assert_defaults(&fx->cfg);
}

static void
test_option_not_string(void **state)
{
    struct fixture *fx = *state;

    assert_non_null(parse_options(fx, "{'ovs.vlan': 10}"));
    assert_non_null(parse_options(fx, "{'ovs.bridge': null}"));
    assert_non_null(parse_options(fx, "{'ovs.datapath': ['system']}"));
    assert_non_null(parse_options(fx, "{'" NETOPTS_MTU "': 1500}"));
}

static void
test_option_not_string_message(void **state)
{
    struct fixture *fx = *state;

    /* netopts.h: a refusal names the option and the value. */
    assert_error_names(parse_options(fx, "{'ovs.vlan': 10}"),
                       "ovs.vlan", "10", NULL);
    assert_error_names(parse_options(fx, "{'" NETOPTS_MTU "': 9000}"),
                       NETOPTS_MTU, "9000", NULL);
}

static void
test_generic_not_object(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse_options(fx, "'ovs.vlan=10'"),
                       "com.docker.network.generic", NULL);
    assert_error_names(parse_options(fx, "['ovs.vlan', '10']"),
                       "com.docker.network.generic", NULL);
}

static void
test_options_not_object(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse(fx, "{'Options': 'x'}"), "Options", NULL);
    assert_error_names(parse(fx, "{'Options': []}"), "Options", NULL);
    assert_error_names(parse(fx, "{'Options': 1}"), "Options", NULL);
}

/* com.docker.network.internal and enable_ipv6. */

static void
test_internal(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': "
                    "true}}"));
    assert_true(fx->cfg.internal);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': "
                    "false}}"));
    assert_false(fx->cfg.internal);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': "
                    "'true'}}"));
    assert_true(fx->cfg.internal);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': "
                    "'false'}}"));
    assert_false(fx->cfg.internal);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': "
                    "null}}"));
    assert_false(fx->cfg.internal);

    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.internal': 'yes'}}"),
                       "com.docker.network.internal", NULL);
    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.internal': 1}}"),
                       "com.docker.network.internal", NULL);
    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.enable_ipv6': 'on'}}"),
                       "com.docker.network.enable_ipv6", NULL);
    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.enable_ipv4': 1}}"),
                       "com.docker.network.enable_ipv4", NULL);
}

/* What Docker 28 sends for "docker network create -d ovs --ipv4=false
 * --ipv6 --subnet 2001:db8:5::/64 NAME": enable_ipv4 false, no IPv4Data. */
static void
test_ipv6_only(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse(fx, "{'NetworkID': '%s', 'Options': "
                    "{'com.docker.network.enable_ipv4': false, "
                    "'com.docker.network.enable_ipv6': true, "
                    "'com.docker.network.generic': {}}, "
                    "'IPv4Data': null, "
                    "'IPv6Data': [{'AddressSpace': 'LocalDefault', "
                    "'Pool': '2001:db8:5::/64', "
                    "'Gateway': '2001:db8:5::1/64'}]}", id64));
    assert_svec(&fx->cfg.ipv4_pools, NULL);
    assert_svec(&fx->cfg.ipv4_gateways, NULL);
    assert_svec(&fx->cfg.ipv6_pools, "2001:db8:5::/64", NULL);
    assert_svec(&fx->cfg.ipv6_gateways, "2001:db8:5::1/64", NULL);
    assert_true(fx->cfg.nat);

    /* And with IPv4 (Docker 28's default). */
    assert_ok(parse(fx, "{'Options': "
                    "{'com.docker.network.enable_ipv4': true}, "
                    "'IPv4Data': [{'Pool': '192.0.2.0/24', "
                    "'Gateway': '192.0.2.1/24'}]}"));
    assert_svec(&fx->cfg.ipv4_pools, "192.0.2.0/24", NULL);
}

/* ovs.nat: on by default, off with false, never on an internal network. */
static void
test_nat(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse(fx, "{}"));
    assert_true(fx->cfg.nat);
    assert_ok(parse_option(fx, NETOPTS_NAT, "false"));
    assert_false(fx->cfg.nat);
    assert_string_equal(smap_get(&fx->cfg.options, NETOPTS_NAT), "false");
    assert_ok(parse_option(fx, NETOPTS_NAT, "true"));
    assert_true(fx->cfg.nat);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': "
                    "true}}"));
    assert_false(fx->cfg.nat);
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': true, "
                    "'com.docker.network.generic': {'ovs.nat': 'false'}}}"));
    assert_false(fx->cfg.nat);

    assert_error_names(parse_option(fx, NETOPTS_NAT, "yes"),
                       NETOPTS_NAT, "yes", NULL);
    assert_error_names(parse_option(fx, NETOPTS_NAT, ""), NETOPTS_NAT, NULL);
    assert_error_names(parse_option(fx, NETOPTS_NAT, "TRUE"),
                       NETOPTS_NAT, "TRUE", NULL);
    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.internal': true, "
                             "'com.docker.network.generic': "
                             "{'ovs.nat': 'true'}}}"),
                       NETOPTS_NAT, "internal", NULL);
}

static void
test_bool_option_message(void **state)
{
    struct fixture *fx = *state;

    /* netopts.h: a refusal names the option and the value. */
    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.internal': 'yes'}}"),
                       "com.docker.network.internal", "yes", NULL);
    assert_error_names(parse(fx, "{'Options': "
                             "{'com.docker.network.enable_ipv6': 'on'}}"),
                       "com.docker.network.enable_ipv6", "on", NULL);
}

/* IPv4Data and IPv6Data. */

static void
test_ipam_pools(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse(fx, "{'IPv4Data': ["
                    "{'AddressSpace': 'LocalDefault', 'Pool': '10.1.0.0/24', "
                    "'Gateway': '10.1.0.1/24', 'AuxAddresses': {}}, "
                    "{'Pool': '10.2.0.0/16'}, "
                    "{'Pool': '10.3.0.0/16', 'Gateway': ''}, "
                    "{'Pool': '10.4.0.0/16', 'Gateway': null}, "
                    "{'Pool': '10.5.0.0/16', 'Gateway': '10.5.0.254/16'}], "
                    "'IPv6Data': ["
                    "{'Pool': 'fd00:1::/64', 'Gateway': 'fd00:1::1/64'}, "
                    "{'Pool': 'fd00:2::/64'}]}"));
    assert_svec(&fx->cfg.ipv4_pools, "10.1.0.0/24", "10.2.0.0/16",
                "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16", NULL);
    assert_svec(&fx->cfg.ipv4_gateways, "10.1.0.1/24", "10.5.0.254/16",
                NULL);
    assert_svec(&fx->cfg.ipv6_pools, "fd00:1::/64", "fd00:2::/64", NULL);
    assert_svec(&fx->cfg.ipv6_gateways, "fd00:1::1/64", NULL);
}

static void
test_ipam_bad_pool(void **state)
{
    static const char *const bad[] = {
        "10.0.0.0", "10.0.0.0/33", "10.0.0.256/24", "garbage", "",
        "/24", "10.0.0.0/", "10.0.0.0/2x",
    };
    struct fixture *fx = *state;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '%s'}]}",
                                 bad[i]),
                           "IPv4Data[0].Pool", bad[i], NULL);
    }
    assert_error_names(parse(fx, "{'IPv4Data': [{'Gateway': "
                             "'10.0.0.1/8'}]}"),
                       "IPv4Data[0].Pool", NULL);
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': 10}]}"),
                       "IPv4Data[0].Pool", NULL);

    /* The index is that of the bad entry. */
    assert_error_names(parse(fx, "{'IPv6Data': [{'Pool': 'fd00::/64'}, "
                             "{'Pool': 'fd01::/129'}]}"),
                       "IPv6Data[1].Pool", "fd01::/129", NULL);
}

static void
test_ipam_wrong_family(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': 'fd00::/64'}]}"),
                       "IPv4Data[0].Pool", "fd00::/64", NULL);
    assert_error_names(parse(fx, "{'IPv6Data': [{'Pool': '10.0.0.0/8'}]}"),
                       "IPv6Data[0].Pool", "10.0.0.0/8", NULL);
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '10.0.0.0/8', "
                             "'Gateway': 'fd00::1/64'}]}"),
                       "IPv4Data[0].Gateway", "fd00::1/64", NULL);
    assert_error_names(parse(fx, "{'IPv6Data': [{'Pool': 'fd00::/64', "
                             "'Gateway': '10.0.0.1/8'}]}"),
                       "IPv6Data[0].Gateway", "10.0.0.1/8", NULL);
}

static void
test_ipam_bad_gateway(void **state)
{
    struct fixture *fx = *state;

    /* Docker always gives the gateway with the pool's prefix. */
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '10.0.0.0/8', "
                             "'Gateway': '10.0.0.1'}]}"),
                       "IPv4Data[0].Gateway", "10.0.0.1", NULL);
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '10.0.0.0/8', "
                             "'Gateway': 'router'}]}"),
                       "IPv4Data[0].Gateway", "router", NULL);
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '10.0.0.0/8', "
                             "'Gateway': 1}]}"),
                       "IPv4Data[0].Gateway", NULL);
}

static void
test_ipam_gateway_outside_pool(void **state)
{
    struct fixture *fx = *state;

    /* Outside its pool: a hostile client put 198.51.100.1 on the gateway
     * of a network of 203.0.113.0/24. */
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '203.0.113.0/24', "
                             "'Gateway': '198.51.100.1/24'}]}"),
                       "IPv4Data[0].Gateway", "198.51.100.1/24",
                       "203.0.113.0/24", NULL);
    assert_error_names(parse(fx, "{'IPv6Data': [{'Pool': '2001:db8:1::/64'},"
                             " {'Pool': '2001:db8:2::/64', "
                             "'Gateway': '2001:db8:1::1/64'}]}"),
                       "IPv6Data[1].Gateway", "2001:db8:1::1/64",
                       "2001:db8:2::/64", NULL);

    /* In the pool, with a prefix of its own. */
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '203.0.113.0/24', "
                             "'Gateway': '203.0.113.1/16'}]}"),
                       "IPv4Data[0].Gateway", "203.0.113.1/16", "prefix",
                       NULL);

    /* The network and broadcast addresses belong to no host. */
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '203.0.113.0/24', "
                             "'Gateway': '203.0.113.0/24'}]}"),
                       "IPv4Data[0].Gateway", "203.0.113.0/24", "network",
                       NULL);
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '203.0.113.0/24', "
                             "'Gateway': '203.0.113.255/24'}]}"),
                       "IPv4Data[0].Gateway", "203.0.113.255/24",
                       "broadcast", NULL);
    assert_error_names(parse(fx, "{'IPv6Data': [{'Pool': '2001:db8::/64', "
                             "'Gateway': '2001:db8::/64'}]}"),
                       "IPv6Data[0].Gateway", "2001:db8::/64", "network",
                       NULL);

    /* What is fine: the last address of an IPv6 pool, both of a /31
     * (RFC 3021), the one of a /32. */
    assert_ok(parse(fx, "{'IPv6Data': [{'Pool': '2001:db8::/64', "
                    "'Gateway': '2001:db8::ffff:ffff:ffff:ffff/64'}]}"));
    assert_ok(parse(fx, "{'IPv4Data': [{'Pool': '198.51.100.0/31', "
                    "'Gateway': '198.51.100.0/31'}, "
                    "{'Pool': '198.51.100.8/31', "
                    "'Gateway': '198.51.100.9/31'}, "
                    "{'Pool': '198.51.100.4/32', "
                    "'Gateway': '198.51.100.4/32'}]}"));
}

static void
test_ipam_not_array(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse(fx, "{'IPv4Data': {'Pool': '10.0.0.0/8'}}"),
                       "IPv4Data", "array", NULL);
    assert_error_names(parse(fx, "{'IPv4Data': '10.0.0.0/8'}"),
                       "IPv4Data", "array", NULL);
    assert_error_names(parse(fx, "{'IPv6Data': true}"),
                       "IPv6Data", "array", NULL);
}

static void
test_ipam_entry_not_object(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse(fx, "{'IPv4Data': ['10.0.0.0/8']}"),
                       "IPv4Data[0]", "object", NULL);
    assert_error_names(parse(fx, "{'IPv4Data': [{'Pool': '10.0.0.0/8'}, "
                             "null]}"),
                       "IPv4Data[1]", "object", NULL);
    assert_error_names(parse(fx, "{'IPv6Data': [[]]}"),
                       "IPv6Data[0]", "object", NULL);
}

/* Provider networks: ovs.uplink, ovs.uplink_force, ovs.host_ip. */

/* Parses a dual-stack provider network on uplink eth2 (pools
 * 203.0.113.0/25 and 2001:db8:100::/64, gateways .1 and ::1) with the
 * extra -o options 'extra' (JSON members with ', or ""). */
static const char *
parse_provider(struct fixture *fx, const char *extra)
{
    return parse(fx, "{'Options': {'com.docker.network.generic': "
                 "{'ovs.uplink': 'eth2', 'ovs.vlan': '100'%s%s}}, "
                 "'IPv4Data': [{'Pool': '203.0.113.0/25', "
                 "'Gateway': '203.0.113.1/25'}], "
                 "'IPv6Data': [{'Pool': '2001:db8:100::/64', "
                 "'Gateway': '2001:db8:100::1/64'}]}",
                 extra[0] ? ", " : "", extra);
}

static void
test_provider_good(void **state)
{
    struct fixture *fx = *state;

    assert_ok(parse_provider(fx, ""));
    assert_string_equal(fx->cfg.uplink, "eth2");
    assert_int_equal(fx->cfg.vlan, 100);
    assert_false(fx->cfg.nat);          /* No NAT on a provider network. */
    assert_false(fx->cfg.internal);
    assert_null(fx->cfg.tunnel);
    assert_svec(&fx->cfg.host_ipv4, NULL);
    assert_svec(&fx->cfg.ipv4_gateways, "203.0.113.1/25", NULL);
    assert_string_equal(smap_get(&fx->cfg.options, PROVOPTS_UPLINK),
                        "eth2");
    /* The host is not the gateway: it holds none of its addresses. */
    assert_false(state_netcfg_host_is_gateway(&fx->cfg));
    assert_int_equal(state_netcfg_host_addrs(&fx->cfg, AF_INET)->n, 0);
    assert_int_equal(state_netcfg_host_addrs(&fx->cfg, AF_INET6)->n, 0);

    /* Host addresses get their pool's prefix length, in canonical form. */
    assert_ok(parse_provider(fx, "'ovs.host_ip': "
                             "'203.0.113.5, 2001:DB8:100:0::5'"));
    assert_svec(&fx->cfg.host_ipv4, "203.0.113.5/25", NULL);
    assert_svec(&fx->cfg.host_ipv6, "2001:db8:100::5/64", NULL);
    assert_svec(state_netcfg_host_addrs(&fx->cfg, AF_INET),
                "203.0.113.5/25", NULL);
    assert_ok(parse_provider(fx, "'ovs.host_ip': '2001:db8:100::5'"));
    assert_svec(&fx->cfg.host_ipv4, NULL);
    assert_svec(&fx->cfg.host_ipv6, "2001:db8:100::5/64", NULL);

    assert_ok(parse_provider(fx, "'ovs.uplink_force': 'true'"));
    assert_ok(parse_provider(fx, "'ovs.nat': 'false'"));
    assert_false(fx->cfg.nat);
    /* Internal: the containers get no default route. */
    assert_ok(parse(fx, "{'Options': {'com.docker.network.internal': true, "
                    "'com.docker.network.generic': {'ovs.uplink': "
                    "'bond0'}}}"));
    assert_string_equal(fx->cfg.uplink, "bond0");

    /* An ordinary network is its own gateway. */
    assert_ok(parse(fx, "{'IPv4Data': [{'Pool': '192.0.2.0/24', "
                    "'Gateway': '192.0.2.1/24'}]}"));
    assert_null(fx->cfg.uplink);
    assert_true(state_netcfg_host_is_gateway(&fx->cfg));
    assert_svec(state_netcfg_host_addrs(&fx->cfg, AF_INET),
                "192.0.2.1/24", NULL);
}

static void
test_provider_bad(void **state)
{
    struct fixture *fx = *state;

    assert_error_names(parse_option(fx, PROVOPTS_UPLINK, ""),
                       PROVOPTS_UPLINK, NULL);
    assert_error_names(parse_option(fx, PROVOPTS_UPLINK,
                                    "a-name-too-long-for-linux"),
                       PROVOPTS_UPLINK, "a-name-too-long-for-linux", NULL);
    assert_error_names(parse_option(fx, PROVOPTS_UPLINK, "eth/1"),
                       PROVOPTS_UPLINK, "eth/1", NULL);
    assert_error_names(parse_provider(fx, "'ovs.uplink_force': 'yes'"),
                       PROVOPTS_UPLINK_FORCE, "yes", NULL);

    /* Host addresses. */
    assert_error_names(parse_provider(fx, "'ovs.host_ip': 'x'"),
                       PROVOPTS_HOST_IP, "x", "not an IPv4 or IPv6", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': "
                                      "'203.0.113.5/25'"),
                       PROVOPTS_HOST_IP, "203.0.113.5/25", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': ''"),
                       PROVOPTS_HOST_IP, "give an address", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': "
                                      "'203.0.113.5,203.0.113.6'"),
                       PROVOPTS_HOST_IP, "one IPv4 address at most", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': '203.0.113.1'"),
                       PROVOPTS_HOST_IP, "203.0.113.1", "is the gateway",
                       NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': "
                                      "'2001:db8:100::1'"),
                       "2001:db8:100::1", "is the gateway", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': '198.51.100.5'"),
                       PROVOPTS_HOST_IP, "198.51.100.5",
                       "not in a subnet", "203.0.113.0/25", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': '203.0.113.0'"),
                       "203.0.113.0", "network address", NULL);
    assert_error_names(parse_provider(fx, "'ovs.host_ip': "
                                      "'203.0.113.127'"),
                       "203.0.113.127", "broadcast address", NULL);
    assert_error_names(parse(fx, "{'Options': {'com.docker.network."
                             "internal': true, 'com.docker.network."
                             "generic': {'ovs.uplink': 'eth2', "
                             "'ovs.host_ip': '192.0.2.5'}}, 'IPv4Data': "
                             "[{'Pool': '192.0.2.0/24'}]}"),
                       PROVOPTS_HOST_IP, "internal", NULL);

    /* What a provider network does not have. */
    assert_error_names(parse_provider(fx, "'ovs.nat': 'true'"),
                       NETOPTS_NAT, "provider network", "eth2", NULL);
    assert_error_names(parse_provider(fx, "'ovs.tunnel': 'vxlan', "
                                      "'ovs.vni': '5'"),
                       NETOPTS_TUNNEL, "vxlan", "needs no tunnel", NULL);

    /* Provider options need an uplink. */
    assert_error_names(parse_option(fx, PROVOPTS_UPLINK_FORCE, "true"),
                       PROVOPTS_UPLINK_FORCE, "needs " PROVOPTS_UPLINK,
                       NULL);
    assert_error_names(parse(fx, "{'Options': {'com.docker.network."
                             "generic': {'ovs.host_ip': '192.0.2.5'}}, "
                             "'IPv4Data': [{'Pool': '192.0.2.0/24'}]}"),
                       PROVOPTS_HOST_IP, "needs " PROVOPTS_UPLINK, NULL);

    /* OVN mode has its own way to the physical network. */
    assert_error_names(parse_options(fx, "{'ovs.ovn': 'blue', "
                                     "'ovs.uplink': 'eth2'}"),
                       PROVOPTS_UPLINK, "eth2", NETOPTS_OVN, NULL);

    /* The unknown option's message lists them. */
    assert_error_names(parse_option(fx, "ovs.uplinks", "eth2"),
                       "ovs.uplinks", PROVOPTS_UPLINK, PROVOPTS_HOST_IP,
                       PROVOPTS_UPLINK_FORCE, NULL);
}

int
main(void)
{
#define TEST(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_defaults),
        TEST(test_defaults_minimal_body),
        TEST(test_vlan_good),
        TEST(test_vlan_bad),
        TEST(test_mtu_good),
        TEST(test_mtu_bad),
        TEST(test_mtu_ipv6),
        TEST(test_datapath),
        TEST(test_bridge_good),
        TEST(test_bridge_bad),
        TEST(test_all_options),
        TEST(test_vxlan_device_good),
        TEST(test_vxlan_device_bad),
        TEST(test_vxlan_device_needs_vxlan),
        TEST(test_unknown_ovs_option),
        TEST(test_foreign_option_ignored),
        TEST(test_option_not_string),
        TEST(test_option_not_string_message),
        TEST(test_generic_not_object),
        TEST(test_options_not_object),
        TEST(test_internal),
        TEST(test_ipv6_only),
        TEST(test_nat),
        TEST(test_bool_option_message),
        TEST(test_ipam_pools),
        TEST(test_peers_canonical),
        TEST(test_ipam_bad_pool),
        TEST(test_ipam_wrong_family),
        TEST(test_ipam_bad_gateway),
        TEST(test_ipam_gateway_outside_pool),
        TEST(test_ipam_not_array),
        TEST(test_ipam_entry_not_object),
        TEST(test_provider_good),
        TEST(test_provider_bad),
    };
#undef TEST

    return cmocka_run_group_tests_name("netopts", tests, NULL, NULL);
}
