#!/bin/bash
# bench/bench-ovn.sh: ovsnet's OVN mode (ovsnetd --ovn-nb, -o ovs.ovn=SWITCH)
# against Debian's own OVN driver for Docker, ovn-docker-overlay-driver
# (package ovn-docker: Python, Flask, one ovn-nbctl or ovs-vsctl process per
# step), on one OVN cluster, in one run.
#
# Three simulated hosts as tests/ovn-lib.sh makes them (a network namespace
# each with ovsdb-server, ovs-vswitchd on the userspace datapath,
# ovn-controller and ovsnetd; the Northbound and Southbound databases each a
# Raft cluster of the three, ovn-northd on hosts 1 and 2).  The Python
# driver runs on each host too, as it is, with only its Docker spec file
# moved into the host's temp dir (bench/bench-ovn.py driver); it reads the
# Northbound remotes from external_ids:ovn-nb, which the script sets.  Both
# drivers get the requests Docker sends (bench/bench-ovn.py, in-process:
# the HTTP calls, and an OVSDB IDL that sees ovn-installed):
#
# - attach = CreateEndpoint + Join until ovn-controller has set
#   external_ids:ovn-installed=true on the endpoint's Interface, on host 1,
#   BENCH_OVN_CYCLES (30) times, p50/p99 (then Leave + DeleteEndpoint);
# - reachable: how long after CreateEndpoint answers on host 1 a container
#   on host 2 first gets a TCP answer (SYN-ACK) from the new container (a
#   new connect every 10 ms, from before the call; the Join and what Docker
#   does with its reply are inside the time), BENCH_OVN_REACH_RUNS (5)
#   times, median;
# - TCP from a container on host 1 to one on host 2 (iperf3,
#   BENCH_TCP_SECONDS 3, best of BENCH_TCP_RUNS 2): on the Python driver's
#   switch (its containers set as ovn-lib.sh sets its VMs: MTU 1442, tx
#   checksum offload off), on ovsnet's OVN network, and on ovsnet's own
#   vxlan network (ovs.tunnel=vxlan, its defaults) between the same hosts;
# - ovsnetd's VmRSS on host 1 after all that.
#
# Then ten hosts (the clusters on hosts 1-3, hosts 4-10 chassis alone; a
# separate run of this script, BENCH_OVN_PART=ten): the time from the
# CreateNetwork calls (all hosts at once) until a container on every host
# has a TCP answer from a container on host 1: each host does its
# CreateNetwork, then CreateEndpoint + Join and Docker's moves, then
# connects, all hosts in parallel.  The Python driver's network is global
# (Docker sends its CreateNetwork once, on one host): there CreateNetwork
# goes to host 1 alone, first.  And ovsnetd's VmRSS on each host.
#
# Targets (bench/run.sh prints them): attach >= 10x faster than the Python
# driver; reachable from another host <= 1 s after CreateEndpoint answers.
#
# Without ovsnetd's OVN mode (an ovsnetd without --ovn-nb), the Python
# driver's figures and the vxlan figures are still measured, ovsnet's OVN
# ones are not (and the ten hosts part only for the Python driver).
#
# Run as root from the build tree after "make" and "make tests/ovsnet-call"
# (bench/run.sh runs it too):
#
#     bench/bench-ovn.sh
#
# Results: "KEY VALUE" lines on standard output (ms, Gbit/s, kB), progress
# on standard error.  Needs what tests/test-ovn-setup.sh needs (ovn-central,
# ovn-host), ovn-docker and python3-flask (Debian's ovn-docker does not
# depend on it, though its driver imports it), iperf3, jq; without them it
# says why and exits 77.  Environment: OVSNETD, BENCH_ATTACH (as for
# run.sh), OVSNET_CALL (default: tests/ovsnet-call beside ovsnetd's
# plugin/), BENCH_OVN_CYCLES, BENCH_OVN_REACH_RUNS, BENCH_TCP_SECONDS,
# BENCH_TCP_RUNS, BENCH_OVN_TEN=0 (no ten hosts part), and those of
# tests/ovn-lib.sh (OVSNET_KEEP...).  Addresses: underlay 192.0.2.0/24,
# containers 198.51.100.0/24 and 203.0.113.0/24.

