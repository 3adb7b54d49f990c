#!/bin/bash
# test-protocol: every NetworkDriver call, as Docker makes it, against a real
# Open vSwitch; checks the replies and what really exists afterwards (OVSDB
# rows, kernel links, traffic between two "containers").

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

sandbox_start

# check_network ID BRIDGE: the network's bridge and gateway port exist.
check_network() {
    local id=$1 br=$2 gw
    gw=ovsgw-$(short "$id")
    bridge_exists "$br" || fail "no bridge $br for network $id"
    port_exists "$gw" || fail "no gateway port $gw"
    check_eq "bridge of $gw" "$br" "$(vsctl port-to-br "$gw")"
    check_eq "$gw type" internal "$(db_get Interface "$gw" type)"
    check_eq "$gw Port external_ids:ovsnet-role" network \
        "$(db_get Port "$gw" external_ids:ovsnet-role)"
    check_eq "$gw Port external_ids:ovsnet-network" "$id" \
        "$(db_get Port "$gw" external_ids:ovsnet-network)"
    check_eq "$gw Interface external_ids:ovsnet-role" network \
        "$(db_get Interface "$gw" external_ids:ovsnet-role)"
    wait_until "link $gw" link_exists "$gw"
}

# check_network_gone ID [BRIDGE-THAT-MUST-STAY]
check_network_gone() {
    local id=$1 gw
    gw=ovsgw-$(short "$id")
    ! port_exists "$gw" || fail "gateway port $gw still in OVSDB"
    check_eq "rows of network $id" 0 \
        "$(db_count Port "external_ids:ovsnet-network=$id")"
    wait_while "link $gw" link_exists "$gw"
}

# wait_addrs LINK EXPECTED: LINK's addresses become EXPECTED (sorted,
# one a line).
wait_addrs() {
    local deadline=$((SECONDS + OVSNET_WAIT))
    while [ "$(addrs_of "$1")" != "$2" ]; do
        if [ $SECONDS -ge $deadline ]; then
            check_eq "addresses of $1" "$2" "$(addrs_of "$1")"
        fi
        sleep 0.1
    done
}

# check_endpoint NETWORK ENDPOINT BRIDGE ADDRESS MAC [NETNS IFNAME]: the
# endpoint's port and links; NETNS and IFNAME say where the container end
# is once "Docker" moved it.
check_endpoint() {
    local net=$1 ep=$2 br=$3 addr=$4 mac=$5 peer_ns=${6:-$NS} peer_if=${7-}
    local port peer
    port=ovsep-$(short "$ep")
    peer=ovsct-$(short "$ep")
    peer_if=${peer_if:-$peer}
    port_exists "$port" || fail "no port $port in OVSDB"
    check_eq "bridge of $port" "$br" "$(vsctl port-to-br "$port")"
    check_int_cmp "$port ofport" -gt 0 "$(db_get Interface "$port" ofport)"
    link_exists "$port" || fail "no link $port"
    link_exists "$peer_if" "$peer_ns" || fail "no link $peer_if in $peer_ns"
    check_eq "kind of link $port" veth "$(link_kind "$port")"
    check_eq "kind of link $peer_if" veth "$(link_kind "$peer_if" "$peer_ns")"
    check_eq "Interface $port iface-id" "$ep" \
        "$(db_get Interface "$port" external_ids:iface-id)"
    check_eq "Interface $port attached-mac" "$mac" \
        "$(db_get Interface "$port" external_ids:attached-mac)"
    check_eq "Interface $port iface-status" active \
        "$(db_get Interface "$port" external_ids:iface-status)"
    check_eq "Interface $port ovsnet-role" endpoint \
        "$(db_get Interface "$port" external_ids:ovsnet-role)"
    check_eq "Interface $port ovsnet-network" "$net" \
        "$(db_get Interface "$port" external_ids:ovsnet-network)"
    check_eq "Interface $port ovsnet-endpoint" "$ep" \
        "$(db_get Interface "$port" external_ids:ovsnet-endpoint)"
    check_contains "Interface $port ovsnet-ipv4" "${addr%/*}" \
        "$(db_get Interface "$port" external_ids:ovsnet-ipv4)"
    check_contains "Interface $port ovsnet-peer" "$peer" \
        "$(db_get Interface "$port" external_ids:ovsnet-peer)"
    check_eq "Port $port ovsnet-role" endpoint \
        "$(db_get Port "$port" external_ids:ovsnet-role)"
    check_eq "Port $port ovsnet-network" "$net" \
        "$(db_get Port "$port" external_ids:ovsnet-network)"
    check_eq "Port $port ovsnet-endpoint" "$ep" \
        "$(db_get Port "$port" external_ids:ovsnet-endpoint)"
    check_eq "ifalias of $port" "ovsnet:$ep" "$(alias_of "$port")"
    check_eq "ifalias of $peer" "ovsnet:$ep" \
        "$(alias_of "$peer_if" "$peer_ns")"
}

