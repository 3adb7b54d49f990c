/*
 * Unit tests of ovsdb/state, the desired state: what it says about a
 * network's tunnel peers; its indexes: endpoints by port name and by MAC,
 * the index of published host ports (state_port_owner(),
 * state_port_first_free()); state_nat_seqno() and state_take_changes().
 *
 * state.c is pure, so nothing is wrapped: the addresses of this host are
 * an argument, as netns/route gives them to the daemon.  The tests of the
 * indexes add networks and endpoints to the real state and clear it after
 * each test.
 */
#include <config.h>

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ovsdb/persist.h"
#include "ovsdb/state.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

/* Checks that 'v' holds exactly the 'n' strings of 'want', in order. */
static void
assert_svec(const struct svec *v, const char *const *want, size_t n)
{
    assert_int_equal(v->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(v->names[i], want[i]);
    }
}

/* A peer is this host if it is ovs.local_ip or one of the host's
 * addresses, in whatever spelling it was recorded (networks recorded
 * before peers were made canonical may have "2001:DB8::1"). */
static void
test_split_peers(void **state OVS_UNUSED)
{
    struct sset local = SSET_INITIALIZER(&local);
    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    struct svec self = SVEC_EMPTY_INITIALIZER;
    struct state_netcfg cfg;

    state_netcfg_init(&cfg);
    cfg.local_ip = xstrdup("198.51.100.9");
    svec_add(&cfg.peers, "192.0.2.1");
    svec_add(&cfg.peers, "192.0.2.2");
    svec_add(&cfg.peers, "2001:DB8::1");
    svec_add(&cfg.peers, "198.51.100.9");
    svec_add(&cfg.peers, "2001:db8::2");
    sset_add(&local, "192.0.2.1");
    sset_add(&local, "2001:db8::1");
    sset_add(&local, "203.0.113.1");

    state_netcfg_split_peers(&cfg, &local, &remotes, &self);
    assert_svec(&remotes, (const char *[]) { "192.0.2.2", "2001:db8::2" },
                2);
    assert_svec(&self, (const char *[]) { "192.0.2.1", "2001:DB8::1",
                                          "198.51.100.9" }, 3);

    /* Without 'self', the same remotes. */
    svec_clear(&remotes);
    state_netcfg_split_peers(&cfg, &local, &remotes, NULL);
    assert_svec(&remotes, (const char *[]) { "192.0.2.2", "2001:db8::2" },
                2);

    /* A host with no addresses: every peer but ovs.local_ip is remote. */
    svec_clear(&remotes);
    svec_clear(&self);
    sset_clear(&local);
    state_netcfg_split_peers(&cfg, &local, &remotes, &self);
    assert_svec(&remotes, (const char *[]) { "192.0.2.1", "192.0.2.2",
                                             "2001:DB8::1", "2001:db8::2" },
                4);
    assert_svec(&self, (const char *[]) { "198.51.100.9" }, 1);

    svec_destroy(&remotes);
    svec_destroy(&self);
    sset_destroy(&local);
    state_netcfg_destroy(&cfg);
}

static void
test_peer_family(void **state OVS_UNUSED)
{
    struct state_netcfg cfg;

    state_netcfg_init(&cfg);
    assert_int_equal(state_netcfg_peer_family(&cfg), 0);
    svec_add(&cfg.peers, "192.0.2.1");
    assert_int_equal(state_netcfg_peer_family(&cfg), AF_INET);
    cfg.local_ip = xstrdup("2001:db8::1");
    assert_int_equal(state_netcfg_peer_family(&cfg), -1);
    svec_clear(&cfg.peers);
    svec_add(&cfg.peers, "2001:db8::2");
    assert_int_equal(state_netcfg_peer_family(&cfg), AF_INET6);
    state_netcfg_destroy(&cfg);
}

static const char net_n[] =
    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

static int
teardown(void **state OVS_UNUSED)
{
    state_clear();
    return 0;
}

/* Returns a 64-digit endpoint ID made of 'n' in hex, repeated. */
static const char *
ep_id(unsigned int n)
{
    static char id[65];

    for (size_t i = 0; i < 64; i += 8) {
        snprintf(&id[i], 9, "%08x", n);
    }
    return id;
}