set -u

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "$bench_srcdir/.." && pwd)
export top_srcdir

: "${BENCH_OVN_CYCLES:=30}"
: "${BENCH_OVN_REACH_RUNS:=5}"
: "${BENCH_OVN_TEN:=1}"
: "${BENCH_TCP_SECONDS:=3}"
: "${BENCH_TCP_RUNS:=2}"
: "${BENCH_OVN_PART:=}"

# shellcheck source=bench/bench-lib.sh
. "$bench_srcdir/bench-lib.sh"
bench_positive BENCH_OVN_CYCLES BENCH_OVN_REACH_RUNS BENCH_TCP_SECONDS \
    BENCH_TCP_RUNS
bench_programs
: "${OVSNET_CALL:=$(dirname "$OVSNETD")/../tests/ovsnet-call}"
[ -x "$OVSNET_CALL" ] \
    || bench_skip "$OVSNET_CALL not built (make tests/ovsnet-call)"
export OVSNET_CALL

PYTHON=/usr/bin/python3
HELPER=$bench_srcdir/bench-ovn.py
DRIVER=/usr/bin/ovn-docker-overlay-driver
[ -x "$DRIVER" ] || bench_skip "$DRIVER not found (Debian: ovn-docker)"
"$PYTHON" -c 'import flask, ovs.db.idl' 2> /dev/null \
    || bench_skip "$PYTHON cannot import flask and ovs (Debian:" \
                  "python3-flask, python3-openvswitch)"
for tool in iperf3 jq ovn-nbctl ovn-controller; do
    command -v $tool > /dev/null || bench_skip "$tool is not installed"
done

# Everything to stderr but the results.
exec 3>&1 1>&2
result() {
    echo "$1 $2" >&3
}

# With no part given: both parts, each in a process of its own (each
# builds its own hosts and its trap removes them).
if [ -z "$BENCH_OVN_PART" ]; then
    rc=0
    BENCH_OVN_PART=three "$0" >&3 || rc=$?
    [ $rc = 0 ] || exit $rc
    if [ "$BENCH_OVN_TEN" != 0 ]; then
        BENCH_OVN_PART=ten "$0" >&3 || rc=$?
    fi
    exit $rc
fi

# shellcheck source=tests/ovn-lib.sh
. "$top_srcdir/tests/ovn-lib.sh"

# ---------------------------------------------------------------------------
# The drivers.

HAVE_OVN=0
if "$OVSNETD" --help 2>&1 | grep -q -- '--ovn-nb'; then
    HAVE_OVN=1
fi

_start_ovsnetd() {
    if [ $HAVE_OVN = 1 ]; then
        mh_start_ovsnetd "$1" --ovn-nb="$OVN_NB_REMOTES"
    else
        mh_start_ovsnetd "$1"
    fi
}

# py_plugin I: the Python driver of host I, for bench-ovn.py.
py_plugin() {
    echo "tcp:$(mh_underlay_ip "$1"):5000"
}

# ovsnet_plugin I: host I's ovsnetd.
ovsnet_plugin() {
    echo "unix:$(mh_dir "$1")/ovs.sock"
}

# helper ARGS...: bench-ovn.py.
helper() {
    "$PYTHON" "$HELPER" "$@"
}

# pcall I PLUGIN PATH [BODY]: a call from host I's namespace; prints the
# reply; fails the run if the call fails.
pcall() {
    local out
    out=$(mh_exec "$1" "$PYTHON" "$HELPER" call "$2" "$3" "${4-}") \
        || fail "host $1: $3 to $2 failed: $out"
    echo "$out"
}

