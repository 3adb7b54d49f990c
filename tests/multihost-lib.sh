# tests/multihost-lib.sh: several simulated hosts joined by an underlay, for
# the multi-host (tunnel) tests.
# shellcheck shell=bash
#
# Sourced (bash) by tests/test-multihost-*.sh:
#
#     . "$top_srcdir/tests/multihost-lib.sh"
#     mh_setup 3                      # 3 hosts, IPv4 underlay
#     GENERIC=$(mh_generic vxlan 5001) mh_create_network "$N" 198.51.100.0/24 198.51.100.1/24
#     mh_container 1 h1c1 "$N" "$(gen_id e)" 198.51.100.11/24
#     mh_ping_ok h1c1 198.51.100.21
#
# What it builds, on top of tests/ovs-sandbox.sh (which it sources and whose
# helpers and checks it uses):
#
#   underlay   the sandbox's first namespace ($MH_UL): a Linux bridge "ul"
#              and, for each host I, a veth "ulhI" whose other end is the
#              host's uplink "eth1".
#   host I     namespace $SANDBOX_NS-hI and temp dir $SANDBOX_DIR/hI (as
#              "sandbox_host hI" makes them), with its own ovsdb-server,
#              ovs-vswitchd (datapath netdev: no kernel module here; the
#              kernel's with OVSNET_TEST_DATAPATH=system, one kernel
#              datapath per namespace) and
#              ovsnetd (database, pidfiles, --unixctl sockets, logs and
#              plugin socket in the host's dir).  Its uplink gets its
#              underlay address the way an operator's would (on eth1), then
#              contrib/ovsnet-underlay moves it to the OVS bridge br-phy
#              (of the same datapath), as the userspace datapath needs for
#              its own tunnels: so every
#              test also tests that script (unless MH_BRPHY=0).
#              Underlay addresses: 192.0.2.1I/24 (host 10: .110), and with MH_UNDERLAY=6
#              2001:db8:ff::1I/64 as well (the tunnels then use those).
#   containers namespaces $SANDBOX_NS-NAME made by mh_container, which
#              does what Docker and libnetwork do with a Join's reply.
#
# Everything lives in namespaces the test made; addresses are documentation
# ranges.  The EXIT trap stops every process (daemons, listeners), deletes
# every namespace and the temp dir; on failure it keeps the temp dir, writes
# each host's OVS state into it and prints the tails of the logs.  With
# OVSNET_KEEP=1 it keeps everything: the namespaces and the daemons keep
# running and $SANDBOX_DIR/teardown removes them later.
#
# Hosts are named by number (1..N) in every helper.  Containers are named by
# the caller (one namespace each; use names unique across hosts).
#
# Environment: MH_UNDERLAY=4|6 (default 4), which family the tunnels use;
# MH_NO_OVSNETD=1 starts no ovsnetd (tests of the underlay alone);
# MH_TSO=1 runs ovs-vswitchd with other_config:userspace-tso-enable=true;
# MH_BRPHY=0 leaves the underlay address on eth1 (no br-phy: enough for the
# kernel VXLAN device, not for OVS's own tunnels); and
# everything ovs-sandbox.sh reads (OVSNETD, OVSNET_CALL, OVSNETD_ARGS,
# OVSNET_WAIT...).
#
# What it offers:
#   set-up      mh_setup N, mh_host I, mh_ns I, mh_underlay_ip I,
#               mh_peers [FAMILY], mh_start_ovsnetd I, mh_kill_ovsnetd I,
#               mh_stop_ovsnetd I, mh_ovsnetd_running I, mh_dir I,
#               mh_each FUNCTION ARG... (in parallel)
#   commands    mh_exec I CMD..., mh_vsctl I ARGS..., mh_appctl I ARGS...,
#               mh_ovs_appctl I TARGET ARGS..., mh_call I PATH [BODY]
#   calls       mh_rpc / mh_rpc_ok / mh_rpc_err I PATH [BODY] (REPLY, RC,
#               HTTP_STATUS, ERR_MSG as rpc* in ovs-sandbox.sh),
#               mh_generic TYPE VNI [KEY=VALUE...], mh_json_set JSON
#               [KEY=VALUE...], mh_create_network
#   containers  mh_container I NAME NETWORK ENDPOINT ADDR [ADDR6 [MAC]],
#               mh_cns NAME, mh_cexec NAME CMD..., mh_cip NAME [6],
#               mh_cmac NAME, mh_chost NAME, mh_containers
#   traffic     mh_ping_ok, mh_ping_fails, mh_tcp_ok, mh_tcp_to_host_ok,
#               mh_broadcast, mh_bg (a background process the trap stops)
#   underlay    mh_ul_packets [I], mh_ul_capture_start/stop
#   OVSDB       mh_rows I TABLE [COLUMNS], mh_tunnels I [NETWORK],
#               mh_tunnel_ports I [NETWORK], mh_tunnel_port_to I NETWORK IP

