#!/bin/bash
# test-multihost-tunnel TYPE [4|6 [ovs|kernel]]: a tunnel network
# (ovs.tunnel=TYPE: vxlan, gre or geneve) across three simulated hosts, over
# an IPv4 (default) or IPv6 underlay; for vxlan, through Open vSwitch's
# vxlan ports (ovs: ovs.vxlan_device=ovs, the default here; no option with
# OVSNET_TEST_DATAPATH=system, where they are ovsnetd's own choice) or
# through the kernel VXLAN device that ovsnetd chooses by itself on the
# userspace datapath (kernel: no option given).  Run by
# tests/test-multihost-{vxlan,gre,geneve,vxlan6,kvxlan,kvxlan6}.sh; by hand:
#   top_srcdir=. OVSNETD=plugin/ovsnetd OVSNET_CALL=tests/ovsnet-call \
#       bash tests/test-multihost-tunnel.sh gre
# MH_TSO=1 (tests/multihost-lib.sh) runs ovs-vswitchd with userspace TSO;
# MH_BRPHY=0 leaves the underlay address on the hosts' eth1 (kernel only).
#
# The same CreateNetwork (same ID, same options, ovs.peers naming all three
# hosts) on every host, two containers per host, then:
#   - one tunnel port per other host, as documented (name, type, remote_ip,
#     key, external_ids, protected, on the network's bridge, ready), none to
#     the host itself; the gateway port protected and with the same MAC on
#     every host; network/list and tunnel/list show them;
#   - the MTU inside the containers is the underlay's minus the
#     encapsulation (IPv4 underlay: vxlan 50, gre 42, geneve 50; +20 over
#     IPv6); a larger one is refused naming the largest that fits;
#   - on the kernel datapath, the veths keep their tx checksum offload;
#   - every container pings every other and moves data to it over TCP
#     (content checked), IPv4 and IPv6 (2001:db8:1::/64 overlay);
#   - a DF ping of MTU-28 bytes crosses, one byte more fails loudly;
#   - one broadcast crosses the underlay once per peer (tcpdump), with a
#     handful of packets in all (counters), not a loop;
#   - each container reaches its own host's gateway (ping, TCP to a listener
#     on the gateway address in the host's namespace), and none of that
#     crosses the underlay (tcpdump and counters);
#   - network/del-peer cuts hosts 1 and 3 apart (1-2 and 2-3 keep working),
#     survives a restart of ovsnetd, network/add-peer joins them again
#     (vxlan over IPv4 only: it does not depend on the type or family);
#   - ovsnetd killed (SIGKILL) and restarted on a host: its tunnel ports
#     stay as they were (same rows, same ofports) and everything keeps
#     working (every type, IPv4 underlay);
#   - network/list shows the effective peers (not the host itself);
#   - with the kernel VXLAN device: one port for all peers (a system port
#     on the device ovsvx-ID, protected), the device as documented (VNI,
#     port 4789, local address, learning, MTU, alias), one all-zeros FDB
#     entry per peer and none to a removed peer, following del-peer and
#     add-peer; its tx checksum offload off with the underlay on br-phy,
#     on without; the veths keep
#     their offloads with userspace TSO (and lose tx checksum without);
#     a device deleted behind ovsnetd's back is made again and works; a
#     stray ovsvx- link is swept at a restart; a vxlan network with OVS's
#     ports is refused next to it; DeleteNetwork and ovsnet/cleanup delete
#     the device.
# A test stops at its first failed check: the one about network/list's
# output comes last, so as not to hide the others.
set -eu

TYPE=${1:-${MH_TUNNEL:-vxlan}}
MH_UNDERLAY=${2:-${MH_UNDERLAY:-4}}
DEVICE=${3:-ovs}

. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

KERNEL=false
OPTS=()
K=
case $TYPE/$DEVICE in
    vxlan/kernel) KERNEL=true; K=k ;;
    # On the kernel datapath OVS's own vxlan ports are ovsnetd's default:
    # no option, so that the test checks that choice.
    vxlan/ovs)
        [ "$OVSNET_TEST_DATAPATH" = system ] || OPTS=(ovs.vxlan_device=ovs) ;;
    */ovs) ;;
    *) hard_error "device '$DEVICE': ovs, or kernel with vxlan" ;;
