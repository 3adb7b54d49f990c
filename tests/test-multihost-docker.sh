#!/bin/bash
# test-multihost-docker: two real Docker daemons on two simulated hosts, one
# vxlan network created on each with "docker network create -d ovs ... -o
# ovs.tunnel=vxlan -o ovs.vni=5001 -o ovs.peers=...", a container on each
# ("docker run"), and the two containers reach each other across the hosts
# (ping, TCP with a content check) with the MTU ovsnet computed.
#
# Each host is a tests/multihost-lib.sh host (its own ovsdb-server,
# ovs-vswitchd, ovsnetd, underlay address on br-phy); each dockerd runs in
# its host's network namespace and in a mount namespace of its own that
# sees only that host's plugin socket, as tests/docker-lib.sh runs one.
# The two daemons share nothing: each generates its own network ID (ovsnet
# does not need them to match) and allocates addresses from its own
# --ip-range of the same subnet (Docker's default IPAM is per host: with
# the same range on both hosts, both would hand out the same addresses),
# with the same --gateway (without it, Docker makes the first address of
# each host's --ip-range the gateway: a different one on each host).
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

docker_find_tools
mh_setup 2

# Each host's dockerd: its directory, pid and cgroup parent, also in a file
# for the trap.
declare -A H_DT H_PID H_CG
: > "$SANDBOX_DIR/dockerds"

mh_docker_cleanup() {
    local rc=$? host dt pid cg
    trap - EXIT
    set +e
    exec 1>&9 2>&9
    while read -r host dt pid cg; do
        [ -n "$dt" ] || continue
        DT=$dt DOCKERD_PID=$pid CGROUP_PARENT=$cg
        export DOCKER_CONFIG=$DT/client
        docker_stop
        docker_reap
        if [ $rc != 0 ] && [ $rc != 77 ] || sandbox_failed; then
            echo "----- last lines of host $host's $DT/dockerd.log -----"
            grep -v 'module=grpc' "$DT/dockerd.log" \
                | tail -n "${OVSNET_LOG_LINES:-30}"
        fi
        rm -rf "$DT/data/vfs" "$DT/data/image" 2> /dev/null
    done < "$SANDBOX_DIR/dockerds"
    (exit $rc)
    mh_cleanup
}
trap mh_docker_cleanup EXIT

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

for i in 1 2; do
    mh_host "$i"
    docker_start
    docker_image
    H_DT[$i]=$DT H_PID[$i]=$DOCKERD_PID H_CG[$i]=$CGROUP_PARENT
    echo "$i $DT $DOCKERD_PID $CGROUP_PARENT" >> "$SANDBOX_DIR/dockerds"
done
sandbox_host ""

# ---------------------------------------------------------------------------
log "=== docker network create on each host"

ranges=(- 198.51.100.64/28 198.51.100.80/28)
for i in 1 2; do
    dkh_ok "$i" network create -d ovs --subnet 198.51.100.0/24 \
        --gateway 198.51.100.1 --ip-range "${ranges[$i]}" \
        -o ovs.tunnel=vxlan -o ovs.vni=5001 \
        -o ovs.peers="$(mh_peers)" blue > /dev/null
    check_eq "host $i: driver of blue" ovs \
        "$(dkh "$i" network inspect -f '{{.Driver}}' blue)"
    id=$(dkh "$i" network inspect -f '{{.Id}}' blue)
    # The userspace datapath: a kernel VXLAN device, whose FDB sends to
    # the other host.
    check_eq "host $i: remotes of blue's VXLAN device" "192.0.2.1$((3 - i))" \
        "$(bridge -n "$(mh_ns "$i")" -j fdb show dev "ovsvx-$(short "$id")" \
           | jq -r '.[] | select(.mac == "00:00:00:00:00:00") | .dst')"
    wait_until "host $i: gateway port" link_exists "ovsgw-$(short "$id")" "$(mh_ns "$i")"
    check_eq "host $i: gateway address" 198.51.100.1/24 \
        "$(addrs_of "ovsgw-$(short "$id")" "$(mh_ns "$i")")"
    log "host $i: network $id, gateway MAC" \
        "$(ip -n "$(mh_ns "$i")" -j link show "ovsgw-$(short "$id")" | jq -r '.[0].address')"
