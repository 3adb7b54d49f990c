#!/bin/bash
# bench/bench-swarm.sh: ovsnet on a Docker swarm against Docker's own
# overlay network, on one swarm, in one run.
#
# Three simulated hosts (tests/multihost-lib.sh: a network namespace each,
# with its own ovsdb-server, ovs-vswitchd with userspace TSO, and dockerd;
# underlay 192.0.2.11-13 on their eth1), ovsnet on each the managed plugin
# made by contrib/ovsnet-plugin-create (global scope, as
# tests/test-docker-swarm.sh sets it up), one swarm (host 1 the manager).
# Networks are created once on the manager: ovsnet ones with
# "-d ovsnet:latest --scope swarm --attachable", the baseline with
# "-d overlay --attachable".
#
# - "docker run --rm --network NET IMAGE true" on host 2 (a worker),
#   alternately on the ovsnet vxlan network and on the overlay network,
#   BENCH_SWARM_PAIRS (10) pairs after one warm-up each: median, min, max,
#   and the overlay runs' half interquartile range as the noise (as
#   bench-docker.sh does against Docker's bridge);
# - TCP from a container on host 1 to one on host 2 (the host's iperf3 run
#   with nsenter in the containers' namespaces, BENCH_TCP_SECONDS (3), best
#   of BENCH_TCP_RUNS (2)): overlay and ovsnet vxlan on the kernel VXLAN
#   device with the underlay addresses on eth1; then, after
#   contrib/ovsnet-underlay has moved them onto br-phy (OVS's own tunnels
#   need it), overlay again, and ovsnet's vxlan with OVS ports, gre and
#   geneve (each its own network; the kernel device's network is removed
#   first: a host's vxlan networks are all of one kind);
# - how long after "docker swarm join" returns on host 3 a new container
#   there first connects by TCP to a container on host 1 (a new connect
#   every 10 ms, by IP), BENCH_SWARM_JOIN_RUNS (3) times for each of
#   overlay and ovsnet vxlan (kernel device), host 3 leaving the swarm (and
#   the manager removing its node) before each.  The time includes the
#   "docker run -d" of that container (retried while the new node cannot
#   attach yet); the details give that part too.
#
# Run as root from the build tree (bench/run.sh runs it too):
#
#     bench/bench-swarm.sh
#
# Results: "KEY VALUE" lines on standard output (ms, Gbit/s), a summary on
# standard error.  A figure that could not be measured has no key and the
# reason is logged (and SWARM.overlay.error is set when the overlay network
# itself does not work).  Needs what tests/test-docker-swarm.sh needs, plus
# iperf3 and python3; without them it says why and exits 77.
# Environment: OVSNETD, BENCH_ATTACH (as for run.sh), BENCH_SWARM_PAIRS,
# BENCH_SWARM_JOIN_RUNS, BENCH_TCP_SECONDS, BENCH_TCP_RUNS, and those of
# tests/docker-lib.sh (OVSNET_DOCKER_ENGINE, OVSNET_KEEP...).  Addresses:
# underlay 192.0.2.0/24, containers 198.51.100.0/24 and 203.0.113.0/24.

set -u

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "$bench_srcdir/.." && pwd)
export top_srcdir

: "${BENCH_SWARM_PAIRS:=10}"
: "${BENCH_SWARM_JOIN_RUNS:=3}"
: "${BENCH_TCP_SECONDS:=3}"
: "${BENCH_TCP_RUNS:=2}"

# shellcheck source=bench/bench-lib.sh
. "$bench_srcdir/bench-lib.sh"
bench_positive BENCH_SWARM_PAIRS BENCH_SWARM_JOIN_RUNS BENCH_TCP_SECONDS \
    BENCH_TCP_RUNS
bench_programs

for f in tests/docker-lib.sh tests/multihost-lib.sh \
         tests/multihost-docker-lib.sh contrib/ovsnet-plugin-create \
         contrib/ovsnet-underlay; do
    [ -e "$top_srcdir/$f" ] || bench_skip "$f is not there"
done
for tool in iperf3 python3; do
    command -v $tool > /dev/null || bench_skip "$tool is not installed"
done
# The system's, not a wrapper (pyenv's shims take a while to start).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)

# shellcheck source=tests/docker-lib.sh
. "$top_srcdir/tests/docker-lib.sh"

# Everything to stderr but the results.
exec 3>&1 1>&2
result() {
    echo "$1 $2" >&3
}

