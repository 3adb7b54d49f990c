#!/bin/bash
# Docker end to end: external connectivity.  An "outside" namespace sits
# behind the test's host on a veth pair, with a server in it.
#
#   - a container on an ovs network reaches it with the host's address;
#     on an ovs.nat=false network with its own; on an --internal one not
#     at all;
#   - "docker run -p 8080:80 -p 8080:80/udp --expose 443 -P": TCP and UDP
#     from the outside and from the host reach a server in the container,
#     -P gets a port ovsnet chose; after "docker rm" nothing does, and
#     table inet ovsnet holds no rule for it; the container has the
#     address of one removed a moment before, which the host must not
#     still reach at the old MAC;
#   - ovsnetd killed, "nft flush ruleset" behind its back, ovsnetd
#     restarted: the table is back as the state says, no more;
#   - IPv6 on a dual-stack network: outbound NAT and a published port.
#
# dockerd runs with --iptables=false (tests/docker-lib.sh): the only
# netfilter rules in the namespace are ovsnet's.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/nat-lib.sh"

nat_find_tools
docker_sandbox_start
nat_outside
ip -n "$OUT" route add 198.51.100.0/25 via 203.0.113.1

dk_ok network create -d ovs --subnet 192.0.2.0/24 web > /dev/null
dk_ok network create -d ovs --subnet 198.51.100.0/25 -o ovs.nat=false \
    routed > /dev/null
dk_ok network create -d ovs --internal --subnet 198.51.100.128/25 inside \
    > /dev/null
dk_fails network create -d ovs --subnet 203.0.113.128/25 -o ovs.nat=maybe bad
check_contains "ovs.nat=maybe" "ovs.nat=maybe" "$DK_OUT"

log "outbound"
run_container c1 web
run_container c2 routed
run_container c3 inside
# A client in the container itself (busybox nc), to the outside's server.
out_sees() {
    local c=$1 f=$SANDBOX_DIR/srv word=w$RANDOM
    serve "$OUT" tcp 203.0.113.2 7000 "$f"
    dk exec "$c" sh -c "echo $word | timeout 2 nc 203.0.113.2 7000" \
        > /dev/null 2>&1 || true
    local deadline=$((SECONDS + 5))
    until grep -qs "$word" "$f"; do
        if [ $SECONDS -ge $deadline ]; then
            serve_stop
            return 1
        fi
        sleep 0.1
    done
    sed -n 's/^Connection received on \([^ ]*\) .*/\1/p' "$f.peer"
    serve_stop
}
check_eq "c1 (web) seen outside as" 203.0.113.1 "$(out_sees c1)"
check_eq "c2 (routed) seen outside as" "$(container_ip c2 routed)" \
    "$(out_sees c2)"
out_sees c3 > /dev/null && fail "c3 (internal) reached the outside"
check_eq "masquerade rules" \
    "ip saddr 192.0.2.0/24 oifname != \"ovsgw-$(dk network inspect -f '{{.Id}}' web | cut -c1-9)\" masquerade" \
    "$(masq_rules)"
dk_ok rm -f c1 c2 c3 > /dev/null
dk_ok network rm routed inside > /dev/null

log "published ports"
dk_ok run -d --name p1 --network web -p 8080:80 -p 8080:80/udp \
    --expose 443 -P "$IMAGE" sleep 3600 > /dev/null
P1=$(nat_netns_of "$(container_pid p1)" p1)
P1IP=$(container_ip p1 web)
EP1=$(dk inspect -f '{{(index .NetworkSettings.Networks "web").EndpointID}}' p1)
appctl endpoint/list > "$SANDBOX_DIR/endpoints"
log "$(grep published "$SANDBOX_DIR/endpoints")"
for want in 8080-\>80/tcp 8080-\>80/udp 49153-\>443/tcp; do
    grep -q "published: .*$want" "$SANDBOX_DIR/endpoints" \
        || fail "endpoint/list does not show $want:" \
                "$(cat "$SANDBOX_DIR/endpoints")"
done
check_contains "ovsnet-ports of p1" "tcp/8080/80" \
    "$(db_get Interface "ovsep-${EP1:0:9}" external_ids:ovsnet-ports)"
