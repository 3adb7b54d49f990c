# tests/multihost-docker-lib.sh: a real dockerd on each simulated host of
# tests/multihost-lib.sh.
# shellcheck shell=bash
#
# Sourced (bash) after tests/docker-lib.sh and tests/multihost-lib.sh, and
# after mh_setup:
#
#     mh_dockerd_start 1            # host 1's dockerd and the image
#     dkh_ok 1 network create ...   # docker on host 1's dockerd
#     mh_fetch_across 1 c1 2 c2 c2  # c1 (host 1) fetches from c2 (host 2)
#     mh_dockerd_restart 1          # SIGTERM, then the same dockerd again
#
# and, for ovsnet as Docker's managed plugin in a swarm (tests
# test-docker-swarm*.sh): plugin_create I, plugin_appctl I ARGS...,
# swarm_init, swarm_join I ROLE, swarm_ready N, knows I J ORIGIN...
#
# Each host's dockerd runs in its host's network namespace and in a mount
# namespace of its own, as tests/docker-lib.sh runs one; its directory (H_DT)
# and, for the trap, its pid and cgroup parent are kept in a file.
# The EXIT trap (mh_docker_cleanup, set here) stops every dockerd, removes
# what they left, prints the tail of their logs on failure, then hands over
# to mh_cleanup.

declare -A H_DT
: > "$SANDBOX_DIR/dockerds"

mh_docker_cleanup() {
    local rc=$? host dt pid cg
    trap - EXIT
    # The TERMs of other failing subshells of mh_each (see mh_cleanup).
    trap '' HUP INT TERM
    set +e
    exec 1>&9 2>&9
    # Every dockerd stopped before anything is reaped: docker_reap kills
    # what runs in any of the test's dockerds' mount namespaces.
    while read -r host dt pid cg; do
        [ -n "$dt" ] || continue
        DT=$dt DOCKERD_PID=$pid DOCKER_CONFIG=$dt/client docker_stop
    done < "$SANDBOX_DIR/dockerds"
    while read -r host dt pid cg; do
        [ -n "$dt" ] || continue
        DT=$dt DOCKERD_PID=$pid CGROUP_PARENT=$cg
        docker_reap
        docker_leftovers $rc "host $host's" 30
    done < "$SANDBOX_DIR/dockerds"
    (exit $rc)
    mh_cleanup
}
trap mh_docker_cleanup EXIT

# mh_dockerd_start I: host I's dockerd, with the test image.
mh_dockerd_start() {
    local i=$1
    mh_host "$i"
    docker_start
    docker_image
    H_DT[$i]=$DT
    echo "$i $DT $DOCKERD_PID $CGROUP_PARENT" >> "$SANDBOX_DIR/dockerds"
    sandbox_host ""
}

# mh_dockerds_start N: mh_dockerd_start on hosts 1 to N; logs Docker's
# version.
mh_dockerds_start() {
    local i
    for ((i = 1; i <= $1; i++)); do
        mh_dockerd_start "$i"
    done
    log "Docker $(docker_version)"
}

# dkh I ARGS...: the docker client on host I's daemon.
dkh() {
    local host=$1
    shift
    DT=${H_DT[$host]} DOCKER_CONFIG=${H_DT[$host]}/client dk "$@"
}

# dkh_ok I ARGS...: must succeed; prints the output.
dkh_ok() {
    local out rc=0
    out=$(dkh "$@" 2>&1) || rc=$?
    [ $rc = 0 ] || fail "host $1: docker ${*:2} failed (exit status $rc): $out"
    printf '%s\n' "$out"
}

# mh_ping_across I CONTAINER DEST: CONTAINER (on host I) pings DEST (tried
# for 10 s: the first pings may go to ARP).
mh_ping_across() {
    local deadline=$((SECONDS + 10)) out
    until out=$(dkh "$1" exec "$2" ping -c 1 -W 1 "$3" 2>&1); do
        [ $SECONDS -lt $deadline ] || fail "$2 (host $1) cannot ping $3: $out"
        sleep 0.5
    done
}

# mh_serve I CONTAINER: busybox httpd on port 80 in CONTAINER (on host I),
# serving /www, with a 1 MB file of random bytes as /www/big.
mh_serve() {
    dkh_ok "$1" exec "$2" sh -c \
        'dd if=/dev/urandom of=/www/big bs=1024 count=1024 2>/dev/null &&
         httpd -p 80 -h /www' > /dev/null
}

# mh_fetch_across I CLIENT J SERVER DEST: CLIENT (on host I) fetches
# http://DEST/ (SERVER's address or name) and the 1 MB file from SERVER (on
# host J, serving: mh_serve), intact.
mh_fetch_across() {
    local i=$1 client=$2 j=$3 server=$4 dest=$5 want got deadline
    want=$(dkh_ok "$j" exec "$server" md5sum /www/big | cut -d' ' -f1)
    deadline=$((SECONDS + 10))
    until got=$(dkh "$i" exec "$client" timeout 10 wget -q -O - \
                    "http://$dest/index.html" 2>&1) \
            && [ "$got" = "ovsnet e2e test page" ]; do
        [ $SECONDS -lt $deadline ] \
            || fail "$client (host $i) cannot fetch http://$dest/: '$got'"
        sleep 0.5
    done
    got=$(dkh "$i" exec "$client" sh -c \
              "timeout 20 wget -q -O - 'http://$dest/big' | md5sum" \
              2>&1 | cut -d' ' -f1)
    check_eq "md5 of 1 MB fetched by $client (host $i) from $dest (host $j)" \
        "$want" "$got"
}

