# tests/docker-lib.sh: a private Docker daemon on top of the OVS sandbox.
#
# Sourced (bash) by the end-to-end tests tests/test-docker-*.sh:
#
#     . "$top_srcdir/tests/docker-lib.sh"
#     docker_sandbox_start   # sandbox (netns, ovsdb-server, ovs-vswitchd,
#                            # ovsnetd) + dockerd + the busybox image
#     dk network create -d ovs --subnet 198.51.100.0/24 web
#     run_container c1 web
#     cexec c1 ping -c 1 c2
#
# What the test builds, all of it its own (tests/ovs-sandbox.sh makes the
# first three and removes them):
#   - a temp dir $T and a network namespace $NS;
#   - ovsdb-server and ovs-vswitchd inside $NS, database $T/db.sock;
#   - ovsnetd inside $NS, listening on $T/ovs.sock;
#   - dockerd inside $NS and inside a mount namespace of its own, where
#     private directories are bind-mounted over /run/docker/plugins,
#     /etc/docker and /run/containerd.  So this dockerd finds exactly one
#     network plugin, $DT/plugins/ovs.sock -> $T/ovs.sock (driver "ovs"),
#     never the machine's own plugins, daemon.json or containerd, and the
#     machine's own Docker never sees ours.  Its data root, exec root,
#     pidfile, API socket ($DT/docker.sock) and cgroup parent are private.
# Containers run busybox from busybox-static, imported as $IMAGE.  All
# addresses are documentation ranges; the traffic stays in namespaces the
# test made.
#
# The EXIT trap removes the containers, stops dockerd, kills whatever it
# left (by cgroup and mount namespace), removes its cgroups, then hands over
# to the sandbox's trap (ovsnetd, OVS, namespaces, temp dir).  On failure
# the temp dir is kept and the logs' tails are printed.
#
# Environment: OVSNET_DOCKER_ENGINE chooses the engine: "debian" (the
# default: dockerd from PATH, Debian 12's docker.io 20.10) or "sid" (Debian
# sid's docker.io 28 and containerd 2, unpacked by "contrib/docker-engine
# sid" under OVSNET_DOCKER_SID_DIR, default /var/cache/ovsnet/docker-sid;
# its dockerd starts sid's containerd, found first in its PATH).  DOCKERD
# and DOCKER, if set, name the binaries instead (default: the engine's
# dockerd and the docker client installed beside it).  With CI=true a
# missing engine fails the test instead of skipping it.  DOCKER_TIMEOUT
# (seconds, default 120) bounds every docker command; DOCKER_WAIT (default
# 60) bounds the waits that involve Docker.

if [ -z "${BASH_VERSION:-}" ]; then
    echo "docker-lib.sh: needs bash" >&2
    exit 99
fi

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# ovs-sandbox.sh expands it unquoted; define it for "set -u" callers.
: "${OVSNETD_ARGS:=}"
: "${DOCKER_TIMEOUT:=120}"
: "${DOCKER_WAIT:=60}"

# shellcheck source=tests/ovs-sandbox.sh
. "$top_srcdir/tests/ovs-sandbox.sh"

IMAGE=ovsnet-e2e:busybox

# The test's own stdout and stderr: a failure inside "cmd > /dev/null" runs
# the EXIT trap with that redirection still in place, and the logs' tails
# must reach the test's log all the same.
exec 8>&1 9>&2

# ---------------------------------------------------------------------------
# Prerequisites.

# The engine: "debian" or "sid".
DOCKER_ENGINE=${OVSNET_DOCKER_ENGINE:-debian}
# What goes first in dockerd's PATH: the engine's containerd, its shim,
# docker-init and docker-proxy.  Empty for the installed engine.
DOCKER_ENGINE_PATH=

# engine_missing MESSAGE: the engine asked for is not here.  In CI that is
# a failure (CI installs or fetches every engine), elsewhere a skip.
engine_missing() {
    if [ "${CI:-}" = true ]; then
        fail "$* (CI=true: a missing Docker engine is a failure)"
    fi
    skip "$*"
}

# docker_sid_dir: the newest engine "contrib/docker-engine sid" unpacked
# completely, or nothing.
docker_sid_dir() {
    local cache=${OVSNET_DOCKER_SID_DIR:-/var/cache/ovsnet/docker-sid}
    find "$cache" -mindepth 2 -maxdepth 2 -name .ovsnet-complete \
        -printf '%h\n' 2> /dev/null | sort -V | tail -n 1
}

