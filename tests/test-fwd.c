/*
 * Unit tests of netns/fwd (chain OVSNET-FORWARD and its jump from iptables'
 * FORWARD), through fwd_init(), fwd_set(), fwd_run(), fwd_format() and
 * fwd_destroy().
 *
 * Linked in as it is: netns/fwd.c.  Replaced with -Wl,--wrap (see
 * tests/unit.mk), netns/xtables: what iptables holds is the test's to say,
 * and iptables-restore is a shell script of the test's, so that the module
 * really spawns, reaps and reads a child.
 */
#include <config.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "netns/fwd.h"
#include "netns/xtables.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "util.h"

#define HEX64(X) X X X X X X X X
static const char net_a[] = HEX64("a1b2c3d4");
static const char net_b[] = HEX64("0123abcd");
static const struct fwd_network nets_a[] = {
    { net_a, "ovsgw-a1b2c3d4a", false },
};
static const struct fwd_network nets_b_routed[] = {
    { net_b, "ovsgw-0123abcd0", true },
};

/* The lines of iptables-restore's input. */
#define HEAD "*filter\n:" FWD_CHAIN " - [0:0]\n"
#define DEL "-D FORWARD -j " FWD_CHAIN "\n"
#define INS(N) "-I FORWARD " #N " -j " FWD_CHAIN "\n"
#define CMT(ID12) " -m comment --comment \"ovsnet network " ID12 "\""
#define IN(GW, ID12) "-A " FWD_CHAIN " -i " GW CMT(ID12) " -j ACCEPT\n"
#define OUT(GW, ID12) "-A " FWD_CHAIN " -o " GW " -m conntrack --ctstate " \
    "RELATED,ESTABLISHED,DNAT" CMT(ID12) " -j ACCEPT\n"
#define OUT_ROUTED(GW, ID12) "-A " FWD_CHAIN " -o " GW CMT(ID12) \
    " -j ACCEPT\n"
#define RULES_A IN("ovsgw-a1b2c3d4a", "a1b2c3d4a1b2") \
    OUT("ovsgw-a1b2c3d4a", "a1b2c3d4a1b2")
#define RULES_B IN("ovsgw-0123abcd0", "0123abcd0123") \
    OUT_ROUTED("ovsgw-0123abcd0", "0123abcd0123")
#define COMMIT "COMMIT\n"
#define REMOVE "*filter\n" DEL "-F " FWD_CHAIN "\n-X " FWD_CHAIN "\n" COMMIT

#define ACCEPT false
#define DROP true
#define NO_CHAIN -1

/* Per family, indexed by family == AF_INET6. */
static struct xtables_forward fakes[2];     /* What iptables holds. */
static char *dirs[2];                       /* Where its script runs. */
static char *tmpdir;

int __wrap_xtables_read_forward(enum xtables_backend, int, const char *,
                                struct xtables_forward *, char **);
int __wrap_xtables_find_restore(int, char **, enum xtables_backend *);

/* Replaces xtables_read_forward().  No mock queue: returns 'fakes' of
 * 'family', which the test changes while iptables-restore runs to what it
 * would have written. */
int
__wrap_xtables_read_forward(enum xtables_backend backend, int family,
                            const char *chain, struct xtables_forward *xf,
                            char **errorp OVS_UNUSED)
{
    const struct xtables_forward *fake = &fakes[family == AF_INET6];

    assert_int_equal(backend, XTABLES_NFT);
    assert_string_equal(chain, fwd_chain());
    svec_clear(&xf->jumps);
    svec_append(&xf->jumps, &fake->jumps);
    xf->forward = fake->forward;
    xf->drop = fake->drop;
    xf->chain = fake->chain;
    xf->chain_rules = fake->chain_rules;
    return 0;
}

/* Replaces xtables_find_restore().  No mock queue: the script "restore"
 * in 'dirs' of 'family' (see setup()), for the nft backend. */
int
__wrap_xtables_find_restore(int family, char **pathp,
                            enum xtables_backend *backend)
{
    *pathp = xasprintf("%s/restore", dirs[family == AF_INET6]);
    *backend = XTABLES_NFT;
    return 0;
}