/* Adds endpoint number 'n' with MAC 02:00:00:00:HH:LL ('n' in the last two
 * bytes) and the published ports in 'ports' (as persist_ports_to_string()
 * writes them, or NULL). */
static struct state_endpoint *
add_endpoint(unsigned int n, const char *ports)
{
    struct eth_addr mac = ETH_ADDR_C(02, 00, 00, 00, 00, 00);

    mac.ea[4] = n >> 8;
    mac.ea[5] = n;
    struct state_endpoint *ep = state_endpoint_add(ep_id(n), net_n, &mac,
                                                   "192.0.2.2/24", NULL);
    if (ports) {
        struct state_port *p;
        size_t n_ports;
        char *error = persist_ports_from_string(ports, &p, &n_ports);
        assert_null(error);
        state_endpoint_set_ports(ep, p, n_ports);
        free(p);
    }
    return ep;
}

/* Returns a published port of 'proto' on 'host_ip' for a query. */
static struct state_port
port(uint8_t proto, const char *host_ip)
{
    struct state_port p;

    memset(&p, 0, sizeof p);
    p.proto = proto;
    p.port = 80;
    ovs_strlcpy(p.host_ip, host_ip, sizeof p.host_ip);
    return p;
}

/* state_port_first_free() for 'proto' on 'host_ip', for 'self', over the
 * range of "any" host port. */
static uint16_t
first_free(uint8_t proto, const char *host_ip,
           const struct state_endpoint *self)
{
    struct state_port p = port(proto, host_ip);
    return state_port_first_free(&p, STATE_PORT_MIN, STATE_PORT_MAX, self);
}

static void
test_endpoint_indexes(void **state OVS_UNUSED)
{
    struct state_endpoint *a = add_endpoint(1, NULL);
    struct state_endpoint *b = add_endpoint(2, NULL);

    assert_ptr_equal(state_endpoint_find_by_port(a->port), a);
    assert_ptr_equal(state_endpoint_find_by_port(b->port), b);
    assert_null(state_endpoint_find_by_port("ovsep-000000003"));
    assert_true(state_mac_in_use(&a->mac));

    struct eth_addr mac = b->mac;
    char *port = xstrdup(b->port);
    state_endpoint_remove(b);
    assert_null(state_endpoint_find_by_port(port));
    assert_false(state_mac_in_use(&mac));
    assert_ptr_equal(state_endpoint_find_by_port(a->port), a);
    free(port);

    /* Two endpoints may have one MAC (Docker's to choose): it stays in use
     * until both are gone. */
    struct state_endpoint *c = state_endpoint_add(ep_id(3), net_n, &a->mac,
                                                  NULL, NULL);
    mac = a->mac;
    state_endpoint_remove(a);
    assert_true(state_mac_in_use(&mac));
    state_endpoint_remove(c);
    assert_false(state_mac_in_use(&mac));

    /* A random MAC is one no endpoint has. */
    for (unsigned int i = 0; i < 100; i++) {
        add_endpoint(i, NULL);
    }
    state_random_mac(&mac);
    assert_false(state_mac_in_use(&mac));
    assert_true(mac.ea[0] & 0x02);
}

static void
test_port_owner(void **state OVS_UNUSED)
{
    struct state_endpoint *a = add_endpoint(1, "tcp/8080/80,"
                                            "udp/53/53/192.0.2.1");
    struct state_endpoint *b = add_endpoint(2, "tcp/8081/80/192.0.2.1");

    struct state_port p = port(IPPROTO_TCP, "");
    p.host_port = 8080;
    assert_ptr_equal(state_port_owner(&p, NULL), a);
    assert_null(state_port_owner(&p, a));
    p.host_port = 8081;
    assert_ptr_equal(state_port_owner(&p, NULL), b);
    p = port(IPPROTO_TCP, "192.0.2.9");
    p.host_port = 8081;
    assert_null(state_port_owner(&p, NULL));
    p = port(IPPROTO_UDP, "192.0.2.1");
    p.host_port = 53;
    assert_ptr_equal(state_port_owner(&p, NULL), a);
    p = port(IPPROTO_SCTP, "");
    p.host_port = 53;
    assert_null(state_port_owner(&p, NULL));

    /* New ports replace the old ones in the index. */
    state_endpoint_set_ports(a, NULL, 0);
    p = port(IPPROTO_TCP, "");
    p.host_port = 8080;
    assert_null(state_port_owner(&p, NULL));
    state_endpoint_remove(b);
    p.host_port = 8081;
    assert_null(state_port_owner(&p, NULL));
}

