#!/bin/bash
# Docker end to end, ovsnetd as a managed (v2) plugin made by
# contrib/ovsnet-plugin-create against this test's dockerd and OVS (its run
# directory as --ovs-rundir), no ovsnetd of the sandbox's:
#   - the plugin is created and enabled, with the settings given by --set;
#   - a network of driver NAME:latest, two containers on it moving TCP
#     data (so ovsnetd in the plugin's container made veths, wrote
#     /proc/sys and reached OVSDB), the rows marked ovsnet-driver=NAME;
#   - ovsnet's FORWARD chain is written by the plugin's own
#     iptables-restore (policy DROP in the test's namespace);
#   - "ovs-appctl -t ovsnetd-NAME" from the host (pidfile and control
#     socket in the OVS run directory, the host's PID);
#   - the plugin's log lines are in dockerd's log;
#   - ovsnetd killed with SIGKILL: Docker starts it again, the containers
#     keep moving data, a new container joins them;
#   - "ovsnet-plugin-create --upgrade": settings kept, a new ovsnetd, the
#     containers keep moving data (during and after), a new one joins;
#   - with a registry (docker-registry in the test's namespace):
#     "ovsnet-plugin-create --push", then Docker's own "docker plugin
#     disable -f / upgrade / enable": the same plugin ID and settings, a new
#     ovsnetd, data moving during and after;
#   - containers and network removed, "docker plugin rm -f": no row, no
#     link, no ovsnetd left;
#   - "docker plugin install --alias NAME" from the registry, with its
#     settings: a network and a container work.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

PLUGIN=ovsnet
DRIVER=$PLUGIN:latest

docker_find_tools
sandbox_init
trap docker_cleanup EXIT
ovs_start
docker_start
docker_image
V=$(docker_version)

# The FORWARD policy dockerd sets with its firewall on: ovsnetd's
# --iptables=auto then writes its chain.
in_ns iptables -P FORWARD DROP

# plugin_create ARGS...: contrib/ovsnet-plugin-create against this test's
# dockerd, with the engine's client first in PATH.
plugin_create() {
    PATH=$(dirname "$DOCKER"):$PATH DOCKER_HOST=unix://$DT/docker.sock \
        timeout -k 5 "$DOCKER_TIMEOUT" \
        "$top_srcdir/contrib/ovsnet-plugin-create" --ovsnetd="$OVSNETD" \
        --ovs-rundir="$T" "$@"
}

# plugin_pid: the pid in the plugin's pidfile, if that process runs.
plugin_pid() {
    local pid
    pid=$(cat "$T/ovsnetd-$PLUGIN.pid" 2> /dev/null) || return 1
    pid_alive "$pid" && echo "$pid"
}

# plugin_appctl ARGS...: ovs-appctl from the host, by the program name.
plugin_appctl() {
    OVS_RUNDIR=$T ovs-appctl --timeout="$OVSNET_WAIT" \
        -t "ovsnetd-$PLUGIN" "$@"
}

# moving_data: c1 fetches 1 MB from c2 and c2 from c1.
moving_data() {
    fetch_ok c1 c2
    fetch_ok c2 c1
}

log "ovsnet-plugin-create $PLUGIN"
out=$(plugin_create --set OVSNET_SCOPE=local \
          --set OVSNET_LOG_LEVEL=driver:dbg "$PLUGIN" 2>&1) \
    || fail "ovsnet-plugin-create failed: $out"
log "$out"
check_eq "plugin enabled" true \
    "$(dk plugin inspect -f '{{.Enabled}}' "$PLUGIN")"
check_contains "plugin's settings" "OVSNET_SCOPE=local" \
    "$(dk plugin inspect -f '{{.Settings.Env}}' "$PLUGIN")"
wait_until "the plugin's pidfile" plugin_pid
pid1=$(plugin_pid)
log "the plugin's ovsnetd: pid $pid1"

log "again: refused, the plugin exists"
if out=$(plugin_create "$PLUGIN" 2>&1); then
    fail "a second ovsnet-plugin-create $PLUGIN succeeded: $out"
fi
check_contains "error of a second create" "--upgrade $PLUGIN" "$out"

