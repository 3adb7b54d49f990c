# bench/bench-lib.sh: scratch Open vSwitch instances for the benchmarks.
#
# Sourced (bash) by bench/run.sh:
#
#     . bench/bench-lib.sh
#     bench_init                # temp dir, EXIT trap
#     bench_host ovsnet         # a dir $T and a network namespace $NS
#                               # (bench_host_select ovsnet: back to it)
#     bench_ovs_start           # ovsdb-server + ovs-vswitchd in $NS
#                               # (KEY=VALUE...: other_config first)
#     bench_ovsnetd_start       # ovsnetd in $NS, socket $T/ovs.sock
#     ...
#     bench_host_stop           # stops them and deletes $NS
#     bench_netns NAME          # another namespace ("containers"), deleted
#                               # by the trap or by bench_netns_delete
#
# Everything lives in a temp dir and in network namespaces that this file
# creates ("ovsnet-bench-PID-NAME"): databases, sockets, pidfiles, logs and
# every link.  The machine's own Open vSwitch, /var/run/openvswitch and
# links are never read or changed.  The EXIT trap stops every daemon,
# kills every process left in the namespaces, deletes the namespaces and
# the temp dir (kept, with the logs' tails printed, if the script failed or
# BENCH_KEEP=1).
#
# Measuring, for bench-docker.sh and bench-tunnel.sh too (which source
# this file for these alone, or for more): bench_now_ms, bench_stats,
# bench_iperf_once and bench_tcp_best.
#
# Environment: OVSNETD, BENCH_ATTACH (the programs; run.sh sets them),
# OVSNETD_ARGS (extra ovsnetd options, e.g. "-vreconcile:dbg"), BENCH_WAIT
# (seconds, default 30: bounds every wait), BENCH_KEEP=1; for the TCP
# tests, BENCH_TCP_SECONDS and BENCH_TCP_RUNS (which the caller sets).

if [ -z "${BASH_VERSION:-}" ]; then
    echo "bench-lib.sh: needs bash" >&2
    exit 1
fi

: "${BENCH_WAIT:=30}"
: "${OVSNETD_ARGS:=}"
: "${OVS_SCHEMA:=/usr/share/openvswitch/vswitch.ovsschema}"
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH

BENCH_DIR=
BENCH_NAME=$(basename "${0%.sh}")
# What the trap cleans up, kept in memory rather than in the temp dir, so
# that it still works if the dir is gone.
BENCH_HOSTS=()
BENCH_NETNS_LIST=()
BENCH_PIDS=()

# bench_programs: makes OVSNETD (default ./plugin/ovsnetd) and BENCH_ATTACH
# (default: bench/bench-attach of the same build tree) absolute paths and
# exports them; exits if either is not there.
bench_programs() {
    local var path dir
    : "${OVSNETD:=./plugin/ovsnetd}"
    if [ -z "${BENCH_ATTACH:-}" ]; then
        BENCH_ATTACH=$(dirname "$OVSNETD")/../bench/bench-attach
    fi
    for var in OVSNETD BENCH_ATTACH; do
        path=${!var}
        if [ ! -x "$path" ]; then
            echo "$BENCH_NAME: $var=$path: not found or not executable" \
                 "(run \"make\" in the build tree first, or set $var)" >&2
            exit 1
        fi
        dir=$(cd "$(dirname "$path")" && pwd)
        printf -v "$var" '%s' "$dir/$(basename "$path")"
    done
    export OVSNETD BENCH_ATTACH
}

# bench_log MESSAGE: progress, on stderr, with the time since the start.
bench_log() {
    printf '%s: [%3ds] %s\n' "$BENCH_NAME" "$SECONDS" "$*" >&2
}

# bench_die MESSAGE: the benchmark cannot go on.
bench_die() {
    echo "$BENCH_NAME: error: $*" >&2
    [ -n "$BENCH_DIR" ] && [ -d "$BENCH_DIR" ] && : > "$BENCH_DIR/failed"
    exit 1
}

# bench_positive VAR...: each VAR holds a positive integer, or the
# benchmark cannot run.
bench_positive() {
    local var
    for var in "$@"; do
        [[ "${!var:-}" =~ ^[1-9][0-9]*$ ]] \
            || bench_die "$var=${!var:-}: give a positive integer"
    done
}

# bench_skip MESSAGE: this machine cannot run the benchmark.
bench_skip() {
    echo "$BENCH_NAME: skipped: $*" >&2
    exit 77
}

# bench_wait SECONDS DESCRIPTION COMMAND...: runs COMMAND until it
# succeeds, for at most SECONDS.
bench_wait() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            bench_die "timed out after ${limit}s waiting for $what"
        fi
        sleep 0.1
    done
}

