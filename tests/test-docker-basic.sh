#!/bin/bash
# Docker end to end: two containers on one ovs network reach each other by
# name and by address, move data over TCP, and reach their gateway (ping,
# and TCP to a listener on the gateway address in the host's namespace).
# Stopping and starting a container gives it a working port again; removing
# everything leaves nothing behind.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

log "network web"
dk_ok network create -d ovs --subnet 198.51.100.0/24 web > /dev/null
check_eq "driver of web" ovs "$(dk network inspect -f '{{.Driver}}' web)"

run_container c1 web
run_container c2 web
ip1=$(container_ip c1 web)
ip2=$(container_ip c2 web)
log "c1 $ip1, c2 $ip2"
check_match "c1's address" '^198\.51\.100\.[0-9]+$' "$ip1"
check_match "c2's address" '^198\.51\.100\.[0-9]+$' "$ip2"
check_ne "c2's address" "$ip1" "$ip2"

# The container sees one interface, eth0, with Docker's address and MAC,
# and its default route through the network's gateway: no second
# interface on docker_gwbridge.
links=$(cexec_ok c1 ip -o link show | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' \
            | sort | tr '\n' ' ')
check_eq "c1's interfaces" "eth0 lo " "$links"
check_contains "c1's eth0" "inet $ip1/24" "$(cexec_ok c1 ip addr show eth0)"
mac=$(dk inspect -f '{{(index .NetworkSettings.Networks "web").MacAddress}}' c1)
check_match "c1's MAC in docker inspect" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$mac"
check_contains "c1's eth0 MAC" "link/ether $mac" "$(cexec_ok c1 ip link show eth0)"
check_contains "c1's default route" "default via 198.51.100.1 dev eth0" \
    "$(cexec_ok c1 ip route)"
check_nomatch "networks" 'docker_gwbridge' "$(dk network ls --format '{{.Name}}')"
check_eq "c1's MTU" 1500 "$(cexec_ok c1 cat /sys/class/net/eth0/mtu)"

# Ports in OVSDB, on the network's bridge, with Docker's endpoint IDs.
ep1=$(dk inspect -f '{{(index .NetworkSettings.Networks "web").EndpointID}}' c1)
port=ovsep-${ep1:0:9}
wait_until "port $port ready" ofport_ready "$port"
check_eq "iface-id of $port" "$ep1" "$(db_get Interface "$port" external_ids:iface-id)"
check_eq "attached-mac of $port" "$mac" "$(db_get Interface "$port" external_ids:attached-mac)"

log "by name and by address"
ping_ok c1 c2
ping_ok c2 c1
ping_ok c1 "$ip2"
ping_ok c2 "$ip1"

log "TCP between containers"
serve c2
fetch_ok c1 c2
fetch_ok c1 "$ip2" c2

log "the gateway"
ping_ok c1 198.51.100.1
check_contains "gateway address in $NS" "198.51.100.1/24" \
    "$(ip -n "$NS" -o addr show)"
# A TCP listener on the gateway address, in the test's namespace: the host
# side of the network.
mkdir -p "$T/www"
echo 'served by the host' > "$T/www/host.txt"
in_ns "$BUSYBOX" httpd -f -p 198.51.100.1:8080 -h "$T/www" &
echo $! > "$T/gw-httpd.pid"
wait_for 10 "the host's listener" host_listening 198.51.100.1:8080
got=$(cexec c1 timeout 10 wget -q -O - http://198.51.100.1:8080/host.txt 2>&1 || true)
check_eq "page fetched from the gateway address" "served by the host" "$got"
stop_pidfile "$T/gw-httpd.pid"

log "stop and start c1"
dk_ok stop -t 1 c1 > /dev/null
wait_while "port $port" port_exists "$port"
check_eq "$port's link" "" "$(ovsnet_links | grep -Fx "$port" || true)"
dk_ok start c1 > /dev/null
ping_ok c1 c2
serve c1
fetch_ok c2 c1

log "removing"
dk_ok rm -f c1 c2 > /dev/null
dk_ok network rm web > /dev/null
check_nothing_left