/* Sets what iptables holds for 'family': FORWARD with policy 'drop' and
 * rules jumping to 'jumps' ("" for another rule), and OVSNET-FORWARD with
 * 'chain_rules' rules, or NO_CHAIN. */
static void
fake_setv(int family, bool drop, int chain_rules, va_list jumps)
{
    struct xtables_forward *fake = &fakes[family == AF_INET6];
    const char *name;

    svec_clear(&fake->jumps);
    while ((name = va_arg(jumps, const char *)) != NULL) {
        svec_add(&fake->jumps, name);
    }
    fake->forward = true;
    fake->drop = drop;
    fake->chain = chain_rules != NO_CHAIN;
    fake->chain_rules = chain_rules == NO_CHAIN ? 0 : chain_rules;
}

/* fake_setv(), the jumps NULL-terminated. */
static void
fake_set(int family, bool drop, int chain_rules, ...)
{
    va_list jumps;

    va_start(jumps, chain_rules);
    fake_setv(family, drop, chain_rules, jumps);
    va_end(jumps);
}

/* fwd_format()'s paragraph about 'family'. */
static char *
format_family(int family)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    fwd_format(&s);
    const char *p = strstr(ds_cstr(&s), family == AF_INET6 ? "\nIPv6: "
                           : "\nIPv4: ");
    assert_non_null(p);
    const char *end = family == AF_INET ? strstr(p, "\nIPv6: ") : NULL;
    char *text = end ? xmemdup0(p + 1, end - p) : xstrdup(p + 1);
    ds_destroy(&s);
    return text;
}

/* Fails unless fwd_format()'s paragraph about 'family' contains (if
 * 'yes') or lacks 'needle'. */
static void
assert_format(int family, const char *needle, bool yes)
{
    char *text = format_family(family);

    if (!strstr(text, needle) != !yes) {
        fail_msg("\"%s\" %s \"%s\"", text, yes ? "lacks" : "has", needle);
    }
    free(text);
}

/* The pid of 'family''s running iptables-restore, or 0. */
static pid_t
running(int family)
{
    char *text = format_family(family);
    const char *p = strstr(text, "running (pid ");
    pid_t pid = p ? atoi(p + strlen("running (pid ")) : 0;

    free(text);
    return pid;
}

/* Calls fwd_run() until each iptables-restore running now has been reaped
 * (at most 5 s).  What fwd_run() then starts keeps running. */
static void
reap(void)
{
    pid_t pid4 = running(AF_INET), pid6 = running(AF_INET6);

    for (int i = 0; i < 1000; i++) {
        fwd_run();
        if ((!pid4 || running(AF_INET) != pid4)
            && (!pid6 || running(AF_INET6) != pid6)) {
            return;
        }
        xnanosleep(5 * 1000 * 1000);
    }
    fail_msg("iptables-restore was not reaped within 5 s");
}

/* Fails unless iptables-restore of 'family' runs, then has it end with
 * iptables holding what fake_set('family', 'drop', 'chain_rules', ...)
 * says. */
static void
restored(int family, bool drop, int chain_rules, ...)
{
    va_list jumps;

    assert_true(running(family));
    va_start(jumps, chain_rules);
    fake_setv(family, drop, chain_rules, jumps);
    va_end(jumps);
    reap();
}

/* What run 'n' (from 1) of 'family''s script saved as 'what' ("in" or
 * "args"), or NULL if it has not run that often. */
static char *
saved(int family, int n, const char *what)
{
    char *path = xasprintf("%s/%s.%d", dirs[family == AF_INET6], what, n);
    FILE *f = fopen(path, "r");
    struct ds s = DS_EMPTY_INITIALIZER;
    int c;

    free(path);
    if (!f) {
        return NULL;
    }
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, c);
    }
    fclose(f);
    return ds_steal_cstr(&s);
}

/* Fails unless iptables-restore of 'family' has run just as often as
 * there are arguments before NULL, reading each in turn. */