esac
if ! $KERNEL && [ "$MH_BRPHY" = 0 ]; then
    hard_error "Open vSwitch's own $TYPE ports need the underlay on br-phy"
fi
# Named after the wrapper that runs it, in messages and temp dirs.
SANDBOX_TEST=${MH_TEST_NAME:-test-multihost-$K$TYPE${MH_UNDERLAY/4/}}

case $TYPE in
    vxlan|geneve) OVERHEAD=50 ;;
    gre) OVERHEAD=42 ;;
    *) hard_error "tunnel type '$TYPE': vxlan, gre or geneve" ;;
esac
if [ "$MH_UNDERLAY" = 6 ]; then
    OVERHEAD=$((OVERHEAD + 20))
fi
MTU=$((1500 - OVERHEAD))
VNI=5001
# What does not depend on the tunnel type runs once: del-peer/add-peer
# with vxlan over IPv4; the restart of ovsnetd (which must not touch the
# tunnel ports, whatever options OVS gives each type) over IPv4.
DO_PEERS=false
DO_RESTART=false
if [ "$MH_UNDERLAY" = 4 ]; then
    DO_RESTART=true
    [ "$TYPE" = vxlan ] && DO_PEERS=true
fi

mh_setup 3
log "=== $TYPE ($DEVICE) over IPv$MH_UNDERLAY, userspace TSO $MH_TSO, underlay on br-phy $MH_BRPHY: expected MTU $MTU"

# ---------------------------------------------------------------------------
log "=== the network, on every host"

N=$(gen_id b1)
GW_PORT=ovsgw-$(short "$N")
# Too large an MTU first: refused, naming the largest that fits, and
# nothing is left of it.
M=$(gen_id b2)
body=$(GENERIC=$(mh_generic "$TYPE" 5002 "com.docker.network.driver.mtu=$((MTU + 1))" \
                     "${OPTS[@]}") \
       net_body "$M" 203.0.113.0/24 203.0.113.1/24)
mh_rpc_err 1 NetworkDriver.CreateNetwork "$body"
check_contains "refusal of MTU $((MTU + 1))" "$MTU" "$ERR_MSG"
check_eq "rows left of the refused network" 0 \
    "$(mh_vsctl 1 --no-wait --bare --columns=_uuid find Port \
           "external_ids:ovsnet-network=$M" | grep -c . || true)"
# MTU 1500 (Docker's default, when a user says so) too.
mh_rpc_err 1 NetworkDriver.CreateNetwork \
    "$(GENERIC=$(mh_generic "$TYPE" 5002 com.docker.network.driver.mtu=1500 "${OPTS[@]}") \
       net_body "$M" 203.0.113.0/24 203.0.113.1/24)"
check_contains "refusal of MTU 1500" "$MTU" "$ERR_MSG"

GENERIC=$(mh_generic "$TYPE" "$VNI" "${OPTS[@]}") \
    mh_create_network "$N" 198.51.100.0/24 198.51.100.1/24 \
        2001:db8:1::/64 2001:db8:1::1/64
VX_DEV=ovsvx-$(short "$N")

# vx_remotes I: the remotes of host I's VXLAN device (all-zeros FDB
# entries), sorted.
vx_remotes() {
    bridge -n "$(mh_ns "$1")" -j fdb show dev "$VX_DEV" 2> /dev/null \
        | jq -r '.[] | select(.mac == "00:00:00:00:00:00") | .dst' | sort
}

