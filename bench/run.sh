#!/bin/bash
# bench/run.sh: ovsnet's benchmarks, each against a baseline measured in
# the same run.  Prints figures; never passes or fails on them.
#
# Run as root from the build tree, after "make" (it builds nothing):
#
#     bench/run.sh
#     OVSNETD=/path/to/ovsnetd BENCH_ATTACH=/path/to/bench-attach bench/run.sh
#
# 1. attach/detach latency and 2. bursts: bench-attach against a scratch
#    ovsdb-server + ovs-vswitchd + ovsnetd in a namespace of its own; then
#    ovs-docker against another scratch Open vSwitch;
# 3. ovsnetd's memory (VmRSS, VmHWM), measured during 1;
# 4. "docker run" and TCP throughput, ovs against Docker's bridge driver:
#    bench/bench-docker.sh (skipped if there is no Docker to start);
# 5. multi-host networks: TCP across each tunnel type against a Linux bridge
#    on one host, and the time from network/add-peer until the containers
#    reach each other: bench/bench-tunnel.sh;
# 6. a three-node Docker swarm, ovsnet the managed plugin, against Docker's
#    overlay network: "docker run", TCP across nodes for each tunnel type,
#    and the time from "docker swarm join" until a container on the new
#    node reaches another node's: bench/bench-swarm.sh;
# 7. OVN mode against Debian's ovn-docker-overlay-driver on one OVN
#    cluster of three hosts: attach until ovn-installed, the time from
#    CreateEndpoint until another host's container reaches the new one, TCP
#    across hosts against ovsnet's vxlan; then ten hosts: a new network
#    usable on all, ovsnetd's memory: bench/bench-ovn.sh.
#
# Environment:
#   OVSNETD           the daemon (default ./plugin/ovsnetd)
#   BENCH_ATTACH      default: bench/bench-attach of the same build tree
#   BENCH_CYCLES      attach/detach cycles per measurement (default 50)
#   BENCH_BUDGET      seconds after which a set of ovs-docker cycles stops
#                     early (after at least 10; default 60)
#   BENCH_BURST       endpoints in a burst (default 50)
#   BENCH_POPULATION  endpoints/ports already there, second case (1000)
#   BENCH_PUBLISH     endpoints that publish a port ("-P"), at most
#                     BENCH_POPULATION (default: BENCH_POPULATION; 0: none)
#   BENCH_DATAPATH    netdev or system (default: system if the kernel has
#                     Open vSwitch's datapath module loaded, else netdev)
#   BENCH_OVS_DOCKER  0 skips the ovs-docker baseline of 1-2
#   BENCH_DOCKER      0 skips bench-docker.sh
#   BENCH_TUNNEL      0 skips bench-tunnel.sh
#   BENCH_SWARM       0 skips bench-swarm.sh
#   BENCH_OVN         0 skips bench-ovn.sh
#   BENCH_RESULTS     also copy the raw "KEY VALUE" results to this file
#   OVSNETD_ARGS, BENCH_KEEP, BENCH_WAIT: see bench/bench-lib.sh
# The whole run takes about 9 minutes on a 2-core machine.

set -u

bench_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source=bench/bench-lib.sh
. "$bench_srcdir/bench-lib.sh"

: "${BENCH_CYCLES:=50}"
: "${BENCH_BUDGET:=60}"
: "${BENCH_BURST:=50}"
: "${BENCH_POPULATION:=1000}"
: "${BENCH_PUBLISH:=$BENCH_POPULATION}"
: "${BENCH_OVS_DOCKER:=1}"
: "${BENCH_DOCKER:=1}"
: "${BENCH_TUNNEL:=1}"
: "${BENCH_SWARM:=1}"
: "${BENCH_OVN:=1}"
if ! [[ "$BENCH_POPULATION" =~ ^[0-9]+$ ]] || [ "$BENCH_POPULATION" -le 10 ]; then
    echo "run.sh: BENCH_POPULATION=$BENCH_POPULATION: give more than 10" >&2
    exit 1
fi
if ! [[ "$BENCH_PUBLISH" =~ ^[0-9]+$ ]] \
   || [ "$BENCH_PUBLISH" -gt "$BENCH_POPULATION" ]; then
    echo "run.sh: BENCH_PUBLISH=$BENCH_PUBLISH: give 0 to" \
         "BENCH_POPULATION ($BENCH_POPULATION)" >&2
    exit 1
fi

bench_programs

if [ -z "${BENCH_DATAPATH:-}" ]; then
    if [ -d /sys/module/openvswitch ]; then
        BENCH_DATAPATH=system
    else
        BENCH_DATAPATH=netdev
    fi
fi
export BENCH_DATAPATH

if [ "$BENCH_OVS_DOCKER" != 0 ]; then
    command -v ovs-docker > /dev/null \
        || bench_skip "ovs-docker not found (Debian: openvswitch-common)"
    command -v uuidgen > /dev/null \
        || bench_skip "uuidgen (which ovs-docker needs) not found"
fi

bench_init
RESULTS=$BENCH_DIR/results
: > "$RESULTS"

# cpu_seconds PIDFILE: the CPU time (user + system) of the process.
cpu_seconds() {
    local pid
    pid=$(head -n 1 "$1" 2> /dev/null | tr -cd '0-9')
    [ -r "/proc/$pid/stat" ] || return 0
    # Fields 14 and 15, after the "(comm)" that may hold spaces.
    sed 's/^.*) //' "/proc/$pid/stat" \
        | awk -v hz="$(getconf CLK_TCK)" \
              '{ printf "%.2f\n", ($12 + $13) / hz }'
}

