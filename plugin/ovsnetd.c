/*
 * ovsnetd: the Open vSwitch network driver for Docker.
 *
 * main() parses the options, creates the plugin socket and runs the loop:
 * every module's run, every module's wait, poll_block().  One thread.
 */

#include <config.h>

#include <cap-ng.h>
#include <errno.h>
#include <execinfo.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "netns/dpwatch.h"
#include "netns/fwd.h"
#include "netns/monitor.h"
#include "netns/nat.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/nb.h"
#include "ovsdb/state.h"
#include "plugin/appctl.h"
#include "plugin/driver.h"
#include "plugin/http.h"
#include "plugin/sync.h"
#include "sset.h"
#include "stream.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(ovsnetd);

#define DEFAULT_SOCKET "/run/docker/plugins/ovs.sock"
#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_IDLE_TIMEOUT 60     /* Seconds. */

static char *db_remote;
static char *ovn_nb;            /* --ovn-nb, or NULL. */
static char *socket_path;
static char *unixctl_path;
static int timeout_ms = DRIVER_DEFAULT_TIMEOUT_MS;
static gid_t socket_gid = (gid_t) -1;
static int max_connections = DEFAULT_MAX_CONNECTIONS;
static int idle_timeout = DEFAULT_IDLE_TIMEOUT;
static enum fwd_mode iptables_mode = FWD_AUTO;
static bool global_scope;       /* --scope=global: a swarm driver. */

static unixctl_cb_func ovsnetd_exit;

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);
static void parse_environment(void);
static void log_crashes(void);
static void set_driver(void);
static void raise_fd_limit(void);
static void drop_capabilities(void);
static struct unixctl_server *start_unixctl(bool *exiting);
static struct http_server *start_http(void);
static void start_modules(void);
static void run_once(struct http_server *, struct unixctl_server *,
                     struct sset *gone, struct sset *changed);
static void wait_once(struct http_server *, struct unixctl_server *,
                      bool exiting);
static void stop(struct http_server *, struct unixctl_server *);

int
main(int argc, char *argv[])
{
    bool exiting = false;

    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();
    log_crashes();
    raise_fd_limit();

    /* With --user, keep CAP_NET_ADMIN (links, addresses, offloads). */
    daemonize_start(true);
    struct unixctl_server *unixctl = start_unixctl(&exiting);
    /* Static: reachable when a signal ends the process (valgrind). */
    static struct http_server *http;
    http = start_http();
    drop_capabilities();
    start_modules();
    daemonize_complete();
    VLOG_INFO("ovsnetd " OVSNET_VERSION " started: socket %s (driver %s, "
              "%s scope), database %s", socket_path, names_driver(),
              global_scope ? "global" : "local", db_remote);

    struct sset gone = SSET_INITIALIZER(&gone);
    struct sset changed = SSET_INITIALIZER(&changed);
    while (!exiting) {
        run_once(http, unixctl, &gone, &changed);
        wait_once(http, unixctl, exiting);
        poll_block();
    }
    sset_destroy(&gone);
    sset_destroy(&changed);

    VLOG_INFO("exiting");
    stop(http, unixctl);
    return 0;
}

/* A crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE) writes a backtrace to standard
 * error before the process dies of it: a managed plugin's stderr is in
 * dockerd's log ("addr2line -e ovsnetd" reads the offsets).  Left to the
 * sanitizers in their builds, which report better. */
static void
crash_handler(int sig)
{
    static const char msg[] = "ovsnetd: fatal signal, backtrace:\n";
    void *frames[64];
    int n = backtrace(frames, ARRAY_SIZE(frames));

    ignore(write(STDERR_FILENO, msg, sizeof msg - 1));
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
log_crashes(void)
{
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
    static const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
    void *frames[1];

    backtrace(frames, 1);       /* Loads libgcc now, not in the handler. */
    for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
        signal(signals[i], crash_handler);
    }
#endif
}