# check_endpoint_gone ENDPOINT
check_endpoint_gone() {
    local port peer
    port=ovsep-$(short "$1")
    peer=ovsct-$(short "$1")
    ! port_exists "$port" || fail "port $port still in OVSDB"
    check_eq "rows of endpoint $1" 0 \
        "$(db_count Interface "external_ids:ovsnet-endpoint=$1")"
    wait_while "link $port" link_exists "$port"
    wait_while "link $peer" link_exists "$peer"
}

# The MAC of a CreateEndpoint reply: a unicast, locally administered
# address.
check_generated_mac() {
    check_match "generated MAC" \
        '^[0-9a-f][26ae](:[0-9a-f]{2}){5}$' "$1"
}

# ping_ok NETNS ADDRESS: NETNS reaches ADDRESS (bounded).
ping_ok() {
    wait_until "$1 to ping $2" in_netns "$1" ping -c 1 -W 1 "$2"
}

# ping_fails NETNS ADDRESS: three pings all get lost.
ping_fails() {
    if in_netns "$1" ping -c 3 -i 0.3 -W 1 "$2" > /dev/null 2>&1; then
        fail "$1 reaches $2, which it must not"
    fi
}

# tcp_ok FROM TO ADDRESS: 2 MB go over TCP from FROM to a listener in TO.
tcp_ok() {
    local from=$1 to=$2 addr=$3 port=5001 deadline pid
    head -c 2000000 /dev/urandom > "$T/payload"
    rm -f "$T/received"
    in_netns "$to" timeout 30 nc -l "$port" < /dev/null > "$T/received" &
    pid=$!
    wait_until "nc listening in $to" \
        sh -c "ip netns exec '$to' ss -Hltn | grep -q ':$port '"
    timeout 30 ip netns exec "$from" nc -N -w 10 "$addr" "$port" \
        < "$T/payload" \
        || fail "TCP from $from to $addr:$port failed (nc exit status $?)"
    wait "$pid" || true
    check_eq "bytes received over TCP in $to" \
        "$(stat -c %s "$T/payload")" "$(stat -c %s "$T/received")"
    cmp -s "$T/payload" "$T/received" \
        || fail "TCP from $from to $addr: received data differ from sent"
}

command -v nc > /dev/null || hard_error "nc (netcat-openbsd) is needed"
command -v ping > /dev/null || hard_error "ping is needed"

# ---------------------------------------------------------------------------
log "=== handshake"

rpc_ok Plugin.Activate
check_reply '{"Implements":["NetworkDriver","IpamDriver"]}'

rpc_ok NetworkDriver.GetCapabilities
check_json .Scope '"local"'
check_json '.ConnectivityScope // "local"' '"local"'

# ---------------------------------------------------------------------------
log "=== IPv4 network, endpoints, join, traffic"

N1=$(gen_id 1)
BR1=ovsbr-$(short "$N1")
GW1=ovsgw-$(short "$N1")
ports_before=$(db_count Port)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"
check_reply '{}'
check_network "$N1" "$BR1"
check_eq "$BR1 datapath_type" "$OVSNET_TEST_DATAPATH" \
    "$(db_get Bridge "$BR1" datapath_type)"