# docker_find_engine: sets DOCKERD (and for sid DOCKER and
# DOCKER_ENGINE_PATH) from OVSNET_DOCKER_ENGINE.
docker_find_engine() {
    local dir
    case $DOCKER_ENGINE in
        debian)
            : "${DOCKERD:=$(command -v dockerd || true)}"
            [ -n "$DOCKERD" ] \
                || engine_missing "dockerd not found (apt-get install docker.io)"
            ;;
        sid)
            dir=$(docker_sid_dir)
            [ -n "$dir" ] \
                || engine_missing "no Docker from sid (run contrib/docker-engine sid)"
            : "${DOCKERD:=$dir/usr/sbin/dockerd}"
            : "${DOCKER:=$dir/usr/bin/docker}"
            [ -x "$DOCKERD" ] || engine_missing "$DOCKERD not found"
            DOCKER_ENGINE_PATH=$dir/usr/bin:$dir/usr/sbin
            ;;
        *)
            hard_error "OVSNET_DOCKER_ENGINE=$DOCKER_ENGINE: debian or sid"
            ;;
    esac
}

# docker_version: the engine's major version (20, 28...), from
# "dockerd --version".
docker_version() {
    "$DOCKERD" --version | sed -n 's/^Docker version \([0-9]*\)\..*/\1/p'
}

# docker_bridge_network SUBNET [OPTION...]: Docker 20.10 turns IP
# forwarding on, and iptables' FORWARD policy to DROP, when it starts;
# Docker 28 only when it makes a bridge network (and with ip6tables for an
# IPv6 one).  A machine's Docker has docker0; this test's dockerd has
# --bridge=none: on 28 and later, a bridge network on SUBNET (and OPTIONs)
# stands for it.
docker_bridge_network() {
    local subnet=$1
    shift
    if [ "$(docker_version)" -ge 28 ]; then
        log "Docker $(docker_version): a bridge network, as docker0 would be"
        dk_ok network create -d bridge --subnet "$subnet" "$@" dockerbr \
            > /dev/null
    fi
}

# docker_find_tools: sets DOCKERD, DOCKER and BUSYBOX, or skips the test.
docker_find_tools() {
    local dir
    if [ "$(id -u)" != 0 ]; then
        skip "the Docker end-to-end tests need root"
    fi
    docker_find_engine
    if [ -z "${DOCKER:-}" ]; then
        # The client that came with the daemon: another one earlier in PATH
        # may be of another version.
        dir=$(dirname "$(readlink -f "$DOCKERD")")
        for DOCKER in "$dir/docker" "$dir/../bin/docker" /usr/bin/docker \
                      "$(command -v docker || true)"; do
            [ -x "$DOCKER" ] && break
        done
    fi
    [ -x "$DOCKER" ] || engine_missing "no docker client found"
    for tool in nsenter unshare timeout mount jq; do
        command -v $tool > /dev/null \
            || hard_error "$tool is needed by the tests but not installed"
    done
    : "${BUSYBOX:=/bin/busybox}"
    [ -x "$BUSYBOX" ] || skip "$BUSYBOX not found (apt-get install busybox-static)"
    # The image holds busybox alone: it must not need shared libraries.
    if LC_ALL=C ldd "$BUSYBOX" 2>&1 | grep -q '=>'; then
        skip "$BUSYBOX is dynamically linked (apt-get install busybox-static)"
    fi
}

# ---------------------------------------------------------------------------
# dockerd.

# Docker's own directory for this test.  Set by docker_start.
DT=
DOCKERD_PID=
DOCKERD_MNTNS=
# Every mount namespace a dockerd of this test ran in (a dockerd killed and
# started again leaves its containerd in the first one).
DOCKERD_MNTNS_ALL=
CGROUP_PARENT=

# dk ARGS...: the docker client on this test's daemon, bounded in time.
dk() {
    timeout -k 5 "$DOCKER_TIMEOUT" \
        "$DOCKER" -H "unix://$DT/docker.sock" "$@"
}

