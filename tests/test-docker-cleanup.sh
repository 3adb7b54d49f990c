#!/bin/bash
# Docker end to end: what "docker network rm" leaves.  Networks of every
# kind (own bridge; two VLANs on a bridge ovsnet creates; a bridge the
# operator made; dual stack; internal; MTU), a container on two networks at
# once (docker network connect / disconnect), then everything removed: no
# ovsbr-/ovsgw-/ovsep-/ovsct- link and no OVSDB row with ovsnet-role is
# left, and the operator's bridge is still there, as it was.  Then
# contrib/ovsnet-cleanup, after Docker and ovsnetd died with networks
# (a vxlan one with its kernel VXLAN device among them) and containers in
# place, removes all that is ovsnet's and nothing else.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

# The operator's bridge, with a port of its own: ovsnet may add ports to
# it but must leave it, and that port, alone.
vsctl add-br br-ops -- set Bridge br-ops datapath_type=netdev \
    -- add-port br-ops ops-int -- set Interface ops-int type=internal \
    || fail "cannot create br-ops"
ops_before=$(vsctl --format=json --columns=name,ports,external_ids list Bridge br-ops | jq -c .data)

log "networks of every kind"
dk_ok network create -d ovs --subnet 198.51.100.0/26 plain > /dev/null
dk_ok network create -d ovs --subnet 198.51.100.64/26 \
    -o ovs.bridge=br-shared -o ovs.vlan=10 v10 > /dev/null
dk_ok network create -d ovs --subnet 198.51.100.128/26 \
    -o ovs.bridge=br-shared -o ovs.vlan=20 v20 > /dev/null
dk_ok network create -d ovs --subnet 198.51.100.192/26 \
    -o ovs.bridge=br-ops ops > /dev/null
dk_ok network create -d ovs --ipv6 --subnet 203.0.113.0/26 \
    --subnet 2001:db8:2::/64 dual > /dev/null
dk_ok network create -d ovs --internal --subnet 203.0.113.64/26 inside \
    > /dev/null
dk_ok network create -d ovs --subnet 203.0.113.128/26 \
    -o com.docker.network.driver.mtu=1400 small > /dev/null

for net in plain v10 v20 ops dual inside small; do
    run_container "c-$net" "$net"
done
ping_ok c-plain 198.51.100.1
ping_ok c-ops 198.51.100.193
ping_ok c-dual 2001:db8:2::1 -6

log "one container on two networks"
dk_ok network connect v10 c-plain > /dev/null
check_contains "c-plain's eth1" "inet $(container_ip c-plain v10)/26" \
    "$(cexec_ok c-plain ip addr show eth1)"
ping_ok c-plain "$(container_ip c-v10 v10)"
ep=$(dk inspect -f '{{(index .NetworkSettings.Networks "v10").EndpointID}}' c-plain)
dk_ok network disconnect v10 c-plain > /dev/null
wait_while "port ovsep-${ep:0:9}" port_exists "ovsep-${ep:0:9}"
check_eq "c-plain's eth1 after disconnect" "" \
    "$(cexec c-plain ip -o link show eth1 2> /dev/null || true)"

log "containers removed, networks kept"
# shellcheck disable=SC2046
dk_ok rm -f $(dk ps -aq) > /dev/null
# Only the networks' own rows remain: no endpoint anywhere.
check_eq "endpoint rows" "" "$(ovsnet_rows | grep -v -E ':ovs(br|gw)-|:br-shared$' || true)"
check_eq "endpoint links" "" "$(ovsnet_links | grep -E '^ovs(ep|ct)-' || true)"

log "networks removed"
dk_ok network rm plain v10 v20 ops dual inside small > /dev/null
check_nothing_left
check_eq "bridge br-shared (created by ovsnet)" no \
    "$(bridge_exists br-shared && echo yes || echo no)"
check_eq "the operator's br-ops" \
    "$ops_before" \
    "$(vsctl --format=json --columns=name,ports,external_ids list Bridge br-ops | jq -c .data)"
check_eq "ports of br-ops" "ops-int" "$(vsctl list-ports br-ops | tr '\n' ' ' | sed 's/ $//')"

