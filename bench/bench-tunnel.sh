#!/bin/bash
# bench/bench-tunnel.sh: multi-host (tunnel) networks.  Two simulated hosts,
# each a network namespace with its own ovsdb-server, ovs-vswitchd
# (userspace TSO on) and ovsnetd, joined by an underlay (a Linux bridge in a
# third namespace).  For each kind of tunnel the datapath carries, a network
# with one container on each host, and:
#
# - TCP from the container on host 1 to the one on host 2 with iperf3
#   (BENCH_TCP_SECONDS, default 3; best of BENCH_TCP_RUNS, default 2);
# - how long after "ovs-appctl network/add-peer" on host 1 its container
#   first reaches the other host's (a ping every 10 ms from just before the
#   command until the first reply), BENCH_PEER_RUNS times (default 5): each
#   time network/del-peer on both hosts cuts them apart, host 2 adds host 1
#   back (as a new host comes up knowing the others), and a second later
#   host 1 adds host 2;
#
# against, in the same run, TCP between two containers on one host over a
# Linux bridge with veths, which is what Docker's bridge driver makes.
#
# The kinds, in this order (each at most once; kvxlan, if there, first,
# since the others move the underlay addresses onto br-phy for good):
#   kvxlan        vxlan through the kernel VXLAN device (ovsnetd's default
#                 on the userspace datapath), the underlay address on the
#                 hosts' own interface, as that device allows;
#   kvxlan_brphy  the same, the underlay address on br-phy (moved there by
#                 contrib/ovsnet-underlay, as OVS's own tunnels need);
#   vxlan, gre, geneve  Open vSwitch's own tunnel ports (vxlan with
#                 ovs.vxlan_device=ovs), underlay on br-phy.
#
# Run as root from the build tree (bench/run.sh runs it too):
#
#     bench/bench-tunnel.sh
#
# Results: "KEY VALUE" lines on standard output (Gbit/s, ms), a table on
# standard error.  Needs iperf3 (Debian: iperf3) and jq; without them it
# says why and exits 77.  Environment: OVSNETD, BENCH_ATTACH (as for
# run.sh), BENCH_TCP_SECONDS, BENCH_TCP_RUNS, BENCH_PEER_RUNS,
# BENCH_TUNNEL_TYPES (default "kvxlan kvxlan_brphy vxlan gre geneve"), and
# those of bench/bench-lib.sh.  All addresses are documentation ranges:
# underlay 192.0.2.0/24, containers 198.51.100.0/24 and 203.0.113.0/24.

set -u

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "$bench_srcdir/.." && pwd)

: "${BENCH_TCP_SECONDS:=3}"
: "${BENCH_TCP_RUNS:=2}"
: "${BENCH_PEER_RUNS:=5}"
: "${BENCH_TUNNEL_TYPES:=kvxlan kvxlan_brphy vxlan gre geneve}"

# shellcheck source=bench/bench-lib.sh
. "$bench_srcdir/bench-lib.sh"
bench_positive BENCH_TCP_SECONDS BENCH_TCP_RUNS BENCH_PEER_RUNS
# Every kind but kvxlan moves the underlay addresses onto br-phy, for the
# rest of the run: a kvxlan after one of them would measure kvxlan_brphy.
kinds=" "
for kind in $BENCH_TUNNEL_TYPES; do
    case $kind in
        kvxlan|kvxlan_brphy|vxlan|gre|geneve) ;;
        *) bench_die "BENCH_TUNNEL_TYPES: unknown kind '$kind'" ;;
    esac
    case $kinds in
        *" $kind "*) bench_die "BENCH_TUNNEL_TYPES: $kind twice" ;;
    esac
    if [ "$kind" = kvxlan ] && [ "$kinds" != " " ]; then
        bench_die "BENCH_TUNNEL_TYPES: kvxlan must come first (the kinds" \
                  "before it,${kinds% }, move the underlay onto br-phy)"
    fi
    kinds="$kinds$kind "
done
[ "$kinds" != " " ] || bench_die "BENCH_TUNNEL_TYPES names no kind"
bench_programs

for tool in iperf3 jq ping nsenter; do
    command -v $tool > /dev/null || bench_skip "$tool is not installed"
done
UNDERLAY_SCRIPT=$top_srcdir/contrib/ovsnet-underlay
[ -x "$UNDERLAY_SCRIPT" ] || bench_die "$UNDERLAY_SCRIPT not found"

# Everything to stderr but the results.
exec 3>&1 1>&2
result() {
    echo "$1 $2" >&3
    echo "$1 $2" >> "$BENCH_DIR/results"
}

