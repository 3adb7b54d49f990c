#!/bin/bash
# bench/kernel-tcp.sh: TCP throughput on Open vSwitch's kernel datapath
# against the kernel's own devices, inside the kernel-datapath VM
# (bench/bench-kernel.sh runs it there; it needs the openvswitch module).
#
#   1. two "containers" (namespaces, veth pairs) on one bridge of the
#      system datapath, against the same on a Linux bridge;
#   2. two "hosts" (namespaces, each with its own ovsdb-server,
#      ovs-vswitchd and kernel datapath) joined by a veth underlay, a
#      container on each, over Open vSwitch's vxlan port (the kernel's
#      vport-vxlan) against a Linux VXLAN device on a Linux bridge.
#
# Prints "BENCH: name Mbit/s" lines and the ratios.  Under emulation only
# the ratios mean anything.  BENCH_TCP_SECONDS (default 5) per iperf3 run.
set -u

SEC=${BENCH_TCP_SECONDS:-5}
P=bk$$
D=$(mktemp -d "${TMPDIR:-/tmp}/bench-kernel.XXXXXX")
NSS=()

cleanup() {
    local ns pidfile
    for pidfile in "$D"/*/*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2> /dev/null
    done
    for ns in "${NSS[@]}"; do
        ip netns pids "$ns" 2> /dev/null | xargs -r kill -KILL
        ip netns delete "$ns" 2> /dev/null
    done
    rm -rf "$D"
}
trap cleanup EXIT

die() {
    echo "kernel-tcp.sh: $*" >&2
    exit 1
}

mkns() {
    ip netns add "$P-$1" || die "cannot create namespace $P-$1"
    NSS+=("$P-$1")
    ip -n "$P-$1" link set lo up
}

# ovs_up HOST: ovsdb-server and ovs-vswitchd of their own in HOST's
# namespace (so a kernel datapath of its own); sets VSCTL.
ovs_up() {
    local h=$1 t=$D/$1
    mkdir -p "$t"
    ovsdb-tool create "$t/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ip netns exec "$P-$h" ovsdb-server "$t/conf.db" \
        --remote="punix:$t/db.sock" --pidfile="$t/ovsdb-server.pid" \
        --unixctl="$t/db.ctl" --log-file="$t/db.log" --detach --no-chdir \
        || die "ovsdb-server failed"
    ip netns exec "$P-$h" ovs-vswitchd "unix:$t/db.sock" \
        --pidfile="$t/ovs-vswitchd.pid" --unixctl="$t/vs.ctl" \
        --log-file="$t/vs.log" --detach --no-chdir || die "ovs-vswitchd failed"
    ovs-vsctl --db="unix:$t/db.sock" --timeout=60 init
}

vsctl() {
    local h=$1
    shift
    ovs-vsctl --db="unix:$D/$h/db.sock" --timeout=60 "$@"
}

# ctr HOST NAME ADDR/LEN MTU: a container namespace with a veth whose other
# end ("vNAME") stays in HOST's namespace, down.
ctr() {
    mkns "$2"
    ip -n "$P-$1" link add "v$2" mtu "$4" type veth peer name eth0 \
        mtu "$4" netns "$P-$2"
    ip -n "$P-$2" addr add "$3" dev eth0
    ip -n "$P-$2" link set eth0 up
    ip -n "$P-$1" link set "v$2" up
}

# tcp FROM TO ADDR: iperf3's received rate from container FROM to TO, in
# Mbit/s.
tcp() {
    local rate
    ip netns exec "$P-$2" iperf3 -s -1 -B "$3" > /dev/null 2>&1 &
    sleep 1
    rate=$(ip netns exec "$P-$1" iperf3 -c "$3" -t "$SEC" -J 2> /dev/null \
               | jq '.end.sum_received.bits_per_second / 1e6 | floor')
    wait
    echo "${rate:-0}"
}

# measure FROM TO ADDR WHAT: FROM pings ADDR (in TO), then the TCP rate.
measure() {
    ip netns exec "$P-$1" ping -c 2 -W 5 "$3" > /dev/null \
        || die "no ping $4"
    tcp "$1" "$2" "$3"
}

# report CASE LABEL-A RATE-A LABEL-B RATE-B
report() {
    echo "BENCH: $1, $2: $3 Mbit/s"
    echo "BENCH: $1, $4: $5 Mbit/s"
    echo "BENCH: $1, $2 / $4: $(awk -v a="$3" -v b="$5" \
        'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')"
}

# 1. One host.
mkns h
ovs_up h
vsctl h add-br br0 -- set Bridge br0 datapath_type=system
ctr h c1 198.51.100.1/24 1500
ctr h c2 198.51.100.2/24 1500
vsctl h add-port br0 vc1 -- add-port br0 vc2
ip -n "$P-h" link set br0 up
ovs=$(measure c1 c2 198.51.100.2 "across the system bridge")
ip -n "$P-h" link add lbr type bridge
ip -n "$P-h" link set lbr up
ctr h c3 198.51.100.3/24 1500
ctr h c4 198.51.100.4/24 1500
ip -n "$P-h" link set vc3 master lbr
ip -n "$P-h" link set vc4 master lbr
lin=$(measure c3 c4 198.51.100.4 "across the Linux bridge")
report "one host" "OVS system bridge" "$ovs" "Linux bridge" "$lin"

# 2. Two hosts: OVS's vxlan vport, then a Linux VXLAN device.
for i in 1 2; do
    mkns "u$i"
done
ip -n "$P-u1" link add eth1 type veth peer name eth1 netns "$P-u2"
for i in 1 2; do
    ip -n "$P-u$i" addr add "192.0.2.$i/24" dev eth1
    ip -n "$P-u$i" link set eth1 up
    ovs_up "u$i"
    vsctl "u$i" add-br br-int -- set Bridge br-int datapath_type=system \
        -- add-port br-int vx -- set Interface vx type=vxlan \
           options:remote_ip="192.0.2.$((3 - i))" options:key=42
    ctr "u$i" "x$i" "203.0.113.$i/24" 1450
    vsctl "u$i" add-port br-int "vx$i"
done
ovsvx=$(measure x1 x2 203.0.113.2 "over OVS's vxlan")
for i in 1 2; do
    # OVS's vxlan_sys_4789 holds UDP port 4789.
    vsctl "u$i" del-br br-int
done
for i in 1 2; do
    ip -n "$P-u$i" link add kvx type vxlan id 43 local "192.0.2.$i" \
        remote "192.0.2.$((3 - i))" dstport 4789
    ip -n "$P-u$i" link add lbr type bridge
    ip -n "$P-u$i" link set kvx master lbr
    ctr "u$i" "k$i" "203.0.113.1$i/24" 1450
    ip -n "$P-u$i" link set "vk$i" master lbr
    ip -n "$P-u$i" link set kvx up
    ip -n "$P-u$i" link set lbr up
done
kvx=$(measure k1 k2 203.0.113.12 "over the Linux VXLAN device")
report "two hosts" "OVS vxlan port" "$ovsvx" "Linux VXLAN device" "$kvx"