if [ -z "$BASH_VERSION" ]; then
    echo "multihost-lib.sh: needs bash" >&2
    exit 99
fi

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${OVSNETD_ARGS:=}"
: "${MH_UNDERLAY:=4}"
: "${MH_NO_OVSNETD:=0}"
: "${MH_TSO:=0}"
: "${MH_BRPHY:=1}"

# shellcheck source=tests/ovs-sandbox.sh
. "$top_srcdir/tests/ovs-sandbox.sh"

MH_UNDERLAY_SCRIPT=$top_srcdir/contrib/ovsnet-underlay
: "${MH_BUSYBOX:=${BUSYBOX:-/bin/busybox}}"

# The test's own stdout and stderr, for the trap (a failure inside
# "cmd > /dev/null" runs it with that redirection in place).
exec 7>&2

MH_N=0
MH_UL=

# ---------------------------------------------------------------------------
# Hosts.

# mh_host I: selects host I for the sandbox's helpers (vsctl, appctl, call,
# rpc, in_ns...): sets T, NS and the OVS_* directories.
mh_host() {
    sandbox_host "h$1"
}

# mh_ns I: host I's network namespace.
mh_ns() {
    echo "$SANDBOX_NS-h$1"
}

# mh_dir I: host I's temp dir.
mh_dir() {
    echo "$SANDBOX_DIR/h$1"
}

# mh_underlay_ip I [4|6]: host I's underlay address (the family the tunnels
# use by default), without prefix length.
mh_underlay_ip() {
    if [ "${2:-$MH_UNDERLAY}" = 6 ]; then
        echo "2001:db8:ff::1$1"
    else
        echo "192.0.2.1$1"
    fi
}

# mh_peers [FAMILY]: every host's underlay address, comma-separated, as
# ovs.peers takes them (the same list on every host).
mh_peers() {
    local i out=
    for ((i = 1; i <= MH_N; i++)); do
        out=$out${out:+,}$(mh_underlay_ip "$i" "${1:-$MH_UNDERLAY}")
    done
    echo "$out"
}

# _mh_on I FUNCTION ARGS...: runs FUNCTION with host I selected, then
# selects again the host that was selected before (so that REPLY and the
# like set by FUNCTION stay in this shell).
_mh_on() {
    local host=$1 prev=$SANDBOX_HOST rc=0
    shift
    sandbox_host "h$host"
    "$@" || rc=$?
    sandbox_host "$prev"
    return $rc
}

# mh_exec I COMMAND...: runs COMMAND in host I's namespace (network
# namespace only: /sys stays the machine's, unlike "ip netns exec", which is
# slower).
mh_exec() {
    local ns
    ns=$(mh_ns "$1")
    shift
    nsenter --net="/run/netns/$ns" "$@"
}

# mh_vsctl I ARGS...: ovs-vsctl on host I's database.
mh_vsctl() {
    local host=$1
    shift
    ovs-vsctl --db="unix:$(mh_dir "$host")/db.sock" \
        --timeout="${VSCTL_TIMEOUT:-$OVSNET_WAIT}" "$@"
}

# mh_appctl I ARGS...: ovs-appctl to host I's ovsnetd.
mh_appctl() {
    local host=$1
    shift
    ovs-appctl --timeout="$OVSNET_WAIT" -t "$(mh_dir "$host")/ovsnetd.ctl" "$@"
}

# mh_appctl_hold I SECONDS COMMAND [ARG...]: sends COMMAND to host I's
# ovsnetd as ovs-appctl would, but keeps the connection open SECONDS after
# that, in the background (as a slow client would): ovsnetd then gets no
# wakeup from the client going away.  The reply goes to
# $SANDBOX_DIR/appctl-held.out.
mh_appctl_hold() {
    local host=$1 secs=$2 req
    shift 2
    req=$(jq -nc --arg m "$1" '{id: 0, method: $m, params: $ARGS.positional}' \
              --args "${@:2}")
    log "[h$host] (connection held ${secs}s) $*"
    # timeout signals its whole process group: the trap's TERM to it ends
    # all three.
    timeout $((secs + 5)) sh -c '{ printf "%s" "$1"; sleep "$2"; } | nc -N -U "$3"; echo' \
        sh "$req" "$secs" "$(mh_dir "$host")/ovsnetd.ctl" \
        >> "$SANDBOX_DIR/appctl-held.out" 2>&1 &
    echo $! >> "$SANDBOX_DIR/bg-pids"
}

