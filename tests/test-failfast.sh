#!/bin/bash
# test-failfast: calls that cannot succeed fail at once, with the real
# reason, undo what they changed, and do not take other calls down with
# them; calls that succeed are answered only once what they promise works.
#
#   - OVSDB refuses a network (ovs.bridge names an internal port of another
#     bridge: two Interfaces of one name): CreateNetwork fails with OVSDB's
#     own message, long before the call's timeout, and a CreateEndpoint on
#     another network that shared its transaction succeeds;
#   - an IPv6 gateway on a host where net.ipv6.conf.default.disable_ipv6=1:
#     CreateNetwork answers once the gateway has its IPv4 and IPv6
#     addresses; where IPv6 cannot be turned on for the gateway (ovsnetd's
#     /proc/sys/net/ipv6 is read-only, as in a container), it fails with
#     the kernel's reason and the network is gone;
#   - nf_tables refuses the rules (another process owns table inet ovsnet):
#     ProgramExternalConnectivity fails with the kernel's reason and the
#     endpoint keeps the ports it had; once the table is free again, those
#     are what it holds, and publishing works (TCP from outside).

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/nat-lib.sh"

nat_find_tools
sandbox_start

# elapsed_ms SINCE: milliseconds since SINCE (a date +%s%N).
elapsed_ms() {
    echo $((($(date +%s%N) - $1) / 1000000))
}

N1=$(gen_id c1)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"

# An internal port of a bridge that is not ovsnet's.
vsctl add-br brx -- set Bridge brx datapath_type=netdev \
    -- add-port brx intport -- set Interface intport type=internal
wait_until "intport" link_exists intport

# ---------------------------------------------------------------------------
log "=== OVSDB refuses a network"

N2=$(gen_id c2)
BAD_BODY=$(GENERIC='{"ovs.bridge":"intport"}' \
           net_body "$N2" 203.0.113.0/24 203.0.113.1/24)
BEFORE=$(db_dump)
START=$(date +%s%N)
rpc_err NetworkDriver.CreateNetwork "$BAD_BODY"
log "CreateNetwork with ovs.bridge=intport failed after $(elapsed_ms "$START") ms"
check_contains "error" "constraint violation" "$ERR_MSG"
check_contains "error" "intport" "$ERR_MSG"
check_eq "OVSDB" "$BEFORE" "$(db_dump)"
appctl network/list > "$T/networks"
! grep -q "$(short "$N2")" "$T/networks" \
    || fail "the refused network is listed: $(cat "$T/networks")"

log "--- sharing a transaction with a good CreateEndpoint"
# While ovsdb-server is stopped, a first CreateEndpoint's transaction is in
# flight; the bad CreateNetwork and a second CreateEndpoint come meanwhile,
# so the next transaction carries both.  Which transaction is in flight
# when ovsdb-server stops depends on the daemon's timing, so the round is
# tried up to three times until the two calls did share one; whatever
# happens, the bad call alone fails and the good ones succeed.
DB_PID=$(pidfile_pid "$T/ovsdb-server.pid")
shared=false
for round in 1 2 3; do
    E0=$(gen_id "d${round}0")
    E1=$(gen_id "d${round}1")
    n_before=$(grep -c "running them again one at a time" "$T/ovsnetd.log"                || true)
    kill -STOP "$DB_PID"
    call NetworkDriver.CreateEndpoint \
        "$(ep_body "$N1" "$E0" "198.51.100.1${round}/24")" \
        > "$T/e0.out" 2>&1 &
    E0_PID=$!
    wait_until "CreateEndpoint E0 received" \
        grep -q "CreateEndpoint $E0" "$T/ovsnetd.log"
    START=$(date +%s%N)
    call NetworkDriver.CreateNetwork "$BAD_BODY" > "$T/n2.out" 2>&1 &
    N2_PID=$!
    call NetworkDriver.CreateEndpoint \
        "$(ep_body "$N1" "$E1" "198.51.100.2${round}/24")" \
        > "$T/e1.out" 2>&1 &
    E1_PID=$!
    wait_until "CreateNetwork received" \
        grep -q "CreateNetwork $N2" "$T/ovsnetd.log"
    wait_until "CreateEndpoint E1 received" \
        grep -q "CreateEndpoint $E1" "$T/ovsnetd.log"
    kill -CONT "$DB_PID"

    N2_RC=0
    wait "$N2_PID" || N2_RC=$?
    log "CreateNetwork failed after $(elapsed_ms "$START") ms: $(cat "$T/n2.out")"
    check_eq "CreateNetwork status" 1 "$N2_RC"
    check_contains "CreateNetwork error" "constraint violation" \
        "$(cat "$T/n2.out")"
    wait "$E0_PID" || fail "CreateEndpoint E0 failed: $(cat "$T/e0.out")"
    wait "$E1_PID" || fail "CreateEndpoint E1 failed: $(cat "$T/e1.out")"
    port_exists "ovsep-$(short "$E0")" || fail "no port for E0"
    port_exists "ovsep-$(short "$E1")" || fail "no port for E1"
    ! bridge_exists intport || fail "a bridge intport was made"
    if [ "$(grep -c "running them again one at a time" "$T/ovsnetd.log")" \
         -gt "$n_before" ]; then
        shared=true
        break
    fi
    log "round $round: the calls did not share a transaction, again"
