#!/bin/bash
# test-recovery: ovsnetd, ovs-vswitchd and ovsdb-server die, restart or are
# worked around; ovsnetd must come back to the same state and keep serving.

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

sandbox_start

# check_ep_port ENDPOINT: the endpoint's OVS port is there and working.
check_ep_port() {
    local port
    port=ovsep-$(short "$1")
    port_exists "$port" || fail "no port $port in OVSDB"
    wait_until "ofport of $port > 0" ofport_ready "$port"
    link_exists "$port" || fail "no link $port"
}

# wait_addrs LINK EXPECTED
wait_addrs() {
    local deadline=$((SECONDS + OVSNET_WAIT))
    while [ "$(addrs_of "$1")" != "$2" ]; do
        if [ $SECONDS -ge $deadline ]; then
            check_eq "addresses of $1" "$2" "$(addrs_of "$1")"
        fi
        sleep 0.1
    done
}

ping_ok() {
    wait_until "$1 to ping $2" in_netns "$1" ping -c 1 -W 1 "$2"
}

# A network with two containers, as Docker leaves it.
N1=$(gen_id 1)
GW1=ovsgw-$(short "$N1")
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"
wait_addrs "$GW1" 198.51.100.1/24
E1=$(gen_id a1)
E2=$(gen_id a2)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
MAC1=$(jraw .Interface.MacAddress)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E2" 198.51.100.3/24)"
MAC2=$(jraw .Interface.MacAddress)
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E1")"
C1=$(sandbox_netns c1)
MAC=$MAC1 GW=198.51.100.1 \
    link_attach "$(jraw .InterfaceName.SrcName)" "$C1" eth0 198.51.100.2/24
ping_ok "$C1" 198.51.100.1

# Keys another integrator put on ovsnet's rows (OVS's integration guide:
# external_ids are for integrators) must survive every pass.
P1=ovsep-$(short "$E1")
vsctl set Interface "$P1" external_ids:vm-id=vm-of-another-tool \
    -- set Port "$P1" external_ids:owner-note=kept \
    -- set Port "$GW1" external_ids:owner-note=kept
UUID1=$(db_get Port "$P1" _uuid)

# ---------------------------------------------------------------------------
log "=== kill -9 between two calls"

ovsnetd_kill
# Docker does not know; its next call fails (transport error) and is
# retried: the daemon must come back on the same socket.
rpc Plugin.Activate
check_eq "status of a call to a dead ovsnetd" 2 "$RC"
ovsnetd_start

appctl network/list > "$T/network-list"
check_contains "network/list after a restart" "$N1" "$(cat "$T/network-list")"
appctl endpoint/list > "$T/endpoint-list"
check_contains "endpoint/list after a restart" "${E1:0:12}" \
    "$(cat "$T/endpoint-list")"
check_contains "endpoint/list after a restart" "${E2:0:12}" \
    "$(cat "$T/endpoint-list")"

# The restart's full reconcile pass kept the port, and the other writers'
# keys, and its own.
check_eq "the endpoint's port after a restart" "$UUID1" "$(db_get Port "$P1" _uuid)"
check_eq "another writer's key on an Interface" vm-of-another-tool \
    "$(db_get Interface "$P1" external_ids:vm-id)"
check_eq "another writer's key on a Port" kept "$(db_get Port "$P1" external_ids:owner-note)"
check_eq "another writer's key on a gateway Port" kept \
    "$(db_get Port "$GW1" external_ids:owner-note)"
check_eq "ovsnet's iface-id" "$E1" "$(db_get Interface "$P1" external_ids:iface-id)"

# The call Docker makes next for the second container.
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E2")"
check_json .InterfaceName.SrcName "\"ovsct-$(short "$E2")\""
check_json .Gateway '"198.51.100.1"'
link_exists "ovsct-$(short "$E2")" || fail "SrcName missing after a restart"
C2=$(sandbox_netns c2)
MAC=$MAC2 GW=198.51.100.1 \
    link_attach "ovsct-$(short "$E2")" "$C2" eth0 198.51.100.3/24
ping_ok "$C2" 198.51.100.2
rpc_ok NetworkDriver.EndpointOperInfo "$(ids_body "$N1" "$E1")"
check_json '.Value | type' '"object"'

# A retried CreateEndpoint after the restart: the same MAC, nothing new.
ports=$(db_count Port)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
check_json '.Interface.MacAddress // "'"$MAC1"'"' "\"$MAC1\""
check_eq "ports after a repeated CreateEndpoint" "$ports" "$(db_count Port)"

# A repeated CreateNetwork after a restart changes nothing.
before=$(db_dump)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"
check_eq "OVSDB after CreateNetwork of a known network" "$before" "$(db_dump)"

# ---------------------------------------------------------------------------
log "=== kill -9 during a CreateEndpoint, then Docker's retry"

