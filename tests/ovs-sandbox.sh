# tests/ovs-sandbox.sh: a private Open vSwitch and ovsnetd for one test.
#
# Sourced (bash) by the integration and end-to-end tests:
#
#     . "$top_srcdir/tests/ovs-sandbox.sh"
#     sandbox_start          # temp dir + netns + ovsdb-server + ovs-vswitchd
#                            # + ovsnetd, all inside the netns
#     rpc_ok NetworkDriver.CreateNetwork "$body"
#     check_json .Foo '"bar"'
#
# Everything lives in a temp dir $T and a network namespace $NS of this
# test's own: the database, its socket, pidfiles, unixctl sockets and logs
# (OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR and OVS_SYSCONFDIR point into $T), and
# every link the daemons create.  Nothing here reads or changes the
# machine's own Open vSwitch, /var/run/openvswitch or its links.  An EXIT
# trap stops the daemons, deletes the namespaces and, unless the test
# failed or OVSNET_KEEP=1, the temp dir; when it keeps the dir it prints
# the tails of the logs.
#
# Several simulated hosts: "sandbox_host NAME" creates and selects another
# $T/$NS pair (ovs_start, ovsnetd_start, vsctl, call... act on the selected
# host); "sandbox_host ''" selects the first one again.
#
# Environment: OVSNETD (the daemon) and OVSNET_CALL (tests/ovsnet-call),
# set by "make check"; OVSNETD_ARGS, extra options for every ovsnetd start;
# OVSNET_DRIVER (default ovs), the driver name of the ovsnetd that the
# ovsnetd_* functions, appctl, call and rpc work with (several may run on
# one host, each on its socket $T/DRIVER.sock, or $OVSNET_SOCK);
# OVSNETD_WRAPPER, a command ovsnetd runs under (e.g. "valgrind
# --leak-check=full --log-file=FILE"), for every ovsnetd start;
# OVSNET_KEEP=1 keeps the temp dir; OVSNET_CALL_TIMEOUT (seconds, default
# 60) bounds every call; OVSNET_WAIT (seconds, default 20) bounds waits;
# OVSNET_TEST_DATAPATH, the datapath the tests run on and expect ovsnetd to
# choose: netdev (the userspace datapath) or system (the kernel datapath:
# tests/vm/run.sh runs the tests so, in a VM); by default the one ovsnetd
# picks on this machine: system if the kernel has Open vSwitch's module
# loaded or can load it, netdev otherwise.
#
# Exit status: 77 (skip) when not root or Open vSwitch is not installed, 99
# (hard error) when a tool the tests need is missing.
#
# What it offers (each function has its own comment below):
#   set-up       sandbox_start, sandbox_init, sandbox_host, sandbox_netns,
#                ovs_start
#   daemons      ovsdb_start/stop/restart, vswitchd_start/stop/restart,
#                ovsnetd_start/stop/kill/restart, ovsnetd_running
#   commands     in_ns, in_netns, vsctl, appctl, ovs_appctl; ovsnetd's
#                files: ovsnetd_file, ovsnet_sock
#   calls        call (plain), rpc (sets REPLY, RC, HTTP_STATUS), rpc_ok,
#                rpc_err (sets ERR_MSG); bodies: net_body, ep_body,
#                join_body, ids_body; IDs: gen_id, short
#   state        db_get, db_count, db_dump, port_exists, bridge_exists,
#                ofport_ready, link_exists, link_up, addrs_of, mtu_of,
#                alias_of, link_kind; Docker's moves: link_attach,
#                link_detach
#   checks       fail, check_eq, check_ne, check_match, check_nomatch,
#                check_imatch, check_contains, check_int_cmp, check_json,
#                check_reply, json, jraw, wait_until, wait_while

if [ -z "$BASH_VERSION" ]; then
    echo "ovs-sandbox.sh: needs bash" >&2
    exit 99
fi

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${OVSNETD:=$top_builddir/plugin/ovsnetd}"
: "${OVSNET_CALL:=$top_builddir/tests/ovsnet-call}"
: "${OVSNET_CALL_TIMEOUT:=60}"
: "${OVSNET_WAIT:=20}"
: "${OVS_SCHEMA:=/usr/share/openvswitch/vswitch.ovsschema}"
# _sandbox_kernel_has_ovs: the kernel has Open vSwitch's datapath module
# loaded, or can load it (what ovsnetd looks at to pick a datapath).
_sandbox_kernel_has_ovs() {
    [ -d /sys/module/openvswitch ] \
        || grep -qs '/openvswitch\.ko' "/lib/modules/$(uname -r)/modules.dep"
}
if [ -z "${OVSNET_TEST_DATAPATH:-}" ]; then
    if _sandbox_kernel_has_ovs; then
        OVSNET_TEST_DATAPATH=system
    else
        OVSNET_TEST_DATAPATH=netdev
    fi