_start_py_driver() {
    local i=$1 d
    d=$(mh_dir "$i")
    mh_vsctl "$i" set Open_vSwitch . \
        "external_ids:ovn-nb=\"$OVN_NB_REMOTES\"" \
        || fail "host $i: cannot set external_ids:ovn-nb"
    OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVS_SYSCONFDIR=$d \
        mh_bg mh_exec "$i" "$PYTHON" "$HELPER" driver "$d" \
        --pidfile="$d/ovn-docker-driver.pid" \
        --log-file="$d/ovn-docker-driver.log" -vconsole:off \
        > "$d/ovn-docker-driver.out" 2>&1
    wait_until "host $i's ovn-docker-overlay-driver to answer" \
        mh_exec "$i" "$PYTHON" "$HELPER" call "$(py_plugin "$i")" \
        Plugin.Activate
}

# ---------------------------------------------------------------------------
# Containers, as Docker makes them from a Join's reply.

# ctr I NAME PLUGIN NETWORK ENDPOINT ADDR/LEN [NETNS]: a container on host
# I (in NETNS, a namespace made beforehand with sandbox_netns, or a new
# one): CreateEndpoint, Join, the link moved in as eth0, the MAC (given
# back by CreateEndpoint) set, the address added, up, default route via
# the Join's gateway.  On a Python driver's network MTU 1442 and tx
# checksum offload off, as the driver does neither.  ARP retries every
# 10 ms.  Sets CTR_NETNS and
# CTR_ANSWERED (the time of day, ms, when CreateEndpoint answered).
ctr() {
    local i=$1 name=$2 plugin=$3 net=$4 ep=$5 addr=$6 cns=${7-} reply mac
    local src gw
    [ -n "$cns" ] || cns=$(sandbox_netns "$name")
    reply=$(pcall "$i" "$plugin" NetworkDriver.CreateEndpoint \
        "$(ep_body "$net" "$ep" "$addr")") || exit 1
    CTR_ANSWERED=$(bench_now_ms)
    mac=$(jq -r '.Interface.MacAddress // ""' <<< "$reply")
    reply=$(pcall "$i" "$plugin" NetworkDriver.Join \
        "$(join_body "$net" "$ep")") || exit 1
    src=$(jq -r '.InterfaceName.SrcName // ""' <<< "$reply")
    gw=$(jq -r '.Gateway // ""' <<< "$reply")
    [ -n "$src" ] || fail "Join on host $i: no SrcName in $reply"
    ip -n "$(mh_ns "$i")" link set dev "$src" netns "$cns" \
        || fail "cannot move $src into $cns"
    ip -n "$cns" link set dev "$src" name eth0
    [ -z "$mac" ] || ip -n "$cns" link set dev eth0 address "$mac"
    if [ "${plugin#tcp:}" != "$plugin" ]; then
        ip -n "$cns" link set dev eth0 mtu "$OVN_VM_MTU"
        ip netns exec "$cns" ethtool -K eth0 tx off > /dev/null
    fi
    # ARP retried every 10 ms, not every second: the times measure the
    # network, not the resolver's back-off.
    ip netns exec "$cns" sysctl -qw net.ipv4.neigh.eth0.retrans_time_ms=10
    ip -n "$cns" addr add "$addr" dev eth0
    ip -n "$cns" link set dev eth0 up
    [ -z "$gw" ] || ip -n "$cns" route add default via "$gw"
    CTR_NETNS=$cns
}

# unctr I PLUGIN NETWORK ENDPOINT NETNS: Leave, the namespace deleted (the
# link goes with it), DeleteEndpoint.
unctr() {
    pcall "$1" "$2" NetworkDriver.Leave "$(ids_body "$3" "$4")" > /dev/null
    ip netns pids "$5" 2> /dev/null | xargs -r kill -KILL 2> /dev/null
    ip netns delete "$5"
    pcall "$1" "$2" NetworkDriver.DeleteEndpoint "$(ids_body "$3" "$4")" \
        > /dev/null
}