E3=$(gen_id a3)
# ovs-vswitchd frozen, the call waits for the port's ofport: it has reached
# OVSDB but is not answered when ovsnetd dies.
VSWITCHD_PID=$(pidfile_pid "$T/ovs-vswitchd.pid")
kill -STOP "$VSWITCHD_PID"
"$OVSNET_CALL" --timeout=30 "$T/ovs.sock" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E3" 198.51.100.4/24)" > "$T/e3.out" 2>&1 &
call_pid=$!
wait_until "E3's port in OVSDB" port_exists "ovsep-$(short "$E3")"
ovsnetd_kill
kill -CONT "$VSWITCHD_PID"
rc=0
wait $call_pid || rc=$?
log "the interrupted call said: $(cat "$T/e3.out")"
check_eq "status of the interrupted CreateEndpoint (a transport error)" 2 "$rc"
ovsnetd_start
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E3" 198.51.100.4/24)"
MAC3=$(jraw .Interface.MacAddress)
check_ep_port "$E3"
link_exists "ovsct-$(short "$E3")" || fail "no link ovsct-$(short "$E3")"
check_eq "attached-mac of E3" "$MAC3" \
    "$(db_get Interface "ovsep-$(short "$E3")" external_ids:attached-mac)"
check_eq "ports named after E3" 1 \
    "$(db_count Interface "external_ids:ovsnet-endpoint=$E3")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E3")"
! port_exists "ovsep-$(short "$E3")" || fail "port of E3 not deleted"
wait_while "link ovsep-$(short "$E3")" link_exists "ovsep-$(short "$E3")"
wait_while "link ovsct-$(short "$E3")" link_exists "ovsct-$(short "$E3")"

# ---------------------------------------------------------------------------
log "=== a link deleted behind ovsnetd's back"

# The container's namespace goes away without Docker telling the plugin:
# the veth pair dies with it.
ip netns delete "$C2"
wait_while "link ovsep-$(short "$E2")" link_exists "ovsep-$(short "$E2")"
wait_while "port ovsep-$(short "$E2") in OVSDB" port_exists "ovsep-$(short "$E2")"
# Docker's own clean-up, later: success.
rpc_ok NetworkDriver.Leave "$(ids_body "$N1" "$E2")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E2")"
check_eq "rows of E2" 0 "$(db_count Interface "external_ids:ovsnet-endpoint=$E2")"

# The host end deleted by hand.
E4=$(gen_id a4)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E4" 198.51.100.5/24)"
check_ep_port "$E4"
in_ns ip link delete "ovsep-$(short "$E4")"
wait_while "port ovsep-$(short "$E4") in OVSDB" port_exists "ovsep-$(short "$E4")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E4")"
wait_while "link ovsct-$(short "$E4")" link_exists "ovsct-$(short "$E4")"
ovsnetd_running || fail "ovsnetd died"
check_ep_port "$E1"

# ---------------------------------------------------------------------------
log "=== ovs-vswitchd restarts"

vswitchd_restart
wait_addrs "$GW1" 198.51.100.1/24
wait_until "$GW1 up" link_up "$GW1"
check_ep_port "$E1"
ping_ok "$C1" 198.51.100.1
rpc_ok Plugin.Activate
E5=$(gen_id a5)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E5" 198.51.100.6/24)"
check_ep_port "$E5"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E5")"
! port_exists "ovsep-$(short "$E5")" || fail "port of E5 not deleted"

# ---------------------------------------------------------------------------
log "=== ovsdb-server restarts (same database)"

ovsdb_restart
# ovsnetd reconnects by itself (its backoff is at most a few seconds).
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E1")"
check_json .InterfaceName.SrcName "\"ovsct-$(short "$E1")\""
E6=$(gen_id a6)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E6" 198.51.100.7/24)"
check_ep_port "$E6"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E6")"
! port_exists "ovsep-$(short "$E6")" || fail "port of E6 not deleted"
appctl network/list > "$T/network-list"
check_contains "network/list after ovsdb-server restarted" "$N1" \
    "$(cat "$T/network-list")"
ping_ok "$C1" 198.51.100.1

# ---------------------------------------------------------------------------
log "=== calls while ovsdb-server is down"

ovsdb_stop
rpc_ok Plugin.Activate
rpc_ok NetworkDriver.GetCapabilities
E7=$(gen_id a7)
start=$SECONDS
"$OVSNET_CALL" --timeout=60 "$T/ovs.sock" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E7" 198.51.100.8/24)" > "$T/e7.out" 2> "$T/e7.err" &
call_pid=$!
N2=$(gen_id 2)
rpc NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/24 203.0.113.1/24)"
if [ "$RC" != 0 ]; then
    _check_err NetworkDriver.CreateNetwork ""
    log "CreateNetwork with ovsdb-server down: HTTP $HTTP_STATUS $ERR_MSG"
    n2_created=false
