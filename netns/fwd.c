/*
 * netns/fwd: ovsnet's chain in iptables' filter table.
 *
 * What it keeps, as "iptables -S" shows it (likewise with ip6tables):
 *
 *     -N OVSNET-FORWARD
 *     -A FORWARD -j DOCKER-USER
 *     -A FORWARD -j OVSNET-FORWARD
 *     ...
 *     -A OVSNET-FORWARD -i ovsgw-0123456789 -m comment --comment "ovsnet
 *        network 0123456789ab" -j ACCEPT
 *     -A OVSNET-FORWARD -o ovsgw-0123456789 -m conntrack --ctstate
 *        RELATED,ESTABLISHED,DNAT -m comment ... -j ACCEPT
 *
 * (and "-o ovsgw-... -j ACCEPT" for a routed network).  One family's state
 * is a struct fwd_family; each is looked at and written on its own.
 */
#include <config.h>

#include "netns/fwd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns/xtables.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fwd);

extern char **environ;

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* After a failure, the next try waits this long, doubled up to the max. */
#define FWD_BACKOFF_MIN_MSEC 1000
#define FWD_BACKOFF_MAX_MSEC 30000

/* The chains Docker jumps to from the top of FORWARD: ovsnet's jump may
 * sit below them. */
#define FWD_DOCKER_USER "DOCKER-USER"
#define FWD_DOCKER_PREFIX "DOCKER"

/* The chains of every ovsnetd (one per driver) start so: each one's jump may
 * sit below the others'. */
#define FWD_OVSNET_PREFIX "OVSNET-"

struct fwd_family {
    int family;
    const char *name;           /* "IPv4". */

    /* Desired. */
    char *rules;                /* "-A OVSNET-FORWARD ..." lines. */
    size_t n_rules;

    /* Known. */
    char *applied;              /* The rules the last successful
                                 * iptables-restore wrote, or NULL. */
    struct xtables_forward seen;    /* At the last look. */
    bool seen_valid;
    bool needed;                /* At the last look. */
    char *restore;              /* iptables-restore's path, or NULL. */
    enum xtables_backend backend;
    char *error;                /* The last failure, or NULL. */
    long long int check_at;     /* The next look; LLONG_MAX: none. */
    int backoff;
    bool told;                  /* fwd_set() was called: until then the
                                 * rules are not known, not empty. */
    bool verify;                /* The next look follows a successful
                                 * iptables-restore. */
    char *seen_before;          /* fwd_seen_signature() when it started. */
    int unconfirmed;            /* Successful restores in a row after which
                                 * iptables looked exactly as before. */

    /* The running iptables-restore. */
    pid_t pid;                  /* 0 if none. */
    int pidfd;                  /* -1 if none or unknown. */
    int out_fd;                 /* Its stdout and stderr. */
    long long int deadline;
    char *writing;              /* The rules it writes, or NULL if it
                                 * removes the chain. */
};

static enum fwd_mode fwd_mode = FWD_AUTO;
static bool fwd_initialized;
static char *fwd_chain_name;        /* NULL: FWD_CHAIN. */
static struct fwd_family families[2] = {
    { .family = AF_INET, .name = "IPv4", .pidfd = -1, .out_fd = -1 },
    { .family = AF_INET6, .name = "IPv6", .pidfd = -1, .out_fd = -1 },
};

bool
fwd_mode_parse(const char *s, enum fwd_mode *mode)
{
    if (!strcmp(s, "auto")) {
        *mode = FWD_AUTO;
    } else if (!strcmp(s, "on") || !strcmp(s, "true")) {
        *mode = FWD_ON;
    } else if (!strcmp(s, "off") || !strcmp(s, "false")) {
        *mode = FWD_OFF;
    } else {
        return false;
    }
    return true;
}

const char *
fwd_mode_name(enum fwd_mode mode)
{
    return mode == FWD_ON ? "on" : mode == FWD_OFF ? "off" : "auto";
}

static struct fwd_family *
fwd_family(int family)
{
    return &families[family == AF_INET6];
}

void
fwd_set_chain(const char *name)
{
    free(fwd_chain_name);
    fwd_chain_name = nullable_xstrdup(name);
}

const char *
fwd_chain(void)
{
    return fwd_chain_name ? fwd_chain_name : FWD_CHAIN;
}