fi
export OVSNETD OVSNET_CALL OVSNET_TEST_DATAPATH

PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH

# ---------------------------------------------------------------------------
# Messages and checks.

# The test's own name, for messages.
SANDBOX_TEST=$(basename "${0%.sh}")

# Prints a message in the log, with the time since the test started.
log() {
    printf '%s: [%3ds] %s\n' "$SANDBOX_TEST" "$SECONDS" "$*" >&2
}

# Where the caller of a check is, as "file:line".
_sandbox_where() {
    local i
    for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
        if [ "${BASH_SOURCE[$i]}" != "${BASH_SOURCE[0]}" ]; then
            echo "$(basename "${BASH_SOURCE[$i]}"):${BASH_LINENO[$((i - 1))]}"
            return
        fi
    done
    echo "?"
}

# fail MESSAGE: the test failed.  Works in subshells too: it marks the
# sandbox failed and stops the test's main shell.
fail() {
    echo "FAIL ($(_sandbox_where)): $*" >&2
    if [ -n "$SANDBOX_DIR" ] && [ -d "$SANDBOX_DIR" ]; then
        echo "$*" >> "$SANDBOX_DIR/failed"
    fi
    if [ "${BASHPID:-$$}" != "$SANDBOX_PID" ] && [ -n "$SANDBOX_PID" ]; then
        kill -TERM "$SANDBOX_PID" 2> /dev/null
    fi
    exit 1
}

# skip MESSAGE: the test cannot run here.
skip() {
    echo "SKIP: $*" >&2
    exit 77
}

# hard_error MESSAGE: the test itself cannot work.
hard_error() {
    echo "ERROR: $*" >&2
    exit 99
}

# check_eq WHAT EXPECTED SEEN
check_eq() {
    if [ "$2" != "$3" ]; then
        fail "$1: expected '$2', seen '$3'"
    fi
}

# check_ne WHAT UNEXPECTED SEEN
check_ne() {
    if [ "$2" = "$3" ]; then
        fail "$1: expected anything but '$2', seen '$3'"
    fi
}

# check_match WHAT EXTENDED-REGEX SEEN
check_match() {
    if ! printf '%s\n' "$3" | grep -Eq -- "$2"; then
        fail "$1: expected something matching /$2/, seen '$3'"
    fi
}

# check_nomatch WHAT EXTENDED-REGEX SEEN
check_nomatch() {
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then
        fail "$1: expected nothing matching /$2/, seen '$3'"
    fi
}

# check_imatch WHAT EXTENDED-REGEX SEEN: as check_match, ignoring case.
check_imatch() {
    if ! printf '%s\n' "$3" | grep -Eqi -- "$2"; then
        fail "$1: expected something matching /$2/ (any case), seen '$3'"
    fi
}

# check_contains WHAT SUBSTRING SEEN (case-insensitive, no regex)
check_contains() {
    if ! printf '%s\n' "$3" | grep -Fqi -- "$2"; then
        fail "$1: expected something containing '$2', seen '$3'"
    fi
}

# check_int_cmp WHAT OP N SEEN: SEEN is an integer and "SEEN OP N" holds
# (OP: -gt -ge -lt -le -eq -ne).
check_int_cmp() {
    if ! [[ "$4" =~ ^-?[0-9]+$ ]] || ! [ "$4" "$2" "$3" ]; then
        fail "$1: expected an integer $2 $3, seen '$4'"
    fi
}

# json FILTER [JSON]: jq -c FILTER applied to JSON (default $REPLY).
json() {
    local input=${2-$REPLY}
    printf '%s' "$input" | jq -c "$1" 2> /dev/null \
        || fail "not JSON, or jq filter '$1' failed on: $input"
}

# check_json FILTER EXPECTED [JSON]: the value FILTER selects in JSON
# (default: the last reply) is EXPECTED, a JSON text (compared after
# normalization, so key order and spaces do not matter).
check_json() {
    local input=${3-$REPLY} seen expected
    seen=$(printf '%s' "$input" | jq -cS "$1" 2> /dev/null) \
        || fail "reply is not JSON, or filter $1 failed: '$input'"
    expected=$(printf '%s' "$2" | jq -cS . 2> /dev/null) \
        || hard_error "check_json: bad expected JSON '$2'"
    if [ "$seen" != "$expected" ]; then
        fail "$1: expected $expected, seen $seen (in $input)"
    fi
}

