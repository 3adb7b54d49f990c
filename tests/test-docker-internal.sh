#!/bin/bash
# Docker end to end: an --internal network has no gateway: containers get no
# default route and no second interface (docker_gwbridge), the gateway
# address is nowhere, yet they reach each other.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

log "network inside (--internal)"
dk_ok network create -d ovs --internal --subnet 198.51.100.0/24 inside \
    > /dev/null
check_eq "internal flag" true "$(dk network inspect -f '{{.Internal}}' inside)"
run_container i1 inside
run_container i2 inside
i2ip=$(container_ip i2 inside)

check_nomatch "i1's routes" '^default' "$(cexec_ok i1 ip route)"
links=$(cexec_ok i1 ip -o link show | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' \
            | sort | tr '\n' ' ')
check_eq "i1's interfaces" "eth0 lo " "$links"
check_nomatch "networks" 'docker_gwbridge' "$(dk network ls --format '{{.Name}}')"
check_nomatch "addresses in $NS" '198\.51\.100\.' "$(ip -n "$NS" -o addr show)"

ping_ok i1 i2
ping_ok i1 "$i2ip"
serve i2
fetch_ok i1 i2
ping_fails i1 198.51.100.1

log "removing"
dk_ok rm -f i1 i2 > /dev/null
dk_ok network rm inside > /dev/null
check_nothing_left