docker_find_tools
# No ovsnetd of the test library's: the managed plugin runs its own.
# The underlay stays on eth1 until the kernel VXLAN device is measured.
MH_NO_OVSNETD=1
MH_BRPHY=0
MH_TSO=1
# shellcheck source=tests/multihost-lib.sh
. "$top_srcdir/tests/multihost-lib.sh"
mh_setup 3
# shellcheck source=tests/multihost-docker-lib.sh
. "$top_srcdir/tests/multihost-docker-lib.sh"

mh_dockerds_start 3
log "Docker $(docker_version)"

# The plugin on each host before the swarm (tests/multihost-docker-lib.sh's
# plugin_create, as tests/test-docker-swarm-ha.sh does it).
for i in 1 2 3; do
    plugin_create "$i"
done

MANAGER=$(mh_underlay_ip 1):2377
dkh_ok 1 swarm init --advertise-addr "$(mh_underlay_ip 1)" > /dev/null
TOKEN=$(dkh_ok 1 swarm join-token -q worker)
# join I: host I joins the swarm.
join() {
    dkh_ok "$1" swarm join --token "$TOKEN" \
        --advertise-addr "$(mh_underlay_ip "$1")" "$MANAGER" > /dev/null
}
join 2
join 3
nodes_ready() {
    [ "$(dkh 1 node ls --format '{{.Status}}' | grep -c '^Ready$')" = "$1" ]
}
wait_for "$DOCKER_WAIT" "3 ready nodes" nodes_ready 3

# The networks.  Overlay's VNIs start at 4096; ovsnet's are 6001 and up.
OV=ov
dkh_ok 1 network create -d overlay --attachable --subnet 203.0.113.0/26 \
    "$OV" > /dev/null
# ovsnet_net NAME SUBNET VNI OPTION...: an ovsnet swarm network.
ovsnet_net() {
    local name=$1 subnet=$2 vni=$3
    shift 3
    dkh_ok 1 network create -d "$DRIVER" --scope swarm --attachable \
        --subnet "$subnet" -o ovs.vni="$vni" "$@" "$name" > /dev/null
}
ovsnet_net okv 198.51.100.0/26 6001 -o ovs.tunnel=vxlan \
    -o ovs.vxlan_device=kernel