# check_reply EXPECTED: the whole last reply is the JSON text EXPECTED.
check_reply() {
    check_json . "$1"
}

# wait_until DESCRIPTION COMMAND...: runs COMMAND until it succeeds, for at
# most $OVSNET_WAIT seconds, then fails the test.
wait_until() {
    local what=$1 deadline
    shift
    deadline=$((SECONDS + OVSNET_WAIT))
    while ! "$@" > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            fail "timed out after ${OVSNET_WAIT}s waiting for $what"
        fi
        sleep 0.1
    done
}

# wait_while DESCRIPTION COMMAND...: runs COMMAND until it fails.
wait_while() {
    local what=$1 deadline
    shift
    deadline=$((SECONDS + OVSNET_WAIT))
    while "$@" > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            fail "timed out after ${OVSNET_WAIT}s waiting until no more $what"
        fi
        sleep 0.1
    done
}

# ---------------------------------------------------------------------------
# Processes.

# pid_alive PID: PID runs (a zombie is dead: no init reaps in some
# containers).
pid_alive() {
    [ -n "$1" ] && [ -e "/proc/$1" ] \
        && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2> /dev/null
}

# pidfile_pid FILE: the pid in FILE, or nothing.
pidfile_pid() {
    if [ -f "$1" ]; then
        head -n 1 "$1" 2> /dev/null | tr -cd '0-9'
    fi
}

# stop_pidfile FILE [SIGNAL]: sends SIGNAL (default TERM) to the process
# whose pid FILE holds, waits until it exits, then SIGKILL if it does not.
# Returns 1 if nothing ran.
stop_pidfile() {
    local pid sig=${2:-TERM} deadline
    pid=$(pidfile_pid "$1")
    if ! pid_alive "$pid"; then
        return 1
    fi
    kill -"$sig" "$pid" 2> /dev/null || true
    # A stopped process (a test froze it) gets the signal only when it
    # runs again.
    kill -CONT "$pid" 2> /dev/null || true
    deadline=$((SECONDS + OVSNET_WAIT))
    while pid_alive "$pid"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "$1: pid $pid ignored SIG$sig, killing it" >&2
            kill -KILL "$pid" 2> /dev/null || true
            deadline=$((SECONDS + 5))
            while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do
                sleep 0.1
            done
            break
        fi
        sleep 0.05
    done
    return 0
}

# ---------------------------------------------------------------------------
# The sandbox: temp dir, namespaces, trap.

SANDBOX_DIR=
SANDBOX_PID=$$

# sandbox_init: creates the temp dir and the first host's namespace, and
# installs the trap.  Skips the test when it cannot run here.
sandbox_init() {
    local tool

    if [ "$(id -u)" != 0 ]; then
        skip "the integration tests need root (network namespaces)"
    fi
    for tool in ovsdb-server ovs-vswitchd ovsdb-tool ovs-vsctl ovs-appctl; do
        command -v $tool > /dev/null \
            || skip "$tool not found: Open vSwitch is not installed"
    done
    [ -f "$OVS_SCHEMA" ] || skip "$OVS_SCHEMA not found"
    for tool in ip jq; do
        command -v $tool > /dev/null \
            || hard_error "$tool is needed by the tests but not installed"
    done
    ip netns list > /dev/null 2>&1 || skip "no network namespace support"
    # ovsnetd picks the kernel datapath when the kernel has it.
    case $OVSNET_TEST_DATAPATH in
        netdev)
            ! _sandbox_kernel_has_ovs \
                || skip "OVSNET_TEST_DATAPATH=netdev, but the kernel has" \
                        "Open vSwitch's module: ovsnetd would pick it" ;;
        system)
            _sandbox_kernel_has_ovs \
                || skip "OVSNET_TEST_DATAPATH=system, but the kernel has" \
                        "no Open vSwitch module" ;;
        *) hard_error "OVSNET_TEST_DATAPATH must be netdev or system" ;;
    esac

    SANDBOX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ovsnet-$SANDBOX_TEST.XXXXXX") \
        || hard_error "cannot create a temp dir"
    : > "$SANDBOX_DIR/hosts"
    : > "$SANDBOX_DIR/netns"
    trap sandbox_cleanup EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # A unique prefix for every namespace of this test.
    SANDBOX_NS=ovsnet-t$$
    while [ -e "/run/netns/$SANDBOX_NS" ]; do
        SANDBOX_NS=ovsnet-t$$-$RANDOM
    done
    log "sandbox in $SANDBOX_DIR, namespace $SANDBOX_NS"
    sandbox_host ""
}