/* "docker run -P" on 1,000 endpoints, one after the other: each gets the
 * lowest free port, and one freed is the next one handed out. */
static void
test_first_free_many(void **state OVS_UNUSED)
{
    struct state_endpoint *eps[1000];

    for (unsigned int i = 0; i < ARRAY_SIZE(eps); i++) {
        eps[i] = add_endpoint(i, NULL);
        struct state_port p = port(IPPROTO_TCP, "");
        p.host_port = first_free(IPPROTO_TCP, "", eps[i]);
        assert_int_equal(p.host_port, STATE_PORT_MIN + i);
        state_endpoint_set_ports(eps[i], &p, 1);
    }
    assert_int_equal(first_free(IPPROTO_TCP, "", NULL),
                     STATE_PORT_MIN + 1000);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.1", NULL),
                     STATE_PORT_MIN + 1000);
    assert_int_equal(first_free(IPPROTO_UDP, "", NULL), STATE_PORT_MIN);

    state_endpoint_remove(eps[500]);
    state_endpoint_set_ports(eps[70], NULL, 0);
    assert_int_equal(first_free(IPPROTO_TCP, "", NULL), STATE_PORT_MIN + 70);
    state_endpoint_set_ports(eps[3], NULL, 0);
    assert_int_equal(first_free(IPPROTO_TCP, "", NULL), STATE_PORT_MIN + 3);

    /* An endpoint's own port is free for it. */
    assert_int_equal(first_free(IPPROTO_TCP, "", eps[1]), STATE_PORT_MIN + 1);
    assert_int_equal(first_free(IPPROTO_TCP, "", eps[999]),
                     STATE_PORT_MIN + 3);

    /* Ranges: the first free port in the range, 0 if there is none. */
    struct state_port p = port(IPPROTO_TCP, "");
    assert_int_equal(state_port_first_free(&p, STATE_PORT_MIN + 100,
                                           STATE_PORT_MIN + 600, NULL),
                     STATE_PORT_MIN + 500);
    assert_int_equal(state_port_first_free(&p, STATE_PORT_MIN + 100,
                                           STATE_PORT_MIN + 499, NULL), 0);
    assert_int_equal(state_port_first_free(&p, STATE_PORT_MIN + 100,
                                           STATE_PORT_MIN + 100, eps[100]),
                     STATE_PORT_MIN + 100);
    assert_int_equal(state_port_first_free(&p, 65535, 65535, NULL), 65535);
    assert_int_equal(state_port_first_free(&p, 1, 1, NULL), 1);
}

/* Host addresses: a port on every address ("") takes it on each; one on
 * an address takes it on that address and on every address. */
static void
test_first_free_addresses(void **state OVS_UNUSED)
{
    const uint16_t min = STATE_PORT_MIN;

    struct state_endpoint *a = add_endpoint(1, "tcp/49153/80/192.0.2.1");
    assert_int_equal(first_free(IPPROTO_TCP, "", NULL), min + 1);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.1", NULL), min + 1);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.2", NULL), min);

    struct state_endpoint *b = add_endpoint(2, "tcp/49153/80/192.0.2.2,"
                                            "tcp/49154/80");
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.2", NULL), min + 2);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.3", NULL), min);
    assert_int_equal(first_free(IPPROTO_TCP, "2001:db8::1", NULL), min);

    /* Two addresses on one port: it stays taken on every address until
     * both are gone. */
    state_endpoint_set_ports(a, NULL, 0);
    assert_int_equal(first_free(IPPROTO_TCP, "", NULL), min + 2);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.1", NULL), min);
    struct state_port p;
    p = port(IPPROTO_TCP, "");
    p.host_port = min;
    assert_ptr_equal(state_port_owner(&p, NULL), b);
    state_endpoint_remove(b);
    assert_int_equal(first_free(IPPROTO_TCP, "", NULL), min);
    assert_null(state_port_owner(&p, NULL));

    /* A port of 'self' is free for it if no one else has it, as one of
     * another address or on every address. */
    struct state_endpoint *c = add_endpoint(3, "tcp/49153/80/192.0.2.1,"
                                            "tcp/49154/80");
    struct state_endpoint *d = add_endpoint(4, "tcp/49154/80/192.0.2.1");
    assert_int_equal(first_free(IPPROTO_TCP, "", c), min);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.1", c), min);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.2", c), min);
    assert_int_equal(first_free(IPPROTO_TCP, "", d), min + 2);
    assert_int_equal(first_free(IPPROTO_TCP, "192.0.2.1", d), min + 2);
    assert_int_equal(first_free(IPPROTO_UDP, "192.0.2.1", c), min);
}