# mh_fetch_all I...: on each host I of the list, container cI (serving:
# mh_serve) fetches from every other one, by name.
mh_fetch_all() {
    local i j
    for i in "$@"; do
        for j in "$@"; do
            [ "$i" = "$j" ] || mh_fetch_across "$i" "c$i" "$j" "c$j" "c$j"
        done
    done
}

# mh_dockerd_restart I: stops host I's dockerd with SIGTERM, leaving its
# containers to Docker, and starts it again on the same data
# (tests/docker-lib.sh's docker_restart).
mh_dockerd_restart() {
    local i=$1 host dt pid cg
    mh_host "$i"
    DT=${H_DT[$i]}
    DOCKERD_PID=$(awk -v h="$i" '$1 == h { print $3 }' \
                      "$SANDBOX_DIR/dockerds")
    docker_restart
    # The trap stops the new dockerd.
    while read -r host dt pid cg; do
        if [ "$host" = "$i" ]; then
            pid=$DOCKERD_PID
        fi
        echo "$host $dt $pid $cg"
    done < "$SANDBOX_DIR/dockerds" > "$SANDBOX_DIR/dockerds.new"
    mv "$SANDBOX_DIR/dockerds.new" "$SANDBOX_DIR/dockerds"
    sandbox_host ""
}

# ---------------------------------------------------------------------------
# ovsnet as Docker's managed plugin ($PLUGIN, default ovsnet) on each host.

: "${PLUGIN:=ovsnet}"
# The driver's name in "docker network create -d": the plugin's, tagged.
DRIVER=$PLUGIN:latest

# plugin_create I: contrib/ovsnet-plugin-create against host I's dockerd
# and OVS, global scope.
plugin_create() {
    local i=$1 out
    out=$(PATH=$(dirname "$DOCKER"):$PATH \
          DOCKER_HOST=unix://${H_DT[$i]}/docker.sock \
          timeout -k 5 "$DOCKER_TIMEOUT" \
          "$top_srcdir/contrib/ovsnet-plugin-create" --ovsnetd="$OVSNETD" \
          --ovs-rundir="$(mh_dir "$i")" --set OVSNET_SCOPE=global \
          "$PLUGIN" 2>&1) \
        || fail "host $i: ovsnet-plugin-create failed: $out"
    log "[h$i] $out"
    wait_until "host $i's plugin" plugin_appctl "$i" version
}

# plugin_pid I: the pid in host I's plugin pidfile, if that process runs.
plugin_pid() {
    local pid
    pid=$(cat "$(mh_dir "$1")/ovsnetd-$PLUGIN.pid" 2> /dev/null) || return 1
    pid_alive "$pid" && echo "$pid"
}

# plugin_appctl I ARGS...: ovs-appctl to host I's plugin, from the host.
plugin_appctl() {
    local i=$1
    shift
    OVS_RUNDIR=$(mh_dir "$i") ovs-appctl --timeout="$OVSNET_WAIT" \
        -t "ovsnetd-$PLUGIN" "$@"
}

# network_rows I: host I's ovsnet network ports.
network_rows() {
    mh_vsctl "$1" --bare --columns=name find Port \
        external_ids:ovsnet-role=network
}

# nodes_of I: the nodes host I's plugin knows, as swarm/nodes prints them.
nodes_of() {
    plugin_appctl "$1" swarm/nodes | sed -n 's/^nodes: //p'
}
# knows I J ORIGIN: host I's plugin knows host J, from ORIGIN.
knows() {
    nodes_of "$1" | grep -qF "$(mh_underlay_ip "$2") ($3)"
}

# has_network_rows I: host I has ovsnet network ports.
has_network_rows() {
    [ -n "$(network_rows "$1")" ]
}

# swarm_init: host 1 makes a swarm, advertising its underlay address.
swarm_init() {
    dkh_ok 1 swarm init --advertise-addr "$(mh_underlay_ip 1)" > /dev/null
}

# swarm_join I ROLE: host I joins host 1's swarm as a ROLE (worker,
# manager).
swarm_join() {
    dkh_ok "$1" swarm join --token "$(dkh_ok 1 swarm join-token -q "$2")" \
        --advertise-addr "$(mh_underlay_ip "$1")" \
        "$(mh_underlay_ip 1):2377" > /dev/null
}

# swarm_ready N: host 1's dockerd sees N nodes of the swarm Ready.
swarm_ready() {
    [ "$(dkh 1 node ls --format '{{.Status}}' | grep -c '^Ready$')" = "$1" ]
}