# dk_ok ARGS...: docker ARGS must succeed; prints its output.
dk_ok() {
    local out rc=0
    out=$(dk "$@" 2>&1) || rc=$?
    if [ $rc != 0 ]; then
        fail "docker $* failed (exit status $rc): $out"
    fi
    printf '%s\n' "$out"
}

# dk_fails ARGS...: docker ARGS must fail.  Sets DK_OUT to its output.
dk_fails() {
    DK_OUT=$(dk "$@" 2>&1) && fail "docker $* succeeded: $DK_OUT"
    return 0
}

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND until it succeeds,
# for at most SECONDS, then fails the test.
wait_for() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    while ! "$@" > /dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            fail "timed out after ${limit}s waiting for $what"
        fi
        sleep 0.2
    done
}

dockerd_alive() {
    pid_alive "$DOCKERD_PID"
}

# docker_start: starts this test's dockerd in $NS and waits until it
# answers.
docker_start() {
    DT=$T/docker
    # Kept across docker_restart: docker_reap finds processes by it.
    CGROUP_PARENT=${CGROUP_PARENT:-ovsnet-e2e-$$-$RANDOM}
    mkdir -p "$DT/plugins" "$DT/etc-docker/plugins" "$DT/containerd" \
             "$DT/data" "$DT/exec" "$DT/empty" "$DT/client"
    export DOCKER_CONFIG=$DT/client
    # ovsnetd listens on $T/ovs.sock (ovs-sandbox.sh); Docker looks the
    # driver "ovs" up as /run/docker/plugins/ovs.sock and follows links.
    ln -sf "$T/ovs.sock" "$DT/plugins/ovs.sock"
    # Never the machine's /etc/docker/daemon.json.
    echo '{}' > "$DT/daemon.json"
    # Bind mounts need their mount points.  These are directories Docker
    # makes itself, empty: creating them changes nothing for the machine's
    # own Docker (and they are never removed: another test's private mount
    # may sit on them).
    mkdir -p /run/docker/plugins /etc/docker /run/containerd

    log "starting dockerd, engine $DOCKER_ENGINE: $DOCKERD" \
        "($("$DOCKERD" --version 2>&1))"
    # Not "ip netns exec": its fresh /sys hides the cgroup mounts.
    # /run/containerd is hidden so that dockerd starts its own containerd
    # (under --exec-root) instead of using the machine's, whose shims would
    # then put their sockets in our private /run/containerd too.
    # --iptables=false: the namespace is ours, nothing to NAT or filter;
    # vfs: works on any file system, and busybox is small; --bridge=none:
    # no docker0; cgroupfs under a parent of our own: no systemd, and a
    # place to find every process of ours at the end.
    # The engine's own containerd, shim, docker-init and docker-proxy
    # come first in dockerd's PATH (the machine's runc serves them all).
    # shellcheck disable=SC2016,SC2086
    PATH=${DOCKER_ENGINE_PATH:+$DOCKER_ENGINE_PATH:}$PATH \
    nsenter --net="/run/netns/$NS" \
        unshare --mount --propagation private -- /bin/sh -ec '
            DT=$1; shift
            mount --bind "$DT/plugins" /run/docker/plugins
            mount --bind "$DT/etc-docker" /etc/docker
            mount --bind "$DT/containerd" /run/containerd
            if [ -d /usr/lib/docker/plugins ]; then
                mount --bind "$DT/empty" /usr/lib/docker/plugins
            fi
            exec "$@"' sh "$DT" \
        "$DOCKERD" \
            --config-file="$DT/daemon.json" \
            --data-root="$DT/data" \
            --exec-root="$DT/exec" \
            --pidfile="$DT/dockerd.pid" \
            --host="unix://$DT/docker.sock" \
            --iptables=false --ip6tables=false --ip-masq=false \
            --storage-driver=vfs \
            --bridge=none \
            --exec-opt native.cgroupdriver=cgroupfs \
            --cgroup-parent="/$CGROUP_PARENT" \
            ${DOCKERD_ARGS:-} \
        >> "$DT/dockerd.log" 2>&1 < /dev/null &
    DOCKERD_PID=$!
    echo "$DOCKERD_PID" > "$DT/dockerd.pid.shell"
    local deadline=$((SECONDS + DOCKER_WAIT))
    until dk version > /dev/null 2>&1; do
        if ! dockerd_alive; then
            fail "dockerd exited at start: $(tail -n 5 "$DT/dockerd.log")"
        fi
        if [ $SECONDS -ge $deadline ]; then
            fail "dockerd does not answer after ${DOCKER_WAIT}s"
        fi
        sleep 0.2
    done
    # The mount namespace, to find its processes at the end.
    # Never ours: that would name every process of the machine.
    DOCKERD_MNTNS=$(readlink "/proc/$DOCKERD_PID/ns/mnt" 2> /dev/null || true)
    DOCKERD_MNTNS_ALL="$DOCKERD_MNTNS_ALL $DOCKERD_MNTNS"
    if [ "$DOCKERD_MNTNS" = "$(readlink /proc/$$/ns/mnt)" ]; then
        fail "dockerd runs in the test's own mount namespace"
    fi
    log "dockerd $DOCKERD_PID answers on $DT/docker.sock:" \
        "$(dk version --format \
               '{{range .Server.Components}}{{.Name}} {{.Version}}; {{end}}' \
               2>&1)"
}