void
fwd_init(enum fwd_mode mode)
{
    fwd_mode = mode;
    fwd_initialized = true;
    /* waitpid() must find our children: not if SIGCHLD were ignored. */
    signal(SIGCHLD, SIG_DFL);
    for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
        struct fwd_family *ff = &families[i];
        xtables_forward_init(&ff->seen);
        ff->rules = xstrdup("");
        /* No look until fwd_set() says what the rules are: before the
         * state is loaded from OVSDB, a chain an earlier run left is not
         * known to be unwanted. */
        ff->check_at = LLONG_MAX;
        ff->backoff = FWD_BACKOFF_MIN_MSEC;
    }
}

static void
fwd_child_forget(struct fwd_family *ff)
{
    if (ff->pidfd >= 0) {
        close(ff->pidfd);
    }
    if (ff->out_fd >= 0) {
        close(ff->out_fd);
    }
    ff->pidfd = ff->out_fd = -1;
    ff->pid = 0;
    free(ff->writing);
    ff->writing = NULL;
}

void
fwd_destroy(void)
{
    for (size_t i = 0; fwd_initialized && i < ARRAY_SIZE(families); i++) {
        struct fwd_family *ff = &families[i];
        if (ff->pid) {
            /* Let it finish, within its time (a restore is one
             * transaction: killing it changes nothing), and reap it. */
            while (!waitpid(ff->pid, NULL, WNOHANG)
                   && time_msec() < ff->deadline) {
                xnanosleep(10 * 1000 * 1000);
            }
            if (!kill(ff->pid, SIGKILL)) {
                waitpid(ff->pid, NULL, 0);
            }
        }
        fwd_child_forget(ff);
        xtables_forward_destroy(&ff->seen);
        free(ff->rules);
        free(ff->applied);
        free(ff->restore);
        free(ff->error);
        free(ff->seen_before);
        /* As it was before fwd_init(): a later fwd_init() must not find
         * the old rules' count (n_rules) and write an empty chain. */
        *ff = (struct fwd_family) {
            .family = ff->family, .name = ff->name,
            .pidfd = -1, .out_fd = -1,
        };
    }
    fwd_initialized = false;
}

/* An interface name that iptables takes as it is: no quoting needed. */
static bool
fwd_ifname_ok(const char *s)
{
    size_t n = strlen(s);
    return n && n < 16 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
                          == n;
}

void
fwd_set(int family, const struct fwd_network *nets, size_t n)
{
    struct fwd_family *ff = fwd_family(family);
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n_rules = 0;

    for (size_t i = 0; i < n; i++) {
        const struct fwd_network *fn = &nets[i];
        char comment[32];

        if (!fwd_ifname_ok(fn->ifname)) {
            VLOG_WARN_RL(&rl, "network %s: gateway port name \"%s\" cannot "
                         "be given to iptables", fn->id, fn->ifname);
            continue;
        }
        snprintf(comment, sizeof comment, "\"ovsnet network %.12s\"",
                 (strspn(fn->id, "0123456789abcdef") >= 12 ? fn->id
                  : "?"));
        ds_put_format(&s, "-A %s -i %s -m comment --comment %s -j ACCEPT\n",
                      fwd_chain(), fn->ifname, comment);
        if (fn->routed) {
            ds_put_format(&s, "-A %s -o %s -m comment --comment %s "
                          "-j ACCEPT\n", fwd_chain(), fn->ifname, comment);
        } else {
            ds_put_format(&s, "-A %s -o %s -m conntrack --ctstate "
                          "RELATED,ESTABLISHED,DNAT -m comment --comment %s "
                          "-j ACCEPT\n", fwd_chain(), fn->ifname, comment);
        }
        n_rules += 2;
    }
    if (!ff->told || strcmp(ds_cstr(&s), ff->rules)) {
        free(ff->rules);
        ff->rules = ds_steal_cstr(&s);
        ff->n_rules = n_rules;
        ff->told = true;
        /* Look now, unless iptables-restore runs: then once it ends. */
        ff->check_at = 0;
        ff->backoff = FWD_BACKOFF_MIN_MSEC;
        ff->unconfirmed = 0;
    }
    ds_destroy(&s);
}

static bool fwd_jump_ok(const struct xtables_forward *);

