#!/bin/bash
# Docker end to end: a dual-stack network (--ipv6, 198.51.100.0/24 and
# 2001:db8:1::/64).  Containers get both addresses, reach each other and the
# gateway over IPv6 (ping and TCP), and over IPv4 as before.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

log "network dual"
dk_ok network create -d ovs --ipv6 \
    --subnet 198.51.100.0/24 --subnet 2001:db8:1::/64 dual > /dev/null
run_container d1 dual
run_container d2 dual
d1v6=$(container_ip d1 dual 6)
d2v6=$(container_ip d2 dual 6)
d2v4=$(container_ip d2 dual)
log "d1 $d1v6, d2 $d2v6 $d2v4"
check_match "d1's IPv6 address" '^2001:db8:1:' "$d1v6"
check_match "d2's IPv6 address" '^2001:db8:1:' "$d2v6"
check_contains "d1's eth0" "inet6 $d1v6/64" "$(cexec_ok d1 ip -6 addr show eth0)"
check_contains "d1's IPv6 default route" "default via 2001:db8:1::1" \
    "$(cexec_ok d1 ip -6 route)"
check_contains "gateway addresses in $NS" "2001:db8:1::1/64" \
    "$(ip -n "$NS" -o addr show)"

log "IPv6"
ping_ok d1 "$d2v6" -6
ping_ok d2 "$d1v6" -6
# The gateway's address may be tentative for a moment (DAD).
ping_ok d1 2001:db8:1::1 -6
serve d2
fetch_ok d1 "$d2v6" d2

log "IPv4"
ping_ok d1 "$d2v4"
ping_ok d1 198.51.100.1
fetch_ok d1 d2

log "removing"
dk_ok rm -f d1 d2 > /dev/null
dk_ok network rm dual > /dev/null
check_nothing_left