check_eq "$BR1 ovsnet-role" bridge \
    "$(db_get Bridge "$BR1" external_ids:ovsnet-role)"
check_eq "$BR1 ovsnet-network" "$N1" \
    "$(db_get Bridge "$BR1" external_ids:ovsnet-network)"
wait_addrs "$GW1" 198.51.100.1/24
wait_until "$GW1 up" link_up "$GW1"

# The same call again (Docker does not, but a retry may): nothing changes.
before=$(db_dump)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"
check_reply '{}'
check_eq "OVSDB after a repeated CreateNetwork" "$before" "$(db_dump)"

# An endpoint without a MAC: ovsnet generates one and says which.
E1=$(gen_id a1)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
MAC1=$(jraw .Interface.MacAddress)
check_generated_mac "$MAC1"
check_json '.Interface | to_entries
            | map(select(.value != "" and .value != null)) | map(.key)' \
    '["MacAddress"]'
check_endpoint "$N1" "$E1" "$BR1" 198.51.100.2/24 "$MAC1"

# Again, same IDs: the same answer, nothing changes.
before=$(db_dump)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
check_json '.Interface.MacAddress // "'"$MAC1"'"' "\"$MAC1\""
check_eq "OVSDB after a repeated CreateEndpoint" "$before" "$(db_dump)"

# An endpoint with a MAC: the reply must not give one back, or Docker fails
# the call ("Cannot be modified").
E2=$(gen_id a2)
MAC2=02:42:c6:33:64:03
rpc_ok NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E2" 198.51.100.3/24 "" "$MAC2")"
check_json '.Interface.MacAddress // ""' '""'
check_json '.Interface.Address // ""' '""'
check_endpoint "$N1" "$E2" "$BR1" 198.51.100.3/24 "$MAC2"
check_eq "ports on $BR1" 3 "$(vsctl list-ports "$BR1" | grep -c .)"

rpc_ok NetworkDriver.EndpointOperInfo "$(ids_body "$N1" "$E1")"
check_json '.Value | type' '"object"'

# Join: the container end, named as now, moved and renamed by Docker.
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E1")"
check_json .InterfaceName.SrcName "\"ovsct-$(short "$E1")\""
check_json .InterfaceName.DstPrefix '"eth"'
check_json .Gateway '"198.51.100.1"'
check_json '.GatewayIPv6 // ""' '""'
link_exists "ovsct-$(short "$E1")" || fail "SrcName link missing at Join"
SRC1=$(jraw .InterfaceName.SrcName)

rpc_ok NetworkDriver.ProgramExternalConnectivity \
    "$(jq -nc --arg n "$N1" --arg e "$E1" '{NetworkID: $n, EndpointID: $e,
        Options: {"com.docker.network.endpoint.exposedports": [],
                  "com.docker.network.portmap": []}}')"
check_reply '{}'

rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E2")"
SRC2=$(jraw .InterfaceName.SrcName)
check_eq "SrcName of E2" "ovsct-$(short "$E2")" "$SRC2"

# What Docker does next: into the container, eth0, MAC, address, route.
C1=$(sandbox_netns c1)
C2=$(sandbox_netns c2)
MAC=$MAC1 GW=198.51.100.1 link_attach "$SRC1" "$C1" eth0 198.51.100.2/24
MAC=$MAC2 GW=198.51.100.1 link_attach "$SRC2" "$C2" eth0 198.51.100.3/24

ping_ok "$C1" 198.51.100.3
ping_ok "$C2" 198.51.100.2
ping_ok "$C1" 198.51.100.1
tcp_ok "$C1" "$C2" 198.51.100.3
tcp_ok "$C2" "$C1" 198.51.100.2
# The host (the daemon's namespace) reaches the container through the
# gateway port.
ping_ok "$NS" 198.51.100.2

rpc_ok NetworkDriver.EndpointOperInfo "$(ids_body "$N1" "$E2")"
check_json '.Value | type' '"object"'

