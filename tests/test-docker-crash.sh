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

# endpoint_ports: the endpoint ports on both networks' bridges.
endpoint_ports() {
    { vsctl list-ports "$BRIDGE"; vsctl list-ports br-shared; } \
        | grep '^ovsep-' | sort
}
check_eq "endpoint ports before the crash" 4 "$(endpoint_ports | grep -c .)"

docker_crash
# The containers' processes outlive dockerd (their shims hold them): the
# data path goes on.
check_eq "endpoint ports after the crash" 4 "$(endpoint_ports | grep -c .)"

docker_start
log "dockerd is back"
wait_for 60 "r1 restarted by Docker" \
    eval '[ "$(dk inspect -f "{{.State.Running}}" r1)" = true ]'
# Docker stopped c1, c2 and c3 (no live restore): their ports and links go,
# whether or not Docker told ovsnet.
running_ports() {
    [ "$(endpoint_ports | grep -c .)" = 1 ]
}
wait_for 30 "only r1's port left" \
    running_ports

log "the stopped containers start again"
dk_ok start c1 c2 c3 > /dev/null
ping_ok c1 c2
ping_ok c1 r1
ping_ok c2 198.51.100.1
serve c1
fetch_ok c2 c1
check_eq "endpoint ports after the restart" 4 "$(endpoint_ports | grep -c .)"

log "again, then everything removed"
docker_crash
docker_start
dk_ok rm -f c1 c2 c3 r1 > /dev/null
dk_ok network rm web db > /dev/null
check_nothing_left
check_eq "br-shared, which ovsnet created, gone" "" \
    "$(vsctl list-br | grep -x br-shared || true)"