# vswitchd_warnings LOG: the warnings and errors ovs-vswitchd logged, with
# those it dropped for rate limiting.
vswitchd_warnings() {
    awk '/\|(WARN|ERR|EMER)\|/ { n++ }
         /\|(WARN|ERR|EMER)\|Dropped [0-9]+ log messages/ {
             for (i = 1; i <= NF; i++) if ($i == "Dropped") n += $(i + 1)
         }
         END { print n + 0 }' "$1"
}

bench_log "ovsnetd: $OVSNETD"
read -r load1 _ < /proc/loadavg
if awk -v l="$load1" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    bench_log "warning: load average $load1 on $(nproc) CPUs: other work" \
              "on this machine will show in the figures"
fi
bench_log "Open vSwitch $(ovs-vswitchd --version | sed -n '1s/.* //p')," \
          "datapath $BENCH_DATAPATH, $(nproc) CPUs"

# ---------------------------------------------------------------------------
# 1-3. ovsnetd.

bench_host ovsnet
bench_ovs_start
bench_ovsnetd_start
bench_container ovsnet-ctr
# Where the time of an attach goes: the OVSDB updates, with the time they
# arrive, against the times bench-attach sent and got its calls.
trace_opt=
if [ "${BENCH_TRACE:-1}" != 0 ]; then
    ovsdb-client --timestamp --format=csv monitor "unix:$T/db.sock" \
        Open_vSwitch Interface name,ofport > "$T/monitor.csv" 2> /dev/null &
    MONITOR_PID=$!
    disown "$MONITOR_PID"
    BENCH_PIDS+=("$MONITOR_PID")
    trace_opt=--trace=$T/trace
fi
# The kernel's floor inside ovsnetd's share of an attach: creating one veth
# pair (ovsnetd does it by rtnetlink; "ip -batch" is one process for all).
bench_log "the kernel creating and deleting 200 veth pairs"
start=$(date +%s%N)
for ((i = 0; i < 200; i++)); do
    echo "link add bkveth$i type veth peer name bkvethc$i"
done | in_ns ip -batch - || bench_die "cannot create the veth pairs"
mid=$(date +%s%N)
for ((i = 0; i < 200; i++)); do
    echo "link del bkveth$i"
done | in_ns ip -batch - || bench_die "cannot delete the veth pairs"
end=$(date +%s%N)
awk -v a=$((mid - start)) -v d=$((end - mid)) 'BEGIN {
    printf "kernel.veth_add_ms %.3f\nkernel.veth_del_ms %.3f\n", a / 200e6, d / 200e6
}' >> "$RESULTS"
bench_log "ovsnetd $OVSNETD_PID up in $NS; attach, burst and memory"
in_ns "$BENCH_ATTACH" ovsnet --pid="$OVSNETD_PID" \
    --container="$CONTAINER_NETNS" --datapath="$BENCH_DATAPATH" \
    --cycles="$BENCH_CYCLES" --burst="$BENCH_BURST" $trace_opt \
    --populations="10,$BENCH_POPULATION" --publish="$BENCH_PUBLISH" \
    "$T/ovs.sock" >> "$RESULTS" \
    || bench_die "bench-attach ovsnet failed (see above; logs in $T)"
if [ -n "$trace_opt" ]; then
    kill "$MONITOR_PID" 2> /dev/null
    # Per measured endpoint "ovsep-ID9": when its Interface row appeared
    # (ovsnetd committed it), when it got an ofport (ovs-vswitchd added
    # the port) and when the row went away.  Times of day, in ms.
    awk -F, '
        function ms(t,   a) { split(t, a, ":"); return (a[1] * 60 + a[2]) * 60000 + a[3] * 1000 }
        FILENAME != ARGV[ARGC - 1] {
            if ($0 ~ /^[0-9][0-9][0-9][0-9]-/) { split($0, d, " "); now = ms(d[2]); next }
            if ($3 !~ /^ovsep-/) next
            if ($2 == "insert" && !($3 in ins)) ins[$3] = now
            else if ($2 == "new" && $4 ~ /^[1-9][0-9]*$/ && !($3 in ofp)) ofp[$3] = now
            else if ($2 == "delete") del[$3] = now
            next
        }
        {
            split($0, f, " "); pop = f[1]; port = "ovsep-" f[2]
            if (!(port in ins) || !(port in ofp) || !(port in del)) { missing++; next }
            n[pop]++
            add(pop, "attach_ovsnetd_commit", ins[port] - ms(f[3]))
            add(pop, "attach_vswitchd_ofport", ofp[port] - ins[port])
            add(pop, "attach_ovsnetd_reply", ms(f[4]) - ofp[port])
            add(pop, "attach_ovsnetd_own",
                ins[port] - ms(f[3]) + ms(f[4]) - ofp[port])
            add(pop, "detach_ovsnetd_commit", del[port] - ms(f[5]))
            add(pop, "detach_ovsnetd_reply", ms(f[6]) - del[port])
        }
        function add(pop, k, v) { key = pop SUBSEP k; c[key]++; val[key, c[key]] = v; keys[key] = 1 }
        END {
            for (key in keys) {
                m = c[key]
                for (i = 1; i <= m; i++) s[i] = val[key, i]
                for (i = 2; i <= m; i++) {
                    x = s[i]
                    for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]
                    s[j + 1] = x
                }
                split(key, kk, SUBSEP)
                printf "ovsnet.phase.%s.%s.p50 %.3f\n", kk[1], kk[2], s[int((m + 1) / 2)]
            }
            if (missing) printf "ovsnet.phase.unmatched %d\n", missing
        }' FS=, "$T/monitor.csv" FS=' ' "$T/trace" >> "$RESULTS"
