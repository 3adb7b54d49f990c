#!/bin/bash
# test-multihost-underlay: the multi-host test bed and contrib/ovsnet-underlay,
# without ovsnet's tunnel networks.
#
# - Three hosts whose uplink (eth1) contrib/ovsnet-underlay put on br-phy:
#   the addresses moved, the bridge has the uplink's MAC, the uplink's own IP
#   stack stays quiet (one ARP answer, no ICMP port unreachable for tunnel
#   packets); running it again changes nothing.
# - The script on other links: --dry-run changes nothing, routes move with
#   the addresses, an explicit ADDRESS, the default route refused without
#   --force, --undo puts everything back (and is idempotent), usage errors.
# - A full mesh of hand-made VXLAN ports between the three hosts carries
#   traffic (ping, TCP, DF ping of MTU-28) and loops a broadcast unless the
#   tunnel ports are protected (split horizon): what the tunnel networks of
#   ovsnet must avoid, and what the other tests measure.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

MH_NO_OVSNETD=1
mh_setup 3
UNDERLAY=$MH_UNDERLAY_SCRIPT

# ---------------------------------------------------------------------------
log "=== br-phy on every host"

for i in 1 2 3; do
    mh_host "$i"
    check_eq "host $i: addresses of br-phy" "192.0.2.1$i/24" "$(addrs_of br-phy)"
    check_eq "host $i: addresses of eth1" "" "$(addrs_of eth1)"
    check_eq "host $i: bridge of eth1" br-phy "$(vsctl port-to-br eth1)"
    check_eq "host $i: datapath of br-phy" "$OVSNET_TEST_DATAPATH" \
        "$(db_get Bridge br-phy datapath_type)"
    check_eq "host $i: br-phy created by the script" true \
        "$(db_get Bridge br-phy external_ids:ovsnet-underlay-created)"
    orig=$(db_get Port eth1 external_ids:ovsnet-underlay-mac)
    check_match "host $i: eth1's MAC recorded" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$orig"
    br_mac=$(ip -n "$NS" -j link show br-phy | jq -r '.[0].address')
    eth_mac=$(ip -n "$NS" -j link show eth1 | jq -r '.[0].address')
    check_eq "host $i: br-phy's MAC (eth1's old one)" "$orig" "$br_mac"
    check_ne "host $i: eth1's new MAC" "$orig" "$eth_mac"
    check_eq "host $i: eth1 arp_ignore" 1 \
        "$(in_ns cat /proc/sys/net/ipv4/conf/eth1/arp_ignore)"
    check_eq "host $i: eth1 disable_ipv6" 1 \
        "$(in_ns cat /proc/sys/net/ipv6/conf/eth1/disable_ipv6)"
    check_contains "host $i: OVS's route to the underlay" "dev br-phy" \
        "$(ovs_appctl ovs-vswitchd ovs/route/lookup 192.0.2.1$((i % 3 + 1)))"
done

mh_host 1
wait_until "host 1 to ping host 2's underlay address" \
    in_ns ping -c 1 -W 1 192.0.2.12
wait_until "host 1 to ping host 3's underlay address" \
    in_ns ping -c 1 -W 1 192.0.2.13
# One answer per ARP request: eth1's own stack does not answer too.
out=$(in_ns "$MH_BUSYBOX" arping -b -c 3 -w 2 -I br-phy 192.0.2.12 2>&1 || true)
check_match "ARP answers from host 2 (one per request)" \
    'Received 3 response' "$out"

log "--- running it again changes nothing"
before="$(db_dump)
$(ip -n "$NS" -br addr)
$(ip -n "$NS" route)
$(ip -n "$NS" -br link)"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" eth1 2>&1) \
    || fail "second run failed: $out"
after="$(db_dump)
$(ip -n "$NS" -br addr)
$(ip -n "$NS" route)
$(ip -n "$NS" -br link)"
check_eq "state after a second run" "$before" "$after"

log "--- ovs-vswitchd restarts; br-phy loses its address: a new run fixes it"
mh_host 2
vswitchd_restart
wait_until "host 2: br-phy back" link_exists br-phy
log "host 2: br-phy after the restart (the tap may persist): $(addrs_of br-phy | tr '\n' ' ')"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" eth1 2>&1) \
    || fail "run after ovs-vswitchd restarted failed: $out"