# Stop: Revoke, Leave (deletes nothing), link back, DeleteEndpoint.
rpc_ok NetworkDriver.RevokeExternalConnectivity "$(ids_body "$N1" "$E1")"
check_reply '{}'
rpc_ok NetworkDriver.Leave "$(ids_body "$N1" "$E1")"
check_reply '{}'
port_exists "ovsep-$(short "$E1")" || fail "Leave removed the port"
link_exists "ovsep-$(short "$E1")" || fail "Leave removed the host link"
link_exists eth0 "$C1" || fail "Leave removed the container's link"
check_int_cmp "ofport after Leave" -gt 0 \
    "$(db_get Interface "ovsep-$(short "$E1")" ofport)"
link_detach eth0 "$C1" "$SRC1"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E1")"
check_reply '{}'
check_endpoint_gone "$E1"
# E2 is still fine.
check_endpoint "$N1" "$E2" "$BR1" 198.51.100.3/24 "$MAC2" "$C2" eth0

# Deleting it while its link is still in the container (Docker lost it).
rpc_ok NetworkDriver.Leave "$(ids_body "$N1" "$E2")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E2")"
check_reply '{}'
! port_exists "ovsep-$(short "$E2")" || fail "port of E2 still in OVSDB"
wait_while "link ovsep-$(short "$E2")" link_exists "ovsep-$(short "$E2")"

# Deleting twice, unknown IDs: success (Docker only logs those errors).
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E1")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$(gen_id)")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$(gen_id)" "$(gen_id)")"
rpc_ok NetworkDriver.Leave "$(ids_body "$N1" "$(gen_id)")"
rpc_ok NetworkDriver.Leave "$(ids_body "$(gen_id)" "$(gen_id)")"
rpc_ok NetworkDriver.RevokeExternalConnectivity \
    "$(ids_body "$(gen_id)" "$(gen_id)")"

rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N1")"
check_reply '{}'
check_network_gone "$N1"
! bridge_exists "$BR1" || fail "bridge $BR1 not deleted with its network"
wait_while "link $BR1" link_exists "$BR1"
check_eq "ports after the network is gone" "$ports_before" "$(db_count Port)"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N1")"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$(gen_id)")"

# ---------------------------------------------------------------------------
log "=== dual stack"

N2=$(gen_id 2)
BR2=ovsbr-$(short "$N2")
GW2=ovsgw-$(short "$N2")
rpc_ok NetworkDriver.CreateNetwork "$(net_body "$N2" \
    203.0.113.0/24 203.0.113.1/24 2001:db8:2::/64 2001:db8:2::1/64)"
check_network "$N2" "$BR2"
wait_addrs "$GW2" "$(printf '2001:db8:2::1/64\n203.0.113.1/24' | sort)"

E3=$(gen_id b3)
E4=$(gen_id b4)
rpc_ok NetworkDriver.CreateEndpoint \
    "$(ep_body "$N2" "$E3" 203.0.113.3/24 2001:db8:2::3/64)"
MAC3=$(jraw .Interface.MacAddress)
check_generated_mac "$MAC3"
check_endpoint "$N2" "$E3" "$BR2" 203.0.113.3/24 "$MAC3"
check_contains "ovsnet-ipv6 of E3" 2001:db8:2::3 \
    "$(db_get Interface "ovsep-$(short "$E3")" external_ids:ovsnet-ipv6)"
rpc_ok NetworkDriver.CreateEndpoint \
    "$(ep_body "$N2" "$E4" 203.0.113.4/24 2001:db8:2::4/64)"
MAC4=$(jraw .Interface.MacAddress)
check_generated_mac "$MAC4"
check_ne "second generated MAC" "$MAC3" "$MAC4"