fi
echo "ovsnet.cpu.ovsnetd_s $(cpu_seconds "$T/ovsnetd.pid")" >> "$RESULTS"
echo "ovsnet.cpu.vswitchd_s $(cpu_seconds "$T/ovs-vswitchd.pid")" >> "$RESULTS"
echo "ovsnet.log.vswitchd_warnings $(vswitchd_warnings "$T/ovs-vswitchd.log")" \
     >> "$RESULTS"
n=$(grep -c '|WARN|\||ERR|\||EMER|' "$T/ovsnetd.log")
echo "ovsnet.log.warnings $n" >> "$RESULTS"
if [ "$n" != 0 ]; then
    bench_log "ovsnetd logged $n warnings or errors, e.g.:"
    grep '|WARN|\||ERR|\||EMER|' "$T/ovsnetd.log" | head -n 5 >&2
fi
bench_host_stop

# ---------------------------------------------------------------------------
# 1-2. The baseline: ovs-docker on an Open vSwitch of its own.

if [ "$BENCH_OVS_DOCKER" != 0 ]; then
    bench_host ovs-docker
    bench_ovs_start
    BRIDGE=benchbr
    vsctl add-br $BRIDGE \
        -- set bridge $BRIDGE datapath_type="$BENCH_DATAPATH" \
        || bench_die "cannot create bridge $BRIDGE"
    bench_container ovs-docker-ctr

    # ovs-docker asks docker one thing: "docker inspect -f '{{.State.Pid}}'
    # CONTAINER".  This stand-in answers it for our container alone.
    FAKEBIN=$T/fakebin
    mkdir -p "$FAKEBIN"
    cat > "$FAKEBIN/docker" <<EOF
#!/bin/sh
# A stand-in for docker, for ovs-docker: answers "docker inspect
# -f '{{.State.Pid}}' bench-ctr" with the pid of a process in a namespace
# of its own.
if [ "\$1" = inspect ] && { [ "\$2" = -f ] || [ "\$2" = --format ]; } \\
   && [ "\$3" = '{{.State.Pid}}' ] && [ "\$4" = bench-ctr ]; then
    echo $CONTAINER_PID
    exit 0
fi
echo "fake docker: not supported: \$*" >&2
exit 1
EOF
    chmod +x "$FAKEBIN/docker"

    bench_log "ovs-docker on an empty bridge"
    PATH=$FAKEBIN:$PATH in_ns "$BENCH_ATTACH" ovs-docker --label=0 \
        --cycles="$BENCH_CYCLES" --budget="$BENCH_BUDGET" \
        --burst="$BENCH_BURST" $BRIDGE bench-ctr \
        >> "$RESULTS" || bench_die "bench-attach ovs-docker failed"

    bench_log "adding $BENCH_POPULATION ports (veth pairs, one ovs-vsctl" \
              "call)"
    start=$(date +%s%N)
    for ((i = 0; i < BENCH_POPULATION; i++)); do
        echo "link add bfill$i type veth peer name bfillc$i"
        echo "link set bfill$i up"
    done | in_ns ip -batch - || bench_die "cannot create the veth pairs"
    args=()
    for ((i = 0; i < BENCH_POPULATION; i++)); do
        # As ovs-docker makes them.
        args+=(-- add-port $BRIDGE "bfill$i" -- set interface "bfill$i"
               "external_ids:container_id=filler$i"
               external_ids:container_iface=eth1)
    done
    vsctl --timeout=600 "${args[@]}" || bench_die "cannot add the ports"
    unset args
    echo "ovs-vsctl.fill.$BENCH_POPULATION.wall_ms" \
         "$((($(date +%s%N) - start) / 1000000))" >> "$RESULTS"

    bench_log "ovs-docker with $BENCH_POPULATION ports on the bridge"
    PATH=$FAKEBIN:$PATH in_ns "$BENCH_ATTACH" ovs-docker \
        --label="$BENCH_POPULATION" --cycles="$BENCH_CYCLES" \
        --budget="$BENCH_BUDGET" --burst=0 \
        $BRIDGE bench-ctr >> "$RESULTS" \
        || bench_die "bench-attach ovs-docker failed"
    echo "ovs-docker.cpu.vswitchd_s $(cpu_seconds "$T/ovs-vswitchd.pid")" \
         >> "$RESULTS"
    echo "ovs-docker.log.vswitchd_warnings" \
         "$(vswitchd_warnings "$T/ovs-vswitchd.log")" >> "$RESULTS"
    bench_host_stop
fi

# ---------------------------------------------------------------------------
# 4. Docker.

# run_part SCRIPT PREFIX [RENAME]: runs bench/SCRIPT, its results into
# RESULTS (each key's "docker." renamed "RENAME." if RENAME is given); notes
# PREFIX.skipped or PREFIX.failed there if it was skipped or failed.
run_part() {
    local rc=0
    "$bench_srcdir/$1" | sed "s/^docker\./${3:-docker}./" >> "$RESULTS"
    rc=${PIPESTATUS[0]}
    case $rc in
        0) ;;
        77) echo "$2.skipped 1" >> "$RESULTS" ;;
        *) bench_log "$1 failed (exit status $rc)"
           echo "$2.failed 1" >> "$RESULTS" ;;
    esac
}

