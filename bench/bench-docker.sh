#!/bin/bash
# bench/bench-docker.sh: "docker run" and TCP throughput between containers
# on an ovsnet network, against the same on Docker's own bridge driver.
#
# Run as root from the build tree (bench/run.sh runs it too):
#
#     bench/bench-docker.sh
#
# It needs tests/docker-lib.sh (a private dockerd in a network namespace of
# its own, with a busybox image), dockerd, busybox-static and iperf3; without
# them it says why and exits 77 (skipped).  Inside one scratch Open vSwitch
# + ovsnetd + dockerd:
#
# - "docker run --rm --network NET IMAGE true", alternately on an ovs network
#   and on a user-defined bridge network (dockerd runs with --bridge=none),
#   BENCH_DOCKER_PAIRS times (default 10) after one warm-up each: median,
#   min and max of each, and the bridge runs' spread as the noise;
# - TCP from one container to another with iperf3 (the host's binary, run
#   with nsenter in the containers' network namespaces) for
#   BENCH_TCP_SECONDS (default 5), best of BENCH_TCP_RUNS (default 2), with
#   the retransmissions of that test: on the bridge network; on the ovs network
#   as ovsnetd sets it up by default on the userspace datapath (tx checksum
#   offload off); and again after "other_config:userspace-tso-enable=true"
#   and an ovs-vswitchd restart, with new containers.
#
# Results: "KEY VALUE" lines on standard output (ms, Gbit/s), a summary on
# standard error.  Environment: OVSNETD, BENCH_ATTACH, BENCH_DATAPATH (as
# for run.sh), BENCH_DOCKER_PAIRS, BENCH_TCP_SECONDS, BENCH_TCP_RUNS, and
# those of tests/docker-lib.sh (DOCKERD, DOCKER, OVSNET_KEEP...).

set -u

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "$bench_srcdir/.." && pwd)
export top_srcdir

: "${OVSNETD:=./plugin/ovsnetd}"
if [ -z "${BENCH_ATTACH:-}" ]; then
    BENCH_ATTACH=$(dirname "$OVSNETD")/../bench/bench-attach
fi
: "${BENCH_DOCKER_PAIRS:=10}"
: "${BENCH_TCP_SECONDS:=5}"
: "${BENCH_TCP_RUNS:=2}"

say() {
    echo "bench-docker: $*" >&2
}

for var in OVSNETD BENCH_ATTACH; do
    path=${!var}
    if [ ! -x "$path" ]; then
        say "$var=$path: not found or not executable (run \"make\" first)"
        exit 1
    fi
    dir=$(cd "$(dirname "$path")" && pwd)
    printf -v "$var" '%s' "$dir/$(basename "$path")"
done
export OVSNETD BENCH_ATTACH
if [ -z "${BENCH_DATAPATH:-}" ]; then
    if [ -d /sys/module/openvswitch ]; then
        BENCH_DATAPATH=system
    else
        BENCH_DATAPATH=netdev
    fi
fi

if [ ! -f "$top_srcdir/tests/docker-lib.sh" ]; then
    say "skipped: tests/docker-lib.sh (a private dockerd for the tests)" \
        "is not there"
    exit 77
fi
if ! command -v iperf3 > /dev/null; then
    say "skipped: iperf3 is not installed (apt-get install iperf3)"
    exit 77
fi

# shellcheck source=tests/docker-lib.sh
. "$top_srcdir/tests/docker-lib.sh"

# Everything to stderr but the results.
exec 3>&1 1>&2

result() {
    echo "$1 $2" >&3
}

docker_find_tools
sandbox_init
trap docker_cleanup EXIT
ovs_start

# ovsnetd, as ovs-sandbox.sh starts it, but waiting with bench-attach
# rather than tests/ovsnet-call (which "make" does not build).
in_ns "$OVSNETD" --db="unix:$T/db.sock" --socket="$T/ovs.sock" \
    --pidfile="$T/ovsnetd.pid" --unixctl="$T/ovsnetd.ctl" \
    --log-file="$T/ovsnetd.log" --detach --no-chdir -vconsole:off \
    ${OVSNETD_ARGS:-} || fail "ovsnetd did not start"
wait_until "ovsnetd to answer Plugin.Activate" \
    "$BENCH_ATTACH" activate "$T/ovs.sock"

docker_start
docker_image

OVSNET=benchovs
BRNET=benchbr
# -o ovs.datapath: ovsnetd picks a datapath itself, but says it here so
# that both networks are what this machine can run.
dk_ok network create -d ovs --subnet 198.51.100.0/24 \
    -o ovs.datapath="$BENCH_DATAPATH" $OVSNET > /dev/null
dk_ok network create -d bridge --subnet 203.0.113.0/24 $BRNET > /dev/null

# now_ms: CLOCK_MONOTONIC is what "date" cannot give; the realtime clock
# in ms is good enough for runs of a second.
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# time_run NETWORK: prints how long "docker run --rm" of "true" takes.
time_run() {
    local t0 t1
    t0=$(now_ms)
    dk_ok run --rm --network "$1" "$IMAGE" true > /dev/null
    t1=$(now_ms)
    echo $((t1 - t0))
}

# stats FILE PREFIX: median, min, max of the numbers in FILE, and the
# half interquartile range as a percentage of the median.
stats() {
    sort -n "$1" | awk -v p="$2" '
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
            printf "%s.median_ms %.1f\n", p, med
            printf "%s.min_ms %.1f\n%s.max_ms %.1f\n", p, v[1], p, v[NR]
            printf "%s.spread_pct %.1f\n", p,
                   med ? (q(0.75) - q(0.25)) / 2 / med * 100 : 0
        }'
}