# sandbox_host NAME: selects simulated host NAME ("" is the first one),
# creating its directory and namespace the first time.  Sets T, NS and the
# OVS_* directories.
sandbox_host() {
    local name=$1
    if [ -z "$name" ]; then
        T=$SANDBOX_DIR
        NS=$SANDBOX_NS
    else
        T=$SANDBOX_DIR/$name
        NS=$SANDBOX_NS-$name
    fi
    SANDBOX_HOST=$name
    export OVS_RUNDIR=$T OVS_LOGDIR=$T OVS_DBDIR=$T OVS_SYSCONFDIR=$T
    if ! grep -Fqx "$NS $T" "$SANDBOX_DIR/hosts"; then
        mkdir -p "$T"
        _sandbox_add_netns "$NS"
        echo "$NS $T" >> "$SANDBOX_DIR/hosts"
        in_ns ip link set lo up
    fi
}

_sandbox_add_netns() {
    if [ -e "/run/netns/$1" ]; then
        hard_error "network namespace $1 already exists"
    fi
    ip netns add "$1" || hard_error "cannot create network namespace $1"
    echo "$1" >> "$SANDBOX_DIR/netns"
}

# sandbox_netns SHORT: creates a namespace "$SANDBOX_NS-SHORT" (e.g. for a
# container), with lo up, deleted by the trap.  Prints its name.
sandbox_netns() {
    local name=$SANDBOX_NS-$1
    _sandbox_add_netns "$name"
    ip -n "$name" link set lo up
    echo "$name"
}

# sandbox_start: sandbox_init, ovs_start, ovsnetd_start.
sandbox_start() {
    sandbox_init
    ovs_start
    ovsnetd_start
}

sandbox_failed() {
    [ -s "$SANDBOX_DIR/failed" ]
}

_sandbox_tails() {
    local f
    for f in "$1"/ovsnetd*.log "$1"/ovs-vswitchd.log "$1"/ovsdb-server.log; do
        if [ -s "$f" ]; then
            echo "----- last lines of $f -----"
            tail -n "${OVSNET_LOG_LINES:-40}" "$f"
        fi
    done
}

sandbox_cleanup() {
    local rc=$? ns t netns
    trap - EXIT HUP INT TERM
    set +e
    if [ -z "$SANDBOX_DIR" ] || [ ! -d "$SANDBOX_DIR" ]; then
        exit $rc
    fi
    if [ $rc != 0 ] && [ $rc != 77 ] && ! sandbox_failed; then
        echo "exit status $rc" >> "$SANDBOX_DIR/failed"
    fi
    while read -r ns t; do
        [ -n "$t" ] || continue
        stop_pidfile "$t/ovsnetd.pid"
        for pidfile in "$t"/*.pid; do
            case $pidfile in
                */ovs-vswitchd.pid|*/ovsdb-server.pid|*/\*.pid) ;;
                *) stop_pidfile "$pidfile" ;;
            esac
        done
        stop_pidfile "$t/ovs-vswitchd.pid"
        stop_pidfile "$t/ovsdb-server.pid"
    done < "$SANDBOX_DIR/hosts"
    # Containers' namespaces first, the hosts' last.
    tac "$SANDBOX_DIR/netns" | while read -r netns; do
        if [ -n "$netns" ]; then
            ip netns pids "$netns" 2> /dev/null | xargs -r kill -KILL
            ip netns delete "$netns" 2> /dev/null
        fi
    done
    if sandbox_failed || [ "${OVSNET_KEEP:-0}" = 1 ]; then
        while read -r ns t; do
            [ -n "$t" ] && _sandbox_tails "$t"
        done < "$SANDBOX_DIR/hosts"
        if sandbox_failed; then
            echo "----- failures -----"
            cat "$SANDBOX_DIR/failed"
            [ $rc = 0 ] && rc=1
        fi
        echo "kept $SANDBOX_DIR"
    else
        rm -rf "$SANDBOX_DIR"
    fi
    exit $rc
}

# ---------------------------------------------------------------------------
# Commands in the sandbox.

# in_ns COMMAND...: runs COMMAND in the selected host's namespace.
in_ns() {
    ip netns exec "$NS" "$@"
}

# vsctl ARGS...: ovs-vsctl on the selected host's database.
vsctl() {
    ovs-vsctl --db="unix:$T/db.sock" --timeout="${VSCTL_TIMEOUT:-$OVSNET_WAIT}" \
        "$@"
}

