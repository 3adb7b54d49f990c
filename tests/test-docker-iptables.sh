#!/bin/bash
# Docker end to end, on a host with Docker's firewall defaults: this
# test's dockerd manages iptables (in the test's namespace only) and, as
# it finds IP forwarding off, turns it on and sets the policy of iptables'
# filter FORWARD chain to DROP (Docker 28 does the same with ip6tables; for
# Docker 20.10 the test sets that policy itself).  Without a rule written
# by hand:
#
#   - ovsnetd (--iptables=auto, the default) adds its chain OVSNET-FORWARD,
#     jumped to from FORWARD below DOCKER-USER, for IPv4 and IPv6;
#   - a container reaches the outside (masqueraded), a published port is
#     reached from the outside, from the host, from a container of its own
#     network and from one of another network, over IPv4 and IPv6;
#   - an --internal network gets no rule;
#   - Docker's own chains are never changed, and once the networks are
#     gone iptables is exactly as Docker left it;
#   - ovsnetd killed and restarted: the chain stays;
#   - the chain flushed, its jump deleted or moved above DOCKER-USER,
#     "iptables -F", dockerd restarted: it comes back, and traffic flows;
#   - "ovs-appctl ovsnet/cleanup" removes it.
#
# OVSNET_TEST_IPTABLES=legacy runs the same with iptables-legacy, for
# dockerd and ovsnetd alike (tests/test-docker-iptables-legacy.sh).
# tests/test-docker-iptables-off.sh shows that it is this chain that makes
# the difference.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/nat-lib.sh"

nat_find_tools
BACKEND=${OVSNET_TEST_IPTABLES:-nft}
for tool in iptables-$BACKEND iptables-$BACKEND-save \
            iptables-$BACKEND-restore ip6tables-$BACKEND \
            ip6tables-$BACKEND-save ip6tables-$BACKEND-restore; do
    command -v $tool > /dev/null \
        || hard_error "$tool is needed by the test but not installed"
done
# A dockerd that manages iptables also talks to firewalld, over D-Bus, if
# one runs: that would change the machine's own firewall.
if pgrep -x firewalld > /dev/null; then
    hard_error "firewalld runs here: this dockerd would change its rules"
fi

# The same iptables for dockerd, ovsnetd and the test, whatever the
# machine's alternatives say: a directory of links first in PATH.
docker_find_tools
sandbox_init
XT=$T/xtables-bin
mkdir -p "$XT"
for cmd in iptables iptables-save iptables-restore \
           ip6tables ip6tables-save ip6tables-restore; do
    ln -s "$(command -v "${cmd%%-*}-$BACKEND${cmd#"${cmd%%-*}"}")" \
        "$XT/$cmd"
done
export PATH=$XT:$PATH
log "iptables: $(iptables -V)"

# Later flags win: this dockerd manages iptables, and from Docker 28 (where
# it is no longer experimental) ip6tables.
DOCKERD_ARGS="--iptables=true"
if [ "$(docker_version)" -ge 28 ]; then
    DOCKERD_ARGS="$DOCKERD_ARGS --ip6tables=true"
fi
trap docker_cleanup EXIT
ovs_start
ovsnetd_start
in_ns sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward;
             echo 0 > /proc/sys/net/ipv6/conf/all/forwarding' \
    || fail "cannot turn forwarding off in $NS"
docker_start
docker_image
nat_outside
docker_bridge_network 198.51.100.192/26 --ipv6 --subnet 2001:db8:b::/64

check_eq "FORWARD policy" "-P FORWARD DROP" \
    "$(in_ns iptables -S FORWARD | head -n 1)"
in_ns iptables -S DOCKER-USER > /dev/null || fail "no DOCKER-USER chain"
if [ "$(in_ns ip6tables -S FORWARD | head -n 1)" != "-P FORWARD DROP" ]; then
    log "this dockerd leaves ip6tables' FORWARD policy alone (Docker 28" \
        "with ip6tables sets it to DROP): setting it here"
    in_ns ip6tables -P FORWARD DROP
fi

# chain_rules CMD: the rules of OVSNET-FORWARD, as CMD -S prints them.
chain_rules() {
    in_ns "$1" -S OVSNET-FORWARD 2> /dev/null | grep '^-A' || true
}

# jump_order CMD: the chains FORWARD jumps to, in order, on one line.
jump_order() {
    in_ns "$1" -S FORWARD | sed -n 's/^-A FORWARD -j \([^ ]*\)$/\1/p' \
        | tr '\n' ' ' | sed 's/ $//'
}

# chain_ok CMD N: OVSNET-FORWARD has N rules and FORWARD jumps to it
# once, below DOCKER-USER if there is one.
chain_ok() {
    local order
    [ "$(chain_rules "$1" | wc -l)" = "$2" ] || return 1
    order=$(jump_order "$1")
    [ "$(grep -o OVSNET-FORWARD <<< "$order" | wc -l)" = 1 ] || return 1
    case " $order " in
        *" DOCKER-USER "*"OVSNET-FORWARD "*) return 0 ;;
        *" DOCKER-USER "*) return 1 ;;
        " OVSNET-FORWARD "*) return 0 ;;
    esac
    return 1
}