# docker_image: imports $IMAGE, busybox alone with the applets the tests
# use (no registry here).
docker_image() {
    local root=$DT/rootfs applet
    mkdir -p "$root/bin" "$root/etc" "$root/www" "$root/tmp" \
             "$root/proc" "$root/sys" "$root/dev"
    cp "$BUSYBOX" "$root/bin/busybox"
    for applet in sh ash ping ping6 arping nc httpd wget ip sleep cat echo \
                  ls md5sum head grep sed wc seq timeout hostname ifconfig \
                  route dd tr true false test kill netstat; do
        ln -sf busybox "$root/bin/$applet"
    done
    echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
    echo 'root:x:0:' > "$root/etc/group"
    echo 'ovsnet e2e test page' > "$root/www/index.html"
    # Twice at most: a dockerd that has just started answers "version"
    # before its image store takes imports on a loaded machine.
    local out try
    for try in 1 2; do
        if out=$(tar -C "$root" -c . \
                 | dk import -c 'CMD ["/bin/sh"]' - "$IMAGE" 2>&1); then
            break
        fi
        [ $try = 1 ] || fail "docker import failed: $out"
        log "docker import failed ($out), trying again"
        sleep 1
    done
    rm -rf "$root"
}

# docker_sandbox_start: everything a test needs.
docker_sandbox_start() {
    docker_find_tools
    sandbox_init
    # Ours first: Docker must go before ovsnetd and OVS do.
    trap docker_cleanup EXIT
    ovs_start
    ovsnetd_start
    docker_start
    docker_image
}

# docker_stop: removes every container, stops dockerd.
docker_stop() {
    local ids
    if dockerd_alive; then
        ids=$(DOCKER_TIMEOUT=30 dk ps -aq 2> /dev/null)
        if [ -n "$ids" ]; then
            # shellcheck disable=SC2086
            DOCKER_TIMEOUT=60 dk rm -f $ids > /dev/null 2>&1
        fi
        kill -TERM "$DOCKERD_PID" 2> /dev/null
        local deadline=$((SECONDS + 30))
        while dockerd_alive && [ $SECONDS -lt $deadline ]; do
            sleep 0.2
        done
        if dockerd_alive; then
            log "dockerd ignored SIGTERM, killing it"
            kill -KILL "$DOCKERD_PID" 2> /dev/null
        fi
    fi
}

# docker_restart: stops this test's dockerd with SIGTERM, leaving its
# containers, and starts it again on the same data.
docker_restart() {
    kill -TERM "$DOCKERD_PID" 2> /dev/null
    local deadline=$((SECONDS + 30))
    while dockerd_alive; do
        [ $SECONDS -lt $deadline ] || fail "dockerd ignored SIGTERM for 30s"
        sleep 0.2
    done
    docker_start
}

