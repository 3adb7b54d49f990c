/*
 * Unit tests of plugin/portmap (the port map of ProgramExternalConnectivity:
 * portmap_parse(), portmap_allocate()) and of how published ports are
 * recorded (ovsdb/persist: persist_ports_to_string(),
 * persist_ports_from_string()) and shown (state_ports_format()).
 *
 * Both are pure but for the desired state, which is the real one: the
 * tests add endpoints to it and clear it after each test.  The bodies are
 * JSON text parsed with libopenvswitch's json_from_string().
 */
#include <config.h>

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovsdb/persist.h"
#include "ovsdb/state.h"
#include "plugin/portmap.h"
#include "util.h"

static const char ep_a[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char ep_b[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char net_n[] =
    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

/* What a test works on, freed by teardown(). */
struct fixture {
    struct portmap_binding *bindings;
    size_t n;
    char *error;
};

static int
setup(void **state)
{
    *state = xzalloc(sizeof(struct fixture));
    return 0;
}

static void
fixture_reset(struct fixture *fx)
{
    free(fx->bindings);
    fx->bindings = NULL;
    fx->n = 0;
    free(fx->error);
    fx->error = NULL;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    fixture_reset(fx);
    free(fx);
    state_clear();
    return 0;
}

/* Parses Options {"com.docker.network.portmap": 'map'} ('map' is JSON with
 * ' for ") into 'fx'.  Returns the error or NULL. */
static const char *
parse(struct fixture *fx, const char *map)
{
    char *text = xasprintf("{\"" PORTMAP_KEY "\": %s}", map);
    for (char *p = text; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    struct json *options = json_from_string(text);
    free(text);
    if (options->type != JSON_OBJECT) {
        fail_msg("test body is not a JSON object: %s", map);
    }

    fixture_reset(fx);
    fx->error = portmap_parse(options, &fx->bindings, &fx->n);
    json_destroy(options);
    return fx->error;
}

/* Fails unless 'error' is an error that contains 'a' (and 'b', unless it is
 * NULL). */
#define assert_error(ERROR, A, B)                                       \
    do {                                                                \
        const char *error_ = (ERROR);                                   \
        const char *b_ = (B);                                           \
        assert_non_null(error_);                                        \
        if (!strstr(error_, A) || (b_ && !strstr(error_, b_))) {        \
            fail_msg("error \"%s\" does not mention \"%s\" and \"%s\"",  \
                     error_, A, b_ ? b_ : "");                          \
        }                                                               \
    } while (0)

#define assert_ok(ERROR)                                                \
    do {                                                                \
        const char *error_ = (ERROR);                                   \
        if (error_) {                                                   \
            fail_msg("%s: unexpected error \"%s\"", #ERROR, error_);    \
        }                                                               \
    } while (0)

static void
test_parse_docker(void **state)
{
    struct fixture *fx = *state;

    /* As Docker 20.10 sends "-p 8080:80 -p 192.0.2.1:53:53/udp -P". */
    assert_ok(parse(fx, "[{'Proto': 6, 'IP': '', 'Port': 80, 'HostIP': '', "
                    "'HostPort': 8080, 'HostPortEnd': 8080}, "
                    "{'Proto': 17, 'IP': '', 'Port': 53, "
                    "'HostIP': '192.0.2.1', 'HostPort': 53, "
                    "'HostPortEnd': 53}, "
                    "{'Proto': 132, 'IP': '', 'Port': 9, 'HostIP': '', "
                    "'HostPort': 0, 'HostPortEnd': 0}]"));
    assert_int_equal(fx->n, 3);
    assert_int_equal(fx->bindings[0].port.proto, IPPROTO_TCP);
    assert_int_equal(fx->bindings[0].port.port, 80);
    assert_int_equal(fx->bindings[0].port.host_port, 8080);
    assert_int_equal(fx->bindings[0].host_port_end, 8080);
    assert_string_equal(fx->bindings[0].port.host_ip, "");
    assert_int_equal(fx->bindings[1].port.proto, IPPROTO_UDP);
    assert_string_equal(fx->bindings[1].port.host_ip, "192.0.2.1");
    assert_int_equal(fx->bindings[2].port.proto, IPPROTO_SCTP);
    assert_int_equal(fx->bindings[2].port.host_port, 0);

    /* Names for protocols, missing HostPortEnd, an IPv6 address written
     * another way, null or empty maps. */
    assert_ok(parse(fx, "[{'Proto': 'udp', 'Port': 1, 'HostPort': 2, "
                    "'HostIP': '2001:DB8:0::1'}]"));
    assert_int_equal(fx->bindings[0].host_port_end, 2);
    assert_string_equal(fx->bindings[0].port.host_ip, "2001:db8::1");
    assert_ok(parse(fx, "null"));
    assert_int_equal(fx->n, 0);
    assert_ok(parse(fx, "[]"));
    assert_int_equal(fx->n, 0);
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 8000, "
                    "'HostPortEnd': 8009}]"));
    assert_int_equal(fx->bindings[0].host_port_end, 8009);
}

static void
test_parse_bad(void **state)
{
    struct fixture *fx = *state;

    assert_error(parse(fx, "'8080:80'"), "must be an array", NULL);
    assert_error(parse(fx, "{}"), "must be an array", NULL);
    assert_error(parse(fx, "[[]]"), "[0] must be an object", NULL);
    assert_error(parse(fx, "[{'Port': 80}]"), "[0].Proto=missing", NULL);
    assert_error(parse(fx, "[{'Proto': 1, 'Port': 80}]"), "Proto=1",
                 "tcp");
    assert_error(parse(fx, "[{'Proto': 'TCP', 'Port': 80}]"), "Proto=\"TCP\"",
                 NULL);
    assert_error(parse(fx, "[{'Proto': 6}]"), "Port", "missing");
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 0}]"), "Port=0", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 65536}]"), "Port=65536",
                 "1 to 65535");
    assert_error(parse(fx, "[{'Proto': 6, 'Port': '80'}]"), "Port=\"80\"",
                 NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 8.5}]"), "Port=8.5",
                 NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': -1}]"),
                 "HostPort=-1", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 9, "
                       "'HostPortEnd': 8}]"), "9-8", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 0, "
                       "'HostPortEnd': 8}]"), "0-8", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostIP': 'x'}]"),
                 "HostIP=\"x\"", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostIP': 7}]"),
                 "HostIP=7", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostIP': "
                       "'192.0.2.1/24'}]"), "HostIP", NULL);
    assert_error(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 1}, "
                       "{'Proto': 6, 'Port': 81, 'HostPort': 1}]"),
                 "[1]", "tcp/1 is published twice");
    /* The same port for two protocols is fine. */
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 1}, "
                    "{'Proto': 17, 'Port': 80, 'HostPort': 1}]"));
}