# ovsnetd_file SUFFIX: the pidfile (pid), control socket (ctl) or log (log)
# of the selected host's ovsnetd of driver $OVSNET_DRIVER: $T/ovsnetd.SUFFIX
# for driver ovs, $T/ovsnetd-DRIVER.SUFFIX for another (ovsnetd's own
# names).
ovsnetd_file() {
    if [ "${OVSNET_DRIVER:-ovs}" = ovs ]; then
        echo "$T/ovsnetd.$1"
    else
        echo "$T/ovsnetd-$OVSNET_DRIVER.$1"
    fi
}

# ovsnet_sock: the plugin socket of that ovsnetd ($OVSNET_SOCK if set).
ovsnet_sock() {
    echo "${OVSNET_SOCK:-$T/${OVSNET_DRIVER:-ovs}.sock}"
}

# appctl ARGS...: ovs-appctl to the selected host's ovsnetd.
appctl() {
    ovs-appctl --timeout="$OVSNET_WAIT" -t "$(ovsnetd_file ctl)" "$@"
}

# ovs_appctl TARGET ARGS...: ovs-appctl to TARGET (ovs-vswitchd,
# ovsdb-server) of the selected host.
ovs_appctl() {
    local target=$1
    shift
    case $target in
        ovs-vswitchd) target=$T/vswitchd.ctl ;;
        ovsdb-server) target=$T/ovsdb-server.ctl ;;
    esac
    ovs-appctl --timeout="$OVSNET_WAIT" -t "$target" "$@"
}

# link_exists NAME [NETNS]: NAME is a link in NETNS (default $NS).
link_exists() {
    ip -n "${2:-$NS}" link show dev "$1" > /dev/null 2>&1
}

# ---------------------------------------------------------------------------
# ovsdb-server and ovs-vswitchd.

ovsdb_start() {
    if [ ! -f "$T/conf.db" ]; then
        ovsdb-tool create "$T/conf.db" "$OVS_SCHEMA" \
            || hard_error "ovsdb-tool create failed"
    fi
    in_ns ovsdb-server "$T/conf.db" \
        --remote="punix:$T/db.sock" \
        --pidfile="$T/ovsdb-server.pid" \
        --unixctl="$T/ovsdb-server.ctl" \
        --log-file="$T/ovsdb-server.log" \
        --detach --no-chdir -vconsole:off \
        || fail "ovsdb-server did not start"
    wait_until "ovsdb-server's socket" test -S "$T/db.sock"
    vsctl --no-wait init || fail "ovs-vsctl cannot talk to ovsdb-server"
}

ovsdb_stop() {
    stop_pidfile "$T/ovsdb-server.pid" "${1:-TERM}" \
        || fail "ovsdb-server was not running"
}

ovsdb_restart() {
    log "restarting ovsdb-server"
    ovsdb_stop
    ovsdb_start
}

vswitchd_start() {
    in_ns ovs-vswitchd "unix:$T/db.sock" \
        --pidfile="$T/ovs-vswitchd.pid" \
        --unixctl="$T/vswitchd.ctl" \
        --log-file="$T/ovs-vswitchd.log" \
        --detach --no-chdir -vconsole:off \
        || fail "ovs-vswitchd did not start"
    # Without --no-wait, ovs-vsctl waits until ovs-vswitchd has applied
    # the database's configuration.
    vsctl init || fail "ovs-vswitchd does not follow the database"
}

vswitchd_stop() {
    stop_pidfile "$T/ovs-vswitchd.pid" "${1:-TERM}" \
        || fail "ovs-vswitchd was not running"
}

vswitchd_restart() {
    log "restarting ovs-vswitchd"
    vswitchd_stop
    vswitchd_start
}

# ovs_start: ovsdb-server and ovs-vswitchd for the selected host.
ovs_start() {
    ovsdb_start
    vswitchd_start
    log "Open vSwitch $(ovs-vswitchd --version | sed -n '1s/.* //p') up in $NS"
}

# ---------------------------------------------------------------------------
# ovsnetd.

# ovsnetd_start [OPTION...]: starts ovsnetd in the selected host's
# namespace and waits until it answers Plugin.Activate.
ovsnetd_start() {
    local deadline
    [ -x "$OVSNETD" ] || hard_error "$OVSNETD not built"
    [ -x "$OVSNET_CALL" ] || hard_error "$OVSNET_CALL not built"
    log "starting ovsnetd (driver ${OVSNET_DRIVER:-ovs})"
    # shellcheck disable=SC2086
    in_ns ${OVSNETD_WRAPPER:-} "$OVSNETD" \
        --db="unix:$T/db.sock" \
        --socket="$(ovsnet_sock)" \
        --pidfile="$(ovsnetd_file pid)" \
        --unixctl="$(ovsnetd_file ctl)" \
        --log-file="$(ovsnetd_file log)" \
        --detach --no-chdir -vconsole:off $OVSNETD_ARGS "$@" \
        || fail "ovsnetd did not start (exit status $?)"
    deadline=$((SECONDS + OVSNET_WAIT))
    until "$OVSNET_CALL" --timeout=5 "$(ovsnet_sock)" Plugin.Activate \
            > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            fail "ovsnetd does not answer Plugin.Activate on $(ovsnet_sock)"
        fi
        sleep 0.1
    done
    OVSNETD_PID=$(pidfile_pid "$(ovsnetd_file pid)")
    pid_alive "$OVSNETD_PID" || fail "no live ovsnetd in $(ovsnetd_file pid)"
}

