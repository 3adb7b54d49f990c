#!/bin/bash
# test-multihost-provider: provider networks (ovs.uplink): containers on a
# VLAN of the physical network, with the LAN's own router as their gateway.
#
# The physical network (tests/provider-lib.sh): a "switch" (an Open
# vSwitch of its own: this kernel's bridge cannot filter VLANs), one trunk
# port (VLANs 100 and 200 tagged, 50 untagged) to each host's second uplink
# eth2 (MTU 1450, no address), and an access port of VLAN 100 to a "router"
# namespace that holds the gateway address 203.0.113.1 (and
# 2001:db8:100::1) and routes to an "outside" namespace.  The hosts' OVS
# tags and untags in its own datapath (no 8021q here).  Each host also has
# the test bed's underlay on eth1/br-phy (tests/multihost-lib.sh), which
# the overlay network uses.
#
# - Bad input, each refused with a message naming the problem and nothing
#   changed: an uplink that does not exist, is a port of another bridge
#   (of OVS, or of Linux), holds an address of the host or its default
#   route (accepted with ovs.uplink_force=true), is a link of ovsnet's, or
#   is the uplink of a network on another bridge; a second network on the
#   same VLAN of the uplink; a gateway outside the subnet; ovs.host_ip
#   outside the subnet or equal to the gateway; a tunnel or NAT on a
#   provider network.
# - Three hosts on VLAN 100 of eth2, dual stack: no address of the gateway
#   on any host, IPv4 and IPv6 default routes to the router, the uplink
#   added to the bridge as a trunk of VLAN 100 marked as ovsnet's
#   (host 2: the operator's port, used as it is), the containers' MTU the
#   uplink's, no tunnel port anywhere; containers on different hosts
#   exchange TCP data through the switch; they reach the router and the
#   outside with their own address (the outside sees it: no NAT); the LAN
#   sees one MAC for the gateway address, the router's; -p is refused.
# - ovs.host_ip on host 3 (IPv4 and IPv6): the host reaches a container on
#   host 1.
# - VLAN 200 on the same uplinks: its containers reach each other, and not
#   VLAN 100's: their ARP requests leave host 1 tagged 200 and reach
#   neither the router nor a VLAN 100 container.
# - The untagged network (no ovs.vlan) on the same uplinks, the switch's
#   native VLAN: its containers reach each other, and not VLAN 100's.
# - On host 1, on the same bridge, an overlay (vxlan) network on VLAN 300
#   and a NATed network on VLAN 400: each works, none reaches the others at
#   L2, and the switch never gets a frame of VLAN 300, 400 or untagged from
#   host 1.
# - Restart: kill -9 of ovsnetd, and the uplink port deleted behind its
#   back: everything comes back.  network/list shows the uplink and mode.
# - Deleting the networks, and ovsnet/cleanup, remove the uplink port ovsnet
#   added (never the interface), and leave the operator's.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"
. "$top_srcdir/tests/provider-lib.sh"

mh_setup 3

# ---------------------------------------------------------------------------
log "=== the physical network: switch, router, outside"

prov_physical_network 3

# On host 2 the uplink is the operator's port of br-up already.
mh_vsctl 2 add-br br-up -- set Bridge br-up datapath_type=netdev \
    -- add-port br-up eth2

# ---------------------------------------------------------------------------
# Helpers.

N100=$(gen_id a100)
N200=$(gen_id a200)
NOV=$(gen_id a300)
NNAT=$(gen_id a400)

# provider_generic VLAN [KEY=VALUE...]: the -o options of a provider network
# on VLAN of eth2 (untagged if VLAN is empty), on bridge br-up.
provider_generic() {
    local vlan=$1
    shift
    mh_json_set '{"ovs.bridge": "br-up", "ovs.uplink": "eth2"}' \
        "ovs.vlan=$vlan" "$@"
}

# create_on I ID POOL GW: CreateNetwork of ID on host I, with the -o
# options in GENERIC.
create_on() {
    local host=$1
    shift
    mh_rpc_ok "$host" NetworkDriver.CreateNetwork "$(net_body "$@")"
}

# ovs_snapshot I: host I's bridges and ports, with the columns ovsnet sets.
ovs_snapshot() {
    mh_vsctl "$1" --no-wait --format=json \
        --columns=name,tag,trunks,external_ids list Port | jq -cS '.data | sort'
    mh_vsctl "$1" --no-wait --bare --columns=name list Bridge | sort
}