# listen NETNS PORT: a TCP listener in NETNS that never accepts (the kernel
# answers the SYNs).
listen() {
    mh_bg nsenter --net="/run/netns/$1" "$PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(1024)
time.sleep(3600)' "$2"
    # No "Killed" message when it goes with its namespace.
    disown "$MH_BG_PID"
}

# rss I: ovsnetd's VmRSS on host I, kB.
rss() {
    awk '/^VmRSS:/ { print $2 }' \
        "/proc/$(pidfile_pid "$(mh_dir "$1")/ovsnetd.pid")/status"
}

# ---------------------------------------------------------------------------
# Three hosts.

part_three() {
    local py_net net vx_net r k ip cns peer t_ok out d i
    ovn_setup 3
    mh_each _start_ovsnetd 1 2 3
    mh_each _start_py_driver 1 2 3
    log "ovsnetd OVN mode: $([ $HAVE_OVN = 1 ] && echo yes || echo no)"

    # The networks.  The Python driver's is global: one CreateNetwork.
    py_net=$(gen_id 0a)
    pcall 1 "$(py_plugin 1)" NetworkDriver.CreateNetwork \
        "$(net_body "$py_net" 203.0.113.0/25 203.0.113.1/25)" > /dev/null
    net=$(gen_id 0b)
    if [ $HAVE_OVN = 1 ]; then
        for i in 1 2 3; do
            pcall "$i" "$(ovsnet_plugin "$i")" NetworkDriver.CreateNetwork \
                "$(GENERIC='{"ovs.ovn": "bench"}' net_body "$net" \
                   198.51.100.0/24 198.51.100.1/24)" > /dev/null
        done
    fi

    # attach KEY PLUGIN NETWORK PREFIX: BENCH_OVN_CYCLES attaches on host
    # 1, with the monitors that show where the time goes.
    attach() {
        local key=$1 d=$SANDBOX_DIR/attach-$1 pids=() p
        mh_bg mh_exec 1 ovsdb-client --timestamp --format=csv monitor \
            "tcp:$(mh_underlay_ip 1):6641" OVN_Northbound \
            Logical_Switch_Port name > "$d.nb" 2> /dev/null
        pids+=("$MH_BG_PID")
        mh_bg mh_exec 1 ovsdb-client --timestamp --format=csv monitor \
            "tcp:$(mh_underlay_ip 1):6642" OVN_Southbound \
            Port_Binding logical_port,chassis > "$d.sb" 2> /dev/null
        pids+=("$MH_BG_PID")
        mh_bg ovsdb-client --timestamp --format=csv monitor \
            "unix:$(mh_dir 1)/db.sock" Open_vSwitch \
            Interface name,external_ids > "$d.if" 2> /dev/null
        pids+=("$MH_BG_PID")
        sleep 1
        out=$(BENCH_OVN_TRACE=$d.trace mh_exec 1 "$PYTHON" "$HELPER" attach \
                  "$2" "unix:$(mh_dir 1)/db.sock" "$3" "$BENCH_OVN_CYCLES" \
                  "$4" "ovn.$key") || fail "attach ($key): $out"
        echo "$out" >&3
        sleep 0.5
        for p in "${pids[@]}"; do
            kill "$p" 2> /dev/null
            wait "$p" 2> /dev/null
        done
        "$PYTHON" "$HELPER" phases "$d.trace" "$d.nb" "$d.sb" "$d.if" \
            "ovn.$key" >&3 || log "attach ($key): no breakdown"
    }
    log "attach: $BENCH_OVN_CYCLES cycles of each driver on host 1"
    attach ovn-docker "$(py_plugin 1)" "$py_net" 203.0.113
    if [ $HAVE_OVN = 1 ]; then
        attach ovsnet "$(ovsnet_plugin 1)" "$net" 198.51.100
    fi

    # reach KEY I PLUGIN NETWORK PREFIX: BENCH_OVN_REACH_RUNS times, a new
    # container on host 1 at PREFIX.(100 + run) (an address host 2's
    # container has never seen), the time from its CreateEndpoint's answer
    # until host 2's container connects to it.
    reach() {
        local key=$1 plugin1=$2 plugin2=$3 net=$4 prefix=$5 times=()
        ctr 2 "$key-peer" "$plugin2" "$net" "$(gen_id 0c)" "$prefix.50/24"
        peer=$CTR_NETNS
        for ((r = 0; r < BENCH_OVN_REACH_RUNS; r++)); do
            ip=$prefix.$((100 + r))
            cns=$(sandbox_netns "$key-r$r")
            listen "$cns" 7000
            d=$SANDBOX_DIR/reach-$key-$r
            mh_bg nsenter --net="/run/netns/$peer" "$PYTHON" \
                "$bench_srcdir/tcp-connect.py" "$ip" 7000 30 > "$d"
            k=$MH_BG_PID
            local ep
            ep=$(gen_id 0d)
            ctr 1 "$key-r$r" "$plugin1" "$net" "$ep" "$ip/24" "$cns"
            wait "$k" || fail "$key: host 2 never reached $ip"
            t_ok=$(cat "$d")
            times+=($((t_ok - CTR_ANSWERED)))
            unctr 1 "$plugin1" "$net" "$ep" "$cns"
        done
        log "reachable after CreateEndpoint, $key: ${times[*]} ms"
        printf '%s\n' "${times[@]}" | bench_stats "ovn.reach.$key" 0 >&3
    }
    log "reachable from another host after CreateEndpoint"
    reach ovn-docker "$(py_plugin 1)" "$(py_plugin 2)" "$py_net" 203.0.113
    if [ $HAVE_OVN = 1 ]; then
        reach ovsnet "$(ovsnet_plugin 1)" "$(ovsnet_plugin 2)" "$net" \
            198.51.100
    fi

    # tcp KEY PLUGIN1 PLUGIN2 NETWORK A1 A2: iperf3 between new containers
    # on hosts 1 and 2.
    tcp() {
        local key=$1 c1 c2
        ctr 1 "$key-t1" "$2" "$4" "$(gen_id 0e)" "$5"
        c1=$CTR_NETNS
        ctr 2 "$key-t2" "$3" "$4" "$(gen_id 0f)" "$6"
        c2=$CTR_NETNS
        wait_until "$key: a ping from host 1 to host 2" \
            ip netns exec "$c1" ping -c 1 -W 1 "${6%/*}"
        bench_tcp_best "/run/netns/$c2" "/run/netns/$c1" "${6%/*}"
        result "ovn.tcp.$key.gbps" "$BENCH_TCP_GBPS"
        result "ovn.tcp.$key.retransmits" "$BENCH_TCP_RETRANSMITS"
        result "ovn.tcp.$key.all" "$BENCH_TCP_ALL"
        result "ovn.tcp.$key.mtu" \
            "$(ip -n "$c1" -j link show eth0 | jq -r '.[0].mtu')"
        log "TCP, $key: $BENCH_TCP_ALL Gbit/s"
    }
    log "TCP across hosts"
    tcp ovn-docker "$(py_plugin 1)" "$(py_plugin 2)" "$py_net" \
        203.0.113.31/25 203.0.113.32/25
    if [ $HAVE_OVN = 1 ]; then
        tcp ovsnet "$(ovsnet_plugin 1)" "$(ovsnet_plugin 2)" "$net" \
            198.51.100.31/24 198.51.100.32/24
    fi
    vx_net=$(gen_id 0c)
    for i in 1 2 3; do
        pcall "$i" "$(ovsnet_plugin "$i")" NetworkDriver.CreateNetwork \
            "$(GENERIC=$(mh_generic vxlan 5001) net_body "$vx_net" \
               203.0.113.128/25 203.0.113.129/25)" > /dev/null
    done
    tcp vxlan "$(ovsnet_plugin 1)" "$(ovsnet_plugin 2)" "$vx_net" \
        203.0.113.131/25 203.0.113.132/25
    result ovn.tcp.seconds "$BENCH_TCP_SECONDS"
    result ovn.mem.3.rss_kb "$(rss 1)"
}

