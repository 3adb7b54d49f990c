#!/bin/bash
# Docker end to end: the Docker daemon crashes (SIGKILL) with containers
# running on ovs networks, and starts again.  Docker then cleans up its
# containers' sandboxes without calling the plugin for all of them; once the
# containers are restarted or removed, ovsnet must hold exactly one port and
# veth pair per running container, and nothing after they are all gone.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

dk_ok network create -d ovs --subnet 198.51.100.0/24 web > /dev/null
dk_ok network create -d ovs --subnet 203.0.113.0/24 -o ovs.vlan=20 \
    -o ovs.bridge=br-shared db > /dev/null
run_container c1 web
run_container c2 web
run_container c3 db
# Restarted by Docker itself when it comes back.
run_container r1 web --restart=always
ping_ok c1 c2
BRIDGE=ovsbr-$(dk network inspect -f '{{.Id}}' web | cut -c1-9)

# docker_crash: SIGKILL to dockerd and to the containerd it started (a
# dockerd killed alone leaves a containerd that the next one finds running
# but cannot reach); the containers' shims and processes live on.
docker_crash() {
    local containerd
    containerd=$(cat "$DT/exec/containerd/containerd.pid" 2> /dev/null || true)
    log "dockerd and its containerd killed with SIGKILL"
    kill -KILL "$DOCKERD_PID" ${containerd:+"$containerd"}
    wait_for 10 "dockerd to die" eval '! dockerd_alive'
    if [ -n "$containerd" ]; then
        # Orphaned, it may stay a zombie: PID 1 of some machines (containers,
        # sandboxes) does not reap.  dockerd would take the zombie for a live
        # containerd and wait for it: its pidfile goes.
        wait_for 10 "containerd to die" eval \
            "! grep -qs '^[^)]*) [^Z]' /proc/$containerd/stat"
        rm -f "$DT/exec/containerd/containerd.pid"
    fi
}

# endpoint_ports: the endpoint ports on both networks' bridges, one a line.
endpoint_ports() {
    { vsctl list-ports "$BRIDGE"; vsctl list-ports br-shared; } \
        | grep '^ovsep-' | sort
}

# endpoint_links: the host ends of the endpoints' veth pairs in $NS.
endpoint_links() {
    ovsnet_links | grep '^ovsep-' | sort
}

# ports_of CONTAINER:NETWORK...: the names ovsnet gives the ports of those
# containers' endpoints (ovsep- and the EndpointID's first 9 digits, as
# ovsdb/names.c makes them), sorted, one a line.  Returns 1 if one of them
# has no endpoint there.
ports_of() {
    local cn ep ports=
    for cn in "$@"; do
        ep=$(dk inspect -f \
                 "{{(index .NetworkSettings.Networks \"${cn#*:}\").EndpointID}}" \
                 "${cn%%:*}" 2>&1) || ep=
        if ! [[ "$ep" =~ ^[0-9a-f]{9} ]]; then
            log "${cn%%:*} has no endpoint on ${cn#*:}: '$ep'"
            return 1
        fi
        ports="$ports ovsep-${ep:0:9}"
    done
    # shellcheck disable=SC2086
    printf '%s\n' $ports | sort
}

# only_ports_of CONTAINER:NETWORK...: those containers' ports, each with
# its veth pair, are all the endpoint ports and links there are.
only_ports_of() {
    local want
    want=$(ports_of "$@") || return 1
    [ "$(endpoint_ports)" = "$want" ] && [ "$(endpoint_links)" = "$want" ]
}

# check_ports WHAT PORTS: PORTS (as ports_of prints them) are all the
# endpoint ports there are, and all the endpoints' veth links.
check_ports() {
    check_eq "$1: endpoint ports" "$2" "$(endpoint_ports)"
    check_eq "$1: endpoint veth links" "$2" "$(endpoint_links)"
}

ALL="c1:web c2:web c3:db r1:web"
# shellcheck disable=SC2086
PORTS=$(ports_of $ALL) || fail "the containers' endpoints are not all there"
check_eq "endpoint ports of 4 containers" 4 "$(grep -c . <<< "$PORTS")"
check_ports "before the crash" "$PORTS"

docker_crash
# The containers' processes outlive dockerd (their shims hold them): the
# data path goes on.
check_ports "after the crash" "$PORTS"

docker_start
log "dockerd is back"
wait_for 60 "r1 restarted by Docker" \
    eval '[ "$(dk inspect -f "{{.State.Running}}" r1)" = true ]'
# Docker stopped c1, c2 and c3 (no live restore): their ports and links go,
# whether or not Docker told ovsnet.  What is left is r1's, on the endpoint
# Docker gave it when it restarted it.
wait_for 30 "only r1's port and veth link left" only_ports_of r1:web
check_ports "after dockerd came back" "$(ports_of r1:web)"

log "the stopped containers start again"
dk_ok start c1 c2 c3 > /dev/null
ping_ok c1 c2
ping_ok c1 r1
ping_ok c2 198.51.100.1
serve c1
fetch_ok c2 c1
# shellcheck disable=SC2086
check_ports "after the restart" "$(ports_of $ALL)"

log "again, then everything removed"
docker_crash
docker_start
dk_ok rm -f c1 c2 c3 r1 > /dev/null
dk_ok network rm web db > /dev/null
check_nothing_left
check_eq "br-shared, which ovsnet created, gone" "" \
    "$(vsctl list-br | grep -x br-shared || true)"