# refused_on_1 WHAT STATUS PATTERN ID POOL GW: CreateNetwork of ID on host 1
# (-o options in GENERIC) is refused with HTTP STATUS and a message
# matching PATTERN, and changes nothing.
refused_on_1() {
    local what=$1 status=$2 pattern=$3 before
    shift 3
    before=$(ovs_snapshot 1; mh_appctl 1 network/list)
    mh_rpc_err 1 NetworkDriver.CreateNetwork "$(net_body "$@")" "$status"
    check_match "$what: the message" "$pattern" "$ERR_MSG"
    check_eq "$what: nothing changed" "$before" \
        "$(ovs_snapshot 1; mh_appctl 1 network/list)"
}

# port_col I PORT COLUMN
port_col() {
    mh_vsctl "$1" --no-wait --if-exists get Port "$2" "$3"
}

# arp_replies NAME ADDRESS: the MACs that answer container NAME's three
# ARP requests for ADDRESS, one a line.
arp_replies() {
    mh_cexec "$1" "$MH_BUSYBOX" arping -c 3 -w 3 -I eth0 "$2" 2>&1 \
        | sed -n 's/.*reply from .* \[\(.*\)\].*/\1/p' | tr 'A-F' 'a-f'
}

# ---------------------------------------------------------------------------
log "=== bad input"

# An address and a default route of host 1 on links of their own.
ip -n "$(mh_ns 1)" link add eth3 type veth peer name eth3p
ip -n "$(mh_ns 1)" addr add 192.0.2.251/32 dev eth3
ip -n "$(mh_ns 1)" link add eth4 type veth peer name eth4p
ip -n "$(mh_ns 1)" link set eth4 up
ip -n "$(mh_ns 1)" link set eth4p up
ip -n "$(mh_ns 1)" route add default dev eth4

X=$(gen_id bad)
GENERIC=$(provider_generic 100 ovs.uplink=eth9) \
    refused_on_1 "an uplink that does not exist" 400 \
    'ovs.uplink=eth9: no such interface' "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.uplink=eth1) \
    refused_on_1 "an uplink on another bridge" 409 \
    'ovs.uplink=eth1: it is a port of bridge br-phy; give ovs.bridge=br-phy' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.uplink=eth3) \
    refused_on_1 "an uplink holding an address of the host" 409 \
    'ovs.uplink=eth3: the host uses it itself \(it holds address 192.0.2.251/32\).*ovs.uplink_force=true' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.uplink=eth4) \
    refused_on_1 "an uplink with the default route" 409 \
    'ovs.uplink=eth4: the host uses it itself \(the IPv4 default route goes through it\)' \
    "$X" 203.0.113.0/25 203.0.113.1/25
ip -n "$(mh_ns 1)" link add lbr0 type bridge
ip -n "$(mh_ns 1)" link add eth5 type veth peer name eth5p
ip -n "$(mh_ns 1)" link set eth5 master lbr0
GENERIC=$(provider_generic 100 ovs.uplink=eth5) \
    refused_on_1 "a port of a Linux bridge" 409 \
    'ovs.uplink=eth5: it is a port of lbr0 \(a Linux bridge or bond\)' \
    "$X" 203.0.113.0/25 203.0.113.1/25
mh_exec 1 ip link del lbr0
mh_exec 1 ip link del eth5
GENERIC=$(provider_generic 100 ovs.uplink=br-phy ovs.bridge=br-phy) \
    refused_on_1 "the bridge's own port" 409 'br-phy: it is the bridge.s own port' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.uplink=ovsgw-123456789) \
    refused_on_1 "a link of ovsnet's" 409 'ovs.uplink=ovsgw-123456789: .*link of ovsnet' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100) \
    refused_on_1 "a gateway outside the subnet" 400 'Gateway=198.51.100.1/25 is not in its pool' \
    "$X" 203.0.113.0/25 198.51.100.1/25
GENERIC=$(provider_generic 100 ovs.host_ip=203.0.113.1) \
    refused_on_1 "the gateway as host address" 400 'ovs.host_ip=203.0.113.1 is the gateway' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.host_ip=198.51.100.5) \
    refused_on_1 "a host address outside the subnet" 400 'ovs.host_ip=198.51.100.5: not in a subnet' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.nat=true) \
    refused_on_1 "NAT on a provider network" 400 'ovs.nat=true: a provider network .* has no NAT' \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 100 ovs.tunnel=vxlan ovs.vni=7) \
    refused_on_1 "a tunnel on a provider network" 400 'ovs.tunnel=vxlan: a provider network .* needs no tunnel' \
    "$X" 203.0.113.0/25 203.0.113.1/25