# chain_gone CMD: no OVSNET-FORWARD, no jump to it.
chain_gone() {
    ! in_ns "$1" -S OVSNET-FORWARD > /dev/null 2>&1 \
        && ! in_ns "$1" -S FORWARD | grep -q OVSNET-FORWARD
}

# traffic_ok: p1 reaches the outside over IPv4 and IPv6, and its published
# port 8080 is reached from the outside over both.
traffic_ok() {
    check_eq "p1 seen outside as" 203.0.113.1 \
        "$(reaches "$P1" tcp 203.0.113.2 7000 "$OUT" 203.0.113.2 7000)"
    check_eq "p1 seen outside over IPv6 as" 2001:db8:f::1 \
        "$(reaches "$P1" tcp 2001:db8:f::2 7000 "$OUT" 2001:db8:f::2 7000)"
    check_eq "the outside seen by p1 as" 203.0.113.2 \
        "$(reaches "$OUT" tcp 203.0.113.1 8080 "$P1" "$P1IP" 80)"
    check_eq "the outside seen by p1 over IPv6 as" 2001:db8:f::2 \
        "$(reaches "$OUT" tcp 2001:db8:f::1 8080 "$P1" "$P1V6" 80)"
}

# start_p1: container p1 on web, port 80 published as 8080.
start_p1() {
    dk_ok run -d --name p1 --network web -p 8080:80 "$IMAGE" sleep 3600 \
        > /dev/null
    p1_found
}

p1_found() {
    P1=$(nat_netns_of "$(container_pid p1)" "p1-$RANDOM")
    P1IP=$(container_ip p1 web)
    P1V6=$(container_ip p1 web 6)
}

# All of it as Docker set it up, before ovsnet has a network.
IPTABLES_BEFORE=$(iptables_state)
USER_BEFORE=$(in_ns iptables -S DOCKER-USER; in_ns ip6tables -S DOCKER-USER \
              2> /dev/null || true)

dk_ok network create -d ovs --ipv6 --subnet 192.0.2.0/24 \
    --subnet 2001:db8:1::/64 web > /dev/null
dk_ok network create -d ovs --subnet 198.51.100.0/25 other > /dev/null
dk_ok network create -d ovs --internal --subnet 198.51.100.128/26 inside \
    > /dev/null
GW_WEB=ovsgw-$(dk network inspect -f '{{.Id}}' web | cut -c1-9)
GW_OTHER=ovsgw-$(dk network inspect -f '{{.Id}}' other | cut -c1-9)
GW_INSIDE=ovsgw-$(dk network inspect -f '{{.Id}}' inside | cut -c1-9)
start_p1
run_container o1 other
run_container w2 web
run_container i1 inside

log "ovsnet's chain, with Docker's defaults and no rule written by hand"
wait_until "IPv4 chain with 4 rules below DOCKER-USER" chain_ok iptables 4
wait_until "IPv6 chain with 2 rules below DOCKER-USER" chain_ok ip6tables 2
log "iptables -S FORWARD: $(in_ns iptables -S FORWARD | tr '\n' ';')"
log "iptables -S OVSNET-FORWARD:" "$(chain_rules iptables)"
check_eq "IPv4 rules of web" \
"-A OVSNET-FORWARD -i $GW_WEB -m comment --comment \"ovsnet network $(dk network inspect -f '{{.Id}}' web | cut -c1-12)\" -j ACCEPT
-A OVSNET-FORWARD -o $GW_WEB -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment \"ovsnet network $(dk network inspect -f '{{.Id}}' web | cut -c1-12)\" -j ACCEPT" \
    "$(chain_rules iptables | grep -- "$GW_WEB")"
check_eq "IPv6 rules name web's gateway only" 2 \
    "$(chain_rules ip6tables | grep -c -- "$GW_WEB")"
chain_rules iptables | grep -q -- "$GW_OTHER" \
    || fail "no rule for network other's gateway $GW_OTHER"
if chain_rules iptables | grep -q -- "$GW_INSIDE"; then
    fail "a rule for the internal network's gateway $GW_INSIDE"