bench_init
: > "$BENCH_DIR/results"

# ---------------------------------------------------------------------------
# The hosts.

# host I: selects host I (T, NS and the OVS_* directories).
host() {
    bench_host_select "h$1"
}

underlay_ip() {
    echo "192.0.2.1$1"
}

bench_netns ul
UL=$BENCH_NETNS
ip -n "$UL" link add ul type bridge stp_state 0 mcast_snooping 0 \
    || bench_die "cannot create the underlay bridge"
ip -n "$UL" link set ul up
for i in 1 2; do
    bench_host "h$i"
    ip -n "$UL" link add "ulh$i" type veth peer name eth1 netns "$NS" \
        || bench_die "cannot create the underlay link of host $i"
    ip -n "$UL" link set "ulh$i" master ul up
    ip -n "$NS" addr add "$(underlay_ip "$i")/24" dev eth1
    ip -n "$NS" link set eth1 up
    bench_ovs_start userspace-tso-enable=true
    bench_ovsnetd_start
done
host 1
H1_NS=$NS
bench_wait "$BENCH_WAIT" "the underlay" \
    ip netns exec "$H1_NS" ping -c 1 -W 1 "$(underlay_ip 2)"
BRPHY=false

# brphy: moves each host's underlay address onto br-phy.
brphy() {
    local i out
    for i in 1 2; do
        host "$i"
        out=$(in_ns "$UNDERLAY_SCRIPT" --db="unix:$T/db.sock" eth1 2>&1) \
            || bench_die "host $i: ovsnet-underlay eth1 failed: $out"
    done
    bench_wait "$BENCH_WAIT" "the underlay through br-phy" \
        ip netns exec "$H1_NS" ping -c 1 -W 1 "$(underlay_ip 2)"
    BRPHY=true
}

# call I METHOD BODY: a plugin call on host I; prints the reply.
call() {
    host "$1"
    "$BENCH_ATTACH" call "$T/ovs.sock" "$2" "$3"
}

# ---------------------------------------------------------------------------
# Containers.

# container I NAME NETWORK ENDPOINT ADDR: a container on host I, attached
# the way Docker does it (CreateEndpoint, Join, the Join's link moved into
# the container's namespace as eth0).  Sets CONTAINER_NETNS.
container() {
    local i=$1 name=$2 net=$3 ep=$4 addr=$5 reply src
    bench_netns "$name"
    reply=$(call "$i" NetworkDriver.CreateEndpoint \
        "$(jq -nc --arg n "$net" --arg e "$ep" --arg a "$addr" \
           '{NetworkID: $n, EndpointID: $e, Options: {},
             Interface: {Address: $a, AddressIPv6: "", MacAddress: ""}}')") \
        || bench_die "CreateEndpoint on host $i failed"
    reply=$(call "$i" NetworkDriver.Join \
        "$(jq -nc --arg n "$net" --arg e "$ep" --arg k "/run/netns/$BENCH_NETNS" \
           '{NetworkID: $n, EndpointID: $e, SandboxKey: $k, Options: {}}')") \
        || bench_die "Join on host $i failed"
    src=$(jq -r '.InterfaceName.SrcName' <<< "$reply")
    host "$i"
    ip -n "$NS" link set "$src" netns "$BENCH_NETNS" \
        || bench_die "cannot move $src into $BENCH_NETNS"
    ip -n "$BENCH_NETNS" link set "$src" name eth0
    ip -n "$BENCH_NETNS" addr add "$addr" dev eth0
    ip -n "$BENCH_NETNS" link set eth0 up
    CONTAINER_NETNS=$BENCH_NETNS
}

# ping_ok NETNS IP: one reply within 10 s.
ping_ok() {
    ip netns exec "$1" ping -n -q -c 1 -w 10 -i 0.1 "$2" > /dev/null 2>&1
}

# tcp NAME SERVER_NETNS CLIENT_NETNS SERVER_IP: the best of BENCH_TCP_RUNS
# tests, as results tunnel.tcp.NAME.*.
tcp() {
    bench_tcp_best "/run/netns/$2" "/run/netns/$3" "$4"
    result "tunnel.tcp.$1.gbps" "$BENCH_TCP_GBPS"
    result "tunnel.tcp.$1.retransmits" "$BENCH_TCP_RETRANSMITS"
    result "tunnel.tcp.$1.all" "$BENCH_TCP_ALL"
    bench_log "TCP, $1: $BENCH_TCP_ALL Gbit/s (retransmissions in the best:" \
              "$BENCH_TCP_RETRANSMITS)"
}