static void
assert_runs(int family, ...)
{
    const char *expected;
    va_list args;
    int n = 0;

    va_start(args, family);
    while ((expected = va_arg(args, const char *)) != NULL) {
        char *s = saved(family, ++n, "in");
        if (!s) {
            fail_msg("IPv%d: run %d missing", family == AF_INET6 ? 6 : 4, n);
        }
        assert_string_equal(s, expected);
        free(s);
    }
    va_end(args);
    char *extra = saved(family, n + 1, "in");
    if (extra) {
        fail_msg("IPv%d: run %d unexpected:\n%s",
                 family == AF_INET6 ? 6 : 4, n + 1, extra);
    }
}

static void
write_file(const char *dir, const char *name, const char *content)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(content, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, 0700), 0);
    free(path);
}

/* From now on, iptables-restore of 'family' fails, or not. */
static void
restore_fails(int family, bool fail)
{
    write_file(dirs[family == AF_INET6], "fail", fail ? "1\n" : "0\n");
}

/* Fixtures. */

static int
remove_cb(const char *path, const struct stat *st OVS_UNUSED,
          int flag OVS_UNUSED, struct FTW *ftw OVS_UNUSED)
{
    return remove(path);
}

/* For each family, a directory with the script "restore": run N saves its
 * input in in.N and its arguments in args.N; it fails, with a message on
 * stderr, if file "fail" says 1.  FORWARD empty, policy ACCEPT.
 * --iptables=auto. */
static int
setup(void **state OVS_UNUSED)
{
    tmpdir = xstrdup("/tmp/test-fwd.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    for (int i = 0; i < 2; i++) {
        dirs[i] = xasprintf("%s/%d", tmpdir, i ? 6 : 4);
        assert_int_equal(mkdir(dirs[i], 0700), 0);
        char *script = xasprintf(
            "#!/bin/sh\n"
            "d='%s' n=1\n"
            "while [ -e \"$d/in.$n\" ]; do n=$((n + 1)); done\n"
            "echo \"$*\" > \"$d/args.$n\"\n"
            "cat > \"$d/in.$n\"\n"
            "[ \"$(cat \"$d/fail\")\" = 1 ] || exit 0\n"
            "echo 'iptables-restore: line 3 failed' >&2\n"
            "exit 1\n", dirs[i]);
        write_file(dirs[i], "restore", script);
        free(script);
        xtables_forward_init(&fakes[i]);
        restore_fails(i ? AF_INET6 : AF_INET, false);
    }
    fake_set(AF_INET, ACCEPT, NO_CHAIN, NULL);
    fake_set(AF_INET6, ACCEPT, NO_CHAIN, NULL);
    fwd_init(FWD_AUTO);
    return 0;
}


static int
teardown(void **state OVS_UNUSED)
{
    fwd_destroy();
    fwd_set_chain(NULL);
    for (int i = 0; i < 2; i++) {
        xtables_forward_destroy(&fakes[i]);
        free(dirs[i]);
    }
    nftw(tmpdir, remove_cb, 8, FTW_DEPTH | FTW_PHYS);
    free(tmpdir);
    return 0;
}

/* Tests. */

/* Docker 28's FORWARD under DROP: the jump right below DOCKER-USER. */
static void
test_docker28(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", "DOCKER-FORWARD", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    assert_false(running(AF_INET6));
    restored(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, "DOCKER-FORWARD",
             NULL);

    assert_runs(AF_INET,
                "*filter\n"
                ":OVSNET-FORWARD - [0:0]\n"
                "-I FORWARD 2 -j OVSNET-FORWARD\n"
                "-A OVSNET-FORWARD -i ovsgw-a1b2c3d4a -m comment "
                "--comment \"ovsnet network a1b2c3d4a1b2\" -j ACCEPT\n"
                "-A OVSNET-FORWARD -o ovsgw-a1b2c3d4a -m conntrack "
                "--ctstate RELATED,ESTABLISHED,DNAT -m comment "
                "--comment \"ovsnet network a1b2c3d4a1b2\" -j ACCEPT\n"
                "COMMIT\n", NULL);
    char *args = saved(AF_INET, 1, "args");
    assert_string_equal(args, "-w 5 --noflush\n");
    free(args);
    assert_runs(AF_INET6, NULL);
    assert_format(AF_INET, "chain OVSNET-FORWARD present", true);
    assert_format(AF_INET, "\n  -A OVSNET-FORWARD -i ovsgw-a1b2c3d4a ", true);
}