else
    n2_created=true
fi
ovsnetd_running || fail "ovsnetd died while ovsdb-server was down"
rpc_ok Plugin.Activate
ovsdb_start
rc=0
wait $call_pid || rc=$?
REPLY=$(cat "$T/e7.out")
log "CreateEndpoint while ovsdb-server was down: status $rc" \
    "after $((SECONDS - start))s: $REPLY $(cat "$T/e7.err")"
case $rc in
    0)
        # It waited for the database: it must really be done.
        check_ep_port "$E7"
        ;;
    1)
        ERR_MSG=$(jraw '.Err // ""')
        check_ne "error message of a call made while OVSDB is down" "" "$ERR_MSG"
        # Docker rolls back with DeleteEndpoint, then retries later.
        rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E7")"
        rpc_ok NetworkDriver.CreateEndpoint \
            "$(ep_body "$N1" "$E7" 198.51.100.8/24)"
        check_ep_port "$E7"
        ;;
    *)
        fail "CreateEndpoint while ovsdb-server was down:" \
             "transport error $(cat "$T/e7.err")"
        ;;
esac
ovsnetd_running || fail "ovsnetd died"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E7")"
! port_exists "ovsep-$(short "$E7")" || fail "port of E7 not deleted"
if $n2_created; then
    wait_until "the bridge of N2" bridge_exists "ovsbr-$(short "$N2")"
fi
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N2")"
! port_exists "ovsgw-$(short "$N2")" || fail "N2 not deleted"

# ---------------------------------------------------------------------------
log "=== a second ovsnetd on the same socket"

check_eq "plugin socket mode" 660 "$(stat -c %a "$T/ovs.sock")"
rc=0
timeout 30 ip netns exec "$NS" "$OVSNETD" \
    --db="unix:$T/db.sock" --socket="$T/ovs.sock" \
    --pidfile="$T/ovsnetd2.pid" --unixctl="$T/ovsnetd2.ctl" \
    --log-file="$T/ovsnetd2.log" --detach --no-chdir -vconsole:off \
    > "$T/second.out" 2>&1 || rc=$?
log "second ovsnetd: exit status $rc: $(cat "$T/second.out")"
check_ne "exit status of a second ovsnetd on a live socket" 0 "$rc"
check_contains "why the second ovsnetd refuses" "$T/ovs.sock" \
    "$(cat "$T/second.out" "$T/ovsnetd2.log" 2> /dev/null)"
! pid_alive "$(pidfile_pid "$T/ovsnetd2.pid")" || fail "a second ovsnetd runs"
rpc_ok Plugin.Activate
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E1")"
check_eq "plugin socket mode" 660 "$(stat -c %a "$T/ovs.sock")"

# ---------------------------------------------------------------------------
log "=== the socket goes away with ovsnetd"

ovsnetd_stop
! test -e "$T/ovs.sock" || fail "SIGTERM left $T/ovs.sock behind"
! test -e "$T/ovsnetd.pid" || fail "SIGTERM left $T/ovsnetd.pid behind"
# The network survives the daemon: the port is still in OVSDB and works.
check_ep_port "$E1"
ping_ok "$C1" 198.51.100.1
ovsnetd_start
check_eq "plugin socket mode" 660 "$(stat -c %a "$T/ovs.sock")"
appctl exit
wait_while "ovsnetd after ovs-appctl exit" ovsnetd_running
! test -e "$T/ovs.sock" || fail "ovs-appctl exit left $T/ovs.sock behind"
ovsnetd_start
rpc_ok NetworkDriver.Leave "$(ids_body "$N1" "$E1")"
link_detach eth0 "$C1" "ovsct-$(short "$E1")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E1")"

log "--- a veth pair whose creation a crash cut short"
# The kernel ignores IFLA_IFALIAS when it creates a veth pair: ovsnetd sets
# the alias right after, and one killed in between leaves a pair of the
# endpoint's names without any.  Docker's retry must not fail on it
# ("File exists").
E9=$(gen_id 9)
ip -n "$NS" link add "ovsep-$(short "$E9")" type veth \
    peer name "ovsct-$(short "$E9")" || fail "cannot create a veth pair"
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E9" 198.51.100.9/24)"
check_eq "ifalias of the pair made again" "ovsnet:$E9" \
    "$(ip -n "$NS" -d link show "ovsep-$(short "$E9")" \
       | sed -n 's/^ *alias //p')"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E9")"

rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N1")"
wait_while "link $GW1" link_exists "$GW1"
check_eq "ovsnet endpoint ports left" 0 \
    "$(db_count Port external_ids:ovsnet-role=endpoint)"
check_eq "ovsnet gateway ports left" 0 \
    "$(db_count Port external_ids:ovsnet-role=network)"
log "PASS"