rpc_ok NetworkDriver.Join "$(join_body "$N2" "$E3")"
check_json .Gateway '"203.0.113.1"'
check_json .GatewayIPv6 '"2001:db8:2::1"'
check_json .InterfaceName.DstPrefix '"eth"'
SRC3=$(jraw .InterfaceName.SrcName)
rpc_ok NetworkDriver.Join "$(join_body "$N2" "$E4")"
SRC4=$(jraw .InterfaceName.SrcName)
C3=$(sandbox_netns c3)
C4=$(sandbox_netns c4)
MAC=$MAC3 link_attach "$SRC3" "$C3" eth0 203.0.113.3/24 2001:db8:2::3/64
MAC=$MAC4 link_attach "$SRC4" "$C4" eth0 203.0.113.4/24 2001:db8:2::4/64
ping_ok "$C3" 203.0.113.4
ping_ok "$C3" 2001:db8:2::4
ping_ok "$C4" 2001:db8:2::1
rpc_ok NetworkDriver.Leave "$(ids_body "$N2" "$E3")"
link_detach eth0 "$C3" "$SRC3"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N2" "$E3")"
check_endpoint_gone "$E3"
rpc_ok NetworkDriver.Leave "$(ids_body "$N2" "$E4")"
link_detach eth0 "$C4" "$SRC4"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N2" "$E4")"
check_endpoint_gone "$E4"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N2")"
check_network_gone "$N2"
! bridge_exists "$BR2" || fail "bridge $BR2 not deleted with its network"

# ---------------------------------------------------------------------------
log "=== discovery, unknown calls"

DISCOVERY='{"DiscoveryType":1,"DiscoveryData":{"Address":"192.0.2.10",
    "BindAddress":"192.0.2.10","Self":true}}'
rpc_ok NetworkDriver.DiscoverNew "$DISCOVERY"
check_reply '{}'
rpc_ok NetworkDriver.DiscoverDelete "$DISCOVERY"
check_reply '{}'
# A local driver keeps no swarm nodes.
check_match "swarm/nodes" "scope: local" "$(appctl swarm/nodes)"
check_match "swarm/nodes" "nodes: -" "$(appctl swarm/nodes)"
! appctl swarm/add-node 192.0.2.5 2> /dev/null \
    || fail "swarm/add-node accepted by a local driver"

rpc_err NetworkDriver.NoSuchCall '{}' 404
# The IPAM driver is OVN mode's: without --ovn-nb it says so.
rpc_err IpamDriver.RequestPool \
    '{"AddressSpace":"","Pool":"","SubPool":"","Options":null,"V6":false}' 400
check_match "IpamDriver.RequestPool without OVN" "--ovn-nb" "$REPLY"
rpc_err IpamDriver.NoSuchCall '{}' 404
rpc_err NoSuchThing 404

# ---------------------------------------------------------------------------
log "=== ovs.bridge: an existing bridge"

vsctl add-br brexist -- set Bridge brexist datapath_type=netdev
wait_until "link brexist" link_exists brexist
N3=$(gen_id 3)
rpc_ok NetworkDriver.CreateNetwork \
    "$(GENERIC='{"ovs.bridge":"brexist"}' net_body "$N3" 192.0.2.0/24 192.0.2.1/24)"
check_network "$N3" brexist
! bridge_exists "ovsbr-$(short "$N3")" || fail "a bridge of its own for $N3"
check_eq "external_ids of the existing bridge" "{}" \
    "$(db_get Bridge brexist external_ids)"
E5=$(gen_id c5)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N3" "$E5" 192.0.2.5/24)"
check_endpoint "$N3" "$E5" brexist 192.0.2.5/24 "$(jraw .Interface.MacAddress)"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N3" "$E5")"
check_endpoint_gone "$E5"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N3")"
check_network_gone "$N3"
bridge_exists brexist || fail "DeleteNetwork deleted the bridge it did not create"
check_eq "ports left on brexist" "" "$(vsctl list-ports brexist)"

# ---------------------------------------------------------------------------
log "=== ovs.datapath=system on a netdev bridge"

N4=$(gen_id 4)
before=$(db_dump)
rpc_err NetworkDriver.CreateNetwork "$(
    GENERIC='{"ovs.bridge":"brexist","ovs.datapath":"system"}' \
    net_body "$N4" 192.0.2.0/24 192.0.2.1/24)"
check_match "error for ovs.datapath=system on netdev" \
    'datapath|system|netdev' "$ERR_MSG"
check_eq "OVSDB after a refused CreateNetwork" "$before" "$(db_dump)"
vsctl del-br brexist