/* Creates the control socket, with its commands; "exit" sets '*exiting'. */
static struct unixctl_server *
start_unixctl(bool *exiting)
{
    struct unixctl_server *unixctl;
    int error = unixctl_server_create(unixctl_path, &unixctl);
    if (error) {
        ovs_fatal(error, "could not create unixctl server");
    }
    unixctl_command_register("exit", "", 0, 0, ovsnetd_exit, exiting);
    appctl_register();
    return unixctl;
}

/* Creates the plugin socket. */
static struct http_server *
start_http(void)
{
    struct http_server_options hopts = {
        .path = socket_path,
        .mode = 0660,
        .gid = socket_gid,
        .max_connections = max_connections,
        .idle_timeout = idle_timeout,
    };
    struct http_server *http;
    int error = http_server_create(&hopts, driver_handle, NULL, &http);
    if (error) {
        ovs_fatal(0, "%s: cannot serve the plugin socket (%s)", socket_path,
                  error == EADDRINUSE ? "another ovsnetd is running"
                  : ovs_strerror(error));
    }
    return http;
}

/* Starts the modules: the driver, the database, the kernel's side. */
static void
start_modules(void)
{
    driver_init(timeout_ms, global_scope);
    db_init(db_remote);
    nb_init(ovn_nb, timeout_ms);
    linkmon_init();
    nat_init();
    if (geteuid() && iptables_mode == FWD_AUTO) {
        /* With --user, iptables-restore would run without capabilities
         * and fail, every time. */
        VLOG_WARN("running as uid %ld (--user): no chain in iptables' "
                  "FORWARD (--iptables=off); with Docker's firewall "
                  "defaults, accept ovsnet's traffic in DOCKER-USER (see "
                  "the manual)", (long) geteuid());
        iptables_mode = FWD_OFF;
    }
    fwd_init(iptables_mode);
    sync_init();
    db_default_datapath();
}

/* One iteration of the main loop: the database, the kernel's news, the
 * Docker calls, the reconcilers, the commit, the operator's commands.
 * 'gone' and 'changed' are for the kernel's link events (empty between
 * iterations). */
static void
run_once(struct http_server *http, struct unixctl_server *unixctl,
         struct sset *gone, struct sset *changed)
{
    struct ovsdb_idl_txn *txn = db_run();
    sync_follow_lock(socket_path);
    bool full = sync_take_reconnected();

    linkmon_run();
    nat_run();
    fwd_run();
    full |= linkmon_take(gone, changed);
    full |= appctl_take_full_sweep();

    driver_run();
    http_server_run(http);

    sync_run(txn, full, gone, changed);
    dpwatch_run();
    sset_clear(gone);
    sset_clear(changed);
    db_commit_and_wait(state_seqno());
    nb_run(txn && state_is_loaded(), db_system_id(), db_ovn_remote());
    nb_commit_and_wait();

    unixctl_server_run(unixctl);
}

static void
wait_once(struct http_server *http, struct unixctl_server *unixctl,
          bool exiting)
{
    linkmon_wait();
    nat_wait();
    fwd_wait();
    sync_wait();
    dpwatch_wait();
    driver_wait();
    http_server_wait(http);
    unixctl_server_wait(unixctl);
    if (exiting) {
        poll_immediate_wake();
    }
}

static void
stop(struct http_server *http, struct unixctl_server *unixctl)
{
    driver_destroy();
    http_server_destroy(http);
    linkmon_destroy();
    nat_destroy();
    fwd_destroy();
    db_destroy();
    nb_destroy();
    state_destroy();
    sync_destroy();
    unixctl_server_destroy(unixctl);
    service_stop();
    free(db_remote);
    free(ovn_nb);
    free(socket_path);
    free(unixctl_path);
}

static void
ovsnetd_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
             const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

/* Sets 'socket_path' from the last --socket in 'argv' (or the default),
 * saying nothing of the other options, which parse_options() reads next. */
static void
parse_socket_option(int argc, char *argv[], const char *short_options,
                    const struct option *long_options, int opt_socket)
{
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        if (c == opt_socket) {
            free(socket_path);
            socket_path = xstrdup(optarg);
        }
    }
    opterr = 1;
    optind = 0;
    if (!socket_path) {
        socket_path = xstrdup(DEFAULT_SOCKET);
    }
}

