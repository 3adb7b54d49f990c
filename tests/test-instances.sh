#!/bin/bash
# test-instances: two ovsnetd on one Open vSwitch, drivers "ovs" and "ovs2"
# (sockets ovs.sock and ovs2.sock, each its own control socket), never
# touch each other's work.  Each has a network with two endpoints (one in a
# "container", with a published port) and an internal network on a bridge
# that "ovs" created and both use.  Each ovsnetd is killed (-9) and
# restarted in turn, and ovsdb-server is restarted; after every step each
# one's OVSDB rows are the same rows (same UUIDs), its links are there with
# its ifalias, its gateway has its address, its netfilter table and
# iptables chain hold its rules, and TCP goes from its container to its
# gateway and from outside to its published port.  Also:
#
#   - links named like ovsnet's are deleted only by the ovsnetd their
#     ifalias names ("ovsnet:DRIVER:ID", or "ovsnet:ID" for "ovs"); a link
#     without ovsnet's ifalias by none;
#   - a third ovsnetd of driver "ovs" (another socket) waits for the OVSDB
#     lock, changes nothing and fails calls at once, naming the lock; it
#     takes over when the first one dies;
#   - rows without external_ids:ovsnet-driver (as an earlier ovsnet wrote
#     them) are "ovs"'s, which writes the key on them; "ovs2" leaves them;
#   - the shared bridge stays while the other driver's network is on it,
#     and goes with the last network of either.

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/nat-lib.sh"

nat_find_tools
sandbox_init
ovs_start
nat_outside

IPTABLES=false
if command -v iptables-restore > /dev/null \
        && in_ns iptables -S > /dev/null 2>&1; then
    IPTABLES=true
    OVSNETD_ARGS="${OVSNETD_ARGS:-} --iptables=on"
fi

# with_driver DRIVER COMMAND...: COMMAND with the sandbox's ovsnetd
# helpers (rpc, appctl, ovsnetd_start...) on the ovsnetd of DRIVER.
with_driver() {
    local OVSNET_DRIVER=$1
    shift
    "$@"
}

# What each driver has, filled in below: networks, endpoints, container,
# ports and links, netfilter table and iptables chain, addresses.
declare -A NET NET2 E1 E2 C PORTS LINKS TABLE CHAIN GWADDR PUBPORT

NET[ovs]=$(gen_id a1)
NET[ovs2]=$(gen_id b1)
NET2[ovs]=$(gen_id a2)
NET2[ovs2]=$(gen_id b2)
E1[ovs]=$(gen_id a3)
E2[ovs]=$(gen_id a4)
E1[ovs2]=$(gen_id b3)
E2[ovs2]=$(gen_id b4)
TABLE[ovs]=ovsnet
TABLE[ovs2]=ovsnet-ovs2
CHAIN[ovs]=OVSNET-FORWARD
CHAIN[ovs2]=OVSNET-FWD-ovs2
GWADDR[ovs]=198.51.100.1
GWADDR[ovs2]=192.0.2.1
PUBPORT[ovs]=8081
PUBPORT[ovs2]=8082
SHARED=ovsshared

# prefix DRIVER: the first three bytes of DRIVER's subnets.
prefix() {
    case $1 in
        ovs) echo 198.51.100 ;;
        ovs2) echo 192.0.2 ;;
    esac
}

