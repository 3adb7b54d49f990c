#!/bin/bash
# Docker end to end: ovsnetd --iptables=off beside Docker's own iptables
# rules, the positive control of tests/test-docker-iptables.sh.  This
# test's dockerd manages iptables (in the test's namespace only) and, as it
# finds IP forwarding off, turns it on and sets the policy of iptables'
# filter FORWARD chain to DROP.  With --iptables=off ovsnet adds nothing:
# that drops its forwarded traffic, no way out, no published port, until
# the DOCKER-USER rules the README gives for --iptables=off are added;
# then both work.  ovsnet never touches Docker's chains.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/nat-lib.sh"

nat_find_tools
for tool in iptables iptables-save ip6tables-save; do
    command -v $tool > /dev/null \
        || hard_error "$tool is needed by the test but not installed"
done
# A dockerd that manages iptables also talks to firewalld, over D-Bus, if
# one runs: that would change the machine's own firewall.
if pgrep -x firewalld > /dev/null; then
    hard_error "firewalld runs here: this dockerd would change its rules"
fi
# Later flags win: this dockerd manages iptables, ovsnetd does not.
DOCKERD_ARGS="--iptables=true"
OVSNETD_ARGS="${OVSNETD_ARGS:-} --iptables=off"
# docker_sandbox_start, with forwarding off in the namespace before dockerd
# starts, whatever the machine's own setting (a new namespace takes it from
# the machine's, and a machine that runs Docker has it on).
docker_find_tools
sandbox_init
trap docker_cleanup EXIT
ovs_start
ovsnetd_start
in_ns sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward' \
    || fail "cannot turn IPv4 forwarding off in $NS"
docker_start
docker_image
nat_outside
docker_bridge_network 198.51.100.0/24

check_eq "FORWARD policy" "-P FORWARD DROP" \
    "$(in_ns iptables -S FORWARD | head -n 1)"
in_ns iptables -S DOCKER-USER > /dev/null || fail "no DOCKER-USER chain"

# All of it as Docker set it up, before ovsnet has a network or this test
# a rule.
IPTABLES_BEFORE=$(iptables_state)

dk_ok network create -d ovs --subnet 192.0.2.0/24 web > /dev/null
dk_ok run -d --name p1 --network web -p 8080:80 "$IMAGE" sleep 3600 \
    > /dev/null
P1=$(nat_netns_of "$(container_pid p1)" p1)
P1IP=$(container_ip p1 web)

log "Docker's DROP policy, no DOCKER-USER rule"
does_not_reach "$P1" tcp 203.0.113.2 7000 "$OUT" 203.0.113.2 7000
does_not_reach "$OUT" tcp 203.0.113.1 8080 "$P1" "$P1IP" 80

log "with the README's DOCKER-USER rules"
in_ns iptables -I DOCKER-USER -i 'ovsgw-+' -j ACCEPT
in_ns iptables -I DOCKER-USER -o 'ovsgw-+' -m conntrack \
    --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT
check_eq "p1 seen outside as" 203.0.113.1 \
    "$(reaches "$P1" tcp 203.0.113.2 7000 "$OUT" 203.0.113.2 7000)"
check_eq "the outside seen by p1 as" 203.0.113.2 \
    "$(reaches "$OUT" tcp 203.0.113.1 8080 "$P1" "$P1IP" 80)"
# Nothing else reaches the container from outside: a port it does not
# publish, straight to its address.  That path works when a rule lets it
# through, so it is the rules that stop it, not a missing route.
ip -n "$OUT" route add 192.0.2.0/24 via 203.0.113.1
in_ns iptables -I DOCKER-USER -o 'ovsgw-+' -d "$P1IP" -p tcp --dport 81 \
    -j ACCEPT
check_eq "the outside seen by p1 on port 81, with a rule for it" 203.0.113.2 \
    "$(reaches "$OUT" tcp "$P1IP" 81 "$P1" "$P1IP" 81)"
in_ns iptables -D DOCKER-USER -o 'ovsgw-+' -d "$P1IP" -p tcp --dport 81 \
    -j ACCEPT
does_not_reach "$OUT" tcp "$P1IP" 81 "$P1" "$P1IP" 81

check_contains "iptables/show" "--iptables=off" "$(appctl iptables/show)"
in_ns iptables -S OVSNET-FORWARD > /dev/null 2>&1 \
    && fail "--iptables=off, yet chain OVSNET-FORWARD exists"

log "ovsnet left Docker's chains alone"
in_ns iptables -D DOCKER-USER -i 'ovsgw-+' -j ACCEPT
in_ns iptables -D DOCKER-USER -o 'ovsgw-+' -m conntrack \
    --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT
IPTABLES_AFTER=$(iptables_state)
if [ "$IPTABLES_AFTER" != "$IPTABLES_BEFORE" ]; then
    fail "iptables or ip6tables changed (- before, + after):" \
         "$(diff -u <(echo "$IPTABLES_BEFORE") <(echo "$IPTABLES_AFTER") \
            | tail -n +3)"
fi
log "iptables and ip6tables as Docker left them:" \
    "$(grep -vc '^\(==\|\*\|COMMIT\)' <<< "$IPTABLES_AFTER") rules and chains"

dk_ok rm -f p1 > /dev/null
dk_ok network rm web > /dev/null
check_nothing_left