/* Returns 'arg', the value of option --'name', as an integer from 'min' to
 * 'max', or exits naming the option and the range ('what' is "a number",
 * "a number of seconds"...). */
static int
parse_int_option(const char *name, const char *arg, int min, int max,
                 const char *what)
{
    int value;

    if (!str_to_int(arg, 10, &value) || value < min || value > max) {
        ovs_fatal(0, "--%s=%s: give %s from %d to %d", name, arg, what, min,
                  max);
    }
    return value;
}

/* Returns the group 'arg' of --socket-group names (a name or a number), or
 * exits if there is none. */
static gid_t
parse_group_option(const char *arg)
{
    struct group *gr = getgrnam(arg);
    int gid;

    if (gr) {
        return gr->gr_gid;
    } else if (str_to_int(arg, 10, &gid) && gid >= 0) {
        return gid;
    }
    ovs_fatal(0, "--socket-group=%s: no such group", arg);
}

static void
parse_iptables_option(const char *name, const char *arg)
{
    if (!fwd_mode_parse(arg, &iptables_mode)) {
        ovs_fatal(0, "%s=%s: give auto, on or off", name, arg);
    }
}

static void
parse_scope_option(const char *name, const char *arg)
{
    if (!strcmp(arg, "global")) {
        global_scope = true;
    } else if (!strcmp(arg, "local")) {
        global_scope = false;
    } else {
        ovs_fatal(0, "%s=%s: give local or global", name, arg);
    }
}

/* Sets 'ovn_nb' from 'arg', the value of option 'name': OVSDB remotes
 * separated by commas (tcp:IP:PORT, ssl:IP:PORT, unix:PATH), or exits
 * naming the bad one. */
static void
parse_ovn_nb_option(const char *name, const char *arg)
{
    char *copy = xstrdup(arg);
    char *save_ptr = NULL;
    size_t n = 0;

    for (char *r = strtok_r(copy, ",", &save_ptr); r;
         r = strtok_r(NULL, ",", &save_ptr), n++) {
        if (stream_verify_name(r)) {
            ovs_fatal(0, "%s=%s: %s is not an OVSDB remote (tcp:IP:PORT, "
                      "ssl:IP:PORT or unix:PATH)", name, arg, r);
        }
    }
    if (!n) {
        ovs_fatal(0, "%s=%s: give the Northbound database's remotes, e.g. "
                  "tcp:192.0.2.11:6641,tcp:192.0.2.12:6641", name, arg);
    }
    free(copy);
    free(ovn_nb);
    ovn_nb = xstrdup(arg);
}

/* The environment's defaults for the options (the command line, read next,
 * wins): how a managed plugin is configured ("docker plugin set"). */
