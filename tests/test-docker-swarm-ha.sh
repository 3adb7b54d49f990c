#!/bin/bash
# test-docker-swarm-ha: a real Docker swarm of four simulated hosts
# (tests/multihost-lib.sh, each with its own ovsdb-server, ovs-vswitchd and
# dockerd), hosts 1-3 all managers, ovsnet the managed plugin on each
# (contrib/ovsnet-plugin-create), enabled before its node's init or join:
#   - one swarm network made on host 2 (a manager that did not make the
#     swarm), a GRE tunnel on a VLAN; containers on
#     hosts 1-3 fetch 1 MB from one another by name, over GRE tunnels,
#     their ports tagged with the VLAN;
#   - host 4 joins as a worker: its plugin and those of hosts 1-3 learn of
#     each other from Docker, a container on it gets GRE tunnels to 1-3
#     (and they to it) and reaches the others by name, with no command of
#     ours;
#   - that container publishes a port ("docker run -p"): host 4 reaches it
#     at its own underlay address (NAT on the node where it runs);
#   - host 4's dockerd restarted: the container ("--restart always", or
#     "docker start" when Docker skips it) comes back, with its published
#     port, and moves data to and from host 1 by name;
#   - host 4 leaves the swarm: hosts 1-3 lose their tunnels to it
#     (DiscoverDelete) and keep reaching each other;
#   - host 3's plugin disabled: containers on hosts 1 and 2 keep moving
#     data, a new container on host 1 works; enabled again, host 3's
#     container works again (its plugin, told only of itself by Docker,
#     keeps the nodes in OVSDB);
#   - "docker network rm": no ovsnet network row left on any host.
# OVSNET_DOCKER_ENGINE=sid runs it against Docker 28.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
MH_NO_OVSNETD=1
. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

VNI=7001
VLAN=101

docker_find_tools
mh_setup 4
. "$top_srcdir/tests/multihost-docker-lib.sh"

mh_dockerds_start 4

# tunnel_to I J: host I's plugin has a GRE tunnel of key $VNI to host J.
tunnel_to() {
    plugin_appctl "$1" tunnel/list \
        | awk -v ip="$(mh_underlay_ip "$2")" -v key="$VNI" \
              '$3 == "gre" && $4 == key && $5 == ip { found = 1 }
               END { exit !found }'
}

# endpoint_tags I: the VLAN tags of host I's endpoint ports.
endpoint_tags() {
    mh_vsctl "$1" --bare --columns=tag find Port \
        external_ids:ovsnet-role=endpoint | sed '/^$/d' | sort -u
}

# fetch_both I J: cI and cJ fetch from each other by name.
fetch_both() {
    mh_fetch_across "$1" "c$1" "$2" "c$2" "c$2"
    mh_fetch_across "$2" "c$2" "$1" "c$1" "c$1"
}

# published_ok I PORT WHAT: from host I's own namespace, TCP to host I's
# underlay address, port PORT, fetches c4's page and 1 MB file intact.
published_ok() {
    local url want got
    url="http://$(mh_underlay_ip "$1"):$2"
    got=$(mh_exec "$1" timeout 10 "$MH_BUSYBOX" wget -q -O - \
              "$url/index.html" 2>&1) || true
    check_eq "$url/index.html from host $1 ($3)" "ovsnet e2e test page" \
        "$got"
    want=$(dkh_ok 4 exec c4 md5sum /www/big | cut -d' ' -f1)
    got=$(mh_exec "$1" sh -c "timeout 20 '$MH_BUSYBOX' wget -q -O - \
              '$url/big' | md5sum" 2>&1 | cut -d' ' -f1)
    check_eq "md5 of 1 MB from $url ($3)" "$want" "$got"
}

log "=== the plugin on hosts 1-3, then a swarm of three managers"
for i in 1 2 3; do
    plugin_create "$i"
done
swarm_init
for i in 2 3; do
    swarm_join "$i" manager
done
wait_for "$DOCKER_WAIT" "3 ready nodes" swarm_ready 3
check_eq "managers" 3 \
    "$(dkh 1 node ls --filter role=manager -q | wc -l)"
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || wait_until "host $i's plugin to know host $j" \
            knows "$i" "$j" swarm
    done
done

log "=== network blue on host 2: GRE, VNI $VNI, VLAN $VLAN"
dkh_ok 2 network create -d "$DRIVER" --scope swarm --attachable \
    --subnet 198.51.100.0/24 -o ovs.tunnel=gre -o ovs.vni="$VNI" \
    -o ovs.vlan="$VLAN" blue > /dev/null
for i in 1 2 3; do
    dkh_ok "$i" run -d --name "c$i" --hostname "c$i" --network blue \
        "$IMAGE" sleep 3600 > /dev/null
    mh_serve "$i" "c$i"
    check_eq "host $i's endpoint ports' tag" "$VLAN" "$(endpoint_tags "$i")"