# mh_ovs_appctl I ovs-vswitchd|ovsdb-server ARGS...
mh_ovs_appctl() {
    local host=$1
    shift
    _mh_on "$host" ovs_appctl "$@"
}

# mh_call I PATH [BODY]: calls host I's plugin socket; prints the reply.
mh_call() {
    local host=$1
    shift
    "$OVSNET_CALL" --timeout="$OVSNET_CALL_TIMEOUT" \
        "$(mh_dir "$host")/ovs.sock" "$@"
}

# mh_rpc, mh_rpc_ok, mh_rpc_err I PATH [BODY]: as rpc, rpc_ok and rpc_err
# of ovs-sandbox.sh, on host I.
mh_rpc() {
    local host=$1
    shift
    log "[h$host]"
    _mh_on "$host" rpc "$@"
}

mh_rpc_ok() {
    local host=$1
    shift
    log "[h$host]"
    _mh_on "$host" rpc_ok "$@"
}

mh_rpc_err() {
    local host=$1
    shift
    log "[h$host]"
    _mh_on "$host" rpc_err "$@"
}

# mh_start_ovsnetd I [OPTION...]: starts ovsnetd on host I, waits until it
# answers.
mh_start_ovsnetd() {
    local host=$1
    shift
    log "[h$host]"
    _mh_on "$host" ovsnetd_start "$@"
}

# mh_kill_ovsnetd I: SIGKILL to host I's ovsnetd (a crash), and waits until
# it is gone.
mh_kill_ovsnetd() {
    log "[h$1]"
    _mh_on "$1" ovsnetd_kill
}

# mh_stop_ovsnetd I: SIGTERM.
mh_stop_ovsnetd() {
    log "[h$1]"
    _mh_on "$1" ovsnetd_stop
}

# mh_ovsnetd_running I
mh_ovsnetd_running() {
    pid_alive "$(pidfile_pid "$(mh_dir "$1")/ovsnetd.pid")"
}

# ---------------------------------------------------------------------------
# Set-up.

# mh_setup N: the underlay and N hosts (N from 2 to 10), each with Open
# vSwitch, its underlay address on br-phy (contrib/ovsnet-underlay) and,
# unless MH_NO_OVSNETD=1, ovsnetd.
mh_setup() {
    local n=$1 i
    [[ "$n" =~ ^([2-9]|10)$ ]] || hard_error "mh_setup: 2 to 10 hosts, not '$n'"
    case $MH_UNDERLAY in
        4|6) ;;
        *) hard_error "MH_UNDERLAY must be 4 or 6, not '$MH_UNDERLAY'" ;;
    esac
    [ -x "$MH_UNDERLAY_SCRIPT" ] || hard_error "$MH_UNDERLAY_SCRIPT not found"
    for tool in nc timeout nsenter tcpdump; do
        command -v $tool > /dev/null \
            || hard_error "$tool is needed by the multi-host tests"
    done
    [ -x "$MH_BUSYBOX" ] \
        || hard_error "$MH_BUSYBOX (busybox-static) is needed for its arping"
    ping -V 2>&1 | grep -q iputils \
        || hard_error "the multi-host tests need iputils' ping (ping -M do)"

    sandbox_init
    trap mh_cleanup EXIT
    : > "$SANDBOX_DIR/containers"
    : > "$SANDBOX_DIR/bg-pids"
    MH_UL=$NS
    MH_N=$n

    # The underlay: one Linux bridge, quiet (no IPv6 of its own, no
    # multicast snooping, no STP).
    ip netns exec "$MH_UL" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 > /dev/null 2>&1 || true
    ip -n "$MH_UL" link add ul type bridge stp_state 0 mcast_snooping 0 \
        || hard_error "cannot create the underlay bridge"
    ip -n "$MH_UL" link set ul up

    # The hosts' namespaces and dirs first (the sandbox's lists of them are
    # not written concurrently), then the hosts themselves all at once.
    for ((i = 1; i <= n; i++)); do
        mh_host "$i"
    done
    _mh_parallel _mh_host_setup
    if [ "$MH_NO_OVSNETD" != 1 ]; then
        _mh_parallel mh_start_ovsnetd
    fi
    sandbox_host ""
    log "$n hosts up, underlay IPv$MH_UNDERLAY ($(mh_peers))"
}