/* Where ovsnet's jump belongs in 'xf''s FORWARD, counting from 1 once its
 * own jumps are deleted: where it is if it is right (rewriting the chain
 * moves nothing: two ovsnetd's jumps keep their order), otherwise right
 * below Docker's DOCKER-USER, or first. */
static size_t
fwd_jump_position(const struct xtables_forward *xf)
{
    size_t ours_above = 0;

    for (size_t i = 0; fwd_jump_ok(xf) && i < xf->jumps.n; i++) {
        if (!strcmp(xf->jumps.names[i], fwd_chain())) {
            return i + 1;
        }
    }

    for (size_t i = 0; i < xf->jumps.n; i++) {
        const char *target = xf->jumps.names[i];
        if (!strcmp(target, fwd_chain())) {
            ours_above++;
        } else if (!strcmp(target, FWD_DOCKER_USER)) {
            return i + 1 - ours_above + 1;
        }
    }
    return 1;
}

/* Whether 'target', a chain FORWARD jumps to, is one that may sit between
 * DOCKER-USER (or the top, without it) and ovsnet's jump: another ovsnetd's
 * chain, or with DOCKER-USER ('docker') one of Docker's own. */
static bool
fwd_may_be_above(const char *target, bool docker)
{
    return (!strncmp(target, FWD_OVSNET_PREFIX, strlen(FWD_OVSNET_PREFIX))
            || (docker && !strncmp(target, FWD_DOCKER_PREFIX,
                                   strlen(FWD_DOCKER_PREFIX))));
}

/* Whether 'xf''s FORWARD jumps to ovsnet's chain once, below DOCKER-USER
 * if there is one, with nothing but Docker's own jumps in between (Docker
 * inserts them at the top at every start: harmless above ours), or first;
 * other ovsnetd's jumps (each driver has its chain) may come between, so
 * that two ovsnetd never move their jumps in turn. */
static bool
fwd_jump_ok(const struct xtables_forward *xf)
{
    size_t n_ours = 0, ours = 0;
    size_t user = SIZE_MAX;

    for (size_t i = 0; i < xf->jumps.n; i++) {
        const char *target = xf->jumps.names[i];
        if (!strcmp(target, fwd_chain())) {
            n_ours++;
            ours = i;
        } else if (!strcmp(target, FWD_DOCKER_USER) && user == SIZE_MAX) {
            user = i;
        }
    }
    if (n_ours != 1 || (user != SIZE_MAX && ours < user)) {
        return false;
    }
    for (size_t i = user == SIZE_MAX ? 0 : user + 1; i < ours; i++) {
        if (!fwd_may_be_above(xf->jumps.names[i], user != SIZE_MAX)) {
            return false;
        }
    }
    return true;
}

static size_t
fwd_count_jumps(const struct xtables_forward *xf)
{
    size_t n = 0;
    for (size_t i = 0; i < xf->jumps.n; i++) {
        n += !strcmp(xf->jumps.names[i], fwd_chain());
    }
    return n;
}

/* The iptables-restore input that makes 'xf' hold 'rules' (or nothing of
 * ovsnet's, if 'rules' is NULL). */
static char *
fwd_script(const struct xtables_forward *xf, const char *rules)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n_jumps = fwd_count_jumps(xf);

    ds_put_cstr(&s, "*filter\n");
    if (rules) {
        /* Declaring the chain creates it, or flushes it if it exists. */
        ds_put_format(&s, ":%s - [0:0]\n", fwd_chain());
    }
    for (size_t i = 0; i < n_jumps; i++) {
        ds_put_format(&s, "-D FORWARD -j %s\n", fwd_chain());
    }
    if (rules) {
        ds_put_format(&s, "-I FORWARD %"PRIuSIZE" -j %s\n",
                      fwd_jump_position(xf), fwd_chain());
        ds_put_cstr(&s, rules);
    } else if (xf->chain) {
        ds_put_format(&s, "-F %s\n-X %s\n", fwd_chain(), fwd_chain());
    }
    ds_put_cstr(&s, "COMMIT\n");
    return ds_steal_cstr(&s);
}