# setup DRIVER VLAN: DRIVER's networks, endpoints, container and port.
setup() {
    local d=$1 vlan=$2 p
    p=$(prefix "$d")
    with_driver "$d" rpc_ok NetworkDriver.CreateNetwork \
        "$(net_body "${NET[$d]}" "$p.0/25" "${GWADDR[$d]}/25")"
    with_driver "$d" rpc_ok NetworkDriver.CreateNetwork \
        "$(GENERIC="{\"ovs.bridge\":\"$SHARED\",\"ovs.vlan\":\"$vlan\"}" \
           INTERNAL=true net_body "${NET2[$d]}" "$p.128/25")"
    with_driver "$d" rpc_ok NetworkDriver.CreateEndpoint \
        "$(ep_body "${NET[$d]}" "${E1[$d]}" "$p.2/25")"
    local mac
    mac=$(jraw .Interface.MacAddress)
    with_driver "$d" rpc_ok NetworkDriver.CreateEndpoint \
        "$(ep_body "${NET[$d]}" "${E2[$d]}" "$p.3/25")"
    with_driver "$d" rpc_ok NetworkDriver.Join \
        "$(join_body "${NET[$d]}" "${E1[$d]}")"
    C[$d]=$(sandbox_netns "c$d")
    MAC=$mac GW=${GWADDR[$d]} link_attach "ovsct-$(short "${E1[$d]}")" \
        "${C[$d]}" eth0 "$p.2/25"
    with_driver "$d" rpc_ok NetworkDriver.ProgramExternalConnectivity \
        "$(portmap_body "${NET[$d]}" "${E1[$d]}" \
           "[{\"Proto\":6,\"Port\":80,\"HostPort\":${PUBPORT[$d]}}]")"
    PORTS[$d]="ovsgw-$(short "${NET[$d]}") ovsgw-$(short "${NET2[$d]}")
               ovsep-$(short "${E1[$d]}") ovsep-$(short "${E2[$d]}")"
    LINKS[$d]="ovsep-$(short "${E1[$d]}") ovsep-$(short "${E2[$d]}")
               ovsct-$(short "${E2[$d]}")"
}

# snapshot DRIVER: what must stay exactly as it is, one item a line: its
# ports' and interfaces' rows, its links and their ifalias, its gateway's
# addresses, its netfilter table, its iptables chain.
snapshot() {
    local d=$1 name
    for name in ${PORTS[$d]}; do
        echo "port $name $(db_get Port "$name" _uuid)" \
             "$(db_get Interface "$name" _uuid) tag $(db_get Port "$name" tag)"
    done
    for name in ${LINKS[$d]}; do
        echo "link $name $(link_exists "$name" && alias_of "$name")"
    done
    echo "gateway $(addrs_of "ovsgw-$(short "${NET[$d]}")" | tr '\n' ' ')"
    in_ns nft list table inet "${TABLE[$d]}" 2>&1 || true
    if $IPTABLES; then
        in_ns iptables -S "${CHAIN[$d]}" 2>&1 || true
    fi
}

# sync DRIVER: a CreateEndpoint and a DeleteEndpoint on DRIVER's ovsnetd;
# answered only once committed, so the full pass of a restart (or of a
# reconnection) has run.
sync() {
    local d=$1 e
    e=$(gen_id ee)
    with_driver "$d" rpc_ok NetworkDriver.CreateEndpoint \
        "$(ep_body "${NET[$d]}" "$e" "$(prefix "$d").100/25")"
    with_driver "$d" rpc_ok NetworkDriver.DeleteEndpoint \
        "$(ids_body "${NET[$d]}" "$e")"
}

# works DRIVER: TCP from its container to its gateway, and from outside to
# its published port.
works() {
    local d=$1 p
    p=$(prefix "$d")
    reaches "${C[$d]}" tcp "${GWADDR[$d]}" 7001 "$NS" "${GWADDR[$d]}" 7001 \
        > /dev/null
    reaches "$OUT" tcp 203.0.113.1 "${PUBPORT[$d]}" "${C[$d]}" "$p.2" 80 \
        > /dev/null
}

# check_all WHEN: both drivers' work is exactly as it was, and works.
check_all() {
    local d
    for d in ovs ovs2; do
        check_eq "$1: driver $d's rows, links, gateway, table, chain" \
            "${BEFORE[$d]}" "$(snapshot "$d")"
        works "$d"
    done
    check_eq "$1: bridge $SHARED" "$SHARED_UUID" \
        "$(db_get Bridge "$SHARED" _uuid)"
    if $IPTABLES; then
        check_eq "$1: FORWARD's jumps" "$JUMPS" "$(forward_jumps)"
    fi
}

# forward_jumps: the jumps from FORWARD to ovsnet's chains.
forward_jumps() {
    in_ns iptables -S FORWARD | grep -- '-j OVSNET-' || true
}

# stray NAME ALIAS: a veth pair NAME (ovsep-...) / ovsct-... as ovsnet
# makes them, with ALIAS on both ends (none if empty).
stray() {
    local peer=ovsct-${1#ovsep-}
    in_ns ip link add "$1" type veth peer name "$peer"
    if [ -n "$2" ]; then
        in_ns ip link set dev "$1" alias "$2"
        in_ns ip link set dev "$peer" alias "$2"
    fi
}

log "=== two ovsnetd, drivers ovs and ovs2"
with_driver ovs ovsnetd_start
with_driver ovs2 ovsnetd_start
# "ovs" first: it creates the shared bridge.
setup ovs 10
setup ovs2 20
sync ovs
sync ovs2
check_eq "ovsnet-driver of ovs's endpoint" ovs \
    "$(db_get Interface "ovsep-$(short "${E1[ovs]}")" \
       external_ids:ovsnet-driver)"
check_eq "ovsnet-driver of ovs2's gateway port" ovs2 \
    "$(db_get Port "ovsgw-$(short "${NET[ovs2]}")" external_ids:ovsnet-driver)"
check_eq "ovsnet-driver of the shared bridge, which ovs created" ovs \
    "$(db_get Bridge "$SHARED" external_ids:ovsnet-driver)"
check_eq "ifalias of ovs2's endpoint link" "ovsnet:ovs2:${E2[ovs2]}" \
    "$(alias_of "ovsep-$(short "${E2[ovs2]}")")"
check_eq "ifalias of ovs's endpoint link" "ovsnet:${E2[ovs]}" \
    "$(alias_of "ovsep-$(short "${E2[ovs]}")")"
declare -A BEFORE
for d in ovs ovs2; do
    BEFORE[$d]=$(snapshot "$d")
    log "driver $d: $(echo "${BEFORE[$d]}" | grep -c .) lines of state:"
    echo "${BEFORE[$d]}" >&2
    check_match "driver $d's table" "dport ${PUBPORT[$d]} " "${BEFORE[$d]}"
    check_match "driver $d's gateway" "gateway ${GWADDR[$d]}/25" \
        "${BEFORE[$d]}"
    if $IPTABLES; then
        check_match "driver $d's chain" "-A ${CHAIN[$d]} -i ovsgw-" \
            "${BEFORE[$d]}"
    fi
done
SHARED_UUID=$(db_get Bridge "$SHARED" _uuid)
JUMPS=$(forward_jumps)
if $IPTABLES; then
    check_eq "jumps from FORWARD" 2 "$(echo "$JUMPS" | grep -c .)"
fi
check_all "both started"

log "=== restart of ovsdb-server"
ovsdb_restart
sync ovs
sync ovs2
check_all "ovsdb-server restarted"

# Strays (ovsnetd sweeps its own at a start or a reconnection): one of
# ovs2's, one of an earlier ovsnet's (so ovs's), one without ovsnet's
# ifalias.
STRAY2=ovsep-0b0b0b0b0
STRAY1=ovsep-0a0a0a0a0
STRAY0=ovsep-0c0c0c0c0
stray "$STRAY2" "ovsnet:ovs2:0b0b0b0b0b0b0b0b"
stray "$STRAY0" ""

log "=== kill -9 and restart of ovs"
with_driver ovs ovsnetd_kill
with_driver ovs ovsnetd_start
sync ovs
check_all "ovs restarted"
link_exists "$STRAY2" || fail "ovs deleted $STRAY2, whose ifalias is ovs2's"
link_exists "$STRAY0" || fail "ovs deleted $STRAY0, which has no ifalias"

log "=== kill -9 and restart of ovs2"
stray "$STRAY1" "ovsnet:0a0a0a0a0a0a0a0a"
with_driver ovs2 ovsnetd_kill
with_driver ovs2 ovsnetd_start
sync ovs2
check_all "ovs2 restarted"
wait_while "ovs2's stray $STRAY2" link_exists "$STRAY2"
link_exists "$STRAY1" || fail "ovs2 deleted $STRAY1, whose ifalias is ovs's"
link_exists "$STRAY0" || fail "ovs2 deleted $STRAY0, which has no ifalias"

log "=== a second ovsnetd of driver ovs, on another socket"
mkdir -p "$T/standby"
SB_SOCK=$T/standby/ovs.sock
in_ns "$OVSNETD" --db="unix:$T/db.sock" --socket="$SB_SOCK" \
    --pidfile="$T/ovsnetd-standby.pid" --unixctl="$T/ovsnetd-standby.ctl" \
    --log-file="$T/ovsnetd-standby.log" --detach --no-chdir \
    -vconsole:off ${OVSNETD_ARGS:-} \
    || fail "the second ovsnetd of driver ovs did not start"
wait_until "the second ovsnetd of ovs to wait for the lock" \
    grep -q "holds OVSDB lock ovsnet_ovs" "$T/ovsnetd-standby.log"
DUMP=$(db_dump)
NSTANDBY=$(gen_id c1)
OVSNET_SOCK=$SB_SOCK rpc_err NetworkDriver.CreateNetwork \
    "$(net_body "$NSTANDBY" 203.0.113.128/25 203.0.113.129/25)" 503
check_contains "the standby's error" "lock ovsnet_ovs" "$ERR_MSG"
OVSNET_SOCK=$SB_SOCK rpc_err NetworkDriver.CreateEndpoint \
    "$(ep_body "${NET[ovs]}" "$(gen_id c2)" 198.51.100.101/25)" 503
check_contains "the standby's error" "another ovsnetd" "$ERR_MSG"
check_eq "OVSDB after calls to the standby" "$DUMP" "$(db_dump)"
check_all "a standby of ovs started"
link_exists "$STRAY1" || fail "the standby deleted $STRAY1"

log "=== kill -9 of ovs: the standby takes over"
with_driver ovs ovsnetd_kill
wait_until "the standby to take over" \
    grep -q "holding OVSDB lock ovsnet_ovs.*taking over" \
    "$T/ovsnetd-standby.log"
OVSNET_SOCK=$SB_SOCK sync ovs
check_all "the standby took over"
wait_while "ovs's stray $STRAY1" link_exists "$STRAY1"
stop_pidfile "$T/ovsnetd-standby.pid" TERM || fail "the standby died"
with_driver ovs ovsnetd_start
sync ovs
check_all "ovs back"

log "=== rows of an earlier ovsnet (no ovsnet-driver) are ovs's"
# owned_rows TABLE: the rows of TABLE marked as ovs's.
owned_rows() {
    vsctl --no-wait --bare --columns=_uuid find "$1" \
        external_ids:ovsnet-driver=ovs | grep . | sort
}
declare -A OWNED
with_driver ovs ovsnetd_kill
for table in Bridge Port Interface; do
    OWNED[$table]=$(owned_rows "$table")
    for uuid in ${OWNED[$table]}; do
        vsctl --no-wait remove "$table" "$uuid" external_ids ovsnet-driver
    done
done
check_eq "Ports with ovsnet-driver=ovs once removed" "" "$(owned_rows Port)"
sync ovs2
check_eq "Ports with ovsnet-driver=ovs after ovs2's pass" "" \
    "$(owned_rows Port)"
with_driver ovs ovsnetd_start
sync ovs
for table in Bridge Port Interface; do
    check_eq "$table rows marked ovs's again" "${OWNED[$table]}" \
        "$(owned_rows "$table")"
done
check_all "ovs took its rows back"

log "=== the shared bridge goes with the last network of either driver"
GW2B=ovsgw-$(short "${NET2[ovs2]}")
UUID2B=$(db_get Port "$GW2B" _uuid)
with_driver ovs rpc_ok NetworkDriver.DeleteNetwork \
    "$(ids_body "${NET2[ovs]}")"
sync ovs
bridge_exists "$SHARED" \
    || fail "ovs deleted bridge $SHARED, where ovs2 has a network"
check_eq "bridge $SHARED" "$SHARED_UUID" "$(db_get Bridge "$SHARED" _uuid)"
check_eq "ovs2's port on $SHARED" "$SHARED" \
    "$(vsctl --no-wait port-to-br "$GW2B")"
check_eq "ovs2's port's row" "$UUID2B" "$(db_get Port "$GW2B" _uuid)"
with_driver ovs2 rpc_ok NetworkDriver.DeleteNetwork \
    "$(ids_body "${NET2[ovs2]}")"
sync ovs2
wait_while "bridge $SHARED" bridge_exists "$SHARED"

link_exists "$STRAY0" || fail "$STRAY0, which has no ifalias, was deleted"
in_ns ip link del "$STRAY0"
log "done"