done
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || wait_until "host $i's tunnel to host $j" \
            tunnel_to "$i" "$j"
    done
done
mh_fetch_all 1 2 3

log "=== host 4 joins as a worker, its plugin enabled before"
plugin_create 4
swarm_join 4 worker
wait_for "$DOCKER_WAIT" "4 ready nodes" swarm_ready 4
for i in 1 2 3; do
    wait_until "host $i's plugin to know host 4" knows "$i" 4 swarm
    wait_until "host 4's plugin to know host $i" knows 4 "$i" swarm
done
# c4 publishes a port; Docker starts it again with its dockerd.
dkh_ok 4 run -d --name c4 --hostname c4 --network blue --restart always \
    -p 8080:80 "$IMAGE" sleep 3600 > /dev/null
mh_serve 4 c4
check_eq "host 4's endpoint ports' tag" "$VLAN" "$(endpoint_tags 4)"
for i in 1 2 3; do
    wait_until "host 4's tunnel to host $i" tunnel_to 4 "$i"
    wait_until "host $i's tunnel to host 4" tunnel_to "$i" 4
done
log "$(plugin_appctl 4 tunnel/list)"
ips=
for i in 1 2 3 4; do
    ips="$ips $(dkh "$i" inspect \
        -f '{{(index .NetworkSettings.Networks "blue").IPAddress}}' "c$i")"
done
log "addresses:$ips"
# shellcheck disable=SC2086
check_eq "distinct addresses" 4 "$(printf '%s\n' $ips | sort -u | wc -l)"
for i in 1 2 3; do
    fetch_both 4 "$i"
done

log "=== c4's published port, from host 4"
published_ok 4 8080 "c4 publishes 8080"
check_contains "host 4's endpoints" "8080->80/tcp" \
    "$(plugin_appctl 4 endpoint/list)"

log "=== host 4's dockerd restarted"
# Without live-restore, dockerd stops its containers when it stops (ovsnet
# gets DeleteEndpoint and DeleteNetwork).  At its start, once its node is
# back in the swarm (or after 20 s), Docker starts those with a restart
# policy and a swarm network, once: it often skips c4, 20.10 and 28.5
# alike (nothing in its log, no call to the plugin; on 28.5 no goroutine
# starting it in SIGUSR1's dump; moby/moby#32607): "docker start" it then.
started=$(dkh_ok 4 inspect -f '{{.State.StartedAt}}' c4)
mh_dockerd_restart 4
c4_running() {
    [ "$(dkh 4 inspect -f '{{.State.Running}}' c4)" = true ]
}
deadline=$((SECONDS + 30))
until c4_running || [ $SECONDS -ge $deadline ]; do
    sleep 0.5
done
if ! c4_running; then
    log "Docker did not start c4 again: docker start c4"
    dkh 4 start c4 > /dev/null 2>&1 || true
    wait_for "$DOCKER_WAIT" "c4 to run" c4_running
fi
check_ne "c4's start time after the restart" "$started" \
    "$(dkh_ok 4 inspect -f '{{.State.StartedAt}}' c4)"
wait_until "host 4's plugin" plugin_appctl 4 version
mh_serve 4 c4
fetch_both 4 1
published_ok 4 8080 "after host 4's dockerd restart"

log "=== host 4 leaves the swarm"
dkh_ok 4 rm -f c4 > /dev/null
dkh_ok 4 swarm leave --force > /dev/null
for i in 1 2 3; do
    wait_while "host $i's plugin to forget host 4" knows "$i" 4 swarm
    wait_while "host $i's tunnel to host 4" tunnel_to "$i" 4
done
wait_while "host 4's network rows" has_network_rows 4
mh_fetch_all 1 2 3

log "=== host 3's plugin disabled"
dkh_ok 3 plugin disable -f "$PLUGIN" > /dev/null
wait_while "host 3's plugin" plugin_pid 3
fetch_both 1 2
dkh_ok 1 run -d --name c5 --hostname c5 --network blue "$IMAGE" \
    sleep 3600 > /dev/null
mh_serve 1 c5
mh_fetch_across 1 c5 2 c2 c2
mh_fetch_across 2 c2 1 c5 c5
log "host 3's plugin enabled again"
dkh_ok 3 plugin enable "$PLUGIN" > /dev/null
wait_until "host 3's plugin" plugin_appctl 3 version
for j in 1 2; do
    check_contains "host 3's nodes after its re-enable" \
        "$(mh_underlay_ip "$j") (swarm)" "$(nodes_of 3)"
done
fetch_both 3 1
mh_fetch_across 3 c3 1 c5 c5

log "=== docker network rm"
for i in 1 2 3; do
    dkh_ok "$i" rm -f "c$i" > /dev/null
done
dkh_ok 1 rm -f c5 > /dev/null
dkh_ok 2 network rm blue > /dev/null
for i in 1 2 3 4; do
    wait_while "host $i's network rows" has_network_rows "$i"
done

log "done"