# ---------------------------------------------------------------------------
# Ten hosts.

part_ten() {
    local n=10 i t0 out py_net net max
    OVN_MEMBERS=3 ovn_setup $n
    mh_each _start_ovsnetd $(seq 1 $n)
    mh_each _start_py_driver $(seq 1 $n)
    for i in $(seq 1 $n); do
        result "ovn.ten.mem.start.h$i.rss_kb" "$(rss "$i")"
    done

    # usable KEY PLUGIN-FUNCTION NETWORK CREATE: from now, on every host at
    # once: CreateNetwork (if CREATE), a container at 198.51.100.I, a TCP
    # answer from host 1's container (.1x is hosts 1's: its listener is
    # made first).  Prints KEY's time until the last host got its answer.
    _usable_host() {
        local i=$1 cns ip1=198.51.100.101 plugin
        plugin=$($PLUGIN_OF "$i")
        if [ "$CREATE" = 1 ]; then
            pcall "$i" "$plugin" NetworkDriver.CreateNetwork \
                "$(GENERIC="{\"ovs.ovn\": \"$KEY\"}" net_body "$NET" \
                   198.51.100.0/24 198.51.100.1/24)" > /dev/null
        fi
        cns=$(cat "$SANDBOX_DIR/$KEY-ns-$i")
        ctr "$i" "$KEY-h$i" "$plugin" "$NET" "$(gen_id "0$i")" \
            "198.51.100.$((100 + i))/24" "$cns"
        [ "$i" = 1 ] && return 0
        nsenter --net="/run/netns/$cns" "$PYTHON" \
            "$bench_srcdir/tcp-connect.py" "$ip1" 7000 60 \
            > "$SANDBOX_DIR/$KEY-done-$i" \
            || fail "$KEY: host $i never reached host 1's container"
    }
    usable() {
        KEY=$1 PLUGIN_OF=$2 NET=$3 CREATE=$4
        for i in $(seq 1 $n); do
            sandbox_netns "$KEY-h$i" > "$SANDBOX_DIR/$KEY-ns-$i"
        done
        listen "$(cat "$SANDBOX_DIR/$KEY-ns-1")" 7000
        t0=$(bench_now_ms)
        mh_each _usable_host $(seq 1 $n)
        max=$(cat "$SANDBOX_DIR/$KEY"-done-* | sort -n | tail -n 1)
        result "ovn.ten.usable.$KEY.ms" $((max - t0))
        log "ten hosts, $KEY: usable on all after $((max - t0)) ms"
    }

    py_net=$(gen_id 0a)
    t0=$(bench_now_ms)
    pcall 1 "$(py_plugin 1)" NetworkDriver.CreateNetwork \
        "$(net_body "$py_net" 198.51.100.0/24 198.51.100.1/24)" > /dev/null
    result ovn.ten.create_network.ovn-docker.ms $(($(bench_now_ms) - t0))
    usable ovn-docker py_plugin "$py_net" 0
    if [ $HAVE_OVN = 1 ]; then
        net=$(gen_id 0b)
        usable ovsnet ovsnet_plugin "$net" 1
    fi
    max=0
    for i in $(seq 1 $n); do
        out=$(rss "$i")
        result "ovn.ten.mem.h$i.rss_kb" "$out"
        [ "$out" -le "$max" ] || max=$out
    done
    result ovn.ten.mem.max_rss_kb "$max"
}

case $BENCH_OVN_PART in
    three) part_three ;;
    ten) part_ten ;;
    *) bench_die "BENCH_OVN_PART=$BENCH_OVN_PART: three or ten" ;;
esac
log "done"