# ---------------------------------------------------------------------------
# The baseline: two containers on one host, a Linux bridge between them.

bench_log "baseline: TCP over a Linux bridge on one host"
bench_netns brhost
BRHOST=$BENCH_NETNS
ip -n "$BRHOST" link add br0 type bridge stp_state 0
ip -n "$BRHOST" link set br0 up
BC=()
for j in 1 2; do
    bench_netns "bc$j"
    BC[j]=$BENCH_NETNS
    ip -n "$BRHOST" link add "vb$j" type veth peer name eth0 netns "$BENCH_NETNS"
    ip -n "$BRHOST" link set "vb$j" master br0 up
    ip -n "$BENCH_NETNS" addr add "203.0.113.$j/24" dev eth0
    ip -n "$BENCH_NETNS" link set eth0 up
done
ping_ok "${BC[1]}" 203.0.113.2 || bench_die "no ping across br0"
tcp bridge "${BC[2]}" "${BC[1]}" 203.0.113.2
bench_netns_delete "${BC[1]}"
bench_netns_delete "${BC[2]}"
bench_netns_delete "$BRHOST"

# ---------------------------------------------------------------------------
# The tunnels.

# appctl I ARGS...: ovs-appctl to host I's ovsnetd.
appctl() {
    host "$1"
    shift
    ovs-appctl -t "$T/ovsnetd.ctl" "$@"
}

# peer_time KIND NETWORK C1_NETNS IP2: BENCH_PEER_RUNS times: cuts the hosts
# apart (network/del-peer on both), checks that the containers are, has
# host 2 add host 1 back (as a new host comes up knowing the others), and a
# second later times host 1's "network/add-peer NETWORK HOST2" until C1's
# first ping reply from IP2 (pinging every 10 ms).
peer_time() {
    local kind=$1 net=$2 cns=$3 ip2=$4 r t0 t1 out times=()
    for ((r = 0; r < BENCH_PEER_RUNS; r++)); do
        out=$(appctl 1 network/del-peer "$net" "$(underlay_ip 2)") \
            || bench_die "del-peer failed: $out"
        out=$(appctl 2 network/del-peer "$net" "$(underlay_ip 1)") \
            || bench_die "del-peer failed: $out"
        bench_wait "$BENCH_WAIT" "the containers of $kind to be apart" \
            _not_pinging "$cns" "$ip2"
        out=$(appctl 2 network/add-peer "$net" "$(underlay_ip 1)") \
            || bench_die "add-peer failed: $out"
        sleep 1
        t0=$(bench_now_ms)
        out=$(appctl 1 network/add-peer "$net" "$(underlay_ip 2)") \
            || bench_die "add-peer failed: $out"
        ip netns exec "$cns" ping -n -q -c 1 -w "$BENCH_WAIT" -i 0.01 "$ip2" \
            > /dev/null 2>&1 || bench_die "$kind: no reply after add-peer"
        t1=$(bench_now_ms)
        times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | bench_stats "tunnel.peer.$kind" 0 \
        | while read -r key value; do result "$key" "$value"; done
    bench_log "add-peer until the first reply, $kind: ${times[*]} ms"
}

# _not_pinging NETNS IP: no reply within a second.
_not_pinging() {
    ! ip netns exec "$1" ping -n -q -c 1 -W 1 "$2" > /dev/null 2>&1
}