done
$shared || fail "in three rounds the calls never shared the refused transaction"

log "--- the daemon is not stuck"
N3=$(gen_id c3)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N3" 192.0.2.0/26 192.0.2.1/26)"

# ---------------------------------------------------------------------------
log "=== IPv6 gateway with net.ipv6.conf.default.disable_ipv6=1"

in_ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
N4=$(gen_id c4)
GW4=ovsgw-$(short "$N4")
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N4" 192.0.2.64/26 192.0.2.65/26 2001:db8:4::/64 \
       2001:db8:4::1/64)"
# Answered: the addresses are there now, not later.
check_eq "gateway addresses" "192.0.2.65/26
2001:db8:4::1/64" "$(addrs_of "$GW4")"
check_eq "disable_ipv6 of the gateway" 0 \
    "$(in_ns cat "/proc/sys/net/ipv6/conf/$GW4/disable_ipv6")"

log "--- IPv6 cannot be turned on for the gateway"
# ovsnetd in a mount namespace of its own where /proc/sys/net/ipv6 is
# read-only.
cat > "$T/ro-ipv6" <<'EOF'
#!/bin/sh
exec unshare --mount --propagation private sh -c '
    mount --bind /proc/sys/net/ipv6 /proc/sys/net/ipv6 &&
    mount -o remount,bind,ro /proc/sys/net/ipv6 && exec "$@"' sh "$@"
EOF
chmod +x "$T/ro-ipv6"
ovsnetd_stop
OVSNETD_WRAPPER=$T/ro-ipv6 ovsnetd_start
N5=$(gen_id c5)
GW5=ovsgw-$(short "$N5")
rpc_err NetworkDriver.CreateNetwork \
    "$(net_body "$N5" 192.0.2.128/26 192.0.2.129/26 2001:db8:5::/64 \
       2001:db8:5::1/64)"
check_contains "error" "2001:db8:5::1/64" "$ERR_MSG"
check_contains "error" "Permission denied" "$ERR_MSG"
wait_while "gateway port of the failed network" port_exists "$GW5"
appctl network/list > "$T/networks"
! grep -q "$(short "$N5")" "$T/networks" \
    || fail "the failed network is listed: $(cat "$T/networks")"
ovsnetd_stop
ovsnetd_start
in_ns sysctl -qw net.ipv6.conf.default.disable_ipv6=0

# ---------------------------------------------------------------------------
log "=== nf_tables refuses the published ports"

nat_outside
C1=$(sandbox_netns c1)
E2=$(gen_id d2)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E2" 198.51.100.3/24)"
MAC=$(jraw .Interface.MacAddress)
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E2")"
MAC=$MAC GW=198.51.100.1 link_attach "$(jraw .InterfaceName.SrcName)" \
    "$C1" eth0 198.51.100.3/24
rpc_ok NetworkDriver.ProgramExternalConnectivity "$(portmap_body "$N1" "$E2" \
    '[{"Proto":6,"Port":80,"HostPort":8080,"HostPortEnd":8080}]')"
check_eq "port rules" "meta nfproto ipv4 tcp dport 8080 dnat ip to 198.51.100.3:80" \
    "$(port_rules)"

# Another process takes table inet ovsnet for itself: nft in interactive
# mode keeps its netlink socket, and the table with it.
mkfifo "$T/nft.in"
in_ns nft -i < "$T/nft.in" > "$T/nft.out" 2>&1 &
NFT_PID=$!
exec 7> "$T/nft.in"
echo 'delete table inet ovsnet; add table inet ovsnet { flags owner; }' >&7
wait_until "table inet ovsnet owned by nft" \
    sh -c "ip netns exec '$NS' nft list table inet ovsnet | grep -q owner"

rpc_err NetworkDriver.ProgramExternalConnectivity "$(portmap_body "$N1" "$E2" \
    '[{"Proto":6,"Port":80,"HostPort":9090,"HostPortEnd":9090}]')"
check_contains "error" "Operation not permitted" "$ERR_MSG"
check_contains "error" "inet ovsnet" "$ERR_MSG"
rpc_ok NetworkDriver.EndpointOperInfo "$(ids_body "$N1" "$E2")"
check_json '[.Value."com.docker.network.portmap"[].HostPort]' '[8080]'

log "--- the table free again"
exec 7>&-
wait "$NFT_PID" 2> /dev/null || true
wait_until "port rules restored" \
    sh -c "ip netns exec '$NS' nft list chain inet ovsnet ports | grep -q 8080"
check_eq "port rules" "meta nfproto ipv4 tcp dport 8080 dnat ip to 198.51.100.3:80" \
    "$(port_rules)"
check_eq "ovsnet-ports" "tcp/8080/80" \
    "$(db_get Interface "ovsep-$(short "$E2")" external_ids:ovsnet-ports)"

rpc_ok NetworkDriver.ProgramExternalConnectivity "$(portmap_body "$N1" "$E2" \
    '[{"Proto":6,"Port":80,"HostPort":9090,"HostPortEnd":9090}]')"
# Answered: the rule is there now.
check_eq "port rules" "meta nfproto ipv4 tcp dport 9090 dnat ip to 198.51.100.3:80" \
    "$(port_rules)"
check_eq "peer seen by the container" 203.0.113.2 \
    "$(reaches "$OUT" tcp 203.0.113.1 9090 "$C1" 198.51.100.3 80)"

log "PASS"