# ---------------------------------------------------------------------------
log "=== ovs.vlan: two networks on one new bridge, isolated"

N5=$(gen_id 5)
N6=$(gen_id 6)
N7=$(gen_id 7)
rpc_ok NetworkDriver.CreateNetwork "$(
    GENERIC='{"ovs.bridge":"brvlan","ovs.vlan":"10"}' \
    net_body "$N5" 192.0.2.0/25 192.0.2.1/25)"
check_network "$N5" brvlan
check_eq "tag of ovsgw-$(short "$N5")" \
    10 "$(db_get Port "ovsgw-$(short "$N5")" tag)"
check_eq "brvlan datapath_type" "$OVSNET_TEST_DATAPATH" \
    "$(db_get Bridge brvlan datapath_type)"
check_eq "brvlan ovsnet-role" bridge \
    "$(db_get Bridge brvlan external_ids:ovsnet-role)"
rpc_ok NetworkDriver.CreateNetwork "$(
    GENERIC='{"ovs.bridge":"brvlan","ovs.vlan":"20"}' \
    net_body "$N6" 192.0.2.128/25 192.0.2.129/25)"
check_network "$N6" brvlan
check_eq "tag of ovsgw-$(short "$N6")" \
    20 "$(db_get Port "ovsgw-$(short "$N6")" tag)"

before=$(db_dump)
rpc_err NetworkDriver.CreateNetwork "$(
    GENERIC='{"ovs.bridge":"brvlan","ovs.vlan":"10"}' \
    net_body "$N7" 198.51.100.0/24 198.51.100.1/24)"
check_contains "error for a VLAN already used" "$(short "$N5")" "$ERR_MSG"
check_eq "OVSDB after a refused CreateNetwork" "$before" "$(db_dump)"

E6=$(gen_id d6)
E7=$(gen_id d7)
E8=$(gen_id d8)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N5" "$E6" 192.0.2.6/25)"
MAC6=$(jraw .Interface.MacAddress)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N5" "$E7" 192.0.2.7/25)"
MAC7=$(jraw .Interface.MacAddress)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N6" "$E8" 192.0.2.130/25)"
MAC8=$(jraw .Interface.MacAddress)
check_eq "tag of E6's port" 10 "$(db_get Port "ovsep-$(short "$E6")" tag)"
check_eq "tag of E7's port" 10 "$(db_get Port "ovsep-$(short "$E7")" tag)"
check_eq "tag of E8's port" 20 "$(db_get Port "ovsep-$(short "$E8")" tag)"
C6=$(sandbox_netns c6)
C7=$(sandbox_netns c7)
C8=$(sandbox_netns c8)
rpc_ok NetworkDriver.Join "$(join_body "$N5" "$E6")"
MAC=$MAC6 link_attach "$(jraw .InterfaceName.SrcName)" "$C6" eth0 192.0.2.6/25
rpc_ok NetworkDriver.Join "$(join_body "$N5" "$E7")"
MAC=$MAC7 link_attach "$(jraw .InterfaceName.SrcName)" "$C7" eth0 192.0.2.7/25
rpc_ok NetworkDriver.Join "$(join_body "$N6" "$E8")"
# c8 also gets an address in N5's subnet: were the VLANs not isolated, c6
# and c7 would reach it by ARP.
MAC=$MAC8 link_attach "$(jraw .InterfaceName.SrcName)" "$C8" eth0 \
    192.0.2.130/25 192.0.2.8/25

ping_ok "$C6" 192.0.2.7
ping_ok "$C6" 192.0.2.1
ping_ok "$C8" 192.0.2.129
ping_fails "$C6" 192.0.2.8
ping_fails "$C8" 192.0.2.7
# Not even ARP went across.
check_nomatch "c6's neighbour entry for 192.0.2.8" 'lladdr' \
    "$(ip -n "$C6" neigh show 192.0.2.8)"
check_nomatch "c8's neighbour entry for 192.0.2.7" 'lladdr' \
    "$(ip -n "$C8" neigh show 192.0.2.7)"