/* ovs.nat=false: whatever leaves through the gateway port. */
static void
test_routed(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_b_routed, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    assert_runs(AF_INET, HEAD INS(2) RULES_B COMMIT, NULL);
}

/* Jumps of ours are deleted, and one inserted below DOCKER-USER, counting
 * once they are gone.  After each restore the module looks again, and
 * writes again what someone else changed meanwhile. */
static void
test_jump_moved(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, 2, FWD_CHAIN, "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, FWD_CHAIN, "", "DOCKER-USER", NULL);
    restored(AF_INET, DROP, 2, FWD_CHAIN, "", "DOCKER-USER", FWD_CHAIN,
             NULL);
    restored(AF_INET, DROP, 0, "", "DOCKER-USER", FWD_CHAIN, NULL);
    restored(AF_INET, DROP, 2, "", "DOCKER-USER", FWD_CHAIN, NULL);
    assert_false(running(AF_INET));
    assert_runs(AF_INET,
                HEAD DEL INS(2) RULES_A COMMIT,
                HEAD DEL INS(3) RULES_A COMMIT,
                HEAD DEL DEL INS(3) RULES_A COMMIT,
                HEAD DEL INS(3) RULES_A COMMIT, NULL);
}

/* Without DOCKER-USER, the jump goes first. */
static void
test_no_docker_user(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, NO_CHAIN, NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, "", "DOCKER-ISOLATION-STAGE-1", FWD_CHAIN,
             NULL);
    restored(AF_INET, DROP, 2, FWD_CHAIN, "", "DOCKER-ISOLATION-STAGE-1",
             NULL);
    assert_false(running(AF_INET));
    assert_runs(AF_INET, HEAD INS(1) RULES_A COMMIT,
                HEAD DEL INS(1) RULES_A COMMIT, NULL);
}

/* --iptables: auto writes nothing under ACCEPT, on writes anyway, off
 * never writes and removes a chain left by an earlier run.  (And
 * fwd_destroy() forgets the rules: the module starts afresh each time.) */