# Against each engine there is: Debian's docker.io, and Docker 28 from sid
# where "contrib/docker-engine sid" unpacked it (tests/docker-lib.sh's
# OVSNET_DOCKER_ENGINE); without it, a note.
if [ "$BENCH_DOCKER" != 0 ]; then
    bench_log "docker run and TCP throughput (bench/bench-docker.sh), Debian's Docker"
    OVSNET_DOCKER_ENGINE=debian run_part bench-docker.sh docker
    bench_log "the same with Docker from Debian sid"
    OVSNET_DOCKER_ENGINE=sid CI= run_part bench-docker.sh docker-sid docker-sid
fi

# ---------------------------------------------------------------------------
# 5. Tunnels.

if [ "$BENCH_TUNNEL" != 0 ]; then
    bench_log "multi-host networks (bench/bench-tunnel.sh)"
    run_part bench-tunnel.sh tunnel
fi

# ---------------------------------------------------------------------------
# 6. Swarm.

if [ "$BENCH_SWARM" != 0 ]; then
    bench_log "a Docker swarm, ovsnet against overlay (bench/bench-swarm.sh)"
    run_part bench-swarm.sh swarm
fi

# ---------------------------------------------------------------------------
# 7. OVN.

if [ "$BENCH_OVN" != 0 ]; then
    bench_log "OVN mode against ovn-docker-overlay-driver (bench/bench-ovn.sh)"
    run_part bench-ovn.sh ovn
fi

# ---------------------------------------------------------------------------
# The table.

if [ -n "${BENCH_RESULTS:-}" ]; then
    cp "$RESULTS" "$BENCH_RESULTS"
fi

P=$BENCH_POPULATION
B=$BENCH_BURST
N=$BENCH_PUBLISH
# Rows: label | ovsnet key | baseline key | ratio | target | unit
#   ratio: "faster" = baseline / ovsnet, "share" = ovsnet / baseline
#   target: "le:N" (ovsnet value <= N), "x:N" (ratio >= N), "y:N" (ratio
#     >= N, "x bridge"), "y:N:WORD" (the same, "x WORD"), "noise" (ratio
#     within docker.run.noise_pct), "noise:KEY" (within KEY), or "-"
#   unit: ms, s (from ms), MB (from kB), gbps
{
cat <<EOF
attach p50, 10 endpoints / empty bridge|ovsnet.attach.10.p50|ovs-docker.attach.0.p50|faster|le:10 x:8|ms
attach p99, 10 endpoints / empty bridge|ovsnet.attach.10.p99|ovs-docker.attach.0.p99|faster|-|ms
attach p50, $P endpoints / $P ports|ovsnet.attach.$P.p50|ovs-docker.attach.$P.p50|faster|x:8|ms
attach p99, $P endpoints / $P ports|ovsnet.attach.$P.p99|ovs-docker.attach.$P.p99|faster|-|ms
  10: ovsnetd until committed|ovsnet.phase.10.attach_ovsnetd_commit.p50|-|-|-|ms
  10: ovs-vswitchd until ofport|ovsnet.phase.10.attach_vswitchd_ofport.p50|-|-|-|ms
  10: ovsnetd until reply|ovsnet.phase.10.attach_ovsnetd_reply.p50|-|-|-|ms
  10: ovsnetd's own (committed + reply)|ovsnet.phase.10.attach_ovsnetd_own.p50|-|-|le:2|ms
  of which the kernel creating a veth pair|kernel.veth_add_ms|-|-|-|ms
  $P: ovsnetd until committed|ovsnet.phase.$P.attach_ovsnetd_commit.p50|-|-|-|ms
  $P: ovs-vswitchd until ofport|ovsnet.phase.$P.attach_vswitchd_ofport.p50|-|-|-|ms
  $P: ovsnetd until reply|ovsnet.phase.$P.attach_ovsnetd_reply.p50|-|-|-|ms
  $P: ovsnetd's own (committed + reply)|ovsnet.phase.$P.attach_ovsnetd_own.p50|-|-|le:5|ms
detach p50, 10 endpoints / empty bridge|ovsnet.detach.10.p50|ovs-docker.detach.0.p50|faster|-|ms
detach p99, 10 endpoints / empty bridge|ovsnet.detach.10.p99|ovs-docker.detach.0.p99|faster|-|ms
detach p50, $P endpoints / $P ports|ovsnet.detach.$P.p50|ovs-docker.detach.$P.p50|faster|-|ms
detach p99, $P endpoints / $P ports|ovsnet.detach.$P.p99|ovs-docker.detach.$P.p99|faster|-|ms
publish (-P) p50, $N published / none|ovsnet.publish.at.$N.call.p50|ovsnet.publish.at.0.call.p50|share|-|ms
burst of $B attaches, wall (seq. ovs-docker)|ovsnet.burst.$B.wall_ms|ovs-docker.burst.$B.0.wall_ms|faster|x:10|ms
docker run --rm true, median (ovs / bridge)|docker.run.ovs.median_ms|docker.run.bridge.median_ms|share|noise|ms
TCP, ovs with userspace TSO / bridge|docker.tcp.ovs.gbps|docker.tcp.bridge.gbps|share|y:0.5|gbps
TCP, ovs as set up by default / bridge|docker.tcp.ovs_notso.gbps|docker.tcp.bridge.gbps|share|y:0.5|gbps
Docker sid: docker run --rm true (ovs / bridge)|docker-sid.run.ovs.median_ms|docker-sid.run.bridge.median_ms|share|-|ms
Docker sid: TCP, ovs with userspace TSO / bridge|docker-sid.tcp.ovs.gbps|docker-sid.tcp.bridge.gbps|share|y:0.5|gbps
Docker sid: TCP, ovs as set up by default / bridge|docker-sid.tcp.ovs_notso.gbps|docker-sid.tcp.bridge.gbps|share|y:0.5|gbps
TCP across hosts, vxlan kernel device / bridge|tunnel.tcp.kvxlan.gbps|tunnel.tcp.bridge.gbps|share|y:0.25|gbps
TCP across hosts, same, underlay on br-phy|tunnel.tcp.kvxlan_brphy.gbps|tunnel.tcp.bridge.gbps|share|-|gbps
TCP across hosts, OVS vxlan port / bridge|tunnel.tcp.vxlan.gbps|tunnel.tcp.bridge.gbps|share|-|gbps
TCP across hosts, OVS gre port / bridge|tunnel.tcp.gre.gbps|tunnel.tcp.bridge.gbps|share|-|gbps
TCP across hosts, OVS geneve port / bridge|tunnel.tcp.geneve.gbps|tunnel.tcp.bridge.gbps|share|-|gbps
add-peer until reachable, vxlan kernel (median)|tunnel.peer.kvxlan.median_ms|-|-|-|ms
add-peer until reachable, OVS vxlan (median)|tunnel.peer.vxlan.median_ms|-|-|-|ms
swarm: docker run --rm true (ovsnet / overlay)|swarm.run.ovsnet.median_ms|swarm.run.overlay.median_ms|share|noise:swarm.run.noise_pct|ms
swarm: TCP, vxlan kernel device / overlay|swarm.tcp.kvxlan.gbps|swarm.tcp.overlay.gbps|share|y:0.5:overlay|gbps
swarm: TCP, overlay, underlay on br-phy / eth1|swarm.tcp.overlay_brphy.gbps|swarm.tcp.overlay.gbps|share|-|gbps
swarm: TCP, OVS vxlan port (br-phy) / overlay|swarm.tcp.vxlan.gbps|swarm.tcp.overlay.gbps|share|-|gbps
swarm: TCP, OVS gre port (br-phy) / overlay|swarm.tcp.gre.gbps|swarm.tcp.overlay.gbps|share|-|gbps
swarm: TCP, OVS geneve port (br-phy) / overlay|swarm.tcp.geneve.gbps|swarm.tcp.overlay.gbps|share|-|gbps
swarm: join until reached (ovsnet / overlay)|swarm.join.ovsnet.median_ms|swarm.join.overlay.median_ms|share|-|ms
OVN: attach p50 (ovsnet / ovn-docker driver)|ovn.ovsnet.attach.p50|ovn.ovn-docker.attach.p50|faster|x:10|ms
OVN: attach p99 (ovsnet / ovn-docker driver)|ovn.ovsnet.attach.p99|ovn.ovn-docker.attach.p99|faster|-|ms
OVN: CreateEndpoint until reached from host 2|ovn.reach.ovsnet.median_ms|ovn.reach.ovn-docker.median_ms|share|le:1000|ms
OVN: TCP across hosts, OVN network / vxlan|ovn.tcp.ovsnet.gbps|ovn.tcp.vxlan.gbps|share|-|gbps
OVN: TCP, ovn-docker's switch / ovsnet vxlan|ovn.tcp.ovn-docker.gbps|ovn.tcp.vxlan.gbps|share|-|gbps
OVN, 10 hosts: new network usable on all|ovn.ten.usable.ovsnet.ms|ovn.ten.usable.ovn-docker.ms|share|-|ms
OVN, 10 hosts: ovsnetd VmRSS (largest)|ovn.ten.mem.max_rss_kb|-|-|-|MB
ovsnetd VmRSS, 0 endpoints|ovsnet.mem.0.rss_kb|-|-|-|MB
ovsnetd VmRSS, $P endpoints|ovsnet.mem.$P.rss_kb|-|-|le:20|MB
ovsnetd VmHWM, whole run|ovsnet.mem.end.hwm_kb|-|-|le:20|MB
EOF
} > "$BENCH_DIR/rows"