# pid_alive PID: PID runs and is not a zombie.
pid_alive() {
    [ -n "$1" ] && [ -e "/proc/$1" ] \
        && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2> /dev/null
}

# bench_stop_pidfile FILE: SIGTERM to the process FILE names, waits (at most
# BENCH_WAIT seconds), then SIGKILL.
bench_stop_pidfile() {
    local pid deadline
    [ -f "$1" ] || return 0
    pid=$(head -n 1 "$1" | tr -cd '0-9')
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2> /dev/null
    deadline=$((SECONDS + BENCH_WAIT))
    while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do
        sleep 0.05
    done
    if pid_alive "$pid"; then
        echo "$1: pid $pid ignored SIGTERM, killing it" >&2
        kill -KILL "$pid" 2> /dev/null
    fi
}

# bench_init: checks the machine, creates the temp dir, installs the trap.
bench_init() {
    local tool
    [ "$(id -u)" = 0 ] || bench_skip "needs root (network namespaces)"
    for tool in ovsdb-server ovs-vswitchd ovsdb-tool ovs-vsctl ip; do
        command -v $tool > /dev/null || bench_skip "$tool is not installed"
    done
    [ -f "$OVS_SCHEMA" ] || bench_skip "$OVS_SCHEMA not found"
    ip netns list > /dev/null 2>&1 || bench_skip "no network namespaces"

    BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ovsnet-bench.XXXXXX") \
        || bench_die "cannot create a temp dir"
    BENCH_NS_PREFIX=ovsnet-bench-$$
    trap bench_cleanup EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# bench_netns NAME: creates the network namespace "ovsnet-bench-PID-NAME"
# with lo up, deleted by the trap.  Sets BENCH_NETNS to its name.
bench_netns() {
    BENCH_NETNS=$BENCH_NS_PREFIX-$1
    [ -e "/run/netns/$BENCH_NETNS" ] \
        && bench_die "network namespace $BENCH_NETNS already exists"
    ip netns add "$BENCH_NETNS" \
        || bench_die "cannot create network namespace $BENCH_NETNS"
    BENCH_NETNS_LIST+=("$BENCH_NETNS")
    ip -n "$BENCH_NETNS" link set lo up
}

# bench_host NAME: a simulated host: its directory T and its namespace NS,
# selected as bench_host_select does.
bench_host() {
    mkdir -p "$BENCH_DIR/$1"
    bench_netns "$1"
    BENCH_HOSTS+=("$BENCH_DIR/$1")
    bench_host_select "$1"
}

# bench_host_select NAME: makes host NAME, which bench_host made, the
# current one: T, NS, and the OVS_* variables that point Open vSwitch's
# tools (ovs-vsctl, ovs-appctl, and so ovs-docker) at it.
bench_host_select() {
    [ -d "$BENCH_DIR/$1" ] || bench_die "bench_host_select: no host $1"
    T=$BENCH_DIR/$1
    NS=$BENCH_NS_PREFIX-$1
    export OVS_RUNDIR=$T OVS_LOGDIR=$T OVS_DBDIR=$T OVS_SYSCONFDIR=$T
}

# in_ns COMMAND...: COMMAND in the host's namespace.
in_ns() {
    ip netns exec "$NS" "$@"
}

# vsctl ARGS...: ovs-vsctl on the host's database.
vsctl() {
    ovs-vsctl --db="unix:$T/db.sock" --timeout="$BENCH_WAIT" "$@"
}

# bench_ovs_start [KEY=VALUE...]: ovsdb-server and ovs-vswitchd of the
# host, ovs-vswitchd started with other_config:KEY=VALUE (e.g.
# userspace-tso-enable=true, which it reads only when it starts).
bench_ovs_start() {
    local kv
    ovsdb-tool create "$T/conf.db" "$OVS_SCHEMA" \
        || bench_die "ovsdb-tool create failed"
    in_ns ovsdb-server "$T/conf.db" --remote="punix:$T/db.sock" \
        --pidfile="$T/ovsdb-server.pid" --unixctl="$T/ovsdb-server.ctl" \
        --log-file="$T/ovsdb-server.log" --detach --no-chdir \
        -vconsole:off || bench_die "ovsdb-server did not start"
    bench_wait "$BENCH_WAIT" "ovsdb-server's socket" test -S "$T/db.sock"
    vsctl --no-wait init || bench_die "ovs-vsctl cannot reach ovsdb-server"
    for kv in "$@"; do
        vsctl --no-wait set Open_vSwitch . "other_config:$kv" \
            || bench_die "cannot set other_config:$kv"
    done
    in_ns ovs-vswitchd "unix:$T/db.sock" --pidfile="$T/ovs-vswitchd.pid" \
        --unixctl="$T/vswitchd.ctl" --log-file="$T/ovs-vswitchd.log" \
        --detach --no-chdir -vconsole:off \
        || bench_die "ovs-vswitchd did not start"
    # Without --no-wait, ovs-vsctl waits for ovs-vswitchd to catch up.
    vsctl init || bench_die "ovs-vswitchd does not follow the database"
}

# bench_ovsnetd_start [OPTION...]: ovsnetd in the host's namespace, on
# $T/ovs.sock; waits until it answers Plugin.Activate.  Sets OVSNETD_PID.
bench_ovsnetd_start() {
    # shellcheck disable=SC2086
    in_ns "$OVSNETD" --db="unix:$T/db.sock" --socket="$T/ovs.sock" \
        --pidfile="$T/ovsnetd.pid" --unixctl="$T/ovsnetd.ctl" \
        --log-file="$T/ovsnetd.log" --detach --no-chdir -vconsole:off \
        $OVSNETD_ARGS "$@" || bench_die "ovsnetd did not start"
    bench_wait "$BENCH_WAIT" "ovsnetd to answer Plugin.Activate" \
        "$BENCH_ATTACH" activate "$T/ovs.sock"
    OVSNETD_PID=$(head -n 1 "$T/ovsnetd.pid" | tr -cd '0-9')
    pid_alive "$OVSNETD_PID" || bench_die "no live ovsnetd in its pidfile"
}

# bench_spawn COMMAND...: starts COMMAND in the background, killed by the
# trap.  Sets BENCH_PID.
bench_spawn() {
    "$@" < /dev/null > /dev/null 2>&1 &
    BENCH_PID=$!
    # Killed by the trap, without the shell's "Killed" message.
    disown "$BENCH_PID"
    BENCH_PIDS+=("$BENCH_PID")
}

# bench_container NAME: a stand-in for a container: a process sleeping in a
# network namespace of its own.  Sets CONTAINER_NETNS and CONTAINER_PID.
bench_container() {
    bench_netns "$1"
    CONTAINER_NETNS=$BENCH_NETNS
    bench_spawn ip netns exec "$CONTAINER_NETNS" sleep 86400
    CONTAINER_PID=$BENCH_PID
    # "ip netns exec" execs sleep: same pid, once it is in the namespace.
    bench_wait 10 "the container process" _bench_in_netns \
        "$CONTAINER_PID" "$CONTAINER_NETNS"
}

# _bench_in_netns PID NETNS: process PID is in the named namespace NETNS.
_bench_in_netns() {
    [ "$(readlink "/proc/$1/ns/net")" \
      = "net:[$(stat -L -c %i "/run/netns/$2")]" ]
}

# _bench_stop_dir DIR: stops the daemons of the host in DIR.
_bench_stop_dir() {
    bench_stop_pidfile "$1/ovsnetd.pid"
    bench_stop_pidfile "$1/ovs-vswitchd.pid"
    bench_stop_pidfile "$1/ovsdb-server.pid"
}

# bench_netns_delete NAME: kills what runs in namespace NAME (one that
# bench_netns made) and deletes it, before the trap would.
bench_netns_delete() {
    [ -e "/run/netns/$1" ] || return 0
    ip netns pids "$1" 2> /dev/null | xargs -r kill -KILL 2> /dev/null
    ip netns delete "$1" 2> /dev/null
}

# bench_host_stop: stops the current host's daemons and deletes its
# namespace (its links go with it).
bench_host_stop() {
    _bench_stop_dir "$T"
    bench_netns_delete "$NS"
}

# ---------------------------------------------------------------------------
# Measuring.

# bench_now_ms: the time in ms.  CLOCK_MONOTONIC is what "date" cannot
# give; the realtime clock in ms is good enough for runs of a second.
bench_now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# bench_stats PREFIX DECIMALS [spread]: of the numbers (ms) on standard
# input, one a line, prints PREFIX.median_ms, PREFIX.min_ms and
# PREFIX.max_ms with DECIMALS decimals; with "spread", PREFIX.spread_pct
# too: the half interquartile range as a percentage of the median.
bench_stats() {
    sort -n | awk -v p="$1" -v f="%.${2}f" -v spread="${3:-}" '
        { v[NR] = $1 }
        # Nearest rank.
        function q(x,   r) {
            r = int(x * NR + 0.999999)
            return v[r < 1 ? 1 : r]
        }
        END {
            if (NR % 2) {
                med = v[(NR + 1) / 2]
            } else {
                med = (v[NR / 2] + v[NR / 2 + 1]) / 2
            }
            printf "%s.median_ms " f "\n", p, med
            printf "%s.min_ms " f "\n%s.max_ms " f "\n", p, v[1], p, v[NR]
            if (spread == "spread")
                printf "%s.spread_pct %.1f\n", p,
                       med ? (q(0.75) - q(0.25)) / 2 / med * 100 : 0
        }'
}

# bench_iperf_once SERVER_NETNS CLIENT_NETNS SERVER_IP: one iperf3 test of
# BENCH_TCP_SECONDS from network namespace CLIENT_NETNS to SERVER_IP,
# served from SERVER_NETNS; each namespace a path for "nsenter --net=",
# /run/netns/NAME or /proc/PID/ns/net.  Prints "GBPS RETRANSMITS", or
# "0 failed" if the test did not complete.
bench_iperf_once() {
    local sns=$1 cns=$2 sip=$3 server out rc=0 deadline
    # One test, then the server exits; "timeout" bounds it anyway.
    nsenter --net="$sns" timeout $((BENCH_TCP_SECONDS + 40)) \
        iperf3 -s -1 -B "$sip" > /dev/null 2>&1 &
    server=$!
    deadline=$((SECONDS + 10))
    until nsenter --net="$sns" ss -Hltn "sport = :5201" | grep -q .; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 $server 2> /dev/null; then
            bench_log "iperf3 server on $sip did not start"
            echo "0 failed"
            return
        fi
        sleep 0.1
    done
    out=$(nsenter --net="$cns" timeout $((BENCH_TCP_SECONDS + 20)) \
              iperf3 -c "$sip" -t "$BENCH_TCP_SECONDS" -J 2>&1) || rc=$?
    kill $server 2> /dev/null
    wait $server 2> /dev/null
    if [ $rc != 0 ]; then
        bench_log "iperf3 to $sip failed (exit status $rc):" \
            "$(jq -r '.error? // empty' <<< "$out" 2> /dev/null | head -c 200)"
        echo "0 failed"
        return
    fi
    jq -r '"\(.end.sum_received.bits_per_second / 1e9) \(.end.sum_sent.retransmits)"' \
        <<< "$out"
}

# bench_tcp_best SERVER_NETNS CLIENT_NETNS SERVER_IP: the best of
# BENCH_TCP_RUNS bench_iperf_once tests.  Sets BENCH_TCP_GBPS (the best,
# 3 decimals), BENCH_TCP_RETRANSMITS (in the best; "failed" if no test
# completed) and BENCH_TCP_ALL (each test's, 2 decimals, comma separated).
bench_tcp_best() {
    local i gbps retr best=0
    BENCH_TCP_RETRANSMITS=
    BENCH_TCP_ALL=
    for ((i = 0; i < BENCH_TCP_RUNS; i++)); do
        read -r gbps retr < <(bench_iperf_once "$@")
        [[ "$gbps" =~ ^[0-9.]+$ ]] || gbps=0
        BENCH_TCP_ALL="$BENCH_TCP_ALL${BENCH_TCP_ALL:+,}$(printf '%.2f' "$gbps")"
        if awk -v a="$gbps" -v b="$best" 'BEGIN { exit !(a > b) }' \
           || [ -z "$BENCH_TCP_RETRANSMITS" ]; then
            best=$gbps
            BENCH_TCP_RETRANSMITS=$retr
        fi
    done
    BENCH_TCP_GBPS=$(printf '%.3f' "$best")
}

# bench_tails DIR: the last lines of the logs in DIR.
bench_tails() {
    local f
    for f in "$1"/*.log; do
        [ -s "$f" ] || continue
        echo "----- last lines of $f -----"
        tail -n "${BENCH_LOG_LINES:-30}" "$f"
    done
}

bench_cleanup() {
    local rc=$? t i pid
    trap - EXIT HUP INT TERM
    set +e
    for pid in "${BENCH_PIDS[@]}"; do
        kill -KILL "$pid" 2> /dev/null
    done
    for t in "${BENCH_HOSTS[@]}"; do
        _bench_stop_dir "$t"
    done
    # Whatever still runs in our namespaces (daemons whose pidfiles are
    # gone) dies with them.  Containers' namespaces first.
    for ((i = ${#BENCH_NETNS_LIST[@]} - 1; i >= 0; i--)); do
        bench_netns_delete "${BENCH_NETNS_LIST[$i]}"
    done
    if [ -z "$BENCH_DIR" ] || [ ! -d "$BENCH_DIR" ]; then
        exit $rc
    fi
    if [ $rc != 0 ] && [ $rc != 77 ] || [ -e "$BENCH_DIR/failed" ] \
       || [ "${BENCH_KEEP:-0}" = 1 ]; then
        for t in "${BENCH_HOSTS[@]}"; do
            bench_tails "$t"
        done
        echo "kept $BENCH_DIR" >&2
        [ $rc = 0 ] && [ -e "$BENCH_DIR/failed" ] && rc=1
    else
        rm -rf "$BENCH_DIR"
    fi
    exit $rc
}