static void
test_nat_seqno(void **state OVS_UNUSED)
{
    struct state_netcfg cfg;
    state_netcfg_init(&cfg);
    cfg.bridge = xstrdup("br0");
    cfg.datapath = xstrdup("system");
    uint64_t s = state_nat_seqno();
    state_network_add(net_n, &cfg);
    state_netcfg_destroy(&cfg);
    assert_true(state_nat_seqno() > s);

    /* Endpoints that publish nothing do not count. */
    s = state_nat_seqno();
    struct state_endpoint *a = add_endpoint(1, NULL);
    state_endpoint_set_ports(a, NULL, 0);
    state_endpoint_remove(a);
    assert_int_equal(state_nat_seqno(), s);

    /* Their published ports do, from first to last. */
    a = add_endpoint(1, "tcp/8080/80");
    assert_true(state_nat_seqno() > s);
    s = state_nat_seqno();
    state_endpoint_remove(a);
    assert_true(state_nat_seqno() > s);
    a = add_endpoint(1, "tcp/8080/80");
    s = state_nat_seqno();
    state_endpoint_set_ports(a, NULL, 0);
    assert_true(state_nat_seqno() > s);

    s = state_nat_seqno();
    state_network_remove(state_network_find(net_n));
    assert_true(state_nat_seqno() > s);
}

/* What a reconcile pass that looks only at what changed is told. */
static void
test_take_changes(void **state OVS_UNUSED)
{
    struct sset ports = SSET_INITIALIZER(&ports);

    struct state_netcfg cfg;
    state_netcfg_init(&cfg);
    cfg.bridge = xstrdup("br0");
    cfg.datapath = xstrdup("system");
    state_network_add(net_n, &cfg);
    state_netcfg_destroy(&cfg);
    struct state_endpoint *a = add_endpoint(1, NULL);
    assert_false(state_take_changes(&ports));

    /* Nothing since. */
    assert_true(state_take_changes(&ports));
    assert_int_equal(sset_count(&ports), 0);

    /* Endpoints added, changed and removed: their port names. */
    struct state_endpoint *b = add_endpoint(2, NULL);
    struct state_endpoint *c = add_endpoint(3, NULL);
    state_endpoint_set_ports(a, NULL, 0);
    char *c_port = xstrdup(c->port);
    state_endpoint_remove(c);
    assert_true(state_take_changes(&ports));
    assert_int_equal(sset_count(&ports), 3);
    assert_true(sset_contains(&ports, a->port));
    assert_true(sset_contains(&ports, b->port));
    assert_true(sset_contains(&ports, c_port));
    free(c_port);

    /* A network's change is more than endpoints. */
    state_endpoint_remove(b);
    struct svec peers = SVEC_EMPTY_INITIALIZER;
    svec_add(&peers, "192.0.2.1");
    state_network_set_peers(state_network_find(net_n), &peers);
    svec_destroy(&peers);
    assert_false(state_take_changes(&ports));
    assert_true(state_take_changes(&ports));
    assert_int_equal(sset_count(&ports), 0);
    sset_destroy(&ports);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_peers),
        cmocka_unit_test(test_peer_family),
#define TEST(NAME) cmocka_unit_test_teardown(NAME, teardown)
        TEST(test_endpoint_indexes),
        TEST(test_port_owner),
        TEST(test_first_free_many),
        TEST(test_first_free_addresses),
        TEST(test_nat_seqno),
        TEST(test_take_changes),
#undef TEST
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
