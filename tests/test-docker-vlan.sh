#!/bin/bash
# Docker end to end: two networks on one named bridge, VLANs 10 and 20,
# and a third, untagged, on the same bridge.  Each reaches its own gateway
# and its own containers; nothing crosses from one VLAN to the other, not
# even ARP; the untagged network's ports are access ports of VLAN 0, so
# VLAN 10's broadcasts do not reach them (ofproto/trace) and a frame
# tagged VLAN 10 sent from its container does not get into VLAN 10.  Removing both networks removes the
# bridge ovsnet created for them.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

log "networks v10 and v20 on br-shared"
dk_ok network create -d ovs --subnet 198.51.100.0/24 \
    -o ovs.bridge=br-shared -o ovs.vlan=10 v10 > /dev/null
dk_ok network create -d ovs --subnet 203.0.113.0/24 \
    -o ovs.bridge=br-shared -o ovs.vlan=20 v20 > /dev/null
run_container a1 v10
run_container a2 v10
run_container b1 v20
a1=$(container_ip a1 v10)
a2=$(container_ip a2 v10)
b1=$(container_ip b1 v20)
log "a1 $a1, a2 $a2 (VLAN 10), b1 $b1 (VLAN 20)"

# Both networks' ports sit on br-shared, tagged with their VLAN.
check_eq "bridge br-shared" yes "$(bridge_exists br-shared && echo yes)"
for c in a1 b1; do
    net=v10 tag=10
    [ $c = b1 ] && net=v20 tag=20
    ep=$(dk inspect -f "{{(index .NetworkSettings.Networks \"$net\").EndpointID}}" $c)
    port=ovsep-${ep:0:9}
    wait_until "port $port ready" ofport_ready "$port"
    check_eq "bridge of $port" br-shared "$(vsctl port-to-br "$port")"
    check_eq "tag of $port" $tag "$(db_get Port "$port" tag)"
done

log "inside each VLAN"
ping_ok a1 a2
ping_ok a1 "$a2"
serve a2
fetch_ok a1 "$a2" a2

log "each network's gateway"
ping_ok a1 198.51.100.1
ping_ok b1 203.0.113.1

log "across VLANs"
# ARP for b1's address straight on a1's link: if VLAN 20 heard it, b1
# would answer (Linux answers ARP for its addresses whatever the sender's
# subnet) and learn a1's address.
check_eq "who answers ARP for b1 ($b1) on VLAN 10" "" "$(arp_repliers a1 "$b1")"
check_eq "who answers ARP for a1 ($a1) on VLAN 20" "" "$(arp_repliers b1 "$a1")"
check_eq "b1's neighbour entry for $a1" "" \
    "$(cexec_ok b1 ip neigh show | grep -F "$a1 " || true)"
check_eq "a2's neighbour entry for $b1" "" \
    "$(cexec_ok a2 ip neigh show | grep -F "$b1 " || true)"
check_eq "a1's neighbour entry for $b1" "" \
    "$(cexec_ok a1 ip neigh show | grep -F "$b1 " | grep -v FAILED || true)"
# (Whether VLAN 20's gateway address is answered for on VLAN 10 is
# test-docker-arp.sh's business: the host's links, not the VLANs.)
# Routed through the host's namespace, where dockerd turns ip_forward on,
# a1 reaches b1 at layer 3: that is the host's routing, not the VLAN
# (Docker's bridge driver stops it with iptables).  Recorded, not judged.
if cexec a1 ping -c 1 -W 2 "$b1" > /dev/null 2>&1; then
    log "note: a1 reaches b1 through the host's routing (ip_forward=$(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_forward))"
fi

log "an untagged network on the same bridge"
dk_ok network create -d ovs --subnet 192.0.2.0/24 -o ovs.bridge=br-shared \
    u0 > /dev/null
