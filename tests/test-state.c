/*
 * Unit tests of ovsdb/state, the desired state: what it says about a
 * network's tunnel peers.
 *
 * state.c is pure, so nothing is wrapped: the addresses of this host are
 * an argument, as netns/route gives them to the daemon.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_peers),
        cmocka_unit_test(test_peer_family),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
