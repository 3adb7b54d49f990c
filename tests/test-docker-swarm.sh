#!/bin/bash
# test-docker-swarm: a real Docker swarm of three simulated hosts
# (tests/multihost-lib.sh, each with its own ovsdb-server, ovs-vswitchd and
# dockerd), ovsnet on each as the managed plugin made by
# contrib/ovsnet-plugin-create with OVSNET_SCOPE=global:
#   - the README's way: the swarm first, then the plugin on every node,
#     workers first, the manager last.  Docker tells such a plugin only of
#     its own node: contrib/ovsnet-plugin-create tells each of the nodes
#     Docker knows (all of them on the manager, the managers on a worker),
#     and the workers learn of each other from the manager's
#     ovs.swarm_nodes with the network (tests/test-docker-swarm-ha.sh
#     enables the plugins before the join: Docker's own discovery);
#   - "docker network create -d ovsnet:latest --scope swarm --attachable"
#     once, on the manager; a bad option is refused at AllocateNetwork,
#     naming the key (in the manager's log: the swarm allocates after
#     "docker network create" has returned);
#   - a container on each host (the workers then know each other from
#     the manager); addresses unique (swarm's IPAM), and every
#     container fetches 1 MB over TCP from every other one by name
#     (Docker's DNS across nodes);
#   - a dnsrr service of 3 replicas, one on each host, answers by name
#     from every container;
#   - kill -9 of the plugin's ovsnetd on a worker: Docker starts it again
#     with the nodes it knew (OVSDB), and the containers keep moving data;
#   - "docker network rm" on the manager: no ovsnet network row left on any
#     host.
# OVSNET_DOCKER_ENGINE=sid runs it against Docker 28.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
MH_NO_OVSNETD=1
. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

docker_find_tools
mh_setup 3
. "$top_srcdir/tests/multihost-docker-lib.sh"

mh_dockerds_start 3

log "=== the swarm, then the plugin on every node"
swarm_init
for i in 2 3; do
    swarm_join "$i" worker
done
wait_for "$DOCKER_WAIT" "3 ready nodes" swarm_ready 3
for i in 3 2 1; do
    plugin_create "$i"
done
IP1=$(mh_underlay_ip 1) IP2=$(mh_underlay_ip 2) IP3=$(mh_underlay_ip 3)
# What ovsnet-plugin-create told them: all on the manager, the manager on
# the workers.
check_eq "host 1's nodes" "$IP2 (appctl) $IP3 (appctl)" "$(nodes_of 1)"
check_eq "host 2's nodes" "$IP1 (appctl)" "$(nodes_of 2)"
check_eq "host 3's nodes" "$IP1 (appctl)" "$(nodes_of 3)"

log "=== network blue, once, on the manager"
dkh_ok 1 network create -d "$DRIVER" --scope swarm --attachable \
    --subnet 198.51.100.0/24 -o ovs.tunnel=vxlan -o ovs.vni=5001 blue \
    > /dev/null
check_eq "scope of blue" swarm "$(dkh 1 network inspect -f '{{.Scope}}' blue)"
# Swarm allocates a network after "docker network create" has returned
# (swarmkit's allocator calls AllocateNetwork on the leader, and retries):
# the refusal, naming the key, is in the manager's log, and the network
# never gets to any node.
dkh_ok 1 network create -d "$DRIVER" --scope swarm --attachable \
    --subnet 203.0.113.0/24 -o ovs.vlan=x bad > /dev/null
refused() {
    grep -F 'NetworkDriver.AllocateNetwork: option ovs.vlan=x' \
        "${H_DT[1]}/dockerd.log"
}
wait_for "$DOCKER_WAIT" "the manager's log of the refused allocation" refused
log "the manager's log: $(refused | head -n 1 | sed 's/.*error=//')"
if out=$(dkh 1 run --rm --network bad "$IMAGE" true 2>&1); then
    fail "a container ran on network bad: $out"
