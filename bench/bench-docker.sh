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

: "${BENCH_DOCKER_PAIRS:=10}"
: "${BENCH_TCP_SECONDS:=5}"
: "${BENCH_TCP_RUNS:=2}"

# bench-lib.sh for the programs and the measuring helpers; tests/docker-lib.sh
# (sourced after it, so that its in_ns, vsctl... are the ones in force) for
# the sandbox and dockerd.
# shellcheck source=bench/bench-lib.sh
. "$bench_srcdir/bench-lib.sh"
bench_positive BENCH_DOCKER_PAIRS BENCH_TCP_SECONDS BENCH_TCP_RUNS
bench_programs
if [ -z "${BENCH_DATAPATH:-}" ]; then
    if [ -d /sys/module/openvswitch ]; then
        BENCH_DATAPATH=system
    else
        BENCH_DATAPATH=netdev
    fi
fi

if [ ! -f "$top_srcdir/tests/docker-lib.sh" ]; then
    bench_skip "tests/docker-lib.sh (a private dockerd for the tests)" \
        "is not there"
fi
if ! command -v iperf3 > /dev/null; then
    bench_skip "iperf3 is not installed (apt-get install iperf3)"
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

# time_run NETWORK: prints how long "docker run --rm" of "true" takes.
time_run() {
    local t0 t1
    t0=$(bench_now_ms)
    dk_ok run --rm --network "$1" "$IMAGE" true > /dev/null
    t1=$(bench_now_ms)
    echo $((t1 - t0))
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
# Median, min, max, and the half interquartile range as a percentage of
# the median.
bench_stats docker.run.ovs 1 spread < "$T/run.ovs" >&3
bench_stats docker.run.bridge 1 spread < "$T/run.bridge" >&3
noise=$(bench_stats x 1 spread < "$T/run.bridge" \
            | awk '$1 == "x.spread_pct" { print $2 }')
result docker.run.noise_pct "$noise"
result docker.run.pairs "$BENCH_DOCKER_PAIRS"

# tcp NETWORK NAME: TCP throughput from one new container to another on
# NETWORK, the best of BENCH_TCP_RUNS tests (iperf3 run with nsenter in the
# containers' network namespaces).  Prints the results as docker.tcp.NAME.*.
tcp() {
    local net=$1 name=$2 spid cpid sip
    run_container "$name-s" "$net"
    run_container "$name-c" "$net"
    spid=$(container_pid "$name-s")
    cpid=$(container_pid "$name-c")
    sip=$(container_ip "$name-s" "$net")
    [ -n "$sip" ] || fail "no address for $name-s on $net"
    ping_ok "$name-c" "$sip"
    bench_tcp_best "/proc/$spid/ns/net" "/proc/$cpid/ns/net" "$sip"
    dk rm -f "$name-s" "$name-c" > /dev/null 2>&1
    result "docker.tcp.$name.gbps" "$BENCH_TCP_GBPS"
    result "docker.tcp.$name.retransmits" "$BENCH_TCP_RETRANSMITS"
    result "docker.tcp.$name.all" "$BENCH_TCP_ALL"
    log "TCP on $net ($name): $BENCH_TCP_ALL Gbit/s, retransmits in the" \
        "best: $BENCH_TCP_RETRANSMITS"
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
     }' <(bench_stats x 1 < "$T/run.ovs") \
        <(bench_stats x 1 < "$T/run.bridge") >&2
grep '|WARN|\||ERR|' "$T/ovsnetd.log" | head -n 5 | sed 's/^/ovsnetd: /' >&2
log "done"