done

# ---------------------------------------------------------------------------
log "=== docker run on each host"

for i in 1 2; do
    dkh_ok "$i" run -d --name "c$i" --hostname "c$i" --network blue \
        "$IMAGE" sleep 3600 > /dev/null
done
ip1=$(dkh 1 inspect -f '{{.NetworkSettings.Networks.blue.IPAddress}}' c1)
ip2=$(dkh 2 inspect -f '{{.NetworkSettings.Networks.blue.IPAddress}}' c2)
log "c1 (host 1) $ip1, c2 (host 2) $ip2"
check_match "c1's address (host 1's range)" '^198\.51\.100\.(6[4-9]|7[0-9])$' "$ip1"
check_match "c2's address (host 2's range)" '^198\.51\.100\.(8[0-9]|9[0-5])$' "$ip2"
for i in 1 2; do
    check_eq "MTU in c$i" 1450 "$(dkh_ok "$i" exec "c$i" cat /sys/class/net/eth0/mtu)"
done

# ping_across I CONTAINER DEST
ping_across() {
    local deadline=$((SECONDS + 10)) out
    until out=$(dkh "$1" exec "$2" ping -c 1 -W 1 "$3" 2>&1); do
        [ $SECONDS -lt $deadline ] || fail "$2 (host $1) cannot ping $3: $out"
        sleep 0.5
    done
}
ping_across 1 c1 "$ip2"
ping_across 2 c2 "$ip1"
ping_across 1 c1 198.51.100.1
ping_across 2 c2 198.51.100.1
# A full-sized packet (busybox's ping cannot set DF: the other tests check
# that with iputils' ping).
out=$(dkh 1 exec c1 ping -c 1 -W 2 -s 1422 "$ip2" 2>&1) \
    || fail "a ping of 1450 bytes from c1 to c2 failed: $out"

# fetch_across I CLIENT J SERVER SERVER-IP: CLIENT (on host I) fetches
# http://SERVER-IP/ and a 1 MB file from SERVER (on host J), intact.
fetch_across() {
    local i=$1 client=$2 j=$3 server=$4 ip=$5 want got deadline
    dkh_ok "$j" exec "$server" sh -c \
        'dd if=/dev/urandom of=/www/big bs=1024 count=1024 2>/dev/null &&
         httpd -p 80 -h /www' > /dev/null
    want=$(dkh_ok "$j" exec "$server" md5sum /www/big | cut -d' ' -f1)
    deadline=$((SECONDS + 10))
    until got=$(dkh "$i" exec "$client" timeout 10 wget -q -O - "http://$ip/index.html" 2>&1) \
            && [ "$got" = "ovsnet e2e test page" ]; do
        [ $SECONDS -lt $deadline ] || fail "$client cannot fetch http://$ip/: '$got'"
        sleep 0.5
    done
    got=$(dkh "$i" exec "$client" sh -c "timeout 20 wget -q -O - 'http://$ip/big' | md5sum" \
              2>&1 | cut -d' ' -f1)
    check_eq "md5 of 1 MB fetched by $client (host $i) from $server (host $j)" "$want" "$got"
}
log "--- TCP: c1 fetches from c2, c2 from c1"
fetch_across 1 c1 2 c2 "$ip2"
fetch_across 2 c2 1 c1 "$ip1"

log "--- docker rm and network rm leave the other host working"
dkh_ok 2 rm -f c2 > /dev/null
dkh_ok 2 network rm blue > /dev/null
has_tunnels() { [ -n "$(mh_tunnels "$1")" ]; }
wait_while "host 2: tunnel ports" has_tunnels 2
ping_across 1 c1 198.51.100.1

log "done"