# Accepted when the operator says so; the uplink goes with the network.
GENERIC=$(provider_generic 100 ovs.uplink=eth3 ovs.bridge=br-force ovs.uplink_force=true) \
    create_on 1 "$X" 203.0.113.0/25 203.0.113.1/25
check_eq "ovs.uplink_force=true: eth3 on br-force" br-force \
    "$(mh_vsctl 1 port-to-br eth3)"
mh_rpc_ok 1 NetworkDriver.DeleteNetwork "{\"NetworkID\": \"$X\"}"
wait_until "br-force (and eth3 with it) to go" \
    sh -c "! ovs-vsctl --db=unix:$(mh_dir 1)/db.sock br-exists br-force"
mh_exec 1 ip route del default dev eth4
mh_exec 1 ip link del eth4
check_eq "eth3 keeps its address" 192.0.2.251/32 \
    "$(addrs_of eth3 "$(mh_ns 1)")"
mh_exec 1 ip link del eth3

# ---------------------------------------------------------------------------
log "=== VLAN 100 on three hosts"

# Dual stack: the router is 2001:db8:100::1 too.
V100=(203.0.113.0/25 203.0.113.1/25 2001:db8:100::/64 2001:db8:100::1/64)
GENERIC=$(provider_generic 100) create_on 1 "$N100" "${V100[@]}"
GENERIC=$(provider_generic 100) create_on 2 "$N100" "${V100[@]}"
GENERIC=$(provider_generic 100 ovs.host_ip=203.0.113.3,2001:db8:100::3) \
    create_on 3 "$N100" "${V100[@]}"

for i in 1 3; do
    check_eq "host $i: eth2's bridge" br-up "$(mh_vsctl "$i" port-to-br eth2)"
    check_eq "host $i: eth2 is ovsnet's uplink" uplink \
        "$(port_col "$i" eth2 external_ids:ovsnet-role | tr -d '"')"
    check_eq "host $i: eth2 has no tag" "[]" "$(port_col "$i" eth2 tag)"
    check_eq "host $i: eth2 trunks VLAN 100" "[100]" \
        "$(port_col "$i" eth2 trunks)"
done
check_eq "host 2: the operator's eth2 unmarked" "" \
    "$(port_col 2 eth2 external_ids:ovsnet-role 2> /dev/null)"
check_eq "host 2: the operator's eth2 trunks unchanged" "[]" \
    "$(port_col 2 eth2 trunks)"
for i in 1 2 3; do
    addrs=$(ip -n "$(mh_ns "$i")" -j addr | jq -r '.[].addr_info[].local')
    check_nomatch "host $i: no address of the gateway" \
        '^(203\.0\.113\.1|2001:db8:100::1)$' "$addrs"
    check_eq "host $i: no tunnel port" "" "$(mh_tunnel_ports "$i")"
    list=$(mh_appctl "$i" network/list)
    check_contains "host $i: network/list, mode" "mode: provider" "$list"
    check_contains "host $i: network/list, uplink" "uplink: eth2" "$list"
    check_contains "host $i: network/list, MTU" " $PHYS_MTU " "$list"
done
check_contains "host 1: eth2 added by ovsnet" "eth2 (added by ovsnet)" \
    "$(mh_appctl 1 network/list)"
check_contains "host 2: eth2 the operator's" "eth2 (the operator's port)" \
    "$(mh_appctl 2 network/list)"
check_contains "host 3: its addresses" \
    "host address: 203.0.113.3/25 2001:db8:100::3/64" \
    "$(mh_appctl 3 network/list)"
check_eq "host 3: its addresses on the network" \
    "$(printf '2001:db8:100::3/64\n203.0.113.3/25')" \
    "$(addrs_of "ovsgw-${N100:0:9}" "$(mh_ns 3)")"