# The bridge ovsnet created stays while a network uses it.
for e in "$N5 $E6" "$N5 $E7" "$N6 $E8"; do
    set -- $e
    rpc_ok NetworkDriver.Leave "$(ids_body "$1" "$2")"
    rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$1" "$2")"
    check_endpoint_gone "$2"
done
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N5")"
check_network_gone "$N5"
bridge_exists brvlan || fail "brvlan deleted while $N6 still uses it"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N6")"
check_network_gone "$N6"
! bridge_exists brvlan || fail "brvlan not deleted with its last network"

# ---------------------------------------------------------------------------
log "=== com.docker.network.driver.mtu"

N8=$(gen_id 8)
GW8=ovsgw-$(short "$N8")
rpc_ok NetworkDriver.CreateNetwork "$(
    GENERIC='{"com.docker.network.driver.mtu":"1400"}' \
    net_body "$N8" 198.51.100.0/24 198.51.100.1/24)"
check_network "$N8" "ovsbr-$(short "$N8")"
wait_until "$GW8 MTU 1400" test "$(mtu_of "$GW8")" = 1400
# ovs-vswitchd keeps it (mtu_request), asked once the port is in the
# datapath: on the kernel datapath, asked in the transaction that makes the
# port, it fails (no device yet; checked in its log at the end).
wait_until "$GW8's mtu_request" \
    test "$(db_get Interface "$GW8" mtu_request)" = 1400
E9=$(gen_id e9)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N8" "$E9" 198.51.100.9/24)"
check_eq "MTU of ovsep-$(short "$E9")" 1400 "$(mtu_of "ovsep-$(short "$E9")")"
check_eq "MTU of ovsct-$(short "$E9")" 1400 "$(mtu_of "ovsct-$(short "$E9")")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N8" "$E9")"
check_endpoint_gone "$E9"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N8")"
check_network_gone "$N8"

# ---------------------------------------------------------------------------
log "=== internal network"

N9=$(gen_id 9)
GW9=ovsgw-$(short "$N9")
rpc_ok NetworkDriver.CreateNetwork "$(INTERNAL=true \
    net_body "$N9" 203.0.113.0/24 203.0.113.1/24)"
check_network "$N9" "ovsbr-$(short "$N9")"
wait_until "ofport of $GW9" ofport_ready "$GW9"
check_eq "addresses of $GW9 on an internal network" "" "$(addrs_of "$GW9")"
E10=$(gen_id fa)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N9" "$E10" 203.0.113.10/24)"
rpc_ok NetworkDriver.Join "$(join_body "$N9" "$E10")"
check_json '.Gateway // ""' '""'
check_json '.GatewayIPv6 // ""' '""'
link_exists "$(jraw .InterfaceName.SrcName)" || fail "SrcName missing"
rpc_ok NetworkDriver.Leave "$(ids_body "$N9" "$E10")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N9" "$E10")"
check_endpoint_gone "$E10"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N9")"
check_network_gone "$N9"

for table in Bridge Port Interface; do
    check_eq "ovsnet $table rows left" 0 \
        "$(vsctl --bare --columns=external_ids list $table \
           | grep -c ovsnet-role || true)"
done
# Idle, the loop sleeps: a wake-up that comes back at once at every
# iteration (an unchanged transaction woke it, once) spins at 100% CPU.
# Counted in wake-ups, not in time: OVS's poll_zero_timeout counter over
# a second is in the thousands when it spins, about 0 when it does not.
zero_timeouts() {
    appctl coverage/show | awk '$1 == "poll_zero_timeout" { print $NF }'
}
z0=$(zero_timeouts)
sleep 1
z1=$(zero_timeouts)
check_int_cmp "0-ms wake-ups in an idle second" -lt 50 \
    "$(( ${z1:-0} - ${z0:-0} ))"

# Nothing ovsnet asked of ovs-vswitchd failed (one line per network on the
# kernel datapath once: "failed to set MTU for network device ovsgw-...").
check_eq "ovs-vswitchd's failures to set an MTU" "" \
    "$(grep 'failed to set MTU' "$T/ovs-vswitchd.log")"

ovsnetd_running || fail "ovsnetd died"
log "PASS"