# ovsnetd_running: ovsnetd's pidfile names a live process.
ovsnetd_running() {
    pid_alive "$(pidfile_pid "$(ovsnetd_file pid)")"
}

# ovsnetd_stop: SIGTERM, and waits until it exits.
ovsnetd_stop() {
    log "stopping ovsnetd"
    stop_pidfile "$(ovsnetd_file pid)" TERM || fail "ovsnetd was not running"
}

# ovsnetd_kill: SIGKILL, as a crash.
ovsnetd_kill() {
    log "killing ovsnetd (SIGKILL)"
    stop_pidfile "$(ovsnetd_file pid)" KILL || fail "ovsnetd was not running"
}

ovsnetd_restart() {
    ovsnetd_stop
    ovsnetd_start "$@"
}

# ---------------------------------------------------------------------------
# Calls to the plugin socket, as Docker makes them.

# call PATH [BODY|@FILE|-]: calls the selected host's ovsnetd, prints the
# reply body and returns ovsnet-call's status (0: HTTP 200, 1: other HTTP
# status, 2: transport error).
call() {
    "$OVSNET_CALL" --timeout="$OVSNET_CALL_TIMEOUT" "$(ovsnet_sock)" "$@"
}

# rpc PATH [BODY|@FILE|-] [ovsnet-call options]: calls and sets REPLY (the
# body), RC (ovsnet-call's status) and HTTP_STATUS (the HTTP status, or 0
# on a transport error).  Never fails by itself; logs the exchange.
rpc() {
    local path=$1 err shown
    shift
    err=$SANDBOX_DIR/call.err
    shown=${1-}
    if [ ${#shown} -gt 300 ]; then
        shown="${shown:0:300}... (${#shown} bytes)"
    fi
    log "> ${OVSNET_DRIVER:+$OVSNET_DRIVER: }$path $shown"
    RC=0
    REPLY=$("$OVSNET_CALL" --timeout="$OVSNET_CALL_TIMEOUT" \
                "${RPC_OPTIONS[@]}" "$(ovsnet_sock)" "$path" "$@" \
                2> "$err") || RC=$?
    case $RC in
        0) HTTP_STATUS=200 ;;
        1) HTTP_STATUS=$(sed -n 's/^HTTP \([0-9]*\)$/\1/p' "$err" | tail -n 1) ;;
        *) HTTP_STATUS=0 ;;
    esac
    if [ $RC = 2 ]; then
        log "< transport error: $(cat "$err")"
    else
        log "< $HTTP_STATUS ${REPLY:0:600}"
    fi
    return 0
}

# rpc_ok PATH [BODY]: the call must succeed (HTTP 200, a JSON body with no
# "Err" in it, or an empty "Err").
rpc_ok() {
    rpc "$@"
    if [ "$RC" != 0 ]; then
        fail "$1: expected HTTP 200, seen ${HTTP_STATUS:-?}" \
             "($(cat "$SANDBOX_DIR/call.err")) body '$REPLY'"
    fi
    if ! printf '%s' "$REPLY" | jq -e 'type == "object"' > /dev/null 2>&1; then
        fail "$1: HTTP 200 without a JSON object body: '$REPLY'"
    fi
    if [ "$(printf '%s' "$REPLY" | jq -r '.Err // ""')" != "" ]; then
        fail "$1: HTTP 200 with an error: '$REPLY'"
    fi
}