# Bad input against what exists now.
GENERIC=$(provider_generic 100) \
    refused_on_1 "a second network on VLAN 100 of eth2" 409 \
    "ovs.uplink=eth2: network $N100 already carries the physical network's VLAN 100" \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 150 ovs.bridge=br-other) \
    refused_on_1 "eth2 for a network on another bridge" 409 \
    "ovs.uplink=eth2: it is the uplink of network $N100 on bridge br-up" \
    "$X" 203.0.113.0/25 203.0.113.1/25
GENERIC=$(provider_generic 150 "ovs.uplink=ovsgw-${N100:0:9}") \
    refused_on_1 "another network's gateway port" 409 \
    "ovs.uplink=ovsgw-${N100:0:9}: .*link of ovsnet" \
    "$X" 203.0.113.0/25 203.0.113.1/25

mh_container 1 h1c1 "$N100" "$(gen_id c11)" 203.0.113.11/25 2001:db8:100::11/64
mh_container 2 h2c1 "$N100" "$(gen_id c21)" 203.0.113.21/25 2001:db8:100::21/64
mh_container 3 h3c1 "$N100" "$(gen_id c31)" 203.0.113.31/25 2001:db8:100::31/64
for c in h1c1 h2c1 h3c1; do
    check_eq "$c: MTU of the uplink" "$PHYS_MTU" \
        "$(mtu_of eth0 "$(mh_cns "$c")")"
    check_contains "$c: default route to the router" "via 203.0.113.1 " \
        "$(mh_cexec "$c" ip route show default)"
    check_contains "$c: IPv6 default route to the router" \
        "via 2001:db8:100::1 " "$(mh_cexec "$c" ip -6 route show default)"
done

log "--- containers on different hosts, through the switch"
mh_ping_ok h1c1 203.0.113.21
mh_tcp_ok h1c1 h2c1
mh_tcp_ok h2c1 h3c1
mh_tcp_ok h3c1 h1c1
mh_tcp_ok h1c1 h2c1 6

log "--- the router, and the outside with the container's own address"
mh_ping_ok h1c1 203.0.113.1
mh_ping_ok h2c1 2001:db8:100::1
mh_capture_start "$OUTSIDE" eth0 "$SANDBOX_DIR/outside.pcap" \
    'tcp[tcpflags] & tcp-syn != 0'
_mh_tcp "$(mh_cns h1c1)" "$OUTSIDE" 203.0.113.130 "TCP from h1c1 to the outside"
_mh_tcp "$(mh_cns h2c1)" "$OUTSIDE" 203.0.113.130 "TCP from h2c1 to the outside"
mh_capture_stop "$SANDBOX_DIR/outside.pcap"
syns=$(tcpdump -r "$SANDBOX_DIR/outside.pcap" -nn 2> /dev/null \
       | sed -n 's/.* IP \([0-9.]*\)\.[0-9]* > 203\.0\.113\.130\.[0-9]*: Flags \[S\],.*/\1/p' \
       | sort -u | tr '\n' ' ')
check_eq "the outside sees the containers' addresses" \
    "203.0.113.11 203.0.113.21 " "$syns"

log "--- one MAC answers for the gateway: the router's"
macs=$(arp_replies h1c1 203.0.113.1 | sort -u)
check_eq "MACs answering h1c1 for 203.0.113.1" "$ROUTER_MAC" "$macs"
macs=$(arp_replies h3c1 203.0.113.1 | sort -u)
check_eq "MACs answering h3c1 (on the host with an address) for 203.0.113.1" \
    "$ROUTER_MAC" "$macs"

log "--- -p is refused"
mh_rpc_err 1 NetworkDriver.ProgramExternalConnectivity "$(jq -nc \
    --arg n "$N100" --arg e "$(mh_cep h1c1)" '{NetworkID: $n, EndpointID: $e,
    Options: {"com.docker.network.portmap": [{Proto: 6, Port: 80,
    HostPort: 8080}]}}')" 400
check_match "-p on a provider network" \
    "provider network \(on uplink eth2\): its containers are reachable at their own addresses" \
    "$ERR_MSG"

log "--- host 3's own address on the network"
_mh_tcp "$(mh_ns 3)" "$(mh_cns h1c1)" 203.0.113.11 \
    "TCP from host 3 (203.0.113.3) to h1c1 on host 1"
_mh_tcp "$(mh_ns 3)" "$(mh_cns h1c1)" 2001:db8:100::11 \
    "TCP from host 3 (2001:db8:100::3) to h1c1 on host 1"

# ---------------------------------------------------------------------------
log "=== VLAN 200 on the same uplinks"