# ctr I NAME NETWORK [COMMAND...]: a detached container on host I.
ctr() {
    local i=$1 name=$2 net=$3
    shift 3
    [ $# -gt 0 ] || set -- sleep 3600
    dkh_ok "$i" run -d --name "$name" --network "$net" "$IMAGE" "$@" \
        > /dev/null
}
ctr_pid() {
    dkh "$1" inspect -f '{{.State.Pid}}' "$2"
}
ctr_ip() {
    dkh "$1" inspect \
        -f "{{(index .NetworkSettings.Networks \"$3\").IPAddress}}" "$2"
}
# reaches PID IP: the container of PID pings IP (the host's ping).
reaches() {
    nsenter --net="/proc/$1/ns/net" ping -c 1 -W 1 "$2"
}

# Whether overlay works here: a container on host 1 reaches one on host 2.
OVERLAY_OK=1
overlay_probe() {
    local out pid ip deadline
    if ! out=$(dkh 2 run -d --name ovprobe-s --network "$OV" "$IMAGE" \
                   sleep 3600 2>&1) \
       || ! out=$(dkh 1 run -d --name ovprobe-c --network "$OV" "$IMAGE" \
                      sleep 3600 2>&1); then
        OVERLAY_OK=0
        result swarm.overlay.error "docker-run-failed"
        log "overlay: docker run failed: $out"
        tail -n 20 "${H_DT[2]}/dockerd.log" "${H_DT[1]}/dockerd.log" >&2
        return
    fi
    pid=$(ctr_pid 1 ovprobe-c)
    ip=$(ctr_ip 2 ovprobe-s "$OV")
    deadline=$((SECONDS + 20))
    until reaches "$pid" "$ip" > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            OVERLAY_OK=0
            result swarm.overlay.error "no-traffic"
            log "overlay: a container on host 1 does not reach $ip on" \
                "host 2; host 1's overlay links:"
            ip -n "$(mh_ns 1)" -d link show type vxlan >&2
            break
        fi
        sleep 0.5
    done
    dkh 1 rm -f ovprobe-c > /dev/null 2>&1
    dkh 2 rm -f ovprobe-s > /dev/null 2>&1
}
overlay_probe
log "overlay works here: $OVERLAY_OK"

# ---------------------------------------------------------------------------
# docker run.

# time_run I NETWORK: prints how long "docker run --rm" of "true" takes on
# host I.
time_run() {
    local t0 t1
    t0=$(bench_now_ms)
    dkh_ok "$1" run --rm --network "$2" "$IMAGE" true > /dev/null
    t1=$(bench_now_ms)
    echo $((t1 - t0))
}

log "docker run on host 2: $BENCH_SWARM_PAIRS pairs, ovsnet and overlay" \
    "in turn"
: > "$T/run.ovsnet"
: > "$T/run.overlay"
time_run 2 okv > /dev/null
[ $OVERLAY_OK = 1 ] && time_run 2 "$OV" > /dev/null
for ((i = 0; i < BENCH_SWARM_PAIRS; i++)); do
    time_run 2 okv >> "$T/run.ovsnet"
    [ $OVERLAY_OK = 1 ] && time_run 2 "$OV" >> "$T/run.overlay"
done
bench_stats swarm.run.ovsnet 1 spread < "$T/run.ovsnet" >&3
if [ $OVERLAY_OK = 1 ]; then
    bench_stats swarm.run.overlay 1 spread < "$T/run.overlay" >&3
    result swarm.run.noise_pct "$(bench_stats x 1 spread < "$T/run.overlay" \
                                  | awk '$1 == "x.spread_pct" { print $2 }')"
fi
result swarm.run.pairs "$BENCH_SWARM_PAIRS"

# ---------------------------------------------------------------------------
# TCP.

# tcp NETWORK NAME: TCP from a new container on host 1 to a new one on host
# 2, on NETWORK; results as swarm.tcp.NAME.*.
tcp() {
    local net=$1 name=$2 spid cpid sip deadline
    ctr 2 "tcp-$name-s" "$net"
    ctr 1 "tcp-$name-c" "$net"
    spid=$(ctr_pid 2 "tcp-$name-s")
    cpid=$(ctr_pid 1 "tcp-$name-c")
    sip=$(ctr_ip 2 "tcp-$name-s" "$net")
    [ -n "$sip" ] || fail "no address for tcp-$name-s on $net"
    deadline=$((SECONDS + 20))
    until reaches "$cpid" "$sip" > /dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] \
            || fail "$net: host 1's container does not reach $sip"
        sleep 0.2
    done
    bench_tcp_best "/proc/$spid/ns/net" "/proc/$cpid/ns/net" "$sip"
    if [ "$BENCH_TCP_RETRANSMITS" = failed ]; then
        # No test completed: no figure, and why in the log above.
        result "swarm.tcp.$name.failed" 1
        log "TCP on $net ($name): no iperf3 test completed; a ping of" \
            "56 bytes: $(reaches "$cpid" "$sip" > /dev/null 2>&1 && echo ok \
                         || echo lost), of 1400 (DF):" \
            "$(nsenter --net="/proc/$cpid/ns/net" ping -c 1 -W 1 -M do \
                   -s 1372 "$sip" > /dev/null 2>&1 && echo ok || echo lost)"
    fi
    dkh 1 rm -f "tcp-$name-c" > /dev/null 2>&1
    dkh 2 rm -f "tcp-$name-s" > /dev/null 2>&1
    [ "$BENCH_TCP_RETRANSMITS" != failed ] || return 0
    result "swarm.tcp.$name.gbps" "$BENCH_TCP_GBPS"
    result "swarm.tcp.$name.retransmits" "$BENCH_TCP_RETRANSMITS"
    result "swarm.tcp.$name.all" "$BENCH_TCP_ALL"
    log "TCP on $net ($name): $BENCH_TCP_ALL Gbit/s, retransmissions in" \
        "the best: $BENCH_TCP_RETRANSMITS"
}

log "TCP across hosts, underlay on eth1"
[ $OVERLAY_OK = 1 ] && tcp "$OV" overlay
tcp okv kvxlan

# ---------------------------------------------------------------------------
# Join.

# bench/tcp-connect.py IP PORT LIMIT: a new non-blocking TCP connect to
# IP:PORT every 10 ms until one is established; prints the time of day then.
CONNECT_LOOP=$bench_srcdir/tcp-connect.py

# leave I: host I leaves the swarm, and the manager forgets its node.
leave() {
    local id
    id=$(dkh "$1" info -f '{{.Swarm.NodeID}}')
    dkh_ok "$1" swarm leave > /dev/null
    dkh_ok 1 node rm --force "$id" > /dev/null
}