# docker_reap: kills what dockerd left: container processes (found by
# cgroup), containerd and its shims (found by mount namespace), then
# removes the cgroups.
docker_reap() {
    local dirs pids p m
    [ -n "$CGROUP_PARENT" ] || return 0
    dirs=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$CGROUP_PARENT" \
               2> /dev/null)
    for _ in 1 2 3; do
        pids=
        if [ -n "$dirs" ]; then
            # shellcheck disable=SC2086
            pids=$(find $dirs -name cgroup.procs -exec cat {} + 2> /dev/null)
        fi
        if [ -n "${DOCKERD_MNTNS_ALL// /}" ]; then
            for p in /proc/[0-9]*; do
                m=$(readlink "$p/ns/mnt" 2> /dev/null) || continue
                case " $DOCKERD_MNTNS_ALL " in
                    *" $m "*) pids="$pids ${p#/proc/}" ;;
                esac
            done
        fi
        # shellcheck disable=SC2086
        pids=$(printf '%s\n' $pids | sort -un | tr '\n' ' ' | sed 's/ $//')
        [ -n "$pids" ] || break
        log "killing what dockerd left: $pids"
        # shellcheck disable=SC2086
        kill -KILL $pids 2> /dev/null
        sleep 0.5
    done
    # Children before parents.
    if [ -n "$dirs" ]; then
        # shellcheck disable=SC2086
        find $dirs -depth -type d -exec rmdir {} + 2> /dev/null
    fi
}

# docker_leftovers RC [WHOSE] [LINES]: after docker_stop and docker_reap,
# in an EXIT trap with the test's exit status RC: on failure, the last
# LINES (default 40) lines of $DT/dockerd.log, headed "WHOSE $DT/...";
# then $DT's image copies go.
docker_leftovers() {
    if [ "$1" != 0 ] && [ "$1" != 77 ] || sandbox_failed; then
        echo "----- last lines of ${2:+$2 }$DT/dockerd.log -----"
        grep -v 'module=grpc' "$DT/dockerd.log" \
            | tail -n "${OVSNET_LOG_LINES:-${3:-40}}"
    fi
    # Copies: the sandbox removes nothing on failure, but vfs layers are
    # of no use to anyone.
    rm -rf "$DT/data/vfs" "$DT/data/image" 2> /dev/null
}

docker_cleanup() {
    local rc=$?
    set +e
    trap - EXIT
    exec 1>&9 2>&9
    if [ -n "$DT" ]; then
        docker_stop
        docker_reap
        docker_leftovers $rc
    fi
    (exit $rc)
    sandbox_cleanup
}

# ---------------------------------------------------------------------------
# Containers.

# run_container NAME NETWORK [docker run options...]: starts a container
# that sleeps, on NETWORK.
run_container() {
    local name=$1 net=$2
    shift 2
    dk_ok run -d --name "$name" --hostname "$name" --network "$net" "$@" \
        "$IMAGE" sleep 3600 > /dev/null
}

# cexec CONTAINER COMMAND...: runs COMMAND in CONTAINER.
cexec() {
    local c=$1
    shift
    dk exec "$c" "$@"
}

# cexec_ok CONTAINER COMMAND...: COMMAND must succeed; prints its output.
cexec_ok() {
    local c=$1 out rc=0
    shift
    out=$(dk exec "$c" "$@" 2>&1) || rc=$?
    if [ $rc != 0 ]; then
        fail "in $c, '$*' failed (exit status $rc): $out"
    fi
    printf '%s\n' "$out"
}

# container_ip CONTAINER NETWORK [6]: the container's IPv4 (or IPv6)
# address on NETWORK, as Docker reports it.
container_ip() {
    local field=IPAddress
    [ "${3:-}" = 6 ] && field=GlobalIPv6Address
    dk inspect -f "{{(index .NetworkSettings.Networks \"$2\").$field}}" "$1"
}

# container_pid CONTAINER
container_pid() {
    dk inspect -f '{{.State.Pid}}' "$1"
}

# ping_ok CONTAINER DEST [ping options]: DEST answers ping from CONTAINER
# (retried for a few seconds: the first packets may go to ARP/ND).
ping_ok() {
    local c=$1 dest=$2 deadline out
    shift 2
    deadline=$((SECONDS + 10))
    until out=$(cexec "$c" ping -c 1 -W 1 "$@" "$dest" 2>&1); do
        if [ $SECONDS -ge $deadline ]; then
            fail "$c cannot ping $dest: $out"
        fi
        sleep 0.5
    done
}

# ping_fails CONTAINER DEST [ping options]: DEST does not answer.
ping_fails() {
    local c=$1 dest=$2
    shift 2
    if cexec "$c" ping -c 2 -W 1 "$@" "$dest" > /dev/null 2>&1; then
        fail "$c can ping $dest, which it must not reach"
    fi
}