static void
parse_environment(void)
{
    const char *value;

    value = getenv("OVSNET_DB");
    if (value && value[0]) {
        db_remote = xstrdup(value);
    }
    value = getenv("OVSNET_SCOPE");
    if (value && value[0]) {
        parse_scope_option("OVSNET_SCOPE", value);
    }
    value = getenv("OVSNET_IPTABLES");
    if (value && value[0]) {
        parse_iptables_option("OVSNET_IPTABLES", value);
    }
    value = getenv("OVSNET_OVN_NB");
    if (value && value[0]) {
        parse_ovn_nb_option("OVSNET_OVN_NB", value);
    }
    value = getenv("OVSNET_LOG_LEVEL");
    if (value && value[0]) {
        char *copy = xstrdup(value);
        char *save_ptr = NULL;
        for (char *spec = strtok_r(copy, " ", &save_ptr); spec;
             spec = strtok_r(NULL, " ", &save_ptr)) {
            char *error = vlog_set_levels_from_string(spec);
            if (error) {
                ovs_fatal(0, "OVSNET_LOG_LEVEL=%s: %s", value, error);
            }
        }
        free(copy);
    }
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_SOCKET,
        OPT_UNIXCTL,
        OPT_TIMEOUT,
        OPT_SOCKET_GROUP,
        OPT_MAX_CONNECTIONS,
        OPT_IDLE_TIMEOUT,
        OPT_IPTABLES,
        OPT_SCOPE,
        OPT_OVN_NB,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"socket", required_argument, NULL, OPT_SOCKET},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"socket-group", required_argument, NULL, OPT_SOCKET_GROUP},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
        {"iptables", required_argument, NULL, OPT_IPTABLES},
        {"scope", required_argument, NULL, OPT_SCOPE},
        {"ovn-nb", required_argument, NULL, OPT_OVN_NB},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    /* The plugin socket first, alone: the driver name decides the program's
     * name, from which the daemon and logging options make their default
     * file names. */
    parse_socket_option(argc, argv, short_options, long_options,
                        OPT_SOCKET);
    set_driver();
    parse_environment();

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_DB:
            free(db_remote);
            db_remote = xstrdup(optarg);
            break;

        case OPT_SOCKET:
            free(socket_path);
            socket_path = xstrdup(optarg);
            break;

        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;

        case OPT_TIMEOUT:
            timeout_ms = parse_int_option("timeout", optarg, 1, 3600,
                                          "a number of seconds") * 1000;
            break;

        case OPT_SOCKET_GROUP:
            socket_gid = parse_group_option(optarg);
            break;

        case OPT_MAX_CONNECTIONS:
            max_connections = parse_int_option("max-connections", optarg, 16,
                                               65536, "a number");
            break;

        case OPT_IDLE_TIMEOUT:
            idle_timeout = parse_int_option("idle-timeout", optarg, 1, 3600,
                                            "a number of seconds");
            break;

        case OPT_IPTABLES:
            parse_iptables_option("--iptables", optarg);
            break;

        case OPT_SCOPE:
            parse_scope_option("--scope", optarg);
            break;

        case OPT_OVN_NB:
            parse_ovn_nb_option("--ovn-nb", optarg);
            break;

        case 'h':
            usage();

        case 'V':
            printf("%s (ovsnet) %s, built with Open vSwitch %s\n",
                   program_name, OVSNET_VERSION, PACKAGE_VERSION);
            exit(EXIT_SUCCESS);

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "%s: no non-option arguments are accepted (use --help "
                  "for help)", argv[optind]);
    }
    if (!db_remote) {
        db_remote = xasprintf("unix:%s/db.sock", ovs_rundir());
    }
}

/* Sets the driver name from the plugin socket's.  Another driver than the
 * default one makes the program "ovsnetd-DRIVER", so that each ovsnetd has
 * its own default pidfile, log and ovs-appctl target; and its own netfilter
 * table and iptables chain (their names are in the manual). */
static void
set_driver(void)
{
    char *driver = names_driver_from_socket(socket_path);
    const char *error = names_driver_error(driver);

    if (error) {
        ovs_fatal(0, "--socket=%s: the driver name \"%s\" (the socket's "
                  "base name, less \".sock\") %s", socket_path, driver,
                  error);
    }
    names_set_driver(driver);
    free(driver);
    if (!names_driver_is_default()) {
        char *name = xasprintf("%s-%s", program_name, names_driver());
        char *chain = xasprintf("OVSNET-FWD-%s", names_driver());
        char *table = xasprintf(NAT_TABLE "-%s", names_driver());

        set_program_name(name);
        fwd_set_chain(chain);
        nat_set_table(table);
        free(name);
        free(chain);
        free(table);
    }
}


