#!/bin/bash
# test-multihost-docker: two real Docker daemons on two simulated hosts, one
# vxlan network created on each with "docker network create -d ovs ... -o
# ovs.tunnel=vxlan -o ovs.vni=5001 -o ovs.peers=...", a container on each
# ("docker run"), and the two containers reach each other across the hosts
# (ping, TCP with a content check) with the MTU ovsnet computed.
#
# Each host is a tests/multihost-lib.sh host (its own ovsdb-server,
# ovs-vswitchd, ovsnetd, underlay address on br-phy); each dockerd runs in
# its host's network namespace and in a mount namespace of its own that
# sees only that host's plugin socket, as tests/docker-lib.sh runs one.
# The two daemons share nothing: each generates its own network ID (ovsnet
# does not need them to match) and allocates addresses from its own
# --ip-range of the same subnet (Docker's default IPAM is per host: with
# the same range on both hosts, both would hand out the same addresses),
# with the same --gateway (without it, Docker makes the first address of
# each host's --ip-range the gateway: a different one on each host).
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

docker_find_tools
mh_setup 2

. "$top_srcdir/tests/multihost-docker-lib.sh"
for i in 1 2; do
    mh_dockerd_start "$i"
done

# ---------------------------------------------------------------------------
log "=== docker network create on each host"

ranges=(- 198.51.100.64/28 198.51.100.80/28)
for i in 1 2; do
    dkh_ok "$i" network create -d ovs --subnet 198.51.100.0/24 \
        --gateway 198.51.100.1 --ip-range "${ranges[$i]}" \
        -o ovs.tunnel=vxlan -o ovs.vni=5001 \
        -o ovs.peers="$(mh_peers)" blue > /dev/null
    check_eq "host $i: driver of blue" ovs \
        "$(dkh "$i" network inspect -f '{{.Driver}}' blue)"
    id=$(dkh "$i" network inspect -f '{{.Id}}' blue)
    # The userspace datapath: a kernel VXLAN device, whose FDB sends to
    # the other host.
    check_eq "host $i: remotes of blue's VXLAN device" "192.0.2.1$((3 - i))" \
        "$(bridge -n "$(mh_ns "$i")" -j fdb show dev "ovsvx-$(short "$id")" \
           | jq -r '.[] | select(.mac == "00:00:00:00:00:00") | .dst')"
    wait_until "host $i: gateway port" link_exists "ovsgw-$(short "$id")" "$(mh_ns "$i")"
    check_eq "host $i: gateway address" 198.51.100.1/24 \
        "$(addrs_of "ovsgw-$(short "$id")" "$(mh_ns "$i")")"
    log "host $i: network $id, gateway MAC" \
        "$(ip -n "$(mh_ns "$i")" -j link show "ovsgw-$(short "$id")" | jq -r '.[0].address')"
done

# ---------------------------------------------------------------------------
log "=== docker run on each host"

for i in 1 2; do
    dkh_ok "$i" run -d --name "c$i" --hostname "c$i" --network blue \
        "$IMAGE" sleep 3600 > /dev/null
done
ip1=$(dkh 1 inspect -f '{{.NetworkSettings.Networks.blue.IPAddress}}' c1)
ip2=$(dkh 2 inspect -f '{{.NetworkSettings.Networks.blue.IPAddress}}' c2)
log "c1 (host 1) $ip1, c2 (host 2) $ip2"
check_match "c1's address (host 1's range)" '^198\.51\.100\.(6[4-9]|7[0-9])$' "$ip1"
check_match "c2's address (host 2's range)" '^198\.51\.100\.(8[0-9]|9[0-5])$' "$ip2"
for i in 1 2; do
    check_eq "MTU in c$i" 1450 "$(dkh_ok "$i" exec "c$i" cat /sys/class/net/eth0/mtu)"
done

mh_ping_across 1 c1 "$ip2"
mh_ping_across 2 c2 "$ip1"
mh_ping_across 1 c1 198.51.100.1
mh_ping_across 2 c2 198.51.100.1
# A full-sized packet (busybox's ping cannot set DF: the other tests check
# that with iputils' ping).
out=$(dkh 1 exec c1 ping -c 1 -W 2 -s 1422 "$ip2" 2>&1) \
    || fail "a ping of 1450 bytes from c1 to c2 failed: $out"

log "--- TCP: c1 fetches from c2, c2 from c1"
mh_serve 1 c1
mh_serve 2 c2
mh_fetch_across 1 c1 2 c2 "$ip2"
mh_fetch_across 2 c2 1 c1 "$ip1"

log "--- docker rm and network rm leave the other host working"
dkh_ok 2 rm -f c2 > /dev/null
dkh_ok 2 network rm blue > /dev/null
has_tunnels() { [ -n "$(mh_tunnels "$1")" ]; }
wait_while "host 2: tunnel ports" has_tunnels 2
mh_ping_across 1 c1 198.51.100.1

log "done"