echo
echo "ovsnet benchmarks: Open vSwitch $(ovs-vswitchd --version | sed -n '1s/.* //p')," \
     "datapath $BENCH_DATAPATH, $(nproc) CPUs, up to $BENCH_CYCLES cycles per figure," \
     "$(date -u +%Y-%m-%dT%H:%MZ), load average at start $load1"
echo "baseline: ovs-docker (attach, burst), Docker's bridge driver (docker run, TCP)," \
     "a Linux bridge on one host (TCP across hosts), Docker's overlay network (swarm)," \
     "Debian's ovn-docker-overlay-driver (OVN)"
awk -F'|' -v spread="${BENCH_DIR}/results" '
    BEGIN {
        while ((getline line < spread) > 0) {
            split(line, kv, " ")
            val[kv[1]] = kv[2]
        }
        printf "%-46s %10s %10s %9s  %s\n", "", "ovsnet", "baseline",
               "ratio", "target"
    }
    function show(v, unit) {
        if (v == "") return "-"
        if (unit == "MB") return sprintf("%.1f MB", v / 1024)
        if (unit == "s") return sprintf("%.2f s", v / 1000)
        if (unit == "gbps") return sprintf("%.2f Gb/s", v)
        if (v >= 1000) return sprintf("%.2f s", v / 1000)
        if (v < 1) return sprintf("%.2f ms", v)
        return sprintf("%.1f ms", v)
    }
    {
        label = $1; a = val[$2]; b = ($3 == "-") ? "" : val[$3]
        mode = $4; target = $5; unit = $6
        ratio = ""; r = 0
        if (a != "" && b != "" && a > 0 && b > 0) {
            r = (mode == "faster") ? b / a : a / b
            ratio = sprintf("%.2fx", r)
        }
        text = ""; ok = ""
        n = split(target, parts, " ")
        for (i = 1; i <= n; i++) {
            t = parts[i]
            if (t == "-") continue
            if (t ~ /^le:/) {
                lim = substr(t, 4) + 0
                text = text (text ? ", " : "") "<= " lim " " (unit == "MB" ? "MB" : "ms")
                if (a != "") {
                    x = (unit == "MB") ? a / 1024 : a
                    ok = ok (x <= lim ? "" : "MISSED ")
                }
            } else if (t ~ /^x:/) {
                lim = substr(t, 3) + 0
                text = text (text ? ", " : "") ">= " lim "x faster"
                if (ratio != "") ok = ok (r >= lim ? "" : "MISSED ")
            } else if (t ~ /^y:/) {
                split(t, y, ":")
                lim = y[2] + 0
                text = text (text ? ", " : "") ">= " lim "x " (y[3] == "" ? "bridge" : y[3])
                if (ratio != "") ok = ok (r >= lim ? "" : "MISSED ")
            } else if (t ~ /^noise/) {
                noise = val[t == "noise" ? "docker.run.noise_pct" : substr(t, 7)]
                if (noise != "") noise += 0
                text = "within noise"
                if (noise != "") text = text sprintf(" (+-%.0f%%)", noise)
                if (ratio != "" && noise != "")
                    ok = ok ((r - 1) * 100 <= noise ? "" : "MISSED ")
            }
        }
        if (a == "") { ok = "(not measured)" }
        else if (text ~ /x (faster|bridge|overlay)|within noise/ && ratio == "")
            ok = ok ((text ~ /<=/ && ok == "") ? "ok, " : "") "(baseline not measured)"
        else if (text != "" && ok == "" && (a != "")) ok = "ok"
        printf "%-46s %10s %10s %9s  %s %s\n", label, show(a, unit),
               show(b, unit), ratio, text, ok
    }' "$BENCH_DIR/rows"