# rpc_err PATH [BODY] [STATUS]: the call must fail with a non-200 status
# (STATUS if given) and a body {"Err": "<non-empty message>"}.  Sets
# ERR_MSG to the message.
rpc_err() {
    local path=$1 body=${2-} status=${3-}
    if [ $# -ge 2 ]; then
        rpc "$path" "$body"
    else
        rpc "$path"
    fi
    _check_err "$path" "$status"
}

_check_err() {
    local path=$1 status=$2
    if [ "$RC" = 2 ]; then
        fail "$path: expected an HTTP error, seen a transport error" \
             "($(cat "$SANDBOX_DIR/call.err"))"
    fi
    if [ "$RC" = 0 ]; then
        fail "$path: expected an HTTP error status, seen 200 with '$REPLY'"
    fi
    if [ -n "$status" ] && [ "$HTTP_STATUS" != "$status" ]; then
        fail "$path: expected HTTP $status, seen HTTP $HTTP_STATUS ('$REPLY')"
    fi
    ERR_MSG=$(printf '%s' "$REPLY" \
              | jq -er '.Err | select(type == "string" and length > 0)' \
                2> /dev/null) \
        || fail "$path: expected a body {\"Err\": \"message\"}, seen '$REPLY'"
}

# ---------------------------------------------------------------------------
# Docker-like helpers.

# gen_id [PREFIX]: a 64-hex-digit ID like Docker's, starting with PREFIX
# (hex digits), random otherwise.
gen_id() {
    local id
    id=$1$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
    echo "${id:0:64}"
}

# short ID: the first 9 hex digits, as in ovsnet's names.
short() {
    echo "${1:0:9}"
}

# OVSDB helpers, on the selected host.  Print nothing when the row does not
# exist.
#   db_get TABLE RECORD COLUMN[:KEY]
db_get() {
    vsctl --no-wait --if-exists get "$1" "$2" "$3" 2> /dev/null \
        | sed 's/^"\(.*\)"$/\1/'
}

# db_count TABLE [CONDITION...]: number of rows (that match CONDITIONs, in
# ovs-vsctl's "find" syntax).
db_count() {
    local table=$1
    shift
    vsctl --no-wait --bare --columns=_uuid find "$table" "$@" \
        | grep -c . || true
}

# db_dump: every table ovsnet touches, as JSON, to compare before/after.
db_dump() {
    local table
    for table in Open_vSwitch Bridge Port Interface; do
        vsctl --no-wait --format=json \
            --columns="$(_db_columns "$table")" list "$table" \
            | jq -cS '.data | sort'
    done
}

# The columns db_dump compares: configuration, not what ovs-vswitchd
# updates by itself (statistics, status, link state...).
_db_columns() {
    case $1 in
        Open_vSwitch) echo bridges,external_ids ;;
        Bridge) echo name,ports,datapath_type,external_ids,other_config ;;
        Port) echo name,interfaces,tag,trunks,external_ids,other_config ;;
        Interface) echo name,type,options,external_ids,mtu_request ;;
    esac
}

# port_exists NAME: an OVSDB Port NAME exists.
port_exists() {
    [ -n "$(vsctl --no-wait --if-exists get Port "$1" _uuid 2> /dev/null)" ]
}

# bridge_exists NAME
bridge_exists() {
    vsctl --no-wait br-exists "$1" 2> /dev/null
}

# ofport_ready NAME: the Interface NAME has an ofport > 0.
ofport_ready() {
    local ofport
    ofport=$(db_get Interface "$1" ofport)
    [[ "$ofport" =~ ^[0-9]+$ ]] && [ "$ofport" -gt 0 ]
}

# link_attach LINK NETNS IFNAME [ADDRESS/LEN...]: does what Docker does
# with a Join's SrcName: moves LINK from the host's namespace into NETNS,
# renames it IFNAME, adds the addresses and brings it up.  MAC=... in the
# environment sets the MAC first, GW=... adds a default route.
link_attach() {
    local link=$1 netns=$2 ifname=$3 addr
    shift 3
    ip -n "$NS" link set dev "$link" netns "$netns" \
        || fail "cannot move $link into $netns"
    ip -n "$netns" link set dev "$link" name "$ifname" \
        || fail "cannot rename $link to $ifname"
    if [ -n "${MAC-}" ]; then
        ip -n "$netns" link set dev "$ifname" address "$MAC" \
            || fail "cannot set $ifname's MAC to $MAC"
    fi
    for addr in "$@"; do
        ip -n "$netns" addr add "$addr" dev "$ifname" nodad 2> /dev/null \
            || ip -n "$netns" addr add "$addr" dev "$ifname" \
            || fail "cannot add $addr to $ifname"
    done
    ip -n "$netns" link set dev "$ifname" up || fail "cannot bring $ifname up"
    if [ -n "${GW-}" ]; then
        ip -n "$netns" route add default via "$GW" dev "$ifname" \
            || fail "cannot add a default route via $GW"
    fi
}

# link_detach IFNAME NETNS SRCNAME: what Docker does when a container
# stops: moves IFNAME back into the host's namespace as SRCNAME.
link_detach() {
    ip -n "$2" link set dev "$1" down 2> /dev/null || true
    ip -n "$2" link set dev "$1" name "$3" || fail "cannot rename $1 to $3"
    ip -n "$2" link set dev "$3" netns "$NS" \
        || fail "cannot move $3 back into $NS"
}