# join_time NETWORK NAME IP: host 3 joins; prints the ms from "swarm join"
# returning until a new container on host 3 connects to IP:80, and the ms
# of that until its "docker run -d" returned.
join_time() {
    local net=$1 name=$2 ip=$3 t0 t1 t2 pid out deadline
    join 3
    t0=$(bench_now_ms)
    deadline=$((SECONDS + DOCKER_WAIT))
    # The new node may not attach containers to swarm networks at once.
    until out=$(dkh 3 run -d --name "join-$name" --network "$net" "$IMAGE" \
                    sleep 3600 2>&1); do
        [ $SECONDS -lt $deadline ] \
            || fail "host 3: docker run on $net failed: $out"
        dkh 3 rm -f "join-$name" > /dev/null 2>&1
        sleep 0.01
    done
    t1=$(bench_now_ms)
    pid=$(ctr_pid 3 "join-$name")
    t2=$(nsenter --net="/proc/$pid/ns/net" "$PYTHON" "$CONNECT_LOOP" \
             "$ip" 80 "$DOCKER_WAIT") \
        || fail "host 3: join-$name does not reach $ip:80 on $net"
    dkh_ok 3 rm -f "join-$name" > /dev/null
    echo "$((t2 - t0)) $((t1 - t0))"
}

log "join: $BENCH_SWARM_JOIN_RUNS times each, host 3 leaving before each"
join_kinds="ovsnet"
ctr 1 join-srv-ovsnet okv httpd -f -p 80 -h /www
if [ $OVERLAY_OK = 1 ]; then
    join_kinds="ovsnet overlay"
    ctr 1 join-srv-overlay "$OV" httpd -f -p 80 -h /www
fi
for kind in $join_kinds; do
    : > "$T/join.$kind"
    : > "$T/join-run.$kind"
done
for ((r = 0; r < BENCH_SWARM_JOIN_RUNS; r++)); do
    for kind in $join_kinds; do
        if [ $kind = ovsnet ]; then
            net=okv
        else
            net=$OV
        fi
        leave 3
        ip=$(ctr_ip 1 "join-srv-$kind" "$net")
        read -r total run < <(join_time "$net" "$kind" "$ip")
        [ -n "${total:-}" ] || fail "join on $net: no time"
        log "join, $kind: reached after $total ms (docker run -d: $run ms)"
        echo "$total" >> "$T/join.$kind"
        echo "$run" >> "$T/join-run.$kind"
    done
done
for kind in $join_kinds; do
    bench_stats "swarm.join.$kind" 0 < "$T/join.$kind" >&3
    bench_stats "swarm.join_run.$kind" 0 < "$T/join-run.$kind" >&3
done
result swarm.join.runs "$BENCH_SWARM_JOIN_RUNS"
dkh 1 rm -f join-srv-ovsnet join-srv-overlay > /dev/null 2>&1

# ---------------------------------------------------------------------------
# Open vSwitch's own tunnels: the underlay onto br-phy.

log "the underlay addresses onto br-phy (contrib/ovsnet-underlay)"
for i in 1 2 3; do
    out=$(mh_exec "$i" "$top_srcdir/contrib/ovsnet-underlay" \
              --db="unix:$(mh_dir "$i")/db.sock" eth1 2>&1) \
        || fail "host $i: ovsnet-underlay eth1 failed: $out"
done
wait_for "$DOCKER_WAIT" "3 ready nodes" nodes_ready 3
[ $OVERLAY_OK = 1 ] && tcp "$OV" overlay_brphy
# A host's vxlan networks are all of one kind: the kernel device's goes.
okv_gone() {
    dkh 1 network rm okv
}
wait_for "$DOCKER_WAIT" "docker network rm okv" okv_gone
ovsnet_net ovx 198.51.100.64/26 6002 -o ovs.tunnel=vxlan \
    -o ovs.vxlan_device=ovs
tcp ovx vxlan
ovsnet_net ogre 198.51.100.128/26 6003 -o ovs.tunnel=gre
tcp ogre gre
ovsnet_net ogen 198.51.100.192/26 6004 -o ovs.tunnel=geneve
tcp ogen geneve
result swarm.tcp.seconds "$BENCH_TCP_SECONDS"
result swarm.tcp.runs "$BENCH_TCP_RUNS"

for i in 1 2 3; do
    grep -h '|WARN|\||ERR|' "$(mh_dir "$i")"/ovsnetd-*.log 2> /dev/null \
        | head -n 3 | sed "s/^/host $i's plugin: /" >&2
done
log "done"