# Details: every figure, for whoever wants to look closer.
echo
echo "details (ms unless marked; p50/p99):"
awk -v P="$P" -v B="$B" -v N="$N" '
    { v[$1] = $2 }
    function f(k) { return (k in v) ? sprintf("%.1f", v[k]) : "-" }
    function g(k) { return (k in v) ? v[k] : "-" }
    END {
        printf "  ovsnet CreateNetwork %s, first attach on the new network %s, DeleteNetwork %s\n",
            f("ovsnet.create_network_ms"), f("ovsnet.first_attach_ms"), f("ovsnet.delete_network_ms")
        split("10 " P, pops, " ")
        for (i = 1; i <= 2; i++) {
            p = pops[i]
            printf "  ovsnet, %s endpoints: CreateEndpoint %s/%s, Join %s/%s, Leave %s/%s, DeleteEndpoint %s/%s\n", p,
                f("ovsnet.create_endpoint." p ".p50"), f("ovsnet.create_endpoint." p ".p99"),
                f("ovsnet.join." p ".p50"), f("ovsnet.join." p ".p99"),
                f("ovsnet.leave." p ".p50"), f("ovsnet.leave." p ".p99"),
                f("ovsnet.delete_endpoint." p ".p50"), f("ovsnet.delete_endpoint." p ".p99")
        }
        for (i = 1; i <= 2; i++) {
            p = pops[i]; k = "ovsnet.phase." p "."
            if ((k "attach_vswitchd_ofport.p50") in v)
                printf "  where the time goes, %s endpoints (p50): CreateEndpoint = ovsnetd until committed %s + ovs-vswitchd until ofport %s + ovsnetd until reply %s; DeleteEndpoint = ovsnetd until committed %s + until reply %s\n", p,
                    f(k "attach_ovsnetd_commit.p50"), f(k "attach_vswitchd_ofport.p50"),
                    f(k "attach_ovsnetd_reply.p50"), f(k "detach_ovsnetd_commit.p50"),
                    f(k "detach_ovsnetd_reply.p50")
        }
        if ("ovsnet.publish.at.0.call.p50" in v)
            printf "  ovsnet publish (-P, any host port) p50/p99: with none published %s/%s, with %s %s/%s; revoke with %s %s/%s; %s publishes one after the other %s, revoking them %s\n",
                f("ovsnet.publish.at.0.call.p50"), f("ovsnet.publish.at.0.call.p99"), N,
                f("ovsnet.publish.at." N ".call.p50"), f("ovsnet.publish.at." N ".call.p99"), N,
                f("ovsnet.revoke.at." N ".call.p50"), f("ovsnet.revoke.at." N ".call.p99"), N,
                f("ovsnet.publish.fill." N ".wall_ms"), f("ovsnet.revoke.drain." N ".wall_ms")
        printf "  ovsnet burst of %s: per call p50 %s p99 %s; deleting them (at once) %s\n", B,
            f("ovsnet.burst." B ".call.p50"), f("ovsnet.burst." B ".call.p99"), f("ovsnet.burst." B ".delete_wall_ms")
        printf "  ovsnet burst of %s with %s endpoints there: wall %s, per call p50 %s p99 %s\n", B, P,
            f("ovsnet.burst." B ".at." P ".wall_ms"), f("ovsnet.burst." B ".at." P ".call.p50"),
            f("ovsnet.burst." B ".at." P ".call.p99")
        printf "  ovsnet adding %s endpoints (16 at a time): %s (%s per endpoint); deleting them: %s\n", P,
            f("ovsnet.fill." P ".wall_ms"), f("ovsnet.fill." P ".per_endpoint_ms"), f("ovsnet.drain." P ".wall_ms")
        printf "  ovsnetd memory (MB): start %.1f, 0 endpoints %.1f, 10 %.1f, %s %.1f (peak %.1f), after deleting all %.1f\n",
            v["ovsnet.mem.start.rss_kb"] / 1024, v["ovsnet.mem.0.rss_kb"] / 1024,
            v["ovsnet.mem.10.rss_kb"] / 1024, P, v["ovsnet.mem." P ".rss_kb"] / 1024,
            v["ovsnet.mem.end.hwm_kb"] / 1024, v["ovsnet.mem.end.rss_kb"] / 1024
        printf "  CPU seconds over the ovsnet run: ovsnetd %s, ovs-vswitchd %s (ovs-docker run: ovs-vswitchd %s)\n",
            f("ovsnet.cpu.ovsnetd_s"), f("ovsnet.cpu.vswitchd_s"), f("ovs-docker.cpu.vswitchd_s")
        printf "  ovs-docker: %s sequential add-port %s (per call p50 %s); del-ports of them %s; %s ports in one ovs-vsctl call %s\n",
            B, f("ovs-docker.burst." B ".0.wall_ms"), f("ovs-docker.burst." B ".0.call.p50"),
            f("ovs-docker.burst." B ".0.del_ports_ms"), P, f("ovs-vsctl.fill." P ".wall_ms")
        if ("docker.run.ovs.median_ms" in v)
            printf "  docker run (%s pairs): ovs min/max %s/%s, bridge min/max %s/%s, noise (bridge half-IQR) %s%%; TCP: %s s of iperf3 each\n",
                v["docker.run.pairs"], f("docker.run.ovs.min_ms"), f("docker.run.ovs.max_ms"),
                f("docker.run.bridge.min_ms"), f("docker.run.bridge.max_ms"),
                f("docker.run.noise_pct"), v["docker.tcp.seconds"]
        if ("docker.tcp.bridge.all" in v)
            printf "  TCP Gb/s of each test (retransmissions in the best): bridge %s (%s), ovs default %s (%s), ovs with userspace TSO %s (%s)\n",
                v["docker.tcp.bridge.all"], v["docker.tcp.bridge.retransmits"],
                v["docker.tcp.ovs_notso.all"], v["docker.tcp.ovs_notso.retransmits"],
                v["docker.tcp.ovs.all"], v["docker.tcp.ovs.retransmits"]
        if ("tunnel.tcp.bridge.gbps" in v)
            printf "  tunnels: TCP %s s of iperf3 each, retransmissions: bridge %s, vxlan kernel %s, OVS vxlan %s, gre %s, geneve %s; add-peer until reachable (%s runs), min-max: vxlan kernel %s-%s, OVS vxlan %s-%s, gre %s-%s, geneve %s-%s\n",
                v["tunnel.tcp.seconds"], v["tunnel.tcp.bridge.retransmits"],
                v["tunnel.tcp.kvxlan.retransmits"], v["tunnel.tcp.vxlan.retransmits"],
                v["tunnel.tcp.gre.retransmits"], v["tunnel.tcp.geneve.retransmits"],
                v["tunnel.peer.runs"], f("tunnel.peer.kvxlan.min_ms"), f("tunnel.peer.kvxlan.max_ms"),
                f("tunnel.peer.vxlan.min_ms"), f("tunnel.peer.vxlan.max_ms"),
                f("tunnel.peer.gre.min_ms"), f("tunnel.peer.gre.max_ms"),
                f("tunnel.peer.geneve.min_ms"), f("tunnel.peer.geneve.max_ms")
        if ("swarm.run.ovsnet.median_ms" in v)
            printf "  swarm: docker run (%s pairs, host 2) min/max: ovsnet %s/%s, overlay %s/%s, noise (overlay half-IQR) %s%%; TCP Gb/s of each test (retransmissions in the best), underlay on eth1: overlay %s (%s), vxlan kernel %s (%s); on br-phy: overlay %s (%s)%s, OVS vxlan %s (%s), gre %s (%s), geneve %s (%s)\n",
                v["swarm.run.pairs"], f("swarm.run.ovsnet.min_ms"), f("swarm.run.ovsnet.max_ms"),
                f("swarm.run.overlay.min_ms"), f("swarm.run.overlay.max_ms"), f("swarm.run.noise_pct"),
                g("swarm.tcp.overlay.all"), g("swarm.tcp.overlay.retransmits"),
                g("swarm.tcp.kvxlan.all"), g("swarm.tcp.kvxlan.retransmits"),
                g("swarm.tcp.overlay_brphy.all"), g("swarm.tcp.overlay_brphy.retransmits"),
                ("swarm.tcp.overlay_brphy.failed" in v) ? " no test completed" : "",
                g("swarm.tcp.vxlan.all"), g("swarm.tcp.vxlan.retransmits"),
                g("swarm.tcp.gre.all"), g("swarm.tcp.gre.retransmits"),
                g("swarm.tcp.geneve.all"), g("swarm.tcp.geneve.retransmits")
        if ("swarm.join.ovsnet.median_ms" in v)
            printf "  swarm: join until reached (%s runs) median min-max: ovsnet %s %s-%s, overlay %s %s-%s; of which docker run -d (median): ovsnet %s, overlay %s\n",
                v["swarm.join.runs"], f("swarm.join.ovsnet.median_ms"), f("swarm.join.ovsnet.min_ms"),
                f("swarm.join.ovsnet.max_ms"), f("swarm.join.overlay.median_ms"), f("swarm.join.overlay.min_ms"),
                f("swarm.join.overlay.max_ms"), f("swarm.join_run.ovsnet.median_ms"), f("swarm.join_run.overlay.median_ms")
        if ("ovn.ovn-docker.attach.p50" in v)
            printf "  OVN (%s cycles, p50/p99): ovn-docker CreateEndpoint %s/%s, Join %s/%s, then ovn-installed %s/%s, detach %s/%s; ovsnet CreateEndpoint %s/%s, Join %s/%s, then ovn-installed %s/%s, detach %s/%s\n",
                v["ovn.ovn-docker.attach.n"],
                f("ovn.ovn-docker.create_endpoint.p50"), f("ovn.ovn-docker.create_endpoint.p99"),
                f("ovn.ovn-docker.join.p50"), f("ovn.ovn-docker.join.p99"),
                f("ovn.ovn-docker.installed.p50"), f("ovn.ovn-docker.installed.p99"),
                f("ovn.ovn-docker.detach.p50"), f("ovn.ovn-docker.detach.p99"),
                f("ovn.ovsnet.create_endpoint.p50"), f("ovn.ovsnet.create_endpoint.p99"),
                f("ovn.ovsnet.join.p50"), f("ovn.ovsnet.join.p99"),
                f("ovn.ovsnet.installed.p50"), f("ovn.ovsnet.installed.p99"),
                f("ovn.ovsnet.detach.p50"), f("ovn.ovsnet.detach.p99")
        if ("ovn.ovsnet.phase.installed.p50" in v || "ovn.ovn-docker.phase.installed.p50" in v)
            printf "  OVN, where an attach goes (p50 after CreateEndpoint is sent): LSP in the Northbound database, Port_Binding on the chassis, ovn-installed, CreateEndpoint answered after that: ovn-docker %s, %s, %s, %s; ovsnet %s, %s, %s, %s\n",
                f("ovn.ovn-docker.phase.nb_lsp.p50"), f("ovn.ovn-docker.phase.sb_bound.p50"),
                f("ovn.ovn-docker.phase.installed.p50"), f("ovn.ovn-docker.phase.reply.p50"),
                f("ovn.ovsnet.phase.nb_lsp.p50"), f("ovn.ovsnet.phase.sb_bound.p50"),
                f("ovn.ovsnet.phase.installed.p50"), f("ovn.ovsnet.phase.reply.p50")
        if ("ovn.reach.ovn-docker.median_ms" in v)
            printf "  OVN: CreateEndpoint until reached, min-max: ovn-docker %s-%s, ovsnet %s-%s; TCP Gb/s of each test (MTU): ovn-docker %s (%s), ovsnet OVN %s (%s), ovsnet vxlan %s (%s); ovsnetd VmRSS after, %s kB\n",
                f("ovn.reach.ovn-docker.min_ms"), f("ovn.reach.ovn-docker.max_ms"),
                f("ovn.reach.ovsnet.min_ms"), f("ovn.reach.ovsnet.max_ms"),
                g("ovn.tcp.ovn-docker.all"), g("ovn.tcp.ovn-docker.mtu"),
                g("ovn.tcp.ovsnet.all"), g("ovn.tcp.ovsnet.mtu"),
                g("ovn.tcp.vxlan.all"), g("ovn.tcp.vxlan.mtu"), g("ovn.mem.3.rss_kb")
        if ("ovn.ten.usable.ovn-docker.ms" in v)
            printf "  OVN, 10 hosts: usable on all, ms: ovn-docker %s (its one CreateNetwork %s), ovsnet %s; ovsnetd VmRSS at start (host 1) %s kB, after (largest) %s kB\n",
                g("ovn.ten.usable.ovn-docker.ms"), g("ovn.ten.create_network.ovn-docker.ms"),
                g("ovn.ten.usable.ovsnet.ms"), g("ovn.ten.mem.start.h1.rss_kb"),
                g("ovn.ten.mem.max_rss_kb")
        if ("ovn.skipped" in v) print "  OVN: skipped (see the message above)"
        if ("ovn.failed" in v) print "  OVN: bench-ovn.sh failed (see above)"
        if ("swarm.overlay.error" in v) print "  swarm: overlay did not work here: " v["swarm.overlay.error"] " (see the messages above)"
        if ("swarm.skipped" in v) print "  swarm: skipped (see the message above)"
        if ("swarm.failed" in v) print "  swarm: bench-swarm.sh failed (see above)"
        if ("tunnel.skipped" in v) print "  tunnels: skipped (see the message above)"
        if ("tunnel.failed" in v) print "  tunnels: bench-tunnel.sh failed (see above)"
        if ("docker.skipped" in v) print "  docker: skipped (see the message above)"
        if ("docker.failed" in v) print "  docker: bench-docker.sh failed (see above)"
        if ("docker-sid.skipped" in v) print "  docker from sid: skipped (run contrib/docker-engine sid first)"
        if ("docker-sid.failed" in v) print "  docker from sid: bench-docker.sh failed (see above)"
        printf "  samples (cycles): ovsnet %d and %d, ovs-docker %d and %d\n",
            v["ovsnet.attach.10.n"], v["ovsnet.attach." P ".n"],
            v["ovs-docker.attach.0.n"], v["ovs-docker.attach." P ".n"]
        printf "  warnings and errors logged: by ovsnetd %d; by ovs-vswitchd, counting those it dropped: %d in the ovsnet run, %d in the ovs-docker run\n",
            v["ovsnet.log.warnings"], v["ovsnet.log.vswitchd_warnings"], v["ovs-docker.log.vswitchd_warnings"]
    }' "$RESULTS"
bench_log "done"