/* Adds endpoint 'id' with 'ports' (a persist_ports_to_string() string, or
 * NULL). */
static struct state_endpoint *
add_endpoint(const char *id, const char *ports)
{
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 01);
    struct state_endpoint *ep = state_endpoint_add(id, net_n, &mac,
                                                   "192.0.2.2/24", NULL);
    if (ports) {
        struct state_port *p;
        size_t n;
        char *error = persist_ports_from_string(ports, &p, &n);
        assert_null(error);
        state_endpoint_set_ports(ep, p, n);
        free(p);
    }
    return ep;
}

/* Allocates the bindings in 'fx' for 'ep' and returns them as a string (or
 * the error), which the caller frees. */
static char *
allocate(struct fixture *fx, const struct state_endpoint *ep)
{
    struct state_port *ports;
    char *error = portmap_allocate(fx->bindings, fx->n, ep, &ports);
    if (error) {
        return error;
    }
    char *s = persist_ports_to_string(ports, fx->n);
    free(ports);
    return s ? s : xstrdup("");
}

static void
test_allocate(void **state)
{
    struct fixture *fx = *state;
    char *s;

    add_endpoint(ep_a, "tcp/8080/80,tcp/49153/443,udp/53/53/192.0.2.1");
    struct state_endpoint *b = add_endpoint(ep_b, NULL);

    /* Any port: the first free one, per protocol, not one this call took
     * already. */
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 1}, {'Proto': 6, 'Port': 2}, "
                    "{'Proto': 17, 'Port': 3}]"));
    s = allocate(fx, b);
    assert_string_equal(s, "tcp/49154/1,tcp/49155/2,udp/49153/3");
    free(s);

    /* A range: its first free port. */
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 8079, "
                    "'HostPortEnd': 8081}, {'Proto': 6, 'Port': 81, "
                    "'HostPort': 8079, 'HostPortEnd': 8081}]"));
    s = allocate(fx, b);
    assert_string_equal(s, "tcp/8079/80,tcp/8081/81");
    free(s);
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 8080, "
                    "'HostPortEnd': 8080}]"));
    s = allocate(fx, b);
    assert_error(s, "tcp/8080 is already published by endpoint", ep_a);
    free(s);
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 80, 'HostPort': 8080, "
                    "'HostPortEnd': 8080, 'HostIP': '192.0.2.9'}]"));
    s = allocate(fx, b);
    assert_error(s, "on 192.0.2.9", NULL);
    free(s);

    /* Bound to another address than a's: no clash; to a's own: clash; a
     * port of another protocol: no clash. */
    assert_ok(parse(fx, "[{'Proto': 17, 'Port': 53, 'HostPort': 53, "
                    "'HostIP': '192.0.2.7'}, {'Proto': 6, 'Port': 53, "
                    "'HostPort': 53, 'HostIP': '192.0.2.1'}]"));
    s = allocate(fx, b);
    assert_string_equal(s, "udp/53/53/192.0.2.7,tcp/53/53/192.0.2.1");
    free(s);
    assert_ok(parse(fx, "[{'Proto': 17, 'Port': 53, 'HostPort': 53}]"));
    s = allocate(fx, b);
    assert_error(s, "udp/53", ep_a);
    free(s);

    /* The endpoint's own ports do not count against it, and a port it
     * was given for "any" is kept. */
    const struct state_endpoint *a = state_endpoint_find(ep_a);
    assert_ok(parse(fx, "[{'Proto': 6, 'Port': 443, 'HostPort': 0}, "
                    "{'Proto': 6, 'Port': 80, 'HostPort': 8080}]"));
    s = allocate(fx, a);
    assert_string_equal(s, "tcp/49153/443,tcp/8080/80");
    free(s);
}

