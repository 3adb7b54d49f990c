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