# check_vxlan_device I PEER...: host I's tunnel of network N is its kernel
# VXLAN device, as documented, with one FDB entry per PEER, and its port is
# ready.
check_vxlan_device() {
    local host=$1 lines want fdb deadline gw_br info d
    local name type remote xremote key net ofport prot br link
    shift
    want=$(printf '%s\n' "$@" | sort)
    gw_br=$(mh_vsctl "$host" --no-wait port-to-br "$GW_PORT")
    deadline=$((SECONDS + OVSNET_WAIT))
    while :; do
        # An empty type (a system port) leaves an empty field.
        lines=$(mh_tunnels "$host" "$N" | sed 's/^\([^ ]*\)  /\1 "" /')
        fdb=$(vx_remotes "$host")
        if [ "$fdb" = "$want" ] \
           && [ "$(printf '%s\n' "$lines" | awk 'NF' | wc -l)" = 1 ] \
           && [[ "$(echo "$lines" | awk '{print $7}')" =~ ^[1-9][0-9]*$ ]]; then
            break
        fi
        if [ $SECONDS -ge $deadline ]; then
            break
        fi
        sleep 0.2
    done
    check_eq "host $host: remotes in the FDB of $VX_DEV" "$want" "$fdb"
    read -r name type remote xremote key net ofport prot br link <<< "$lines"
    check_eq "host $host: the one tunnel port of the network" "$VX_DEV" "$name"
    check_eq "host $host: $name type (a system port)" '""' "$type"
    check_eq "host $host: $name protected" true "$prot"
    check_eq "host $host: $name bridge (the gateway port's)" "$gw_br" "$br"
    check_match "host $host: $name ofport" '^[1-9][0-9]*$' "$ofport"
    info=$(ip -n "$(mh_ns "$host")" -d -j link show dev "$VX_DEV")
    d='.[0].linkinfo.info_data'
    check_eq "host $host: $VX_DEV kind" vxlan "$(jq -r '.[0].linkinfo.info_kind' <<< "$info")"
    check_eq "host $host: $VX_DEV VNI" "$VNI" "$(jq -r "$d.id" <<< "$info")"
    check_eq "host $host: $VX_DEV UDP port" 4789 "$(jq -r "$d.port" <<< "$info")"
    # No tunnel source without ovs.local_ip: the route chooses it, packet
    # by packet (the traffic checks prove the family right).
    check_eq "host $host: $VX_DEV local" null \
        "$(jq -r "$d.local // $d.local6" <<< "$info")"
    check_eq "host $host: $VX_DEV learning" true "$(jq -r "$d.learning" <<< "$info")"
    check_eq "host $host: $VX_DEV MTU" "$MTU" "$(jq -r '.[0].mtu' <<< "$info")"
    check_eq "host $host: $VX_DEV alias" "ovsnet:$N" "$(jq -r '.[0].ifalias' <<< "$info")"
}

# check_tunnels I PEER...: host I's tunnel ports of network N are exactly
# one to each PEER, as documented (name, type, remote_ip, key, external_ids,
# protected, on the network's bridge), and ready (ofport).
check_tunnels() {
    local host=$1 lines name type remote xremote key net ofport prot br link
    local want deadline gw_br
    if $KERNEL; then
        check_vxlan_device "$@"
        return
    fi
    shift
    want=$(printf '%s\n' "$@" | sort)
    gw_br=$(mh_vsctl "$host" --no-wait port-to-br "$GW_PORT")
    deadline=$((SECONDS + OVSNET_WAIT))
    while :; do
        lines=$(mh_tunnels "$host" "$N")
        # Ready once every port has an ofport.
        if [ "$(printf '%s\n' "$lines" | awk 'NF' | awk '$7 !~ /^[1-9][0-9]*$/' \
                | wc -l)" = 0 ] \
           && [ "$(printf '%s\n' "$lines" | awk 'NF {print $3}' | sort)" = "$want" ]; then
            break
        fi
        if [ $SECONDS -ge $deadline ]; then
            break
        fi
        sleep 0.2
    done
    check_eq "host $host: remotes of the tunnel ports of $N" "$want" \
        "$(printf '%s\n' "$lines" | awk 'NF {print $3}' | sort)"
    while read -r name type remote xremote key net ofport prot br link; do
        [ -n "$name" ] || continue
        check_match "host $host: tunnel port name" '^ovstn-[0-9a-f]{9}$' "$name"
        check_eq "host $host: $name type" "$TYPE" "$type"
        check_eq "host $host: $name external_ids:ovsnet-remote-ip" "$remote" "$xremote"
        check_eq "host $host: $name options:key" "$VNI" "$key"
        check_eq "host $host: $name protected" true "$prot"
        check_eq "host $host: $name bridge (the gateway port's)" "$gw_br" "$br"
        check_match "host $host: $name ofport" '^[1-9][0-9]*$' "$ofport"
    done <<< "$lines"
}