static void
usage(void)
{
    printf("%s: Open vSwitch network driver for Docker\n"
           "usage: %s [OPTIONS]\n"
           "\nOptions:\n"
           "  --db=REMOTE             Open vSwitch database\n"
           "                          (default: unix:%s/db.sock)\n"
           "  --socket=PATH           plugin socket; the driver's name is "
           "its base name\n"
           "                          less .sock (another name than ovs: "
           "program ovsnetd-NAME)\n"
           "                          (default: " DEFAULT_SOCKET ")\n"
           "  --socket-group=GROUP    group that may use the plugin socket\n"
           "                          (default: the daemon's group, root "
           "unless --user)\n"
           "  --max-connections=N     connections served at once, 16-65536 "
           "(default: %d)\n"
           "  --idle-timeout=SECS     close connections idle that long, "
           "1-3600\n"
           "                          (default: %d)\n"
           "  --timeout=SECS          how long a call waits for OVSDB and "
           "ovs-vswitchd\n"
           "                          (default: %d)\n"
           "  --iptables=auto|on|off  accept what ovsnet's networks forward in "
           "a chain\n"
           "                          of iptables' FORWARD: auto where its "
           "policy is DROP\n"
           "                          (default: auto)\n"
           "  --scope=local|global    local: networks of this host; global: "
           "Docker swarm\n"
           "                          networks (a managed plugin) "
           "(default: local)\n"
           "  --ovn-nb=REMOTES        OVN mode: OVN's Northbound database "
           "(its cluster's\n"
           "                          members, e.g. "
           "tcp:192.0.2.11:6641,tcp:192.0.2.12:6641)\n"
           "  --unixctl=SOCKET        control socket for ovs-appctl\n",
           program_name, program_name, ovs_rundir(), DEFAULT_MAX_CONNECTIONS,
           DEFAULT_IDLE_TIMEOUT, DRIVER_DEFAULT_TIMEOUT_MS / 1000);
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n"
           "\nEnvironment (defaults for the options above, as a managed "
           "plugin's settings):\n"
           "  OVSNET_DB (--db), OVSNET_SCOPE (--scope), OVSNET_IPTABLES "
           "(--iptables),\n"
           "  OVSNET_OVN_NB (--ovn-nb), OVSNET_LOG_LEVEL (-v specs separated "
           "by spaces)\n");
    exit(EXIT_SUCCESS);
}

/* Raises the soft limit on open files to fit --max-connections, the
 * database, netlink and control sockets, as far as the hard limit allows. */
static void
raise_fd_limit(void)
{
    rlim_t need = max_connections + 64;
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= need) {
        return;
    }
    rlim_t want = rl.rlim_max == RLIM_INFINITY ? need : MIN(need, rl.rlim_max);
    if (want < need) {
        VLOG_WARN("the hard limit on open files (%llu) is below what "
                  "--max-connections=%d needs (%llu)",
                  (unsigned long long) rl.rlim_max, max_connections,
                  (unsigned long long) need);
    }
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl)) {
        VLOG_WARN("could not raise the limit on open files to %llu (%s)",
                  (unsigned long long) want, ovs_strerror(errno));
    }
}

/* Run as root, keeps only CAP_NET_ADMIN and CAP_NET_RAW once the sockets
 * exist: veth pairs, addresses, link settings, offloads and nf_tables need
 * the first, reading iptables-legacy's tables the second; everything else
 * ovsnetd opens (the OVSDB socket, its log) belongs to its own user.  The
 * bounding set keeps the same two and nothing else: the one program
 * ovsnetd runs, iptables-restore (netns/fwd), needs them.  With --user there
 * is nothing to do here: daemonize_start() switched user before the
 * sockets existed, and OVS's daemon_become_new_user_linux() kept what it
 * keeps for every daemon that uses the datapath (CAP_NET_ADMIN,
 * CAP_NET_RAW, CAP_NET_BROADCAST, CAP_NET_BIND_SERVICE, CAP_IPC_LOCK),
 * emptied the bounding set and dropped the supplementary groups: the
 * iptables-restore it would run has no capabilities, so --user goes with
 * --iptables=off. */
static void
drop_capabilities(void)
{
    if (geteuid() || capng_get_caps_process()) {
        return;
    }
    capng_clear(CAPNG_SELECT_BOTH);
    if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED
                      | CAPNG_BOUNDING_SET, CAP_NET_ADMIN, CAP_NET_RAW, -1)
        || capng_apply(CAPNG_SELECT_BOTH)) {
        VLOG_WARN("could not drop capabilities; running with all of "
                  "root's");
    } else {
        VLOG_INFO("capabilities dropped to CAP_NET_ADMIN and CAP_NET_RAW");
    }
}