log "contrib/ovsnet-cleanup after a crash of Docker and ovsnetd"
cleanup_tool=$top_srcdir/contrib/ovsnet-cleanup
# A FORWARD policy that drops, as dockerd's defaults make it: ovsnetd
# adds its iptables chain, for ovsnet-cleanup to remove.
in_ns iptables -P FORWARD DROP
dk_ok network create -d ovs --subnet 198.51.100.0/24 web > /dev/null
dk_ok network create -d ovs --subnet 203.0.113.0/24 -o ovs.bridge=br-ops ops2 \
    > /dev/null
# A vxlan network, whose kernel VXLAN device is a link of ovsnet's too
# (its only peer is this host, which skips its own addresses: no route
# needed).  The host's address is on a link of its own, which is not
# ovsnet's: a veth pair (the kernel may have no dummy links).
ip -n "$NS" link add hostul type veth peer name hostul-peer \
    || fail "cannot create the host's underlay link"
ip -n "$NS" addr add 192.0.2.254/32 dev hostul
ip -n "$NS" link set hostul-peer up
ip -n "$NS" link set hostul up
dk_ok network create -d ovs --subnet 192.0.2.0/25 -o ovs.tunnel=vxlan \
    -o ovs.vni=77 -o ovs.peers=192.0.2.254 tun > /dev/null
run_container w1 web
run_container w2 ops2
run_container w3 tun
wait_until "ovsnet's iptables chain" in_ns iptables -S OVSNET-FORWARD
# Nobody will tell ovsnet anything any more.
kill -KILL "$DOCKERD_PID"
ovsnetd_kill
rows_before=$(ovsnet_rows | sort)
links_before=$(ovsnet_links | sort)
[ -n "$rows_before" ] || fail "no ovsnet rows to clean up"
check_match "links before ovsnet-cleanup" "ovsvx-[0-9a-f]{9}" "$links_before"

out=$(ip netns exec "$NS" sh "$cleanup_tool" --dry-run --db="unix:$T/db.sock" 2>&1) \
    || fail "ovsnet-cleanup --dry-run failed: $out"
log "ovsnet-cleanup --dry-run: $out"
check_contains "dry run" "would remove bridge ovsbr-" "$out"
check_match "dry run" "would remove port ovsep-[0-9a-f]{9} from bridge br-ops" "$out"
check_contains "dry run" "would remove netfilter table inet ovsnet" "$out"
check_contains "dry run" \
    "would remove iptables chain OVSNET-FORWARD and its jump from FORWARD" "$out"
in_ns iptables -C FORWARD -j OVSNET-FORWARD \
    || fail "the dry run removed the jump to OVSNET-FORWARD"
check_eq "rows after a dry run" "$rows_before" "$(ovsnet_rows | sort)"
check_eq "links after a dry run" "$links_before" "$(ovsnet_links | sort)"

out=$(ip netns exec "$NS" sh "$cleanup_tool" --db="unix:$T/db.sock" 2>&1) \
    || fail "ovsnet-cleanup failed: $out"
log "ovsnet-cleanup: $out"
check_contains "cleanup" "removed bridge ovsbr-" "$out"
check_match "cleanup" "removed port ovsgw-[0-9a-f]{9} from bridge br-ops" "$out"
check_contains "cleanup" "removed netfilter table inet ovsnet" "$out"
check_contains "cleanup" \
    "removed iptables chain OVSNET-FORWARD and its jump from FORWARD" "$out"
in_ns iptables -S OVSNET-FORWARD > /dev/null 2>&1 \
    && fail "chain OVSNET-FORWARD is still there after ovsnet-cleanup"
in_ns iptables -S FORWARD | grep -q OVSNET-FORWARD \
    && fail "FORWARD still jumps to OVSNET-FORWARD after ovsnet-cleanup"
check_nothing_left
in_ns nft list table inet ovsnet > /dev/null 2>&1 \
    && fail "table inet ovsnet is still there after ovsnet-cleanup"
check_eq "ports of br-ops after ovsnet-cleanup" "ops-int" \
    "$(vsctl list-ports br-ops | tr '\n' ' ' | sed 's/ $//')"
check_eq "the host's underlay address after ovsnet-cleanup" 192.0.2.254/32 \
    "$(addrs_of hostul)"
out=$(ip netns exec "$NS" sh "$cleanup_tool" --db="unix:$T/db.sock" 2>&1) \
    || fail "ovsnet-cleanup (second run) failed: $out"
check_eq "ovsnet-cleanup, second run" "nothing of ovsnet's found" "$out"