/* A memory file holding 'data', at offset 0, or -1. */
static int
fwd_memfd(const char *name, const char *data)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t len = data ? strlen(data) : 0;
    if ((len && write(fd, data, len) != (ssize_t) len)
        || lseek(fd, 0, SEEK_SET)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Starts iptables-restore for 'ff' with 'script'.  Returns 0 or a
 * positive errno, with the reason in ff->error. */
static int
fwd_spawn(struct fwd_family *ff, const char *script)
{
    posix_spawn_file_actions_t fa;
    int in_fd = fwd_memfd("ovsnet-iptables-in", script);
    int out_fd = fwd_memfd("ovsnet-iptables-out", NULL);
    char *argv[] = { ff->restore, "-w", "5", "--noflush", NULL };
    pid_t pid;
    int error;

    if (in_fd < 0 || out_fd < 0) {
        error = errno;
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    error = posix_spawn(&pid, ff->restore, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (error) {
        goto out;
    }

    ff->pid = pid;
    ff->out_fd = out_fd;
    out_fd = -1;
    ff->pidfd = syscall(SYS_pidfd_open, pid, 0);
    ff->deadline = time_msec() + FWD_TIMEOUT_MSEC;
    VLOG_DBG("%s: running %s with:\n%s", ff->name, ff->restore, script);

out:
    if (error) {
        free(ff->error);
        ff->error = xasprintf("cannot run %s (%s)", ff->restore,
                              ovs_strerror(error));
        VLOG_WARN_RL(&rl, "%s: %s", ff->name, ff->error);
    }
    if (in_fd >= 0) {
        close(in_fd);
    }
    if (out_fd >= 0) {
        close(out_fd);
    }
    return error;
}

/* What iptables-restore printed, on one line, or "". */
static char *
fwd_child_output(const struct fwd_family *ff)
{
    char buf[1024];
    ssize_t n = pread(ff->out_fd, buf, sizeof buf - 1, 0);

    buf[n > 0 ? n : 0] = '\0';
    for (char *p = buf; *p; p++) {
        if (*p == '\n') {
            *p = p[1] ? ' ' : '\0';
        }
    }
    return xstrdup(buf);
}

static void
fwd_schedule_retry(struct fwd_family *ff)
{
    ff->check_at = time_msec() + ff->backoff;
    ff->backoff = MIN(ff->backoff * 2, FWD_BACKOFF_MAX_MSEC);
}

/* Handles the end of 'ff''s iptables-restore, which exited with
 * 'status'. */
static void
fwd_child_done(struct fwd_family *ff, int status)
{
    char *output = fwd_child_output(ff);

    if (WIFEXITED(status) && !WEXITSTATUS(status)) {
        bool removed = !ff->writing;
        if (removed) {
            VLOG_INFO("%s: removed iptables chain %s", ff->name,
                      fwd_chain());
        } else if (!ff->applied || strcmp(ff->applied, ff->writing)) {
            VLOG_INFO("%s: iptables chain %s: %"PRIuSIZE" rules, jumped to "
                      "from FORWARD", ff->name, fwd_chain(), ff->n_rules);
        }
        free(ff->applied);
        ff->applied = ff->writing;
        ff->writing = NULL;
        free(ff->error);
        ff->error = NULL;
        ff->backoff = FWD_BACKOFF_MIN_MSEC;
        ff->check_at = 0;           /* Look at the result. */
        ff->verify = true;
    } else {
        char *how = (WIFEXITED(status)
                     ? xasprintf("exit status %d", WEXITSTATUS(status))
                     : xasprintf("killed by signal %d", WTERMSIG(status)));
        free(ff->error);
        ff->error = xasprintf("%s failed (%s)%s%s", ff->restore, how,
                              output[0] ? ": " : "", output);
        VLOG_WARN_RL(&rl, "%s: %s; will retry", ff->name, ff->error);
        free(how);
        free(ff->applied);
        ff->applied = NULL;
        fwd_schedule_retry(ff);
        if (strcmp(ff->writing ? ff->writing : "", ff->rules)) {
            /* The rules changed meanwhile: try them at once. */
            ff->check_at = 0;
        }
    }
    free(output);
    fwd_child_forget(ff);
}

/* Reaps 'ff''s iptables-restore if it ended, or kills it if it took too
 * long. */
static void
fwd_child_run(struct fwd_family *ff)
{
    int status;
    pid_t pid = waitpid(ff->pid, &status, WNOHANG);

    if (pid == ff->pid) {
        fwd_child_done(ff, status);
    } else if (pid < 0) {
        free(ff->error);
        ff->error = xasprintf("lost track of %s (%s)", ff->restore,
                              ovs_strerror(errno));
        VLOG_WARN_RL(&rl, "%s: %s", ff->name, ff->error);
        fwd_child_forget(ff);
        fwd_schedule_retry(ff);
    } else if (time_msec() >= ff->deadline) {
        VLOG_WARN_RL(&rl, "%s: %s takes over %d ms: killing it", ff->name,
                     ff->restore, FWD_TIMEOUT_MSEC);
        kill(ff->pid, SIGKILL);
        if (waitpid(ff->pid, &status, 0) == ff->pid) {
            fwd_child_done(ff, status);
        } else {
            fwd_child_forget(ff);
            fwd_schedule_retry(ff);
        }
    }
}

/* Looks at what iptables holds for 'ff' and starts iptables-restore if it
 * is not what it should be. */
static void
fwd_set_error(struct fwd_family *ff, char *error)
{
    free(ff->error);
    ff->error = error;
}

/* What 'xf' holds, as a string to compare. */
static char *
fwd_seen_signature(const struct xtables_forward *xf)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "%d %d %d %"PRIuSIZE, xf->forward, xf->drop, xf->chain,
                  xf->chain_rules);
    for (size_t i = 0; i < xf->jumps.n; i++) {
        ds_put_format(&s, " %s", xf->jumps.names[i]);
    }
    return ds_steal_cstr(&s);
}

/* Whether 'ff''s chain and jump look as they should, contents aside. */
static bool
fwd_looks_right(const struct fwd_family *ff)
{
    const struct xtables_forward *xf = &ff->seen;
    return (xf->chain && xf->chain_rules == ff->n_rules
            && fwd_jump_ok(xf));
}

/* Looks at what iptables holds for 'ff' and starts iptables-restore if it
 * is not what it should be. */
static void
fwd_check(struct fwd_family *ff)
{
    char *error = NULL;
    bool verify = ff->verify;

    ff->verify = false;
    /* Every time: the host's alternatives may have changed. */
    free(ff->restore);
    if (xtables_find_restore(ff->family, &ff->restore, &ff->backend)) {
        ff->backend = XTABLES_NFT;
    }
    ff->seen_valid = !xtables_read_forward(ff->backend, ff->family,
                                           fwd_chain(), &ff->seen, &error);
    if (!ff->seen_valid) {
        fwd_set_error(ff, error);
        VLOG_WARN_RL(&rl, "%s: %s", ff->name, ff->error);
        fwd_schedule_retry(ff);
        return;
    }

    const struct xtables_forward *xf = &ff->seen;
    bool present = xf->chain || fwd_count_jumps(xf);
    ff->needed = (ff->n_rules
                  && (fwd_mode == FWD_ON
                      || (fwd_mode == FWD_AUTO && xf->forward && xf->drop)));
    bool ok = (ff->needed
               ? (fwd_looks_right(ff) && ff->applied
                  && !strcmp(ff->applied, ff->rules))
               : !present);

    /* While the chain is wanted, or may become so when someone sets a
     * DROP policy, look again now and then. */
    ff->check_at = (ff->n_rules && fwd_mode != FWD_OFF
                    ? time_msec() + FWD_CHECK_MSEC : LLONG_MAX);
    if (ok) {
        fwd_set_error(ff, NULL);
        ff->backoff = FWD_BACKOFF_MIN_MSEC;
        ff->unconfirmed = 0;
        return;
    }
    if (!ff->restore) {
        if (ff->needed && fwd_looks_right(ff)) {
            return;                 /* Written before: nothing to do. */
        }
        fwd_set_error(ff, xasprintf(
                          "%s is not installed: ovsnet cannot %s its chain "
                          "%s", ff->family == AF_INET6 ? "ip6tables-restore"
                          : "iptables-restore", ff->needed ? "add" : "remove",
                          fwd_chain()));
        VLOG_WARN_RL(&rl, "%s: %s%s", ff->name, ff->error,
                     ff->needed ? " (FORWARD's policy drops what ovsnet's "
                     "networks forward)" : "");
        return;
    }
    char *signature = fwd_seen_signature(xf);
    if (verify && ff->seen_before && !strcmp(signature, ff->seen_before)) {
        ff->unconfirmed++;
    } else {
        ff->unconfirmed = 0;
    }
    free(ff->seen_before);
    ff->seen_before = signature;
    if (ff->unconfirmed >= 3) {
        /* iptables-restore writes somewhere else than ovsnet reads (a
         * wrapper, alternatives changed in between...): writing again
         * would only add jumps. */
        fwd_set_error(ff, xasprintf(
                          "%s succeeded %d times, but table filter of "
                          "iptables' %s backend looked the same after as "
                          "before: not trying again until the rules change",
                          ff->restore, ff->unconfirmed,
                          xtables_backend_name(ff->backend)));
        VLOG_WARN_RL(&rl, "%s: %s", ff->name, ff->error);
        ff->check_at = time_msec() + FWD_BACKOFF_MAX_MSEC;
        ff->verify = true;          /* Keep counting, keep refusing. */
        return;
    }
    if (ff->needed && ff->applied && !strcmp(ff->applied, ff->rules)) {
        VLOG_INFO("%s: iptables chain %s, or its jump from FORWARD, was "
                  "changed by someone else: restoring it", ff->name,
                  fwd_chain());
    }
    char *script = fwd_script(xf, ff->needed ? ff->rules : NULL);
    if (!fwd_spawn(ff, script)) {
        ff->writing = ff->needed ? xstrdup(ff->rules) : NULL;
    } else {
        fwd_schedule_retry(ff);
    }
    free(script);
}

void
fwd_run(void)
{
    for (size_t i = 0; fwd_initialized && i < ARRAY_SIZE(families); i++) {
        struct fwd_family *ff = &families[i];
        if (ff->pid) {
            fwd_child_run(ff);
        }
        if (!ff->pid && time_msec() >= ff->check_at) {
            fwd_check(ff);
        }
    }
}

void
fwd_wait(void)
{
    for (size_t i = 0; fwd_initialized && i < ARRAY_SIZE(families); i++) {
        struct fwd_family *ff = &families[i];
        if (ff->pid) {
            if (ff->pidfd >= 0) {
                poll_fd_wait(ff->pidfd, POLLIN);
            } else {
                poll_timer_wait(20);
            }
            poll_timer_wait_until(ff->deadline);
        } else if (ff->check_at != LLONG_MAX) {
            poll_timer_wait_until(ff->check_at);
        }
    }
}

static void
fwd_format_family(const struct fwd_family *ff, struct ds *s)
{
    const struct xtables_forward *xf = &ff->seen;

    ds_put_format(s, "%s: ", ff->name);
    if (ff->restore) {
        ds_put_format(s, "%s (%s)", ff->restore,
                      xtables_backend_name(ff->backend));
    } else {
        ds_put_format(s, "%s not found",
                      ff->family == AF_INET6 ? "ip6tables-restore"
                      : "iptables-restore");
    }
    if (!ff->seen_valid) {
        ds_put_cstr(s, ", not read yet\n");
    } else {
        ds_put_format(s, ", FORWARD policy %s, ", !xf->forward ? "none"
                      : xf->drop ? "DROP" : "ACCEPT");
        if (!ff->n_rules) {
            ds_put_cstr(s, "no network needs a chain");
        } else if (!ff->needed) {
            ds_put_cstr(s, "no chain needed (--iptables=");
            ds_put_format(s, "%s)", fwd_mode_name(fwd_mode));
        } else {
            ds_put_format(s, "chain %s %s", fwd_chain(),
                          xf->chain ? "present" : "missing");
        }
        ds_put_format(s, " (seen: chain %s with %"PRIuSIZE" rules, %"
                      PRIuSIZE" jumps from FORWARD)\n",
                      xf->chain ? "present" : "absent", xf->chain_rules,
                      fwd_count_jumps(xf));
    }
    if (ff->pid) {
        ds_put_format(s, "  iptables-restore running (pid %ld)\n",
                      (long) ff->pid);
    }
    if (ff->error) {
        ds_put_format(s, "  last error: %s\n", ff->error);
    }
    if (ff->needed && ff->applied) {
        const char *p = ff->applied;
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? nl - p : strlen(p);
            ds_put_format(s, "  %.*s\n", (int) len, p);
            p += len + (nl != NULL);
        }
    }
}

void
fwd_format(struct ds *s)
{
    ds_put_format(s, "--iptables=%s\n", fwd_mode_name(fwd_mode));
    for (size_t i = 0; fwd_initialized && i < ARRAY_SIZE(families); i++) {
        fwd_format_family(&families[i], s);
    }
}