fi
log "docker run on bad: $out"
dkh_ok 1 network rm bad > /dev/null

log "=== a container on each host"
for i in 1 2 3; do
    dkh_ok "$i" run -d --name "c$i" --hostname "c$i" --network blue \
        "$IMAGE" sleep 3600 > /dev/null
    mh_serve "$i" "c$i"
done
ips=
for i in 1 2 3; do
    ip=$(dkh "$i" inspect \
             -f '{{(index .NetworkSettings.Networks "blue").IPAddress}}' "c$i")
    check_match "c$i's address" '^198\.51\.100\.[0-9]+$' "$ip"
    log "c$i (host $i): $ip"
    ips="$ips $ip"
done
# The workers know each other from the manager, with the network.
check_eq "host 2's nodes" "$IP1 (appctl) $IP3 (manager)" "$(nodes_of 2)"
check_eq "host 3's nodes" "$IP1 (appctl) $IP2 (manager)" "$(nodes_of 3)"
# shellcheck disable=SC2086
check_eq "distinct addresses" 3 "$(printf '%s\n' $ips | sort -u | wc -l)"

mh_fetch_all 1 2 3

log "=== a dnsrr service of 3 replicas"
dkh_ok 1 service create --detach --name web --endpoint-mode dnsrr \
    --network blue --replicas 3 --no-resolve-image "$IMAGE" \
    httpd -f -p 80 -h /www > /dev/null
running_tasks() {
    dkh 1 service ps web --filter desired-state=running \
        --format '{{.Node}} {{.CurrentState}}' | grep -c ' Running'
}
three_running() {
    [ "$(running_tasks)" = 3 ]
}
wait_for "$DOCKER_WAIT" "3 running replicas of web" three_running
# The nodes share the machine's host name: count each dockerd's own.
for i in 1 2 3; do
    check_eq "replicas of web on host $i" 1 \
        "$(dkh "$i" ps -q --filter label=com.docker.swarm.service.name=web \
               | wc -l)"
done
for i in 1 2 3; do
    got=$(dkh "$i" exec "c$i" timeout 10 wget -q -O - http://web/index.html \
              2>&1) || true
    check_eq "http://web/ from c$i" "ovsnet e2e test page" "$got"
done

log "=== kill -9 of host 2's plugin"
pid1=$(plugin_pid 2) || fail "host 2's plugin has no pid"
kill -KILL "$pid1"
plugin_restarted() {
    local pid
    pid=$(plugin_pid 2) && [ "$pid" != "$pid1" ] && plugin_appctl 2 version
}
wait_for "$DOCKER_WAIT" "Docker to start host 2's plugin again" \
    plugin_restarted
check_eq "host 2's nodes after the restart" "$IP1 (appctl) $IP3 (manager)" \
    "$(nodes_of 2)"
mh_fetch_all 1 2 3

log "=== docker network rm"
dkh_ok 1 service rm web > /dev/null
for i in 1 2 3; do
    dkh_ok "$i" rm -f "c$i" > /dev/null
done
# The service's tasks leave the network asynchronously.
rm_ok() {
    dkh 1 network rm blue
}
wait_for "$DOCKER_WAIT" "docker network rm blue" rm_ok
# ovsnet_links I: host I's links that carry ovsnet's ifalias, or an
# ovsnet name (ovsbr-, ovsgw-, ovsep-, ovsct-, ovsvx-).
ovsnet_links() {
    mh_exec "$1" ip -o link show | grep -E ': ovs(br|gw|ep|ct|vx)-|alias ovsnet:'
}
for i in 1 2 3; do
    wait_while "host $i's network rows" has_network_rows "$i"
    wait_while "host $i's ovsnet links" ovsnet_links "$i"
    check_eq "host $i's ovsnet rows" "" "$(mh_vsctl "$i" --bare \
        --columns=name find Port external_ids:ovsnet-driver=$PLUGIN)"
done

log "done"