# in_netns NETNS COMMAND...: runs COMMAND in NETNS (e.g. a container's).
in_netns() {
    local netns=$1
    shift
    ip netns exec "$netns" "$@"
}

# addrs_of LINK [NETNS]: LINK's global addresses as "ip/len", sorted, one a
# line (no IPv6 link-local addresses).
addrs_of() {
    ip -n "${2:-$NS}" -j addr show dev "$1" 2> /dev/null \
        | jq -r '.[0].addr_info[]? | select(.scope != "link")
                 | "\(.local)/\(.prefixlen)"' | sort
}

# mtu_of LINK [NETNS]
mtu_of() {
    ip -n "${2:-$NS}" -j link show dev "$1" 2> /dev/null | jq -r '.[0].mtu'
}

# alias_of LINK [NETNS]: LINK's ifalias.
alias_of() {
    ip -n "${2:-$NS}" -j link show dev "$1" 2> /dev/null \
        | jq -r '.[0].ifalias // ""'
}

# ---------------------------------------------------------------------------
# Request bodies, as Docker 20.10-27 writes them.

# net_body ID [V4POOL V4GW [V6POOL V6GW]]: a CreateNetwork request.  From
# the environment: GENERIC, a JSON object of "-o" options (default {});
# INTERNAL=true for "docker network create --internal".  An empty V4GW
# leaves Gateway out; no V6POOL sends "IPv6Data": null as Docker does.
net_body() {
    jq -nc --arg id "$1" --arg p4 "${2-}" --arg g4 "${3-}" \
        --arg p6 "${4-}" --arg g6 "${5-}" \
        --argjson generic "${GENERIC:-{\}}" \
        --argjson internal "${INTERNAL:-false}" '
        def data($pool; $gw):
            {AddressSpace: "LocalDefault", Pool: $pool}
            + (if $gw != "" then {Gateway: $gw} else {} end);
        {NetworkID: $id,
         Options: ({"com.docker.network.enable_ipv6": ($p6 != ""),
                    "com.docker.network.generic": $generic}
                   + (if $internal then {"com.docker.network.internal": true}
                      else {} end)),
         IPv4Data: (if $p4 != "" then [data($p4; $g4)] else [] end),
         IPv6Data: (if $p6 != "" then [data($p6; $g6)] else null end)}' \
        || hard_error "net_body: bad arguments"
}

# ep_body NETWORK ENDPOINT ADDRESS [ADDRESSV6 [MAC]]: a CreateEndpoint
# request.
ep_body() {
    jq -nc --arg net "$1" --arg ep "$2" --arg a4 "${3-}" --arg a6 "${4-}" \
        --arg mac "${5-}" '
        {NetworkID: $net, EndpointID: $ep,
         Interface: {Address: $a4, AddressIPv6: $a6, MacAddress: $mac},
         Options: {"com.docker.network.endpoint.exposedports": [],
                   "com.docker.network.portmap": []}}'
}

# join_body NETWORK ENDPOINT: a Join request.
join_body() {
    jq -nc --arg net "$1" --arg ep "$2" \
        --arg key "/var/run/docker/netns/${2:0:12}" '
        {NetworkID: $net, EndpointID: $ep, SandboxKey: $key, Options: {}}'
}

# ids_body NETWORK [ENDPOINT]: {"NetworkID"[, "EndpointID"]}, the body of
# DeleteNetwork, DeleteEndpoint, Leave, EndpointOperInfo...
ids_body() {
    if [ $# -ge 2 ]; then
        jq -nc --arg net "$1" --arg ep "$2" '{NetworkID: $net, EndpointID: $ep}'
    else
        jq -nc --arg net "$1" '{NetworkID: $net}'
    fi
}

# jraw FILTER [JSON]: jq -r FILTER applied to JSON (default $REPLY).
jraw() {
    local input=${2-$REPLY}
    printf '%s' "$input" | jq -r "$1" 2> /dev/null \
        || fail "not JSON, or jq filter '$1' failed on: $input"
}

# link_up LINK [NETNS]: LINK is administratively up.
link_up() {
    ip -n "${2:-$NS}" -j link show dev "$1" 2> /dev/null \
        | jq -e '.[0].flags | any(. == "UP")' > /dev/null
}

# link_kind LINK [NETNS]: "veth", "tun"... (empty for a plain device).
link_kind() {
    ip -n "${2:-$NS}" -j -d link show dev "$1" 2> /dev/null \
        | jq -r '.[0].linkinfo.info_kind // ""'
}