static void
test_modes(void **state OVS_UNUSED)
{
    fake_set(AF_INET, ACCEPT, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    assert_false(running(AF_INET));
    assert_format(AF_INET, "policy ACCEPT, no chain needed (--iptables=auto)",
                  true);

    fwd_destroy();
    fwd_init(FWD_OFF);
    fake_set(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_run();
    assert_false(running(AF_INET));
    assert_format(AF_INET, "no chain needed (--iptables=off)", true);

    fwd_destroy();
    fwd_init(FWD_ON);
    fake_set(AF_INET, ACCEPT, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_run();
    /* Nothing is looked at before the rules are known (before ovsnetd has
     * loaded its state, a chain left by the last run may be wanted). */
    assert_false(running(AF_INET));
    assert_format(AF_INET, "not read yet", true);
    fwd_set(AF_INET, NULL, 0);
    fwd_run();
    assert_false(running(AF_INET));
    assert_format(AF_INET, "no network needs a chain", true);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, ACCEPT, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    assert_false(running(AF_INET));
    assert_runs(AF_INET, REMOVE, HEAD INS(2) RULES_A COMMIT, NULL);
    assert_runs(AF_INET6, NULL);
}

/* iptables-restore succeeds, yet iptables looks the same after as before
 * (it writes to another backend than ovsnet reads): after three such
 * runs, no more, and the error says why. */
static void
test_unconfirmed(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    restored(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    restored(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_run();
    assert_false(running(AF_INET));
    assert_format(AF_INET, "looked the same after as before", true);
    assert_runs(AF_INET, HEAD INS(2) RULES_A COMMIT,
                HEAD INS(2) RULES_A COMMIT,
                HEAD INS(2) RULES_A COMMIT, NULL);
}

/* Once iptables holds what was written (Docker's own jumps may sit between
 * DOCKER-USER and ours), nothing runs again. */
static void
test_settled(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", "DOCKER-FORWARD", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, "DOCKER-USER", "DOCKER-FORWARD", FWD_CHAIN,
             NULL);
    fwd_set(AF_INET, nets_a, 1);
    for (int i = 0; i < 5; i++) {
        fwd_run();
        assert_false(running(AF_INET));
    }
    assert_runs(AF_INET, HEAD INS(2) RULES_A COMMIT, NULL);
    assert_format(AF_INET, "(seen: chain present with 2 rules, 1 jumps", true);
}

/* With FORWARD jumping to the NULL-terminated chains that follow (ours
 * among them, our chain there), writing the chain once (as after a
 * restart, which cannot know its rules) runs 'script', which leaves
 * FORWARD as it was; then nothing runs again. */
static void
check_jump_kept(const char *script, ...)
{
    va_list jumps;

    va_start(jumps, script);
    fake_setv(AF_INET, DROP, 2, jumps);
    va_end(jumps);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    assert_true(running(AF_INET));
    reap();
    fwd_run();
    assert_false(running(AF_INET));
    assert_runs(AF_INET, script, NULL);
}

/* Another ovsnetd (another driver, another chain "OVSNET-...") has its jump
 * between DOCKER-USER and ours: that is right, and writing the chain again
 * keeps the jump where it is.  Otherwise two ovsnetd would move their jumps
 * in turn, for ever. */
static void
test_other_ovsnetd(void **state OVS_UNUSED)
{
    check_jump_kept(HEAD DEL INS(3) RULES_A COMMIT,
                    "DOCKER-USER", "OVSNET-FWD-ovs2", FWD_CHAIN, NULL);
}

/* The same without DOCKER-USER: another ovsnetd's jump may come first
 * (another rule may not). */
static void
test_other_ovsnetd_first(void **state OVS_UNUSED)
{
    check_jump_kept(HEAD DEL INS(2) RULES_A COMMIT,
                    "OVSNET-FWD-ovs2", FWD_CHAIN, "", NULL);
}

/* Another driver's ovsnetd writes its own chain, and only that. */
static void
test_chain_name(void **state OVS_UNUSED)
{
    fwd_set_chain("OVSNET-FWD-ovs2");
    assert_string_equal(fwd_chain(), "OVSNET-FWD-ovs2");
    fake_set(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, "DOCKER-USER", "OVSNET-FWD-ovs2", FWD_CHAIN,
             NULL);
    fwd_run();
    assert_false(running(AF_INET));
    assert_runs(AF_INET,
                "*filter\n"
                ":OVSNET-FWD-ovs2 - [0:0]\n"
                "-I FORWARD 2 -j OVSNET-FWD-ovs2\n"
                "-A OVSNET-FWD-ovs2 -i ovsgw-a1b2c3d4a -m comment "
                "--comment \"ovsnet network a1b2c3d4a1b2\" -j ACCEPT\n"
                "-A OVSNET-FWD-ovs2 -o ovsgw-a1b2c3d4a -m conntrack "
                "--ctstate RELATED,ESTABLISHED,DNAT -m comment "
                "--comment \"ovsnet network a1b2c3d4a1b2\" -j ACCEPT\n"
                "COMMIT\n", NULL);
    assert_format(AF_INET, "chain OVSNET-FWD-ovs2 present", true);
}

/* No network left: the chain goes. */
static void
test_rules_removed(void **state OVS_UNUSED)
{
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    fwd_set(AF_INET, NULL, 0);
    fwd_run();
    restored(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    assert_false(running(AF_INET));
    assert_runs(AF_INET, HEAD INS(2) RULES_A COMMIT, REMOVE, NULL);
    assert_format(AF_INET, "no network needs a chain", true);
}

/* iptables-restore fails: fwd_format() says why; the next try waits, but
 * not for new rules; success clears the error. */
static void
test_restore_fails(void **state OVS_UNUSED)
{
    restore_fails(AF_INET, true);
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_run();
    restored(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fwd_run();
    assert_false(running(AF_INET));
    assert_format(AF_INET, "\n  last error: ", true);
    assert_format(AF_INET, "failed (exit status 1): iptables-restore: line 3 "
                  "failed\n", true);
    assert_format(AF_INET, "  -A OVSNET-FORWARD", false);

    restore_fails(AF_INET, false);
    fwd_set(AF_INET, nets_b_routed, 1);
    fwd_run();
    restored(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    assert_false(running(AF_INET));
    assert_runs(AF_INET, HEAD INS(2) RULES_A COMMIT,
                HEAD INS(2) RULES_B COMMIT, NULL);
    assert_format(AF_INET, "last error", false);
}

/* Gateway port names iptables cannot take are left out; IDs too short for
 * the comment show as "?". */
static void
test_bad_names(void **state OVS_UNUSED)
{
    static const struct fwd_network nets[] = {
        { net_a, "ovsgw a1b2", false },
        { net_a, "ovsgw-a1b2c3d4a1", false },   /* 16 bytes. */
        { net_a, "", false },
        { net_a, "ovsgw\"a", false },
        { net_b, "ovsgw-0123abcd0", true },     /* 15 bytes. */
        { "abcdef", "ovsgw-x", false },
    };

    fake_set(AF_INET, DROP, NO_CHAIN, NULL);
    fwd_set(AF_INET, nets, ARRAY_SIZE(nets));
    fwd_run();
    restored(AF_INET, DROP, 4, FWD_CHAIN, NULL);

    /* Only bad names: no rules, no chain. */
    fwd_set(AF_INET, nets, 4);
    fwd_run();
    restored(AF_INET, DROP, NO_CHAIN, NULL);
    assert_false(running(AF_INET));
    assert_runs(AF_INET, HEAD INS(1) RULES_B IN("ovsgw-x", "?")
                OUT("ovsgw-x", "?") COMMIT, REMOVE, NULL);
}

/* IPv6 has its own rules, FORWARD, iptables-restore and errors. */
static void
test_ipv6(void **state OVS_UNUSED)
{
    restore_fails(AF_INET6, true);
    fake_set(AF_INET, DROP, NO_CHAIN, "DOCKER-USER", NULL);
    fake_set(AF_INET6, DROP, NO_CHAIN, "", "DOCKER-USER", NULL);
    fwd_set(AF_INET, nets_a, 1);
    fwd_set(AF_INET6, nets_b_routed, 1);
    fwd_run();
    assert_true(running(AF_INET6));
    restored(AF_INET, DROP, 2, "DOCKER-USER", FWD_CHAIN, NULL);
    assert_false(running(AF_INET));
    assert_false(running(AF_INET6));
    assert_runs(AF_INET, HEAD INS(2) RULES_A COMMIT, NULL);
    assert_runs(AF_INET6, HEAD INS(3) RULES_B COMMIT, NULL);
    assert_format(AF_INET, "last error", false);
    assert_format(AF_INET, "  -A OVSNET-FORWARD -i ovsgw-a1b2c3d4a ", true);
    assert_format(AF_INET6, "last error: ", true);
    assert_format(AF_INET6, "ovsgw-a1b2c3d4a", false);
}

int
main(void)
{
#define TEST(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_docker28),
        TEST(test_routed),
        TEST(test_jump_moved),
        TEST(test_no_docker_user),
        TEST(test_modes),
        TEST(test_unconfirmed),
        TEST(test_settled),
        TEST(test_other_ovsnetd),
        TEST(test_other_ovsnetd_first),
        TEST(test_chain_name),
        TEST(test_rules_removed),
        TEST(test_restore_fails),
        TEST(test_bad_names),
        TEST(test_ipv6),
    };
#undef TEST

    /* The module's log messages are expected: keep them out. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    return cmocka_run_group_tests_name("fwd", tests, NULL, NULL);
}