fi
check_eq "DOCKER-USER" "$USER_BEFORE" \
    "$(in_ns iptables -S DOCKER-USER; in_ns ip6tables -S DOCKER-USER \
       2> /dev/null || true)"
SHOW=$(appctl iptables/show)
log "ovs-appctl iptables/show:" "$SHOW"
check_contains "iptables/show" "--iptables=auto" "$SHOW"
check_contains "iptables/show" "FORWARD policy DROP, chain OVSNET-FORWARD present" "$SHOW"
check_contains "iptables/show" "($BACKEND)" "$SHOW"

log "traffic"
traffic_ok
check_eq "the host seen by p1 as" 203.0.113.1 \
    "$(reaches "$NS" tcp 203.0.113.1 8080 "$P1" "$P1IP" 80)"
reaches "$(nat_netns_of "$(container_pid w2)" w2)" tcp 203.0.113.1 8080 \
    "$P1" "$P1IP" 80 > /dev/null
reaches "$(nat_netns_of "$(container_pid o1)" o1)" tcp 203.0.113.1 8080 \
    "$P1" "$P1IP" 80 > /dev/null
does_not_reach "$(nat_netns_of "$(container_pid i1)" i1)" tcp 203.0.113.2 7000 \
    "$OUT" 203.0.113.2 7000
# Only what is published comes in: port 81 of p1 straight to its address,
# with a route to it outside.
ip -n "$OUT" route add 192.0.2.0/24 via 203.0.113.1
does_not_reach "$OUT" tcp "$P1IP" 81 "$P1" "$P1IP" 81

log "ovsnetd killed and restarted: the chain stays all along"
ovsnetd_kill
chain_ok iptables 4 || fail "the chain changed when ovsnetd was killed"
ovsnetd_start
for _ in 1 2 3 4 5 6 7 8 9 10; do
    chain_ok iptables 4 || fail "the chain changed as ovsnetd started"
    sleep 0.2
done
grep -q "removed iptables chain" "$T/ovsnetd.log" \
    && fail "ovsnetd removed its chain at a restart"
reaches "$OUT" tcp 203.0.113.1 8080 "$P1" "$P1IP" 80 > /dev/null

log "the networks removed: iptables as Docker left it"
dk_ok rm -f p1 o1 w2 i1 > /dev/null
dk_ok network rm web other inside > /dev/null
wait_until "IPv4 chain removed" chain_gone iptables
wait_until "IPv6 chain removed" chain_gone ip6tables
IPTABLES_AFTER=$(iptables_state)
if [ "$IPTABLES_AFTER" != "$IPTABLES_BEFORE" ]; then
    fail "iptables or ip6tables changed (- before, + after):" \
         "$(diff -u <(echo "$IPTABLES_BEFORE") <(echo "$IPTABLES_AFTER") \
            | tail -n +3)"
fi

log "kept true: flushed, jump deleted, jump moved, iptables -F"
dk_ok network create -d ovs --ipv6 --subnet 192.0.2.0/24 \
    --subnet 2001:db8:1::/64 web > /dev/null
start_p1
wait_until "IPv4 chain" chain_ok iptables 2
in_ns iptables -F OVSNET-FORWARD
wait_until "IPv4 chain filled again" chain_ok iptables 2
in_ns ip6tables -D FORWARD -j OVSNET-FORWARD
wait_until "IPv6 jump back" chain_ok ip6tables 2
in_ns iptables -D FORWARD -j OVSNET-FORWARD
in_ns iptables -I FORWARD 1 -j OVSNET-FORWARD
wait_until "IPv4 jump below DOCKER-USER again" chain_ok iptables 2
in_ns iptables -F
in_ns ip6tables -F
wait_until "IPv4 chain after iptables -F" chain_ok iptables 2
wait_until "IPv6 chain after ip6tables -F" chain_ok ip6tables 2
grep -q "changed by someone else: restoring it" "$T/ovsnetd.log" \
    || fail "ovsnetd did not log that it restored its chain"

log "dockerd restarted: its jumps go back on top"
docker_restart
dk_ok start p1 > /dev/null
p1_found
wait_until "IPv4 chain below DOCKER-USER" chain_ok iptables 2
log "iptables -S FORWARD: $(in_ns iptables -S FORWARD | tr '\n' ';')"
traffic_ok

log "ovsnet/cleanup"
appctl ovsnet/cleanup > /dev/null
wait_until "IPv4 chain removed by ovsnet/cleanup" chain_gone iptables
wait_until "IPv6 chain removed by ovsnet/cleanup" chain_gone ip6tables
dk_ok rm -f p1 > /dev/null
dk network rm web > /dev/null 2>&1 || true
