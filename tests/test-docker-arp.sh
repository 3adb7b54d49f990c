#!/bin/bash
# Docker end to end: on the host's side, a network's gateway port alone
# answers ARP, and only for its own address.
#
# On the userspace datapath the host ends of the veth pairs (ovsep-*) are
# OVS ports that ovs-vswitchd reads with packet sockets, but they are also
# ordinary interfaces of the host's IP stack: unless ovsnet stops it, the
# kernel answers a container's ARP request for any of the host's addresses
# right on the container's own veth, before OVS sees the frame.  And a
# gateway port answers for the other networks' gateway addresses too (the
# kernel's default arp_ignore=0), on VLAN and bridge alike, so a container
# learns a MAC for an address that is not on its network.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

dk_ok network create -d ovs --subnet 198.51.100.0/24 \
    -o ovs.bridge=br-shared -o ovs.vlan=10 v10 > /dev/null
dk_ok network create -d ovs --subnet 203.0.113.0/24 \
    -o ovs.bridge=br-shared -o ovs.vlan=20 v20 > /dev/null
dk_ok network create -d ovs --subnet 192.0.2.0/24 other > /dev/null
run_container a1 v10
run_container b1 v20
run_container o1 other
gw() {
    echo "ovsgw-$(dk network inspect -f '{{.Id}}' "$1" | cut -c1-9)"
}
gw10=$(gw v10)
gw20=$(gw v20)
gwo=$(gw other)
ping_ok a1 198.51.100.1
ping_ok b1 203.0.113.1
ping_ok o1 192.0.2.1

# Every check runs, and the test fails at the end with all that was wrong.
wrong=
expect() {
    if [ "$2" != "$3" ]; then
        log "WRONG: $1: expected '$2', seen '$3'"
        wrong="$wrong
  $1: expected '$2', seen '$3'"
    fi
}

log "each gateway, on its own network"
expect "who answers ARP for 198.51.100.1 on v10" \
    "$(link_mac "$gw10")($gw10)" "$(arp_repliers a1 198.51.100.1)"
expect "who answers ARP for 203.0.113.1 on v20" \
    "$(link_mac "$gw20")($gw20)" "$(arp_repliers b1 203.0.113.1)"
expect "who answers ARP for 192.0.2.1 on other" \
    "$(link_mac "$gwo")($gwo)" "$(arp_repliers o1 192.0.2.1)"

log "other networks' gateways"
expect "who answers ARP for v20's gateway on v10 (same bridge)" "" \
    "$(arp_repliers a1 203.0.113.1)"
expect "who answers ARP for other's gateway on v10 (another bridge)" "" \
    "$(arp_repliers a1 192.0.2.1)"
expect "who answers ARP for v10's gateway on other" "" \
    "$(arp_repliers o1 198.51.100.1)"

[ -z "$wrong" ] || fail "ARP answered by the wrong links:$wrong"

dk_ok rm -f a1 b1 o1 > /dev/null
dk_ok network rm v10 v20 other > /dev/null
check_nothing_left