check_eq "host 2: addresses of br-phy after the run" "192.0.2.12/24" \
    "$(addrs_of br-phy)"
check_eq "host 2: addresses of eth1" "" "$(addrs_of eth1)"
# Whether or not the tap survived, addresses lost from br-phy come back.
ip -n "$NS" addr flush dev br-phy scope global
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" eth1 2>&1) \
    || fail "run after br-phy lost its address failed: $out"
check_eq "host 2: addresses of br-phy put back" "192.0.2.12/24" \
    "$(addrs_of br-phy)"
mh_host 1
wait_until "host 1 to ping host 2's underlay address again" \
    in_ns ping -c 1 -W 1 192.0.2.12

# ---------------------------------------------------------------------------
log "=== the script on another uplink of host 1"

# eth2: 203.0.113.5/24 and 2001:db8:5::5/64, a route through a gateway on
# it, and its peer in a namespace of its own acting as that gateway.
GWNS=$(sandbox_netns gw)
ip -n "$NS" link add eth2 type veth peer name up0 netns "$GWNS"
ip -n "$NS" addr add 203.0.113.5/24 dev eth2
ip -n "$NS" addr add 2001:db8:5::5/64 dev eth2 nodad
ip -n "$NS" link set eth2 up
ip -n "$GWNS" addr add 203.0.113.1/24 dev up0
ip -n "$GWNS" addr add 198.51.100.99/32 dev lo
ip -n "$GWNS" link set up0 up
ip -n "$NS" route add 198.51.100.96/29 via 203.0.113.1 dev eth2
ip -n "$NS" -6 route add 2001:db8:6::/64 via 2001:db8:5::1 dev eth2
mac2=$(ip -n "$NS" -j link show eth2 | jq -r '.[0].address')
wait_until "ping 198.51.100.99 through eth2" in_ns ping -c 1 -W 1 198.51.100.99

log "--- --dry-run"
before="$(db_dump)
$(ip -n "$NS" -br addr)
$(ip -n "$NS" route)
$(ip -n "$NS" -6 route)"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x --dry-run eth2 2>&1) \
    || fail "--dry-run failed: $out"
check_contains "--dry-run output" "add-br br-x" "$out"
check_contains "--dry-run output" "ip addr add 203.0.113.5/24 dev br-x" "$out"
check_contains "--dry-run output" "route replace 198.51.100.96/29 via 203.0.113.1" "$out"
after="$(db_dump)
$(ip -n "$NS" -br addr)
$(ip -n "$NS" route)
$(ip -n "$NS" -6 route)"
check_eq "state after --dry-run" "$before" "$after"

log "--- eth2 to br-x"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x eth2 2>&1) \
    || fail "ovsnet-underlay --bridge=br-x eth2 failed: $out"
check_eq "addresses of br-x" "2001:db8:5::5/64
203.0.113.5/24" "$(addrs_of br-x)"
check_eq "addresses of eth2" "" "$(addrs_of eth2)"
check_contains "route to 198.51.100.96/29" "via 203.0.113.1 dev br-x" \
    "$(ip -n "$NS" route show 198.51.100.96/29)"
check_contains "route to 2001:db8:6::/64" "via 2001:db8:5::1 dev br-x" \
    "$(ip -n "$NS" -6 route show 2001:db8:6::/64)"
check_eq "br-x's MAC" "$mac2" "$(ip -n "$NS" -j link show br-x | jq -r '.[0].address')"
wait_until "ping 198.51.100.99 through br-x" in_ns ping -c 1 -W 1 198.51.100.99

log "--- --undo"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x --undo eth2 2>&1) \
    || fail "--undo failed: $out"
check_eq "addresses of eth2 after --undo" "2001:db8:5::5/64
203.0.113.5/24" "$(addrs_of eth2)"
! bridge_exists br-x || fail "br-x still exists after --undo"
wait_while "link br-x" link_exists br-x
check_contains "route to 198.51.100.96/29 after --undo" "via 203.0.113.1 dev eth2" \
    "$(ip -n "$NS" route show 198.51.100.96/29)"