# others I: the underlay addresses of the hosts other than I.
others() {
    local i
    for ((i = 1; i <= MH_N; i++)); do
        [ "$i" = "$1" ] || mh_underlay_ip "$i"
    done
}

# check_host I: the network as host I has it.
check_host() {
    local i=$1 out peer mac
    check_tunnels "$i" $(others "$i")
    mh_host "$i"
    check_eq "host $i: gateway port protected" true "$(db_get Port "$GW_PORT" protected)"
    wait_until "host $i: link $GW_PORT" link_exists "$GW_PORT"
    check_eq "host $i: MTU of $GW_PORT" "$MTU" "$(mtu_of "$GW_PORT")"
    out=$(mh_appctl "$i" network/list)
    check_contains "host $i: network/list" "$TYPE" "$out"
    check_contains "host $i: network/list" "$VNI" "$out"
    for peer in $(others "$i"); do
        check_contains "host $i: network/list" "$peer" "$out"
    done
    check_match "host $i: network/list MTU" "(^|[^0-9])$MTU([^0-9]|$)" "$out"
    out=$(mh_appctl "$i" tunnel/list)
    for peer in $(others "$i"); do
        check_contains "host $i: tunnel/list" "$peer" "$out"
        check_match "host $i: tunnel/list line of $peer" "$TYPE" \
            "$(printf '%s\n' "$out" | grep -F -- "$peer")"
    done
}
mh_each check_host 1 2 3
# The anycast gateway: the same MAC on every host.
macs=$(for i in 1 2 3; do
           ip -n "$(mh_ns "$i")" -j link show "$GW_PORT" | jq -r '.[0].address'
       done | sort -u)
check_eq "gateway MACs of the three hosts (one and the same)" 1 "$(echo "$macs" | wc -l)"

# ---------------------------------------------------------------------------
log "=== two containers per host"

containers_of() {
    local j
    for j in 1 2; do
        mh_container "$1" "h${1}c$j" "$N" "$(gen_id "e$1$j")" \
            "198.51.100.$1$j/24" "2001:db8:1::$1$j/64"
        check_eq "MTU in h${1}c$j" "$MTU" "$(mtu_of eth0 "$(mh_cns "h${1}c$j")")"
    done
}
mh_each containers_of 1 2 3
ALL=$(mh_containers)

log "--- IPv4 ping, every container to every other"
ping_all_from() {
    local b
    for b in $ALL; do
        [ "$1" = "$b" ] || mh_ping_ok "$1" "$(mh_cip "$b")"
    done
}
mh_each ping_all_from $ALL

log "--- TCP, every pair of containers (each direction in turn)"
# Each container sends to the ones after it in the list (every other
# one), or is sent to by them.
tcp_all_from() {
    local a=$1 b after=false flip=0
    for b in $ALL; do
        if [ "$b" = "$a" ]; then after=true; continue; fi
        $after || continue
        if [ $flip = 0 ]; then mh_tcp_ok "$a" "$b"; else mh_tcp_ok "$b" "$a"; fi
        flip=$((1 - flip))
    done
}
mh_each tcp_all_from $ALL