# What Docker shows of a remote driver's ports (20.10: nothing).
log "docker port p1: '$(dk port p1 2>&1 || true)'"
log "docker inspect p1, NetworkSettings.Ports:" \
    "$(dk inspect -f '{{json .NetworkSettings.Ports}}' p1)"

# p1 has the address c1 had, with another MAC: the host must not send to
# c1's (ovsnet makes it forget the old neighbour entry).
check_eq "p1's address" 192.0.2.2 "$P1IP"
for proto in tcp udp; do
    check_eq "$proto from outside: the container sees" 203.0.113.2 \
        "$(reaches "$OUT" $proto 203.0.113.1 8080 "$P1" "$P1IP" 80)"
    reaches "$NS" $proto 203.0.113.1 8080 "$P1" "$P1IP" 80 > /dev/null
done
reaches "$OUT" tcp 203.0.113.1 49153 "$P1" "$P1IP" 443 > /dev/null
TABLE=$(ovsnet_table)

log "ovsnetd killed, the ruleset flushed, ovsnetd restarted"
ovsnetd_kill
in_ns nft flush ruleset
ovsnetd_start
wait_until "table inet ovsnet rebuilt" test -n "$(ovsnet_table)"
check_eq "table after the restart" "$TABLE" "$(ovsnet_table)"
reaches "$OUT" tcp 203.0.113.1 8080 "$P1" "$P1IP" 80 > /dev/null

log "nft flush ruleset while ovsnetd runs"
in_ns nft flush ruleset
wait_until "table inet ovsnet restored" test -n "$(ovsnet_table)"
check_eq "table after the flush" "$TABLE" "$(ovsnet_table)"
reaches "$OUT" udp 203.0.113.1 8080 "$P1" "$P1IP" 80 > /dev/null

log "docker rm"
dk_ok rm -f p1 > /dev/null
wait_until "no port rule left" test -z "$(port_rules)"
check_eq "port rules after docker rm" "" "$(port_rules)"
in_ns nft list table inet ovsnet | grep -q "$P1IP" \
    && fail "table inet ovsnet still names $P1IP"
for proto in tcp udp; do
    send "$OUT" $proto 203.0.113.1 8080 gone > /dev/null 2>&1 \
        && [ $proto = tcp ] && fail "TCP to 8080 still connects"
done

log "a container restarted keeps its ports"
dk_ok run -d --name p2 --network web -p 9090:80 "$IMAGE" sleep 3600 \
    > /dev/null
dk_ok restart -t 1 p2 > /dev/null
P2=$(nat_netns_of "$(container_pid p2)" p2)
reaches "$OUT" tcp 203.0.113.1 9090 "$P2" "$(container_ip p2 web)" 80 \
    > /dev/null

log "IPv6: outbound NAT and a published port on a dual-stack network"
dk_ok network create -d ovs --ipv6 --subnet 198.51.100.0/24 \
    --subnet 2001:db8:1::/64 dual > /dev/null
dk_ok run -d --name d1 --network dual -p 8443:443 "$IMAGE" sleep 3600 \
    > /dev/null
D1=$(nat_netns_of "$(container_pid d1)" d1)
D1V6=$(container_ip d1 dual 6)
check_eq "d1 seen outside over IPv6 as" 2001:db8:f::1 \
    "$(reaches "$D1" tcp 2001:db8:f::2 7000 "$OUT" 2001:db8:f::2 7000)"
check_eq "the outside seen by d1 over IPv6 as" 2001:db8:f::2 \
    "$(reaches "$OUT" tcp 2001:db8:f::1 8443 "$D1" "$D1V6" 443)"
D1V4=$(container_ip d1 dual)
reaches "$OUT" tcp 203.0.113.1 8443 "$D1" "$D1V4" 443 > /dev/null
# d1 publishes TCP only.
does_not_reach "$OUT" udp 203.0.113.1 8443 "$D1" "$D1V4" 443
check_eq "ipv6 forwarding" 1 \
    "$(in_ns cat /proc/sys/net/ipv6/conf/all/forwarding)"

log "removing"
dk_ok rm -f p2 d1 > /dev/null
dk_ok network rm web dual > /dev/null
check_nothing_left
wait_until "table inet ovsnet gone" test -z "$(ovsnet_table)"