check_contains "route to 2001:db8:6::/64 after --undo" "via 2001:db8:5::1 dev eth2" \
    "$(ip -n "$NS" -6 route show 2001:db8:6::/64)"
check_eq "eth2's MAC after --undo" "$mac2" \
    "$(ip -n "$NS" -j link show eth2 | jq -r '.[0].address')"
check_eq "eth2 arp_ignore after --undo" 0 \
    "$(in_ns cat /proc/sys/net/ipv4/conf/eth2/arp_ignore)"
check_eq "eth2 disable_ipv6 after --undo" 0 \
    "$(in_ns cat /proc/sys/net/ipv6/conf/eth2/disable_ipv6)"
wait_until "ping 198.51.100.99 through eth2 again" in_ns ping -c 1 -W 1 198.51.100.99
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x --undo eth2 2>&1) \
    || fail "a second --undo failed: $out"
check_contains "second --undo" "nothing to undo" "$out"

log "--- an explicit ADDRESS, on an existing bridge"
vsctl add-br br-y -- set Bridge br-y datapath_type=netdev
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-y eth2 203.0.113.77/24 2>&1) \
    || fail "ovsnet-underlay --bridge=br-y eth2 203.0.113.77/24 failed: $out"
check_eq "addresses of br-y" "203.0.113.77/24" "$(addrs_of br-y)"
check_eq "addresses of eth2 (not moved)" "2001:db8:5::5/64
203.0.113.5/24" "$(addrs_of eth2)"
# eth2 keeps addresses: it keeps its MAC, br-y gets another one.
check_eq "eth2's MAC (kept)" "$mac2" \
    "$(ip -n "$NS" -j link show eth2 | jq -r '.[0].address')"
check_ne "br-y's MAC" "$mac2" \
    "$(ip -n "$NS" -j link show br-y | jq -r '.[0].address')"
check_eq "eth2 arp_ignore" 1 "$(in_ns cat /proc/sys/net/ipv4/conf/eth2/arp_ignore)"
wait_until "ping 198.51.100.99 through eth2, on br-y" in_ns ping -c 1 -W 1 198.51.100.99
wait_until "ping 203.0.113.77 from the gateway" \
    ip netns exec "$GWNS" ping -c 1 -W 1 203.0.113.77
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --datapath=system --bridge=br-y eth2 2>&1) \
    && fail "a datapath other than the bridge's was accepted: $out"
check_contains "another datapath" "datapath_type=netdev" "$out"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x eth2 2>&1) \
    && fail "eth2 on two bridges was accepted: $out"
check_contains "eth2 on another bridge" "already a port of bridge br-y" "$out"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-y --undo eth2 2>&1) \
    || fail "--undo on br-y failed: $out"
# The bridge was there before: it stays.
bridge_exists br-y || fail "--undo deleted br-y, which it did not create"
vsctl del-br br-y

log "--- the default route"
ip -n "$NS" route add default via 203.0.113.1 dev eth2
before="$(db_dump)
$(ip -n "$NS" -br addr)"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x eth2 2>&1) \
    && fail "the interface of the default route was taken without --force: $out"
check_contains "refusal" "default route" "$out"
check_contains "refusal" "--force" "$out"
check_eq "state after the refusal" "$before" "$(db_dump)
$(ip -n "$NS" -br addr)"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x --force eth2 2>&1) \
    || fail "--force failed: $out"
check_contains "default route with --force" "default via 203.0.113.1 dev br-x" \
    "$(ip -n "$NS" route show default)"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x --undo eth2 2>&1) \
    && fail "--undo moved the default route without --force: $out"
check_contains "refusal of --undo" "default route" "$out"
out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" --bridge=br-x --undo --force eth2 2>&1) \
    || fail "--undo --force failed: $out"
check_contains "default route after --undo" "default via 203.0.113.1 dev eth2" \
    "$(ip -n "$NS" route show default)"
ip -n "$NS" route del default