log "network web, driver $DRIVER"
if out=$(dk network create -d "$PLUGIN" --subnet 203.0.113.0/24 bare 2>&1)
then
    log "Docker $V: the bare name $PLUGIN works as a driver too"
    dk_ok network rm bare > /dev/null
else
    log "Docker $V: the bare name $PLUGIN is no driver: $out"
fi
dk_ok network create -d "$DRIVER" --subnet 198.51.100.0/24 web > /dev/null
check_eq "driver of web" "$DRIVER" \
    "$(dk network inspect -f '{{.Driver}}' web)"
run_container c1 web
run_container c2 web
serve c1
serve c2
moving_data

ep1=$(dk inspect -f '{{(index .NetworkSettings.Networks "web").EndpointID}}' c1)
port=ovsep-${ep1:0:9}
check_eq "ovsnet-driver of $port" "$PLUGIN" \
    "$(db_get Port "$port" external_ids:ovsnet-driver)"
check_eq "disable_ipv6 of $port (a /proc/sys write)" 1 \
    "$(in_ns cat "/proc/sys/net/ipv6/conf/$port/disable_ipv6")"

log "ovsnet's FORWARD chain, by the plugin's iptables-restore"
chain=OVSNET-FWD-$PLUGIN
wait_until "chain $chain" in_ns iptables -S "$chain"
check_contains "chain $chain" "-i ovsgw-" "$(in_ns iptables -S "$chain")"
check_contains "FORWARD" "-j $chain" "$(in_ns iptables -S FORWARD)"

log "ovs-appctl -t ovsnetd-$PLUGIN from the host"
net=$(dk network inspect -f '{{.Id}}' web)
out=$(plugin_appctl network/list) || fail "ovs-appctl failed: $out"
check_contains "network/list" "${net:0:12}" "$out"

log "the plugin's log in dockerd's log"
check_contains "dockerd's log" "ovsnetd " \
    "$(grep -F 'started: socket /run/docker/plugins/' "$DT/dockerd.log")"

log "kill -9 of the plugin's ovsnetd"
kill -KILL "$pid1"
plugin_restarted() {
    local pid
    pid=$(plugin_pid) && [ "$pid" != "$pid1" ] && plugin_appctl version
}
wait_for "$DOCKER_WAIT" "Docker to start the plugin again" plugin_restarted
pid2=$(plugin_pid)
log "ovsnetd again: pid $pid2"
moving_data
run_container c3 web
ping_ok c3 c1

# held_transfer_start: c1 starts fetching 32 MB from c2, and holds the
# connection open until held_transfer_check (the reader waits for
# /tmp/go before it reads: 32 MB is more than the socket and pipe buffers
# hold).
held_transfer_start() {
    cexec_ok c2 sh -c 'dd if=/dev/urandom of=/www/big32 bs=1M count=32 \
                           2> /dev/null' > /dev/null
    want=$(cexec_ok c2 md5sum /www/big32 | cut -d' ' -f1)
    cexec_ok c1 sh -c 'rm -f /tmp/go' > /dev/null
    (cexec c1 sh -c 'timeout 300 wget -q -O - http://c2/big32 \
                         | (while [ ! -e /tmp/go ]; do sleep 0.2; done; md5sum)' \
         2>&1 | cut -d' ' -f1 > "$T/held.md5") &
    fetcher=$!
    wait_until "c1's connection to c2" transfer_open
}
transfer_open() {
    cexec c2 netstat -tn | grep -q ':80 .*ESTABLISHED'
}
# held_transfer_check WHAT: the held transfer is still open, then ends
# with all its data.
held_transfer_check() {
    transfer_open || fail "the transfer ended before the $1 did"
    cexec_ok c1 sh -c ": > /tmp/go" > /dev/null
    wait "$fetcher" || true
    check_eq "md5 of 32 MB fetched across the $1" "$want" \
        "$(cat "$T/held.md5")"
}
# settings_kept WHAT: the settings given at creation are still there.
settings_kept() {
    local kv
    for kv in OVSNET_SCOPE=local OVSNET_LOG_LEVEL=driver:dbg; do
        check_contains "settings after the $1" "$kv" \
            "$(dk plugin inspect -f '{{.Settings.Env}}' "$PLUGIN")"
    done
    check_eq "ovs-rundir after the $1" "$T" \
        "$(dk plugin inspect -f '{{range .Settings.Mounts}}{{if eq .Name "ovs-rundir"}}{{.Source}}{{end}}{{end}}' \
               "$PLUGIN")"
}