# mh_each FUNCTION ARG...: runs "FUNCTION ARG" for every ARG at once, each
# in a subshell; fails if one of them did.
mh_each() {
    local f=$1 a pids=() args=() bad='' k
    shift
    for a in "$@"; do
        ( "$f" "$a" ) &
        pids+=($!)
        args+=("$a")
    done
    for k in "${!pids[@]}"; do
        wait "${pids[$k]}" || bad="$bad ${args[$k]}"
    done
    [ -z "$bad" ] || fail "$f failed for$bad"
}

# _mh_parallel FUNCTION: "FUNCTION I" for every host at once.
_mh_parallel() {
    mh_each "$1" $(seq 1 "$MH_N")
}

_mh_host_setup() {
    local i=$1 out a want
    mh_host "$i"
    # IPv6: no duplicate address detection in this closed world (it only
    # makes addresses wait); no router solicitations.
    in_ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.router_solicitations=0 \
        net.ipv6.conf.default.router_solicitations=0 > /dev/null 2>&1 || true
    ip -n "$MH_UL" link add "ulh$i" type veth peer name eth1 netns "$NS" \
        || hard_error "cannot create the underlay link of host $i"
    ip -n "$MH_UL" link set "ulh$i" master ul up
    # As an operator's host has it: the address on the uplink.
    ip -n "$NS" addr add "$(mh_underlay_ip "$i" 4)/24" dev eth1
    if [ "$MH_UNDERLAY" = 6 ]; then
        ip -n "$NS" addr add "$(mh_underlay_ip "$i" 6)/64" dev eth1 nodad
    fi
    ip -n "$NS" link set eth1 up
    ovs_start
    if [ "$MH_TSO" = 1 ]; then
        # Takes effect when ovs-vswitchd starts.
        vsctl set Open_vSwitch . other_config:userspace-tso-enable=true
        vswitchd_restart
    fi
    if [ "$MH_BRPHY" = 0 ]; then
        return                  # The address stays on eth1.
    fi
    # The address moves to br-phy, with the datapath's own bridge.
    out=$(in_ns "$MH_UNDERLAY_SCRIPT" --db="unix:$T/db.sock" \
              --datapath="$OVSNET_TEST_DATAPATH" eth1 2>&1) \
        || fail "host $i: ovsnet-underlay eth1 failed: $out"
    log "[h$i] $out"
    wait_until "host $i: br-phy up" link_up br-phy
    want="$(mh_underlay_ip "$i" 4)/24"
    if [ "$MH_UNDERLAY" = 6 ]; then
        want="$want $(mh_underlay_ip "$i" 6)/64"
    fi
    for a in $want; do
        addrs_of br-phy | grep -Fqx "$a" \
            || fail "host $i: $a not on br-phy ($(addrs_of br-phy | tr '\n' ' '))"
    done
}

# ---------------------------------------------------------------------------
# Network options and networks.

# mh_generic TYPE VNI [KEY=VALUE...]: the JSON object of "-o" options of a
# tunnel network, ovs.peers being every host (mh_peers).  Extra KEY=VALUE
# options are added (an empty VALUE removes KEY).
mh_generic() {
    local type=$1 vni=$2
    shift 2
    mh_json_set "$(jq -nc --arg t "$type" --arg v "$vni" --arg p "$(mh_peers)" \
                       '{"ovs.tunnel": $t, "ovs.vni": $v, "ovs.peers": $p}')" \
        "$@"
}

# mh_json_set JSON [KEY=VALUE...]: the JSON object with each KEY set to
# VALUE (an empty VALUE removes KEY).
mh_json_set() {
    local json=$1 kv
    shift
    for kv in "$@"; do
        if [ -n "${kv#*=}" ]; then
            json=$(printf '%s' "$json" \
                   | jq -c --arg k "${kv%%=*}" --arg v "${kv#*=}" '.[$k] = $v')
        else
            json=$(printf '%s' "$json" | jq -c --arg k "${kv%%=*}" 'del(.[$k])')
        fi
    done
    echo "$json"
}

# mh_create_network ID V4POOL V4GW [V6POOL V6GW]: CreateNetwork with the
# same body (GENERIC from the environment, as net_body) on every host.
mh_create_network() {
    local i body
    body=$(net_body "$@")
    for ((i = 1; i <= MH_N; i++)); do
        mh_rpc_ok "$i" NetworkDriver.CreateNetwork "$body"
    done
}

# ---------------------------------------------------------------------------
# Containers.