GENERIC=$(provider_generic 200) create_on 1 "$N200" 203.0.113.192/27 203.0.113.193/27
GENERIC=$(provider_generic 200) create_on 2 "$N200" 203.0.113.192/27 203.0.113.193/27
check_eq "host 1: eth2 trunks VLANs 100 and 200" "[100, 200]" \
    "$(port_col 1 eth2 trunks)"
mh_container 1 h1v200 "$N200" "$(gen_id d11)" 203.0.113.201/27
mh_container 2 h2v200 "$N200" "$(gen_id d21)" 203.0.113.202/27
mh_tcp_ok h1v200 h2v200

mh_capture_start "$SW" swp1 "$SANDBOX_DIR/swp1.pcap"
mh_capture_start "$ROUTER" lan0 "$SANDBOX_DIR/router.pcap" arp
mh_capture_start "$(mh_cns h2c1)" eth0 "$SANDBOX_DIR/h2c1.pcap" arp
check_eq "h1v200 gets no ARP answer from the router" "" \
    "$(arp_replies h1v200 203.0.113.1)"
check_eq "h1v200 gets no ARP answer from h2c1" "" \
    "$(arp_replies h1v200 203.0.113.21)"
mh_capture_stop "$SANDBOX_DIR/swp1.pcap"
mh_capture_stop "$SANDBOX_DIR/router.pcap"
mh_capture_stop "$SANDBOX_DIR/h2c1.pcap"
n=$(mh_capture_read "$SANDBOX_DIR/swp1.pcap" \
    | grep -c 'vlan 200,.*Request who-has 203.0.113.1 .*tell 203.0.113.201' || true)
check_int_cmp "ARP requests of h1v200 leaving host 1 on VLAN 200" -ge 3 "$n"
n=$(mh_capture_read "$SANDBOX_DIR/router.pcap" | grep -c 'tell 203.0.113.201' || true)
check_eq "ARP requests of h1v200 at the router" 0 "$n"
n=$(mh_capture_read "$SANDBOX_DIR/h2c1.pcap" | grep -c 'tell 203.0.113.201' || true)
check_eq "ARP requests of h1v200 at h2c1" 0 "$n"

# ---------------------------------------------------------------------------
log "=== host 1: an overlay and a NATed network on the same bridge"

GENERIC=$(mh_generic vxlan 5300 ovs.bridge=br-up ovs.vlan=300) \
    mh_create_network "$NOV" 198.51.100.0/25 198.51.100.1/25
GENERIC='{"ovs.bridge": "br-up", "ovs.vlan": "400"}' \
    create_on 1 "$NNAT" 198.51.100.128/25 198.51.100.129/25
check_eq "host 1: eth2 still trunks VLANs 100 and 200 only" "[100, 200]" \
    "$(port_col 1 eth2 trunks)"
mh_container 1 h1ov "$NOV" "$(gen_id e11)" 198.51.100.11/25
mh_container 2 h2ov "$NOV" "$(gen_id e21)" 198.51.100.21/25
mh_container 1 h1nat "$NNAT" "$(gen_id f11)" 198.51.100.130/25
mh_tcp_ok h1ov h2ov
mh_ping_ok h1nat 198.51.100.129

mh_capture_start "$SW" swp1 "$SANDBOX_DIR/swp1-b.pcap"
for c in h1ov h1nat; do
    for a in 203.0.113.1 203.0.113.11 203.0.113.21; do
        check_eq "$c gets no ARP answer for $a" "" "$(arp_replies "$c" "$a")"
    done
done
for a in 198.51.100.11 198.51.100.129 198.51.100.130; do
    check_eq "h1c1 gets no ARP answer for $a" "" "$(arp_replies h1c1 "$a")"
done
check_eq "h1ov gets no ARP answer for h1nat" "" \
    "$(arp_replies h1ov 198.51.100.130)"
mh_capture_stop "$SANDBOX_DIR/swp1-b.pcap"
frames=$(mh_capture_read "$SANDBOX_DIR/swp1-b.pcap")
n=$(printf '%s\n' "$frames" | grep -c 'vlan 100,.*who-has 198.51.100.11 .*tell 203.0.113.11' || true)
check_int_cmp "h1c1's ARP requests on VLAN 100 at the switch" -ge 3 "$n"
n=$(printf '%s\n' "$frames" | grep . | grep -vc 'vlan 100,\|vlan 200,' || true)
check_eq "frames from host 1 of another VLAN than 100 and 200, or untagged" \
    0 "$n"