log "docker run: $BENCH_DOCKER_PAIRS pairs, ovs and bridge in turn"
time_run $OVSNET > /dev/null
time_run $BRNET > /dev/null
: > "$T/run.ovs"
: > "$T/run.bridge"
for ((i = 0; i < BENCH_DOCKER_PAIRS; i++)); do
    time_run $OVSNET >> "$T/run.ovs"
    time_run $BRNET >> "$T/run.bridge"
done
stats "$T/run.ovs" docker.run.ovs >&3
stats "$T/run.bridge" docker.run.bridge >&3
noise=$(stats "$T/run.bridge" x | awk '$1 == "x.spread_pct" { print $2 }')
result docker.run.noise_pct "$noise"
result docker.run.pairs "$BENCH_DOCKER_PAIRS"

# tcp_once SPID CPID SIP: one iperf3 test from the network namespace of
# process CPID to SIP, served from that of SPID.  Prints "GBPS RETRANSMITS",
# or "0 failed" if the test did not complete.
tcp_once() {
    local spid=$1 cpid=$2 sip=$3 server out rc=0 deadline
    # One test, then the server exits; "timeout" bounds it anyway.
    nsenter --net="/proc/$spid/ns/net" \
        timeout $((BENCH_TCP_SECONDS + 40)) iperf3 -s -1 -B "$sip" \
        > /dev/null 2>&1 &
    server=$!
    deadline=$((SECONDS + 10))
    until nsenter --net="/proc/$spid/ns/net" ss -Hltn "sport = :5201" \
            | grep -q .; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 $server 2> /dev/null; then
            log "iperf3 server on $sip did not start"
            echo "0 failed"
            return
        fi
        sleep 0.1
    done
    out=$(nsenter --net="/proc/$cpid/ns/net" \
              timeout $((BENCH_TCP_SECONDS + 20)) \
              iperf3 -c "$sip" -t "$BENCH_TCP_SECONDS" -J 2>&1) || rc=$?
    kill $server 2> /dev/null
    wait $server 2> /dev/null
    if [ $rc != 0 ]; then
        log "iperf3 to $sip failed (exit status $rc):" \
            "$(echo "$out" | jq -r '.error? // empty' 2> /dev/null \
               | head -c 200)"
        echo "0 failed"
        return
    fi
    echo "$out" | jq -r '"\(.end.sum_received.bits_per_second / 1e9)
                         \(.end.sum_sent.retransmits)"' | tr '\n' ' '
    echo
}

# tcp NETWORK NAME: TCP throughput from one new container to another on
# NETWORK, the best of BENCH_TCP_RUNS tests.  Prints the results as
# docker.tcp.NAME.*.
tcp() {
    local net=$1 name=$2 spid cpid sip i gbps retr best=0 best_retr= all=
    run_container "$name-s" "$net"
    run_container "$name-c" "$net"
    spid=$(container_pid "$name-s")
    cpid=$(container_pid "$name-c")
    sip=$(container_ip "$name-s" "$net")
    [ -n "$sip" ] || fail "no address for $name-s on $net"
    ping_ok "$name-c" "$sip"
    for ((i = 0; i < BENCH_TCP_RUNS; i++)); do
        read -r gbps retr < <(tcp_once "$spid" "$cpid" "$sip")
        [[ "$gbps" =~ ^[0-9.]+$ ]] || gbps=0
        all="$all${all:+,}$(printf '%.2f' "$gbps")"
        if awk -v a="$gbps" -v b="$best" 'BEGIN { exit !(a > b) }' \
           || [ -z "$best_retr" ]; then
            best=$gbps
            best_retr=$retr
        fi
    done
    dk rm -f "$name-s" "$name-c" > /dev/null 2>&1
    result "docker.tcp.$name.gbps" "$(printf '%.3f' "$best")"
    result "docker.tcp.$name.retransmits" "$best_retr"
    result "docker.tcp.$name.all" "$all"
    log "TCP on $net ($name): $all Gbit/s, retransmits in the best: $best_retr"
}

log "TCP on the bridge network"
tcp $BRNET bridge
if [ "$BENCH_DATAPATH" = netdev ]; then
    log "TCP on the ovs network, ovs-vswitchd without userspace TSO"
    tcp $OVSNET ovs_notso
    log "TCP on the ovs network, ovs-vswitchd with userspace TSO"
    vsctl set Open_vSwitch . other_config:userspace-tso-enable=true
    vswitchd_restart
fi
tcp $OVSNET ovs
result docker.tcp.seconds "$BENCH_TCP_SECONDS"
result docker.tcp.runs "$BENCH_TCP_RUNS"

awk 'NR == FNR { ovs[$1] = $2; next } { br[$1] = $2 }
     END {
         printf "docker run median: ovs %.0f ms, bridge %.0f ms (%.2fx)\n",
                ovs["x.median_ms"], br["x.median_ms"],
                br["x.median_ms"] ? ovs["x.median_ms"] / br["x.median_ms"] : 0
     }' <(stats "$T/run.ovs" x) <(stats "$T/run.bridge" x) >&2
grep '|WARN|\||ERR|' "$T/ovsnetd.log" | head -n 5 | sed 's/^/ovsnetd: /' >&2
log "done"