run_container u1 u0
u1ep=$(dk inspect -f '{{(index .NetworkSettings.Networks "u0").EndpointID}}' u1)
u1port=ovsep-${u1ep:0:9}
a1ep=$(dk inspect -f '{{(index .NetworkSettings.Networks "v10").EndpointID}}' a1)
a1port=ovsep-${a1ep:0:9}
wait_until "port $u1port ready" ofport_ready "$u1port"
check_eq "tag of $u1port (untagged network)" 0 "$(db_get Port "$u1port" tag)"
u0gw=ovsgw-$(dk network inspect -f '{{.Id}}' u0 | cut -c1-9)
check_eq "tag of $u0gw (untagged network's gateway)" 0 \
    "$(db_get Port "$u0gw" tag)"
ping_ok u1 192.0.2.1

# Where a broadcast from a1 (VLAN 10) goes: the datapath ports of the
# actions (parenthesized arguments dropped), against u1's and a2's.
odp_port() {
    ovs_appctl ovs-vswitchd dpif/show \
        | sed -n "s/^[[:space:]]*$1 [0-9]*\/\([0-9]*\):.*/\1/p"
}
actions=$(ovs_appctl ovs-vswitchd ofproto/trace br-shared \
              "in_port=$a1port,dl_src=02:00:00:00:0a:01,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x0806" \
          | sed -n 's/^Datapath actions: //p' | sed 's/([^)]*)//g')
log "VLAN 10 broadcast from $a1port: datapath actions $actions"
a2ep=$(dk inspect -f '{{(index .NetworkSettings.Networks "v10").EndpointID}}' a2)
check_match "VLAN 10's broadcast reaches a2" "(^|,)$(odp_port "ovsep-${a2ep:0:9}")(,|\$)" \
    "$actions"
check_nomatch "VLAN 10's broadcast reaches u1" "(^|,)$(odp_port "$u1port")(,|\$)" \
    "$actions"

# ARP requests for a2's address from an address no one has, sent as raw
# frames: tagged VLAN 10 from u1, then untagged from a1 (the control).  If
# one gets into VLAN 10, a2 learns its sender.
send_arp() {
    local netns=$1 vlan=$2 sender=$3
    ip netns exec "$netns" python3 - "$vlan" "$sender" "$a2" <<'PY'
import socket, struct, sys
vlan, sender, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mac = bytes.fromhex("02000000aa01")
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac,
                  socket.inet_aton(sender), bytes(6), socket.inet_aton(target))
tag = struct.pack("!HH", 0x8100, vlan) if vlan else b""
frame = b"\xff" * 6 + mac + tag + struct.pack("!H", 0x0806) + arp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(3):
    s.send(frame)
PY
}
# netns_of CONTAINER: names its network namespace for "ip netns exec"
# (removed by the sandbox's trap) and prints the name.
netns_of() {
    local name=$SANDBOX_NS-$1
    ip netns attach "$name" "$(container_pid "$1")" \
        || fail "cannot name the netns of $1"
    echo "$name" >> "$SANDBOX_DIR/netns"
    echo "$name"
}
a2_knows() {
    cexec a2 ip neigh show | grep -qF "$1 "
}
send_arp "$(netns_of u1)" 10 198.51.100.250 \
    || fail "cannot send a frame from u1"
send_arp "$(netns_of a1)" 0 198.51.100.251 \
    || fail "cannot send a frame from a1"
wait_until "a2 to learn a1's raw ARP sender (the control)" \
    a2_knows 198.51.100.251
if a2_knows 198.51.100.250; then
    fail "a frame tagged VLAN 10 from the untagged network's u1 reached a2"
fi
dk_ok rm -f u1 > /dev/null
dk_ok network rm u0 > /dev/null

log "removing"
dk_ok rm -f a1 a2 b1 > /dev/null
dk_ok network rm v10 > /dev/null
# br-shared still carries v20.
check_eq "bridge br-shared after removing v10" yes \
    "$(bridge_exists br-shared && echo yes)"
run_container b2 v20
ping_ok b2 203.0.113.1
dk_ok rm -f b2 > /dev/null
dk_ok network rm v20 > /dev/null
check_nothing_left
check_eq "bridge br-shared after removing both" no \
    "$(bridge_exists br-shared && echo yes || echo no)"