# ---------------------------------------------------------------------------
log "=== the untagged network (no ovs.vlan) on the same uplinks"

# The switch's native VLAN of the trunks (50) carries it.
NU=$(gen_id a0)
GENERIC=$(provider_generic "") create_on 1 "$NU" 203.0.113.224/28 203.0.113.225/28
GENERIC=$(provider_generic "") create_on 2 "$NU" 203.0.113.224/28 203.0.113.225/28
check_eq "host 1: eth2 trunks VLAN 0 (untagged) too" "[0, 100, 200]" \
    "$(port_col 1 eth2 trunks)"
mh_container 1 h1u "$NU" "$(gen_id b11)" 203.0.113.231/28
mh_container 2 h2u "$NU" "$(gen_id b21)" 203.0.113.232/28
mh_tcp_ok h1u h2u
check_eq "h1u gets no ARP answer from h2c1 (VLAN 100)" "" \
    "$(arp_replies h1u 203.0.113.21)"

# ---------------------------------------------------------------------------
log "=== restart"

mh_kill_ovsnetd 1
mh_vsctl 1 del-port br-up eth2
mh_start_ovsnetd 1
wait_until "host 1: eth2 back on br-up" \
    sh -c "ovs-vsctl --db=unix:$(mh_dir 1)/db.sock port-to-br eth2 | grep -qx br-up"
wait_until "host 1: eth2 trunks VLANs 0, 100 and 200 again" \
    sh -c "ovs-vsctl --db=unix:$(mh_dir 1)/db.sock get Port eth2 trunks | grep -qx '\[0, 100, 200\]'"
check_contains "host 1 after restart: network/list" "uplink: eth2 (added by ovsnet)" \
    "$(mh_appctl 1 network/list)"
mh_tcp_ok h1c1 h2c1
mh_tcp_ok h1v200 h2v200
mh_tcp_ok h2u h1u
mh_ping_ok h1c1 203.0.113.1

# ---------------------------------------------------------------------------
log "=== deleting the networks"

for c in h1c1 h1v200 h1u h2c1 h2v200 h2u; do
    mh_rpc_ok "$(mh_chost "$c")" NetworkDriver.DeleteEndpoint \
        "{\"NetworkID\": \"$(awk -v n="$c" '$1 == n {print $5}' "$SANDBOX_DIR/containers")\", \"EndpointID\": \"$(mh_cep "$c")\"}"
done
for n in "$N200" "$NU"; do
    mh_rpc_ok 1 NetworkDriver.DeleteNetwork "{\"NetworkID\": \"$n\"}"
done
wait_until "host 1: eth2 trunks VLAN 100 only" \
    sh -c "ovs-vsctl --db=unix:$(mh_dir 1)/db.sock get Port eth2 trunks | grep -qx '\[100\]'"
mh_rpc_ok 1 NetworkDriver.DeleteNetwork "{\"NetworkID\": \"$N100\"}"
check_eq "host 1: eth2 removed (ovsnet added it)" "" \
    "$(mh_vsctl 1 --no-wait port-to-br eth2 2> /dev/null || true)"
check_eq "host 1: br-up stays (the other networks)" br-up \
    "$(mh_vsctl 1 --no-wait br-exists br-up && echo br-up)"
for n in "$N100" "$N200" "$NU"; do
    mh_rpc_ok 2 NetworkDriver.DeleteNetwork "{\"NetworkID\": \"$n\"}"
done
check_eq "host 2: the operator's eth2 stays" br-up "$(mh_vsctl 2 port-to-br eth2)"

# ovsnet/cleanup takes the uplink it added off the bridge (host 3 still has
# its network and container); the interfaces themselves stay.
has_eth2_port() {
    [ -n "$(mh_vsctl "$1" --no-wait port-to-br eth2 2> /dev/null)" ]
}
has_eth2_port 3 || fail "host 3: eth2 not on a bridge before ovsnet/cleanup"
mh_appctl 3 ovsnet/cleanup > /dev/null
wait_while "host 3: eth2 on a bridge after ovsnet/cleanup" has_eth2_port 3
for i in 1 3; do
    link_exists eth2 "$(mh_ns "$i")" \
        || fail "host $i: interface eth2 is gone, it must stay"
done

log "done"