log "ovsnet-plugin-create --upgrade, while c1 fetches from c2"
held_transfer_start
out=$(plugin_create --upgrade "$PLUGIN" 2>&1) \
    || fail "ovsnet-plugin-create --upgrade failed: $out"
log "$out"
held_transfer_check upgrade
check_eq "plugin enabled" true \
    "$(dk plugin inspect -f '{{.Enabled}}' "$PLUGIN")"
settings_kept upgrade
plugin_upgraded() {
    local pid
    pid=$(plugin_pid) && [ "$pid" != "$pid2" ] && plugin_appctl version
}
wait_for "$DOCKER_WAIT" "the upgraded plugin" plugin_upgraded
moving_data
run_container c4 web
ping_ok c4 c3
check_contains "network/list after the upgrade" "${net:0:12}" \
    "$(plugin_appctl network/list)"

log "a registry: ovsnet-plugin-create --push, docker plugin upgrade"
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:5000\n' \
    "$T/registry" > "$T/registry.yml"
in_ns docker-registry serve "$T/registry.yml" > "$T/registry.log" 2>&1 &
REGISTRY_PID=$!
REG=localhost:5000/$PLUGIN
registry_up() {
    in_ns nc -z 127.0.0.1 5000
}
wait_until "the registry" registry_up
out=$(plugin_create --push="$REG:2" "$PLUGIN" 2>&1) \
    || fail "ovsnet-plugin-create --push failed: $out"
log "$out"
check_eq "local copy of the pushed plugin" "" \
    "$(dk plugin ls --format '{{.Name}}' | grep -F "$REG" || true)"
id=$(dk plugin inspect -f '{{.Id}}' "$PLUGIN")
pid3=$(plugin_pid)
held_transfer_start
dk_ok plugin disable -f "$PLUGIN" > /dev/null
dk_ok plugin upgrade --grant-all-permissions --skip-remote-check "$PLUGIN" \
    "$REG:2" > /dev/null
dk_ok plugin enable "$PLUGIN" > /dev/null
held_transfer_check "docker plugin upgrade"
check_eq "plugin ID after docker plugin upgrade" "$id" \
    "$(dk plugin inspect -f '{{.Id}}' "$PLUGIN")"
settings_kept "docker plugin upgrade"
plugin_registry_upgraded() {
    local pid
    pid=$(plugin_pid) && [ "$pid" != "$pid3" ] && plugin_appctl version
}
wait_for "$DOCKER_WAIT" "the plugin from the registry" plugin_registry_upgraded
moving_data

log "removing"
dk_ok rm -f c1 c2 c3 c4 > /dev/null
dk_ok network rm web > /dev/null
pid4=$(plugin_pid)
dk_ok plugin rm -f "$PLUGIN" > /dev/null
check_nothing_left
wait_while "the plugin's ovsnetd" pid_alive "$pid4"
check_eq "plugins left" "" "$(dk plugin ls -q)"

log "docker plugin install --alias $PLUGIN from the registry"
dk_ok plugin install --grant-all-permissions --alias "$PLUGIN" "$REG:2" \
    ovs-rundir.source="$T" OVSNET_SCOPE=local > /dev/null
wait_until "the installed plugin's pidfile" plugin_pid
dk_ok network create -d "$DRIVER" --subnet 198.51.100.0/24 web > /dev/null
run_container c1 web
run_container c2 web
ping_ok c1 c2
dk_ok rm -f c1 c2 > /dev/null
dk_ok network rm web > /dev/null
pid5=$(plugin_pid)
dk_ok plugin rm -f "$PLUGIN" > /dev/null
check_nothing_left
wait_while "the plugin's ovsnetd" pid_alive "$pid5"
kill "$REGISTRY_PID" 2> /dev/null || true

log "OVSNET_LOG_LEVEL=driver:dbg reached ovsnetd"
check_contains "dockerd's log" "|driver|DBG|/NetworkDriver.Join" \
    "$(cat "$DT/dockerd.log")"
