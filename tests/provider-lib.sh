# tests/provider-lib.sh: the physical network of the provider-network tests
# (ovs.uplink), on the hosts of tests/multihost-lib.sh.
# shellcheck shell=bash
#
# Sourced (bash) after tests/multihost-lib.sh; after mh_setup N:
#
#     prov_physical_network N
#
# builds, in namespaces of the test (deleted by the trap):
#
#   switch   an 802.1Q switch: this kernel's Linux bridge cannot filter
#            VLANs, and it has neither 8021q nor tc's vlan action, so it is
#            an Open vSwitch of its own (ovsdb-server and ovs-vswitchd in
#            $SANDBOX_DIR/sw, namespace $SW), which knows nothing of the
#            hosts': bridge "sw", a trunk port "swpI" (VLANs 100 and 200
#            tagged, 50 untagged: the native VLAN) to each host's second
#            uplink eth2 (up, no address, IPv6 off),
#            and an access port "swr" of VLAN 100 to the router.
#   router   $ROUTER: lan0 203.0.113.1/25 and 2001:db8:100::1/64 (MAC
#            $ROUTER_MAC) on VLAN 100,
#            wan0 203.0.113.129/26, forwarding.
#   outside  $OUTSIDE: eth0 203.0.113.130/26, default route via the router.
#
# Every link of the physical network has MTU $PHYS_MTU (1450).  The
# userspace datapath reads frames from eth2 without their offload metadata:
# what the router and the outside send carries full checksums (tx offload
# off), as a real NIC delivers them.
#
# Also: sw_vsctl ARGS... (ovs-vsctl on the switch).

PHYS_MTU=1450
SW=
ROUTER=
OUTSIDE=
ROUTER_MAC=

# sw_vsctl ARGS...: ovs-vsctl on the switch.
sw_vsctl() {
    ovs-vsctl --db="unix:$SANDBOX_DIR/sw/db.sock" --timeout="$OVSNET_WAIT" "$@"
}

# _prov_sw_port PORT SETTINGS...: PORT on the switch, up, with "ovs-vsctl
# set Port" SETTINGS.
_prov_sw_port() {
    local port=$1
    shift
    ip -n "$SW" link set "$port" mtu "$PHYS_MTU" up
    sw_vsctl add-port sw "$port" -- set Port "$port" "$@"
}

# _prov_quiet NETNS: no IPv6 in NETNS (no noise on the LAN).
_prov_quiet() {
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 > /dev/null 2>&1 || true
}

# prov_physical_network N: the switch, its trunks to hosts 1 to N, the
# router and the outside.
prov_physical_network() {
    local n=$1 i
    sandbox_host sw
    SW=$NS
    _prov_quiet "$SW"
    ovs_start
    vsctl add-br sw -- set Bridge sw datapath_type=netdev
    sandbox_host ""
    ROUTER=$(sandbox_netns router)
    OUTSIDE=$(sandbox_netns outside)
    _prov_quiet "$ROUTER"
    _prov_quiet "$OUTSIDE"

    for ((i = 1; i <= n; i++)); do
        ip -n "$SW" link add "swp$i" type veth peer name eth2 \
            netns "$(mh_ns "$i")"
        _prov_sw_port "swp$i" trunks=50,100,200 tag=50 \
            vlan_mode=native-untagged
        # An uplink as an operator's host has it: up, no address.
        ip netns exec "$(mh_ns "$i")" \
            sysctl -qw net.ipv6.conf.eth2.disable_ipv6=1
        ip -n "$(mh_ns "$i")" link set eth2 mtu "$PHYS_MTU" up
    done

    # The router: an access port of VLAN 100 (untagged on its side).
    ip -n "$SW" link add swr type veth peer name lan0 netns "$ROUTER"
    _prov_sw_port swr tag=100
    ip -n "$ROUTER" link set lan0 mtu "$PHYS_MTU" up
    ip -n "$ROUTER" addr add 203.0.113.1/25 dev lan0
    ip netns exec "$ROUTER" sysctl -qw net.ipv6.conf.lan0.disable_ipv6=0 \
        net.ipv6.conf.lan0.accept_dad=0
    ip -n "$ROUTER" addr add 2001:db8:100::1/64 dev lan0 nodad
    ip -n "$ROUTER" link add wan0 type veth peer name eth0 netns "$OUTSIDE"
    ip -n "$ROUTER" addr add 203.0.113.129/26 dev wan0
    ip -n "$ROUTER" link set wan0 up
    ip netns exec "$ROUTER" sysctl -qw net.ipv4.ip_forward=1
    ip -n "$OUTSIDE" addr add 203.0.113.130/26 dev eth0
    ip -n "$OUTSIDE" link set eth0 up
    ip -n "$OUTSIDE" route add default via 203.0.113.129
    ip netns exec "$ROUTER" ethtool -K lan0 tx off > /dev/null
    ip netns exec "$ROUTER" ethtool -K wan0 tx off > /dev/null
    ip netns exec "$OUTSIDE" ethtool -K eth0 tx off > /dev/null
    ROUTER_MAC=$(ip -n "$ROUTER" -j link show lan0 | jq -r '.[0].address')
    log "physical network: switch $SW, router $ROUTER ($ROUTER_MAC)," \
        "outside $OUTSIDE"
}

