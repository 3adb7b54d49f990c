#!/bin/bash
# Docker end to end: -o com.docker.network.driver.mtu=1400 gives the
# containers, the host ends of their veths and the gateway port an MTU of
# 1400, and packets of that full size pass; other networks keep 1500.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

log "network small, MTU 1400"
dk_ok network create -d ovs --subnet 198.51.100.0/24 \
    -o com.docker.network.driver.mtu=1400 small > /dev/null
run_container m1 small
run_container m2 small
check_eq "m1's eth0 MTU" 1400 "$(cexec_ok m1 cat /sys/class/net/eth0/mtu)"
check_eq "m2's eth0 MTU" 1400 "$(cexec_ok m2 cat /sys/class/net/eth0/mtu)"

# The host end of the veth pair and the gateway port follow.
ep=$(dk inspect -f '{{(index .NetworkSettings.Networks "small").EndpointID}}' m1)
nid=$(dk network inspect -f '{{.Id}}' small)
check_eq "ovsep-${ep:0:9}'s MTU" 1400 \
    "$(ip -n "$NS" -o link show "ovsep-${ep:0:9}" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')"
gw_mtu_1400() {
    ip -n "$NS" -o link show "ovsgw-${nid:0:9}" | grep -q ' mtu 1400 '
}
wait_for 10 "the gateway port's MTU to be 1400" gw_mtu_1400

# 1400 - 20 (IPv4) - 8 (ICMP) = 1372 bytes of payload fit in one packet.
m2ip=$(container_ip m2 small)
ping_ok m1 "$m2ip" -s 1372
ping_ok m1 198.51.100.1 -s 1372
serve m2
fetch_ok m1 m2

# A network without the option keeps 1500.
dk_ok network create -d ovs --subnet 203.0.113.0/24 big > /dev/null
run_container m3 big
check_eq "m3's eth0 MTU" 1500 "$(cexec_ok m3 cat /sys/class/net/eth0/mtu)"

log "removing"
dk_ok rm -f m1 m2 m3 > /dev/null
dk_ok network rm small big > /dev/null
check_nothing_left