log "--- IPv6: every container to one container of each other host"
ping6_from() {
    local i
    for ((i = 1; i <= MH_N; i++)); do
        [ "$(mh_chost "$1")" = "$i" ] || mh_ping_ok "$1" "$(mh_cip "h${i}c2" 6)"
    done
}
mh_each ping6_from $ALL
tcp6() {
    set -- ${1//,/ }
    mh_tcp_ok "$1" "$2" 6
}
mh_each tcp6 h1c1,h2c2 h2c1,h3c2 h3c1,h1c2

# ---------------------------------------------------------------------------
if [ "$OVSNET_TEST_DATAPATH" = system ]; then
    # The kernel datapath finishes checksums itself: the veths keep their
    # offloads (ovsnetd turns tx checksum off on the userspace datapath).
    ep=ovsep-$(short "$(mh_cep h1c1)")
    check_eq "host 1: tx checksum offload of $ep (kernel datapath)" on \
        "$(ip netns exec "$(mh_ns 1)" ethtool -k "$ep" \
           | awk '$1 == "tx-checksumming:" {print $2}')"
fi

log "=== path MTU: $MTU"

# df_ping_ok FROM TO SIZE [-6]: a DF ping of SIZE bytes of payload crosses.
df_ping_ok() {
    local out
    out=$(mh_cexec "$1" ping -n ${4-} -c 1 -W 2 -M "do" -s "$3" \
              "$(mh_cip "$2" "${4:+6}")" 2>&1) \
        || fail "DF ping of $3 bytes from $1 to $2 failed: $(echo "$out" | tail -n 3)"
}

# df_ping_fails FROM TO SIZE [-6]: a DF ping of SIZE bytes fails with an
# error the sender sees (exit status and message), not silently.
df_ping_fails() {
    local out rc=0
    out=$(mh_cexec "$1" ping -n ${4-} -c 1 -W 2 -M "do" -s "$3" \
              "$(mh_cip "$2" "${4:+6}")" 2>&1) || rc=$?
    check_ne "exit status of a DF ping of $3 bytes from $1 to $2" 0 "$rc"
    check_imatch "error of a DF ping of $3 bytes from $1 to $2" \
        'message too long|frag needed|packet too big' "$out"
}

for b in h2c1 h3c2; do
    df_ping_ok h1c1 "$b" $((MTU - 28))
    df_ping_fails h1c1 "$b" $((MTU - 27))
    df_ping_ok h1c1 "$b" $((MTU - 48)) -6
    df_ping_fails h1c1 "$b" $((MTU - 47)) -6
done
df_ping_ok h3c2 h2c2 $((MTU - 28))

# ---------------------------------------------------------------------------
log "=== one broadcast, no loop"

# broadcast_ok FROM PEERS: container FROM sends one ARP request for an
# address nobody has; in the next 3 s the underlay carries exactly one copy
# of it per peer of FROM's host (PEERS), and few packets in all.  (A loop
# makes tens of thousands; the rest are neighbour probes and the like.)
broadcast_ok() {
    local start n copies cap=$SANDBOX_DIR/broadcast-$1.pcap
    mh_ul_capture_start "$cap"
    start=$(mh_ul_packets)
    mh_broadcast "$1"
    sleep 3
    n=$(( $(mh_ul_packets) - start ))
    mh_ul_capture_stop
    copies=$(tcpdump -nr "$cap" 2> /dev/null | grep -c 'who-has 198\.51\.100\.250' || true)
    log "one broadcast from $1: $copies copies in the underlay, $n packets in all in 3 s"
    if [ "$n" -gt 10 ]; then
        tcpdump -nr "$cap" 2> /dev/null | sed 's/^[0-9:.]* //' | cut -c1-160 \
            | sort | uniq -c | sort -rn | head -n 8 >&2
    fi
    check_eq "copies of one broadcast from $1 in the underlay" "$2" "$copies"
    check_int_cmp "underlay packets in 3 s after one broadcast from $1" -le 30 "$n"
    rm -f "$cap"
}
broadcast_ok h3c2 2
# Everything still works: a loop would have taught the bridges wrong ports.
mh_ping_ok h1c2 198.51.100.31
mh_ping_ok h3c1 198.51.100.12

# ---------------------------------------------------------------------------
log "=== the gateway, on each host"

gw_warm() {
    mh_ping_ok "$1" 198.51.100.1
    mh_ping_ok "$1" 2001:db8:1::1
}
mh_each gw_warm $ALL
sleep 0.5
GW_CAP=$SANDBOX_DIR/gateway.pcap
mh_ul_capture_start "$GW_CAP"
before=$(mh_ul_packets)
gw_talk() {
    mh_cexec "$1" ping -n -q -c 10 -i 0.01 -W 1 198.51.100.1 > /dev/null \
        || fail "$1 loses pings to its gateway"
    mh_cexec "$1" ping -n -q -c 10 -i 0.01 -W 1 2001:db8:1::1 > /dev/null \
        || fail "$1 loses IPv6 pings to its gateway"
    mh_tcp_to_host_ok "$1" 198.51.100.1
}
mh_each gw_talk $ALL
mh_tcp_to_host_ok h2c2 2001:db8:1::1
n=$(( $(mh_ul_packets) - before ))
mh_ul_capture_stop
# Packets to or from a gateway address, inside the tunnels (tcpdump shows
# the inner packets of all three encapsulations).
gw_pkts=$(tcpdump -nr "$GW_CAP" 2> /dev/null \
          | grep -E '(^|[ ])(198\.51\.100\.1|2001:db8:1::1)(\.[0-9]+)?( >|:)' || true)
log "while every container talked to its gateway: $n underlay packets," \
    "$(printf '%s\n' "$gw_pkts" | grep -c . || true) of them to or from a gateway address"
check_eq "gateway packets in the underlay" "" "$(printf '%s\n' "$gw_pkts" | head -n 5)"
# Each container sent 20 pings and 300 kB (200+ packets) to its gateway:
# had any of it crossed, thousands.  The rest is neighbour discovery and
# the like between containers.
check_int_cmp "underlay packets while containers talked to their gateways" -le 40 "$n"
rm -f "$GW_CAP"

# ---------------------------------------------------------------------------
# has_tunnel_to I IP: host I has a tunnel port of network N to IP.
has_tunnel_to() {
    if $KERNEL; then
        vx_remotes "$1" | grep -Fqx -- "$2"
    else
        [ -n "$(mh_tunnel_port_to "$1" "$N" "$2")" ]
    fi
}

peers_section() {
    log "=== network/del-peer and network/add-peer"

    # By ID on host 1, by a unique prefix on host 3.  On host 3 the client
    # keeps its connection open for a while, as a slow one would: the
    # change must not wait for another event to wake ovsnetd up.
    out=$(mh_appctl 1 network/del-peer "$N" 192.0.2.13) \
        || fail "network/del-peer on host 1 failed: $out"
    mh_appctl_hold 3 $((OVSNET_WAIT + 5)) network/del-peer "${N:0:12}" 192.0.2.11
    wait_while "host 1: a tunnel port to host 3" has_tunnel_to 1 192.0.2.13
    wait_while "host 3: a tunnel port to host 1 (del-peer, connection held open)" \
        has_tunnel_to 3 192.0.2.11
    check_tunnels 1 192.0.2.12
    check_tunnels 2 192.0.2.11 192.0.2.13
    check_tunnels 3 192.0.2.12
    out=$(mh_appctl 1 network/list)
    check_nomatch "host 1: network/list after del-peer" '192\.0\.2\.13' "$out"
    mh_ping_fails h1c1 198.51.100.31
    mh_ping_fails h3c2 198.51.100.12
    mh_ping_ok h1c1 198.51.100.21
    mh_ping_ok h3c1 198.51.100.22
    mh_tcp_ok h1c2 h2c1
    mh_tcp_ok h2c2 h3c1
    broadcast_ok h1c2 1

    log "--- the removal survives a restart of ovsnetd (OVSDB is the state)"
    mh_kill_ovsnetd 1
    mh_start_ovsnetd 1
    sleep 1
    check_tunnels 1 192.0.2.12
    mh_ping_fails h1c1 198.51.100.32

    log "--- add-peer"
    out=$(mh_appctl 1 network/add-peer "$N" 192.0.2.13) \
        || fail "network/add-peer on host 1 failed: $out"
    out=$(mh_appctl 3 network/add-peer "$N" 192.0.2.11) \
        || fail "network/add-peer on host 3 failed: $out"
    wait_until "host 1: a tunnel port to host 3" has_tunnel_to 1 192.0.2.13
    wait_until "host 3: a tunnel port to host 1" has_tunnel_to 3 192.0.2.11
    check_tunnels 1 192.0.2.12 192.0.2.13
    check_tunnels 3 192.0.2.11 192.0.2.12
    mh_ping_ok h1c1 198.51.100.31
    mh_ping_ok h3c2 198.51.100.12
    mh_tcp_ok h3c2 h1c1
    mh_tcp_ok h1c2 h3c1 6

    log "--- errors"
    rc=0; out=$(mh_appctl 1 network/del-peer no-such-network 192.0.2.13 2>&1) || rc=$?
    check_ne "exit status of del-peer on an unknown network" 0 "$rc"
    rc=0; out=$(mh_appctl 1 network/add-peer "$N" not-an-address 2>&1) || rc=$?
    check_ne "exit status of add-peer with a bad address" 0 "$rc"
    check_tunnels 1 192.0.2.12 192.0.2.13

}
if $DO_PEERS; then
    peers_section
else
    log "(network/del-peer and add-peer: tested with vxlan over IPv4)"
fi

# ---------------------------------------------------------------------------
restart_section() {
    log "=== ovsnetd killed and restarted on host 2"

    ports_state() {
        mh_vsctl 2 --no-wait --format=csv --no-headings --columns=name,ofport,_uuid \
            find Interface external_ids:ovsnet-role=tunnel | sort
    }
    before=$(ports_state)
    mh_kill_ovsnetd 2
    # A stray device of ovsnet's (its ifalias says so): swept when ovsnetd
    # starts.  One with ovsnet's name but not its ifalias is not ovsnet's.
    ip -n "$(mh_ns 2)" link add ovsvx-0123abcde type vxlan id 99 dstport 4789 \
        || fail "cannot create a stray VXLAN device"
    ip -n "$(mh_ns 2)" link set dev ovsvx-0123abcde \
        alias "ovsnet:0123abcde0123abcde"
    ip -n "$(mh_ns 2)" link add ovsvx-0123abcdf type vxlan id 98 dstport 4789 \
        || fail "cannot create a stray VXLAN device"
    # The datapath does not need it.
    mh_ping_ok h1c1 198.51.100.21 3
    mh_ping_ok h2c2 198.51.100.32 3
    mh_start_ovsnetd 2
    # A reconcile pass has run once it answers; give it a moment anyway.
    sleep 1
    check_tunnels 2 192.0.2.11 192.0.2.13
    check_eq "host 2: tunnel ports (name, ofport, row) after the restart" \
        "$before" "$(ports_state)"
    wait_while "host 2: the stray ovsvx-0123abcde" link_exists ovsvx-0123abcde "$(mh_ns 2)"
    link_exists ovsvx-0123abcdf "$(mh_ns 2)" \
        || fail "host 2: ovsvx-0123abcdf, without ovsnet's ifalias, was deleted"
    ip -n "$(mh_ns 2)" link del ovsvx-0123abcdf
    mh_ping_ok h2c1 198.51.100.11
    mh_ping_ok h2c2 198.51.100.31
    mh_ping_ok h3c1 198.51.100.22
    mh_tcp_ok h2c1 h1c2
    mh_tcp_ok h3c2 h2c2
    mh_tcp_ok h2c2 h1c1 6
    # And the new ovsnetd takes calls: one more container on host 2.
    mh_container 2 h2c3 "$N" "$(gen_id e23)" 198.51.100.23/24 2001:db8:1::23/64
    mh_ping_ok h2c3 198.51.100.11
    mh_tcp_ok h3c1 h2c3
    broadcast_ok h2c3 2
}
if $DO_RESTART; then
    restart_section
else
    log "(restart of ovsnetd: tested over IPv4)"
fi

# ---------------------------------------------------------------------------
kernel_section() {
    local ep want out tx body M2
    log "=== the kernel VXLAN device"

    # The veths: offloads on with userspace TSO, tx checksum off without.
    ep=ovsep-$(short "$(mh_cep h1c1)")
    want=off
    [ "$MH_TSO" = 1 ] && want=on
    tx=$(ip netns exec "$(mh_ns 1)" ethtool -k "$ep" | awk '$1 == "tx-checksumming:" {print $2}')
    check_eq "host 1: tx checksum offload of $ep (userspace TSO $MH_TSO)" "$want" "$tx"
    # The device's own: off when the underlay address is on br-phy, an OVS
    # internal port; on otherwise.
    want=off
    [ "$MH_BRPHY" = 0 ] && want=on
    tx=$(ip netns exec "$(mh_ns 1)" ethtool -k "$VX_DEV" | awk '$1 == "tx-checksumming:" {print $2}')
    check_eq "host 1: tx checksum offload of $VX_DEV (underlay on br-phy: $MH_BRPHY)" "$want" "$tx"

    out=$(mh_appctl 1 network/list)
    check_contains "host 1: network/list" "kernel VXLAN device $VX_DEV" "$out"
    out=$(mh_appctl 1 tunnel/list)
    check_match "host 1: tunnel/list line of $VX_DEV" \
        "vxlan\\(kernel\\) +$VNI +$(mh_underlay_ip 2),$(mh_underlay_ip 3)|vxlan\\(kernel\\) +$VNI +$(mh_underlay_ip 3),$(mh_underlay_ip 2)" \
        "$(printf '%s\n' "$out" | grep -F -- "$VX_DEV")"

    log "--- deleted behind ovsnetd's back: made again, and it works"
    ip -n "$(mh_ns 3)" link del "$VX_DEV"
    wait_until "host 3: $VX_DEV again" link_exists "$VX_DEV" "$(mh_ns 3)"
    check_tunnels 3 $(others 3)
    mh_ping_ok h3c1 198.51.100.11
    mh_ping_ok h1c2 198.51.100.32
    mh_tcp_ok h3c2 h2c1
    mh_tcp_ok h1c1 h3c1
    mh_tcp_ok h2c2 h3c2 6

    log "--- a vxlan network with Open vSwitch's ports is refused next to it"
    M2=$(gen_id b3)
    body=$(GENERIC=$(mh_generic vxlan 5003 ovs.vxlan_device=ovs) \
           net_body "$M2" 203.0.113.0/24 203.0.113.1/24)
    mh_rpc_err 1 NetworkDriver.CreateNetwork "$body"
    check_contains "refusal of ovs.vxlan_device=ovs" "ovs.vxlan_device=ovs" "$ERR_MSG"
    check_contains "refusal of ovs.vxlan_device=ovs" "$N" "$ERR_MSG"

    log "--- a kernel VXLAN device has one address family"
    body=$(GENERIC=$(mh_generic vxlan 5003 ovs.vxlan_device=kernel \
                         "ovs.peers=192.0.2.11,2001:db8:100::12") \
           net_body "$M2" 203.0.113.0/24 203.0.113.1/24)
    mh_rpc_err 1 NetworkDriver.CreateNetwork "$body"
    check_contains "refusal of mixed peers" "mix IPv4 and IPv6" "$ERR_MSG"
    other=2001:db8:100::99
    [ "$MH_UNDERLAY" = 6 ] && other=192.0.2.99
    rc=0; out=$(mh_appctl 1 network/add-peer "$N" "$other" 2>&1) || rc=$?
    check_ne "exit status of add-peer of the other family" 0 "$rc"
    check_contains "add-peer of the other family" "one address family" "$out"
    check_tunnels 1 $(others 1)

    log "--- DeleteNetwork on host 1 deletes the device"
    mh_rpc_ok 1 NetworkDriver.DeleteEndpoint \
        "$(jq -nc --arg n "$N" --arg e "$(mh_cep h1c1)" '{NetworkID: $n, EndpointID: $e}')"
    mh_rpc_ok 1 NetworkDriver.DeleteEndpoint \
        "$(jq -nc --arg n "$N" --arg e "$(mh_cep h1c2)" '{NetworkID: $n, EndpointID: $e}')"
    mh_rpc_ok 1 NetworkDriver.DeleteNetwork "$(jq -nc --arg n "$N" '{NetworkID: $n}')"
    wait_while "host 1: link $VX_DEV" link_exists "$VX_DEV" "$(mh_ns 1)"
    check_eq "host 1: tunnel ports left" "" "$(mh_tunnel_ports 1)"
    # Hosts 2 and 3 go on.
    mh_ping_ok h2c1 198.51.100.31
    mh_tcp_ok h3c1 h2c2

    log "--- ovsnet/cleanup on host 2 deletes the device"
    mh_appctl 2 ovsnet/cleanup > /dev/null
    wait_while "host 2: link $VX_DEV" link_exists "$VX_DEV" "$(mh_ns 2)"
    check_eq "host 2: tunnel ports left" "" "$(mh_tunnel_ports 2)"
}
if $KERNEL; then
    kernel_section
fi

# ---------------------------------------------------------------------------
log "=== network/list shows the effective peers: not the host itself"

for i in 1 2 3; do
    out=$(mh_appctl "$i" network/list)
    check_nomatch "host $i: network/list, own address among the peers" \
        "peer.*$(mh_underlay_ip "$i" | sed 's/\./\\./g')([^0-9a-f:]|$)" "$out"
done

log "done"