# serve CONTAINER: starts busybox httpd on port 80 in CONTAINER, serving
# /www, with a 1 MB file of random bytes as /www/big.
serve() {
    cexec_ok "$1" sh -c \
        'dd if=/dev/urandom of=/www/big bs=1024 count=1024 2>/dev/null &&
         httpd -p 80 -h /www' > /dev/null
}

# fetch_ok CLIENT SERVER: CLIENT fetches http://SERVER/ (SERVER is a name
# or an address); the page and the 1 MB file must arrive intact.
fetch_ok() {
    local client=$1 server=$2 host=$2 want got deadline
    case $host in *:*) host="[$host]" ;; esac
    want=$(cexec_ok "${3:-$server}" md5sum /www/big | cut -d' ' -f1)
    deadline=$((SECONDS + 10))
    # busybox 1.35's "wget -T" crashes: "timeout" bounds it instead.
    until got=$(cexec "$client" timeout 10 wget -q -O - \
                    "http://$host/index.html" 2>&1) \
            && [ "$got" = "ovsnet e2e test page" ]; do
        if [ $SECONDS -ge $deadline ]; then
            fail "$client cannot fetch http://$host/: '$got'"
        fi
        sleep 0.5
    done
    got=$(cexec "$client" sh -c \
              "timeout 20 wget -q -O - 'http://$host/big' | md5sum" 2>&1 \
              | cut -d' ' -f1)
    check_eq "md5 of 1 MB fetched by $client from $host over TCP" \
        "$want" "$got"
}

# arp_repliers CONTAINER ADDRESS: who answers ARP requests for ADDRESS
# sent on CONTAINER's eth0, as "MAC(link)" words (the link in $NS that has
# that MAC, if any), sorted.
arp_repliers() {
    local mac link
    cexec "$1" arping -c 2 -w 3 -I eth0 "$2" 2>&1 \
        | sed -n 's/.*[Rr]eply from .*\[\([0-9a-fA-F:]*\)\].*/\1/p' \
        | tr 'A-F' 'a-f' | sort -u \
        | while read -r mac; do
              link=$(ip -n "$NS" -o link show \
                         | awk -v m="$mac" '$0 ~ "link/ether " m {
                               sub(/@.*/, "", $2); sub(/:$/, "", $2);
                               print $2 }')
              echo "$mac(${link:-container})"
          done | tr '\n' ' ' | sed 's/ $//'
}

# link_mac LINK: the MAC of LINK in $NS.
link_mac() {
    ip -n "$NS" -o link show dev "$1" | sed -n 's/.*link\/ether \([^ ]*\).*/\1/p'
}

# host_listening ADDRESS:PORT: a TCP socket listens on ADDRESS:PORT in $NS.
host_listening() {
    ip netns exec "$NS" ss -Hltn | awk '{print $4}' | grep -Fqx -- "$1"
}

# ---------------------------------------------------------------------------
# What ovsnet leaves in $NS and in OVSDB.

# ovsnet_links: the links in $NS with an ovsnet name.
ovsnet_links() {
    ip -n "$NS" -o link show | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' \
        | grep -E '^ovs(br|gw|ep|ct|vx)-' || true
}

# ovsnet_rows: the Bridge, Port and Interface rows with
# external_ids:ovsnet-role, as "Table:name".
ovsnet_rows() {
    local table
    for table in Bridge Port Interface; do
        vsctl --no-wait --format=json --columns=name,external_ids \
            list "$table" \
            | jq -r --arg t "$table" '.data[]
                  | select([.[1][1][][0]] | index("ovsnet-role"))
                  | "\($t):\(.[0])"'
    done
}

# nothing_left: no ovsnet link in $NS, no ovsnet row in OVSDB.
nothing_left() {
    [ -z "$(ovsnet_links)" ] && [ -z "$(ovsnet_rows)" ]
}

# check_nothing_left: waits (bounded) until nothing_left holds.
check_nothing_left() {
    local deadline=$((SECONDS + OVSNET_WAIT))
    until nothing_left; do
        if [ $SECONDS -ge $deadline ]; then
            fail "left behind: links [$(ovsnet_links | tr '\n' ' ')]," \
                 "OVSDB rows [$(ovsnet_rows | tr '\n' ' ')]"
        fi
        sleep 0.2
    done
}