# one_kind KIND N: network number N of kind KIND on both hosts, a
# container on each, TCP and the add-peer time, then all deleted again.
one_kind() {
    local kind=$1 n=$2 type=$1 generic net e1 e2 i c1 c2
    case $kind in
        kvxlan|kvxlan_brphy) type=vxlan; generic='{"ovs.vxlan_device": "kernel"}' ;;
        vxlan) generic='{"ovs.vxlan_device": "ovs"}' ;;
        *) generic='{}' ;;
    esac
    if [ "$kind" != kvxlan ] && ! $BRPHY; then
        bench_log "moving the underlay addresses onto br-phy"
        brphy
    fi
    generic=$(jq -c --arg t "$type" --arg v "$((5000 + n))" \
                  --arg p "$(underlay_ip 1),$(underlay_ip 2)" \
                  '. + {"ovs.tunnel": $t, "ovs.vni": $v, "ovs.peers": $p}' \
                  <<< "$generic")
    net=$(printf 'be%062x' "$n")
    e1=$(printf 'e1%062x' "$n")
    e2=$(printf 'e2%062x' "$n")
    for i in 1 2; do
        call "$i" NetworkDriver.CreateNetwork "$(jq -nc --arg n "$net" \
            --argjson g "$generic" '{NetworkID: $n,
             Options: {"com.docker.network.generic": $g},
             IPv4Data: [{AddressSpace: "", Pool: "198.51.100.0/24",
                         Gateway: "198.51.100.1/24"}], IPv6Data: []}')" \
            > /dev/null || bench_die "CreateNetwork ($kind) on host $i failed"
    done
    container 1 "k${n}c1" "$net" "$e1" 198.51.100.11/24
    c1=$CONTAINER_NETNS
    container 2 "k${n}c2" "$net" "$e2" 198.51.100.21/24
    c2=$CONTAINER_NETNS
    ping_ok "$c1" 198.51.100.21 || bench_die "$kind: no ping across hosts"
    result "tunnel.mtu.$kind" "$(ip -n "$c1" -j link show eth0 | jq -r '.[0].mtu')"
    tcp "$kind" "$c2" "$c1" 198.51.100.21
    peer_time "$kind" "$net" "$c1" 198.51.100.21
    for i in 1 2; do
        local e=$e1
        [ "$i" = 2 ] && e=$e2
        call "$i" NetworkDriver.Leave \
            "$(jq -nc --arg n "$net" --arg e "$e" '{NetworkID: $n, EndpointID: $e}')" \
            > /dev/null || bench_die "Leave ($kind) on host $i failed"
        call "$i" NetworkDriver.DeleteEndpoint \
            "$(jq -nc --arg n "$net" --arg e "$e" '{NetworkID: $n, EndpointID: $e}')" \
            > /dev/null || bench_die "DeleteEndpoint ($kind) on host $i failed"
        call "$i" NetworkDriver.DeleteNetwork \
            "$(jq -nc --arg n "$net" '{NetworkID: $n}')" > /dev/null \
            || bench_die "DeleteNetwork ($kind) on host $i failed"
    done
    bench_netns_delete "$c1"
    bench_netns_delete "$c2"
}

n=0
for kind in $BENCH_TUNNEL_TYPES; do
    n=$((n + 1))
    bench_log "$kind"
    one_kind "$kind" "$n"
done
result tunnel.tcp.seconds "$BENCH_TCP_SECONDS"
result tunnel.peer.runs "$BENCH_PEER_RUNS"

# ---------------------------------------------------------------------------
# The table.

awk -v kinds="$BENCH_TUNNEL_TYPES" '
    { v[$1] = $2 }
    END {
        base = v["tunnel.tcp.bridge.gbps"]
        printf "TCP container to container, %s s of iperf3; baseline: one host, Linux bridge %.2f Gbit/s\n",
               v["tunnel.tcp.seconds"], base
        printf "  %-13s %6s %11s %8s %7s  %s\n", "tunnel", "MTU", "Gbit/s", "ratio",
               "retr.", "add-peer until reachable: median (min-max) ms"
        printf "  (each test, Gbit/s: bridge %s)\n", v["tunnel.tcp.bridge.all"]
        n = split(kinds, k, " ")
        for (i = 1; i <= n; i++) {
            g = v["tunnel.tcp." k[i] ".gbps"]
            r = (base > 0) ? g / base : 0
            target = (k[i] == "kvxlan") ? (r >= 0.25 ? "  target >= 0.25x: ok" : "  target >= 0.25x: MISSED") : ""
            printf "  %-13s %6s %11.2f %7.2fx %7s  %s (%s-%s)%s\n", k[i],
                   v["tunnel.mtu." k[i]], g, r, v["tunnel.tcp." k[i] ".retransmits"],
                   v["tunnel.peer." k[i] ".median_ms"], v["tunnel.peer." k[i] ".min_ms"],
                   v["tunnel.peer." k[i] ".max_ms"], target
            printf "  %-13s each test, Gbit/s: %s\n", "", v["tunnel.tcp." k[i] ".all"]
        }
    }' "$BENCH_DIR/results"
rmem=$(cat /proc/sys/net/core/rmem_default)
echo "net.core.rmem_default: $rmem bytes (ovs-vswitchd's packet sockets; the hosts' namespaces take the machine's value)"
if [ "$rmem" -lt 4194304 ]; then
    echo "  below the 4 MiB contrib/install-and-start.sh sets on the userspace datapath: kvxlan overflows them (see retr.)"
fi
grep -h '|WARN|\||ERR|' "$BENCH_DIR"/h*/ovsnetd.log | head -n 5 | sed 's/^/ovsnetd: /'
bench_log "done"
