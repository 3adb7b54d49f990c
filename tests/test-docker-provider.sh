#!/bin/bash
# test-docker-provider: a provider network (ovs.uplink) with two real Docker
# daemons on two simulated hosts, as the README shows it:
#
#     docker network create -d ovs -o ovs.uplink=eth2 -o ovs.vlan=100 \
#         -o ovs.bridge=br-up --subnet 203.0.113.0/25 --gateway 203.0.113.1 \
#         --ip-range 203.0.113.16/28 lan100     # host 2: .32/28
#
# on the physical network of tests/provider-lib.sh (a switch with trunks to
# each host's eth2, a router holding 203.0.113.1 on VLAN 100, an outside
# behind it).  A container on each host ("docker run"): its default route
# goes to the router, its MTU is the uplink's; the two fetch 1 MB from each
# other over HTTP (md5 checked) with no tunnel; one fetches from the outside,
# which sees the container's own address; the LAN's router is the only one
# answering ARP for the gateway (no host holds it); "docker run -p" is
# refused with ovsnet's reason; "docker network rm" takes the uplink off the
# bridge.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"
. "$top_srcdir/tests/provider-lib.sh"

docker_find_tools
mh_setup 2
prov_physical_network 2

. "$top_srcdir/tests/multihost-docker-lib.sh"
mh_dockerds_start 2

# ---------------------------------------------------------------------------
log "=== docker network create on each host"

ranges=(- 203.0.113.16/28 203.0.113.32/28)
for i in 1 2; do
    dkh_ok "$i" network create -d ovs -o ovs.uplink=eth2 -o ovs.vlan=100 \
        -o ovs.bridge=br-up --subnet 203.0.113.0/25 --gateway 203.0.113.1 \
        --ip-range "${ranges[$i]}" lan100 > /dev/null
    check_eq "host $i: eth2 on br-up" br-up "$(mh_vsctl "$i" port-to-br eth2)"
    addrs=$(ip -n "$(mh_ns "$i")" -j addr | jq -r '.[].addr_info[].local')
    check_nomatch "host $i: no address 203.0.113.1" '^203\.0\.113\.1$' "$addrs"
    check_eq "host $i: no tunnel port" "" "$(mh_tunnel_ports "$i")"
done

# ---------------------------------------------------------------------------
log "=== docker run on each host"

for i in 1 2; do
    dkh_ok "$i" run -d --name "c$i" --network lan100 "$IMAGE" sleep 3600 \
        > /dev/null
done
ip1=$(dkh 1 inspect -f '{{.NetworkSettings.Networks.lan100.IPAddress}}' c1)
ip2=$(dkh 2 inspect -f '{{.NetworkSettings.Networks.lan100.IPAddress}}' c2)
log "c1 (host 1) $ip1, c2 (host 2) $ip2"
check_match "c1's address (host 1's range)" '^203\.0\.113\.(1[6-9]|2[0-9]|3[01])$' "$ip1"
check_match "c2's address (host 2's range)" '^203\.0\.113\.(3[2-9]|4[0-7])$' "$ip2"
for i in 1 2; do
    check_eq "MTU in c$i (the uplink's)" "$PHYS_MTU" \
        "$(dkh_ok "$i" exec "c$i" cat /sys/class/net/eth0/mtu)"
    check_contains "c$i's default route" "default via 203.0.113.1 " \
        "$(dkh_ok "$i" exec "c$i" ip route)"
done

mh_ping_across 1 c1 "$ip2"
mh_ping_across 1 c1 203.0.113.1
mh_ping_across 2 c2 203.0.113.130

log "--- TCP across the hosts, through the switch"
mh_serve 1 c1
mh_serve 2 c2
mh_fetch_across 1 c1 2 c2 "$ip2"
mh_fetch_across 2 c2 1 c1 "$ip1"

log "--- the outside sees the container's own address"
www=$SANDBOX_DIR/www
mkdir -p "$www"
head -c 300000 /dev/urandom > "$www/big"
mh_bg ip netns exec "$OUTSIDE" "$MH_BUSYBOX" httpd -f -p 203.0.113.130:80 \
    -h "$www"
mh_capture_start "$OUTSIDE" eth0 "$SANDBOX_DIR/outside.pcap" \
    'tcp[tcpflags] & tcp-syn != 0'
deadline=$((SECONDS + 10))
until got=$(dkh 1 exec c1 sh -c \
                'timeout 20 wget -q -O - http://203.0.113.130/big | md5sum' \
                2>&1 | cut -d' ' -f1) \
        && [ "$got" = "$(md5sum < "$www/big" | cut -d' ' -f1)" ]; do
    [ $SECONDS -lt $deadline ] || fail "c1 cannot fetch from the outside: $got"
    sleep 0.5
done
mh_capture_stop "$SANDBOX_DIR/outside.pcap"
syns=$(tcpdump -r "$SANDBOX_DIR/outside.pcap" -nn 2> /dev/null \
       | sed -n 's/.* IP \([0-9.]*\)\.[0-9]* > 203\.0\.113\.130\.80: Flags \[S\],.*/\1/p' \
       | sort -u)
check_eq "the outside sees c1's address" "$ip1" "$syns"

log "--- one MAC answers for the gateway: the router's"
macs=$(dkh 1 exec c1 arping -c 3 -w 3 -I eth0 203.0.113.1 2>&1 \
       | sed -n 's/.*reply from .* \[\(.*\)\].*/\1/p' | tr 'A-F' 'a-f' | sort -u)
check_eq "MACs answering c1 for 203.0.113.1" "$ROUTER_MAC" "$macs"

log "--- docker run -p is refused"
rc=0
out=$(dkh 1 run -d --name c3 --network lan100 -p 8080:80 "$IMAGE" sleep 3600 2>&1) \
    || rc=$?
check_ne "docker run -p on a provider network" 0 "$rc"
check_contains "docker run -p: ovsnet's reason" \
    "its containers are reachable at their own addresses" "$out"
dkh 1 rm -f c3 > /dev/null 2>&1 || true

log "--- docker network rm takes eth2 off the bridge"
dkh_ok 1 rm -f c1 > /dev/null
dkh_ok 1 network rm lan100 > /dev/null
check_eq "host 1: eth2 off br-up" "" \
    "$(mh_vsctl 1 --no-wait port-to-br eth2 2> /dev/null || true)"
mh_ping_across 2 c2 203.0.113.1

log "done"
