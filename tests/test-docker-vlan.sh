#!/bin/bash
# Docker end to end: two networks on one named bridge, VLANs 10 and 20.
# Each reaches its own gateway and its own containers; nothing crosses from
# one VLAN to the other, not even ARP.  Removing both networks removes the
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