static void
test_ports_strings(void **state OVS_UNUSED)
{
    static const char *const good[] = {
        "tcp/8080/80",
        "tcp/8080/80,udp/53/53/192.0.2.1,sctp/1/65535/2001:db8::1",
    };
    static const char *const bad[] = {
        "tcp", "tcp/80", "icmp/1/1", "tcp/0/80", "tcp/80/0", "tcp/65536/80",
        "tcp/80/80/nope", "tcp/80/80/192.0.2.1/x", "tcp/-1/80",
        "tcp/80/80,udp",
    };

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        struct state_port *p;
        size_t n;
        char *error = persist_ports_from_string(good[i], &p, &n);
        assert_null(error);
        char *s = persist_ports_to_string(p, n);
        assert_string_equal(s, good[i]);
        free(s);
        free(p);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct state_port *p;
        size_t n;
        char *error = persist_ports_from_string(bad[i], &p, &n);
        if (!error) {
            fail_msg("\"%s\" was accepted", bad[i]);
        }
        assert_null(p);
        assert_int_equal(n, 0);
        free(error);
    }

    struct state_port *p;
    size_t n;
    char *error = persist_ports_from_string(
        "tcp/8080/80,udp/53/53/192.0.2.1,tcp/80/80/2001:db8::1", &p, &n);
    assert_null(error);
    struct ds s = DS_EMPTY_INITIALIZER;
    state_ports_format(&s, p, n);
    assert_string_equal(ds_cstr(&s), "8080->80/tcp, 192.0.2.1:53->53/udp, "
                        "[2001:db8::1]:80->80/tcp");
    ds_destroy(&s);
    free(p);
    assert_null(persist_ports_to_string(NULL, 0));
}

int
main(void)
{
#define TEST(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_parse_docker),
        TEST(test_parse_bad),
        TEST(test_allocate),
        TEST(test_ports_strings),
    };
#undef TEST

    return cmocka_run_group_tests_name("portmap", tests, NULL, NULL);
}