# mh_container I NAME NETWORK ENDPOINT ADDR/LEN [ADDR6/LEN [MAC]]: a
# container on host I, made as Docker makes one: CreateEndpoint and Join
# on the plugin socket, then what libnetwork does with the reply: a network
# namespace for the container, the Join's SrcName moved into it and renamed
# eth0 (DstPrefix + 0), the MAC (the one given, else the one
# CreateEndpoint returned) set, the addresses added, the link up (its MTU
# stays the one the driver gave it), default routes via the Join's
# gateways.  Empty ADDR or ADDR6: none of that family.
mh_container() {
    local host=$1 name=$2 net=$3 ep=$4 addr=$5 addr6=${6-} mac=${7-}
    local src prefix gw gw6 cns a
    mh_rpc_ok "$host" NetworkDriver.CreateEndpoint \
        "$(ep_body "$net" "$ep" "$addr" "$addr6" "$mac")"
    if [ -z "$mac" ]; then
        mac=$(jraw '.Interface.MacAddress // ""')
    fi
    mh_rpc_ok "$host" NetworkDriver.Join "$(join_body "$net" "$ep")"
    { read -r src; read -r prefix; read -r gw; read -r gw6; } < <(jraw '
        .InterfaceName.SrcName // "", .InterfaceName.DstPrefix // "eth",
        .Gateway // "", .GatewayIPv6 // ""')
    [ -n "$src" ] || fail "Join of $ep on host $host: no SrcName in '$REPLY'"
    cns=$(sandbox_netns "$name")
    # No DAD (it only delays), no router solicitations (nobody answers
    # them, and they are noise in the underlay's packet counts).
    nsenter --net="/run/netns/$cns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.router_solicitations=0 \
        net.ipv6.conf.default.router_solicitations=0 > /dev/null 2>&1 || true
    ip -n "$(mh_ns "$host")" link set dev "$src" netns "$cns" \
        || fail "cannot move $src from host $host into $cns"
    ip -n "$cns" link set dev "$src" name "${prefix}0" \
        || fail "cannot rename $src to ${prefix}0"
    if [ -n "$mac" ]; then
        ip -n "$cns" link set dev "${prefix}0" address "$mac" \
            || fail "cannot set the MAC of $name to $mac"
    fi
    for a in $addr $addr6; do
        ip -n "$cns" addr add "$a" dev "${prefix}0" nodad 2> /dev/null \
            || ip -n "$cns" addr add "$a" dev "${prefix}0" \
            || fail "cannot add $a to $name"
    done
    ip -n "$cns" link set dev "${prefix}0" up || fail "cannot bring up $name"
    if [ -n "$gw" ]; then
        ip -n "$cns" route add default via "$gw" dev "${prefix}0" \
            || fail "cannot add $name's default route via $gw"
    fi
    if [ -n "$gw6" ]; then
        ip -n "$cns" -6 route add default via "$gw6" dev "${prefix}0" \
            || fail "cannot add $name's IPv6 default route via $gw6"
    fi
    [ -n "$mac" ] || mac=$(ip -n "$cns" -j link show dev "${prefix}0" \
                               | jq -r '.[0].address')
    a=${addr%/*} a6=${addr6%/*}
    echo "$name $host $cns $ep $net ${a:--} ${a6:--} ${mac:--}" \
        >> "$SANDBOX_DIR/containers"
    log "[h$host] container $name: ${prefix}0 $addr $addr6 $mac" \
        "mtu $(mtu_of "${prefix}0" "$cns")"
}

# _mh_cfield NAME FIELD-NUMBER
_mh_cfield() {
    local f
    f=$(awk -v n="$1" -v f="$2" '$1 == n { print $f; exit }' \
            "$SANDBOX_DIR/containers")
    [ -n "$f" ] || fail "no container $1 (or no such field)"
    [ "$f" = - ] && f=
    echo "$f"
}

mh_chost() { _mh_cfield "$1" 2; }
mh_cns() { _mh_cfield "$1" 3; }
mh_cep() { _mh_cfield "$1" 4; }
mh_cmac() { _mh_cfield "$1" 8; }

# mh_cip NAME [6]: the container's IPv4 (IPv6) address.
mh_cip() {
    if [ "${2:-4}" = 6 ]; then
        _mh_cfield "$1" 7
    else
        _mh_cfield "$1" 6
    fi
}

# mh_containers: the names of every container, one a line.
mh_containers() {
    awk '{ print $1 }' "$SANDBOX_DIR/containers"
}

# mh_cexec NAME COMMAND...: runs COMMAND in container NAME's network
# namespace (as mh_exec).
mh_cexec() {
    local cns
    cns=$(mh_cns "$1")
    shift
    nsenter --net="/run/netns/$cns" "$@"
}

# ---------------------------------------------------------------------------
# Traffic.

# mh_ping_ok NAME ADDRESS [SECONDS]: the container reaches ADDRESS (the
# first pings may go to ARP or ND: retried for SECONDS, default 10).
mh_ping_ok() {
    local c=$1 dest=$2 limit=${3:-10} deadline out
    deadline=$((SECONDS + limit))
    until out=$(mh_cexec "$c" ping -n -c 1 -W 1 "$dest" 2>&1); do
        if [ $SECONDS -ge $deadline ]; then
            fail "$c cannot ping $dest: $(echo "$out" | tail -n 3)"
        fi
        sleep 0.2
    done
}

# mh_ping_fails NAME ADDRESS: three pings get no answer.
mh_ping_fails() {
    if mh_cexec "$1" ping -n -c 3 -i 0.3 -W 1 "$2" > /dev/null 2>&1; then
        fail "$1 reaches $2, which it must not"
    fi
}

# mh_bg COMMAND...: runs COMMAND in the background; the trap kills it.
# Sets MH_BG_PID.
mh_bg() {
    "$@" &
    MH_BG_PID=$!
    echo "$MH_BG_PID" >> "$SANDBOX_DIR/bg-pids"
}

# _mh_tcp SENDER-NETNS LISTENER-NETNS ADDRESS WHAT: sends $MH_TCP_BYTES
# (default 300000) random bytes over TCP from SENDER-NETNS to a listener on
# ADDRESS in LISTENER-NETNS, and checks that they all arrived intact.
_mh_tcp() {
    local from=$1 to=$2 addr=$3 what=$4 port sent got pid deadline
    local bytes=${MH_TCP_BYTES:-300000} out rc
    # Unique even among parallel subshells.
    port=$((20000 + (${BASHPID:-$$} * 7 + RANDOM) % 40000))
    sent=$SANDBOX_DIR/tcp-sent.$port
    got=$SANDBOX_DIR/tcp-got.$port
    head -c "$bytes" /dev/urandom > "$sent"
    : > "$got"
    mh_bg nsenter --net="/run/netns/$to" timeout 30 nc -n -l "$addr" "$port" \
        < /dev/null > "$got" 2> "$got.err"
    pid=$MH_BG_PID
    deadline=$((SECONDS + 10))
    until nsenter --net="/run/netns/$to" ss -Hltn 2> /dev/null | awk '{print $4}' \
            | grep -Eq -- ":$port\$"; do
        if [ $SECONDS -ge $deadline ] || ! pid_alive "$pid"; then
            fail "$what: no listener on $addr port $port:" \
                 "$(cat "$got.err" 2> /dev/null)"
        fi
        sleep 0.05
    done
    rc=0
    out=$(nsenter --net="/run/netns/$from" timeout 30 nc -n -N -w 10 "$addr" "$port" \
              < "$sent" 2>&1) || rc=$?
    deadline=$((SECONDS + 15))
    while pid_alive "$pid"; do
        if [ $SECONDS -ge $deadline ]; then
            kill "$pid" 2> /dev/null
            break
        fi
        sleep 0.05
    done
    wait "$pid" 2> /dev/null
    if [ $rc != 0 ]; then
        fail "$what: the sender failed (exit status $rc): $out;" \
             "$(stat -c %s "$got") of $bytes bytes arrived"
    fi
    if ! cmp -s "$sent" "$got"; then
        fail "$what: $(stat -c %s "$got") bytes arrived of $bytes," \
             "or not the same ones"
    fi
    rm -f "$sent" "$got" "$got.err"
}

# mh_tcp_ok FROM TO [6]: container FROM sends data over TCP to a listener
# in container TO (on its IPv4, or IPv6, address); the data must arrive
# intact.
mh_tcp_ok() {
    local addr
    addr=$(mh_cip "$2" "${3:-4}")
    [ -n "$addr" ] || fail "container $2 has no IPv${3:-4} address"
    _mh_tcp "$(mh_cns "$1")" "$(mh_cns "$2")" "$addr" \
        "TCP from $1 to $2 ($addr)"
}

# mh_tcp_to_host_ok NAME ADDRESS: container NAME sends data over TCP to a
# listener on ADDRESS (its gateway) in its host's namespace.
mh_tcp_to_host_ok() {
    _mh_tcp "$(mh_cns "$1")" "$(mh_ns "$(mh_chost "$1")")" "$2" \
        "TCP from $1 to $2 in host $(mh_chost "$1")'s namespace"
}

# mh_broadcast NAME [ADDRESS]: container NAME sends one ARP request (a
# broadcast) for ADDRESS (default 198.51.100.250, which nobody has).
mh_broadcast() {
    mh_cexec "$1" "$MH_BUSYBOX" arping -q -c 1 -w 1 -I eth0 \
        "${2:-198.51.100.250}" > /dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------
# The underlay.

# mh_ul_packets [I]: packets that host I (default: all hosts together) has
# sent into the underlay so far (the underlay ends of the uplinks receive
# them: their rx counters).
mh_ul_packets() {
    local filter='[.[] | select(.ifname | test("^ulh[0-9]+$"))]'
    if [ -n "${1-}" ]; then
        filter="[.[] | select(.ifname == \"ulh$1\")]"
    fi
    ip -n "$MH_UL" -s -j link show 2> /dev/null \
        | jq "$filter | map(.stats64.rx.packets) | add // 0"
}

# mh_capture_start NETNS DEV FILE [FILTER]: tcpdump in the background until
# mh_capture_stop FILE; waits until it listens.
mh_capture_start() {
    local ns=$1 dev=$2 file=$3
    shift 3
    mh_bg nsenter --net="/run/netns/$ns" tcpdump --immediate-mode -s 200 \
        -Unn -i "$dev" -w "$file" "$@" 2> "$file.err"
    echo "$MH_BG_PID" > "$file.pid"
    wait_until "tcpdump on $dev to listen" grep -q 'listening on' "$file.err"
}

# mh_capture_stop FILE: stops the capture (after a moment for the last frames
# in flight).
mh_capture_stop() {
    local pid
    pid=$(cat "$1.pid")
    sleep 0.3
    kill -INT "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null || true
}

# mh_capture_read FILE: the captured frames, one a line, with their Ethernet
# headers (VLAN tags included).
mh_capture_read() {
    tcpdump -r "$1" -enn 2> /dev/null
}

# mh_ul_capture_start FILE: tcpdump of the underlay bridge into FILE, in the
# background (mh_ul_capture_stop ends it).
mh_ul_capture_start() {
    mh_capture_start "$MH_UL" ul "$1"
    MH_CAPTURE_FILE=$1
}

mh_ul_capture_stop() {
    [ -n "${MH_CAPTURE_FILE-}" ] || return 0
    mh_capture_stop "$MH_CAPTURE_FILE"
    MH_CAPTURE_FILE=
}

# ---------------------------------------------------------------------------
# Tunnel ports.

# mh_tunnel_ports I [NETWORK]: the names of host I's tunnel ports (of
# NETWORK), sorted.
mh_tunnel_ports() {
    local cond=()
    [ -n "${2-}" ] && cond=("external_ids:ovsnet-network=$2")
    mh_vsctl "$1" --no-wait --bare --columns=name find Interface \
        external_ids:ovsnet-role=tunnel "${cond[@]}" | grep . | sort
}

# mh_rows I TABLE [COLUMNS]: host I's rows of TABLE as a JSON array of
# objects, maps as objects, sets as arrays (an empty one as []), UUIDs as
# strings.
mh_rows() {
    local cols=()
    [ -n "${3-}" ] && cols=("--columns=$3")
    mh_vsctl "$1" --no-wait --format=json "${cols[@]}" list "$2" | jq -c '
        def conv: if type == "array" then
                      if .[0] == "map" then
                          (.[1] | map({(.[0] | tostring): (.[1] | conv)}) | add // {})
                      elif .[0] == "set" then (.[1] | map(conv))
                      elif .[0] == "uuid" then .[1]
                      else . end
                  else . end;
        .headings as $h
        | .data | map([$h, map(conv)] | transpose
                      | map({(.[0]): .[1]}) | add)'
}

# mh_tunnels I [NETWORK]: host I's tunnel ports (of NETWORK), one a line:
# "NAME TYPE REMOTE_IP EXTERNAL_IDS:OVSNET-REMOTE-IP KEY NETWORK OFPORT
# PROTECTED BRIDGE LINK_STATE", "-" for what is not set, sorted by name;
# one query per table, so cheap.
mh_tunnels() {
    local ifaces ports bridges
    ifaces=$(mh_rows "$1" Interface name,type,options,external_ids,ofport,link_state)
    ports=$(mh_rows "$1" Port _uuid,name,protected)
    bridges=$(mh_rows "$1" Bridge name,ports)
    jq -nr --argjson i "$ifaces" --argjson p "$ports" --argjson b "$bridges" \
        --arg net "${2-}" '
        def v: if . == null or . == [] or . == "" then "-" else tostring end;
        ($b | map(.name as $bn | (.ports | if type == "array" then . else [.] end)
                  | map({(.): $bn}) | add // {}) | add // {}) as $br
        | ($p | map({(.name): .}) | add // {}) as $ports
        | $i[]
        | select(.external_ids["ovsnet-role"] == "tunnel")
        | select($net == "" or .external_ids["ovsnet-network"] == $net)
        | [.name, .type, (.options.remote_ip | v),
           (.external_ids["ovsnet-remote-ip"] | v), (.options.key | v),
           (.external_ids["ovsnet-network"] | v), (.ofport | v),
           ($ports[.name].protected | v),
           ($br[$ports[.name]._uuid // ""] | v), (.link_state | v)]
        | join(" ")' | sort
}

# mh_tunnel_port_to I NETWORK IP: host I's tunnel port of NETWORK to IP.
mh_tunnel_port_to() {
    mh_vsctl "$1" --no-wait --bare --columns=name find Interface \
        external_ids:ovsnet-role=tunnel "external_ids:ovsnet-network=$2" \
        "external_ids:ovsnet-remote-ip=$3" | grep . | head -n 1
}

# ---------------------------------------------------------------------------
# The end.

# Writes each host's OVS and ovsnetd state into its dir.
_mh_save_state() {
    local i d
    for ((i = 1; i <= MH_N; i++)); do
        d=$(mh_dir "$i")
        [ -d "$d" ] || continue
        {
            echo "== ovs-vsctl show"
            VSCTL_TIMEOUT=3 mh_vsctl "$i" --no-wait show
            echo "== interfaces"
            VSCTL_TIMEOUT=3 mh_vsctl "$i" --no-wait --columns=name,type,options,ofport,link_state,error,external_ids list Interface
            echo "== network/list"
            OVSNET_WAIT=3 mh_appctl "$i" network/list
            echo "== tunnel/list"
            OVSNET_WAIT=3 mh_appctl "$i" tunnel/list
            echo "== ovs/route/show"
            ovs-appctl --timeout=3 -t "$d/vswitchd.ctl" ovs/route/show
            echo "== tnl/neigh/show"
            ovs-appctl --timeout=3 -t "$d/vswitchd.ctl" tnl/neigh/show
            echo "== ip addr / route"
            ip -n "$(mh_ns "$i")" addr
            ip -n "$(mh_ns "$i")" route
            ip -n "$(mh_ns "$i")" -6 route
        } > "$d/final-state.txt" 2>&1
    done
    ip -n "$MH_UL" -s link > "$SANDBOX_DIR/underlay-links.txt" 2>&1
}

# The EXIT trap.
mh_cleanup() {
    local rc=$? pid
    trap - EXIT
    # Every subshell of mh_each that fails sends the main shell a TERM
    # (see fail()): the first brought it here, the others must not cut the
    # cleanup short (that left the daemons and namespaces behind).
    trap '' HUP INT TERM
    set +e
    exec 2>&7
    if [ -z "$SANDBOX_DIR" ] || [ ! -d "$SANDBOX_DIR" ]; then
        exit $rc
    fi
    if [ $rc != 0 ] && [ $rc != 77 ] || sandbox_failed; then
        _mh_save_state
        echo "(state of each host: $SANDBOX_DIR/h*/final-state.txt)" >&2
    fi
    if [ "${OVSNET_KEEP:-0}" = 1 ]; then
        _mh_write_teardown
        echo "OVSNET_KEEP=1: everything kept running; remove it with" \
             "$SANDBOX_DIR/teardown" >&2
        exit $rc
    fi
    # Subshells of mh_each still running (one of them failed).
    kill $(jobs -p) 2> /dev/null
    if [ -s "$SANDBOX_DIR/bg-pids" ]; then
        while read -r pid; do
            if pid_alive "$pid"; then
                kill -TERM "$pid" 2> /dev/null
            fi
        done < "$SANDBOX_DIR/bg-pids"
    fi
    (exit $rc)
    sandbox_cleanup
}

# With OVSNET_KEEP=1: a script that does what the trap would have done.
_mh_write_teardown() {
    local ns t
    {
        echo "#!/bin/sh"
        echo "# Removes what $SANDBOX_TEST left running (OVSNET_KEEP=1)."
        while read -r ns t; do
            [ -n "$t" ] || continue
            for f in ovsnetd ovs-vswitchd ovsdb-server; do
                echo "[ -f $t/$f.pid ] && kill \$(cat $t/$f.pid) 2>/dev/null"
            done
        done < "$SANDBOX_DIR/hosts"
        echo "sleep 1"
        tac "$SANDBOX_DIR/netns" | while read -r ns; do
            [ -n "$ns" ] || continue
            echo "ip netns pids $ns 2>/dev/null | xargs -r kill -KILL"
            echo "ip netns delete $ns 2>/dev/null"
        done
        echo "rm -rf $SANDBOX_DIR"
    } > "$SANDBOX_DIR/teardown"
    chmod +x "$SANDBOX_DIR/teardown"
}