log "--- usage"
rc=0; out=$("$UNDERLAY" 2>&1) || rc=$?
check_eq "exit status without IFACE" 2 "$rc"
check_contains "usage" "Usage:" "$out"
rc=0; out=$("$UNDERLAY" --help 2>&1) || rc=$?
check_eq "exit status of --help" 0 "$rc"
check_contains "--help" "--undo" "$out"
rc=0; out=$("$UNDERLAY" --bogus eth2 2>&1) || rc=$?
check_eq "exit status with an unknown option" 2 "$rc"
rc=0; out=$(in_ns "$UNDERLAY" --db="unix:$T/db.sock" no-such-if 2>&1) || rc=$?
check_eq "exit status with a missing interface" 1 "$rc"
check_contains "missing interface" "no interface no-such-if" "$out"

# ---------------------------------------------------------------------------
log "=== a full mesh of VXLAN ports, by hand"

for i in 1 2 3; do
    mh_host "$i"
    # br-phy's datapath: a tunnel of the userspace datapath needs its
    # underlay there.
    vsctl add-br br-t -- set Bridge br-t datapath_type="$OVSNET_TEST_DATAPATH"
    for j in 1 2 3; do
        [ "$i" = "$j" ] && continue
        vsctl add-port br-t "vx$j" -- set Interface "vx$j" type=vxlan \
            options:remote_ip="192.0.2.1$j" options:key=77
    done
    c=$(sandbox_netns "c$i")
    ip -n "$NS" link add "tc$i" type veth peer name eth0 netns "$c"
    ip -n "$NS" link set "tc$i" up mtu 1450
    ip -n "$c" link set eth0 up mtu 1450
    ip -n "$c" addr add "198.51.100.$i/24" dev eth0
    # The userspace datapath needs transmit checksums done by the sender.
    ip netns exec "$c" ethtool -K eth0 tx off > /dev/null
    vsctl add-port br-t "tc$i"
    echo "c$i $i $c - - 198.51.100.$i - -" >> "$SANDBOX_DIR/containers"
done

MH_UL_ICMP=$SANDBOX_DIR/underlay-icmp.pcap
mh_ul_capture_start "$MH_UL_ICMP"
# Protected from the start, to see it work first.
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || mh_vsctl "$i" set Port "vx$j" protected=true
    done
done
mh_ping_ok c1 198.51.100.2
mh_ping_ok c1 198.51.100.3
mh_ping_ok c2 198.51.100.3
mh_cexec c1 ping -n -c 1 -W 2 -M "do" -s 1422 198.51.100.2 > /dev/null \
    || fail "a DF ping of 1450 bytes does not cross the tunnel"
mh_tcp_ok c1 c3
mh_tcp_ok c3 c2
mh_ul_capture_stop
n=$(tcpdump -nr "$MH_UL_ICMP" 'icmp or icmp6' 2> /dev/null | grep -c unreachable || true)
check_eq "ICMP unreachable messages in the underlay" 0 "$n"

log "--- one broadcast with protected tunnel ports"
sleep 1
start=$(mh_ul_packets)
mh_broadcast c1
sleep 3
n=$(( $(mh_ul_packets) - start ))
log "underlay packets in 3 s after one broadcast: $n"
check_int_cmp "underlay packets after one broadcast (split horizon)" -le 20 "$n"

log "--- one broadcast without"
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || mh_vsctl "$i" set Port "vx$j" protected=false
    done
done
sleep 0.5
start=$(mh_ul_packets)
mh_broadcast c1
sleep 1
n=$(( $(mh_ul_packets) - start ))
# Break the loop before anything else.
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || VSCTL_TIMEOUT=60 mh_vsctl "$i" set Port "vx$j" protected=true
    done
done
log "underlay packets in 1 s after one broadcast, no split horizon: $n"
check_int_cmp "underlay packets of a broadcast loop" -ge 1000 "$n"
# And it stops.
sleep 1
start=$(mh_ul_packets)
sleep 2
n=$(( $(mh_ul_packets) - start ))
check_int_cmp "underlay packets in 2 s once protected again" -le 20 "$n"
# The loop taught the bridges wrong ports for the MACs: forget them.
for i in 1 2 3; do
    mh_ovs_appctl "$i" ovs-vswitchd fdb/flush br-t > /dev/null
done
mh_ping_ok c3 198.51.100.1

log "done"
