#!/bin/bash
# test-multihost-swarm: ovsnetd as a global-scope (Docker swarm) driver on
# three simulated hosts, fed the calls Docker's swarm makes, as measured
# (see doc/design.md, "Docker swarm"): DiscoverNew/DiscoverDelete with the
# nodes' addresses, AllocateNetwork on the leading manager, and every
# node's CreateNetwork with the options AllocateNetwork returned.
#
#   - GetCapabilities says global; AllocateNetwork refuses a bad option,
#     naming it, and hands back the options with the nodes it knows;
#   - host 1 (the manager) knows host 2 from discovery; host 3 joined
#     before its plugin was enabled and hears only of itself: it learns the
#     others from the network's ovs.swarm_nodes, and the others learn of it
#     by discovery; then containers on all three move TCP data;
#   - network/list says where each peer comes from; the nodes are kept in
#     OVSDB, so a kill -9 of host 3's ovsnetd loses none of them;
#   - DiscoverDelete takes a node's tunnels away; bad discovery data is
#     refused and changes nothing; DeleteNetwork leaves no row.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

export OVSNET_SCOPE=global      # As the managed plugin sets it.
mh_setup 3

IP1=$(mh_underlay_ip 1) IP2=$(mh_underlay_ip 2) IP3=$(mh_underlay_ip 3)
N=s$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n' | tr '0-9a-f' 'a-p')
N=${N:0:25}                     # A swarm ID: 25 digits and letters.

discovery() {
    jq -nc --arg a "$1" --argjson s "$2" \
        '{DiscoveryType: 1, DiscoveryData: {Address: $a, BindAddress: "",
          Self: $s}}'
}

# nodes_of I: host I's nodes, as swarm/nodes prints them.
nodes_of() {
    mh_appctl "$1" swarm/nodes | sed -n 's/^nodes: //p'
}

# has_tunnel I IP: host I has a tunnel to IP on network $N (a port of its
# own, or a remote of the kernel VXLAN device), as tunnel/list shows.
has_tunnel() {
    mh_appctl "$1" tunnel/list | awk -v n="${N:0:12}" '$2 == n { print $5 }' \
        | tr ',' '\n' | grep -qxF "$2"
}

# n_tunnels I: how many hosts host I has a tunnel to on network $N.
n_tunnels() {
    mh_appctl "$1" tunnel/list | awk -v n="${N:0:12}" '$2 == n { print $5 }' \
        | tr ',' '\n' | grep -c .
}

wait_tunnel() {
    wait_until "host $1's tunnel to $2" has_tunnel "$1" "$2"
}

log "=== capabilities and discovery"
for i in 1 2 3; do
    mh_rpc_ok "$i" NetworkDriver.GetCapabilities
    check_json . '{"Scope": "global", "ConnectivityScope": "global"}'
    mh_rpc_ok "$i" NetworkDriver.DiscoverNew "$(discovery "$(mh_underlay_ip "$i")" true)"
    check_reply '{}'
done
mh_rpc_ok 1 NetworkDriver.DiscoverNew "$(discovery "$IP2" false)"
mh_rpc_ok 2 NetworkDriver.DiscoverNew "$(discovery "$IP1" false)"
check_eq "host 1's nodes" "$IP2 (swarm)" "$(nodes_of 1)"
check_eq "host 3's nodes" "-" "$(nodes_of 3)"
check_eq "host 1's own address in OVSDB" "$IP1" \
    "$(mh_vsctl 1 --no-wait get Open_vSwitch . external_ids:ovsnet-swarm-self-ovs | tr -d '"')"

log "=== bad discovery data changes nothing"
mh_rpc_err 1 NetworkDriver.DiscoverNew "$(discovery "not-an-ip" false)" 400
check_match "error" 'Address' "$ERR_MSG"
mh_rpc_err 1 NetworkDriver.DiscoverNew '{"DiscoveryType":"x"}' 400
check_match "error" 'DiscoveryType' "$ERR_MSG"
mh_rpc_err 1 NetworkDriver.DiscoverNew '{"DiscoveryType":1,"DiscoveryData":{"Address":42}}' 400
check_eq "host 1's nodes after bad calls" "$IP2 (swarm)" "$(nodes_of 1)"
# Other discovery types (datastores, encryption keys) are not ovsnet's.
mh_rpc_ok 1 NetworkDriver.DiscoverNew '{"DiscoveryType":3,"DiscoveryData":{"Keys":[]}}'
mh_appctl_err() { ! mh_appctl "$@" 2> "$SANDBOX_DIR/appctl.err"; }
mh_appctl_err 1 swarm/add-node 192.0.2.99 nope \
    || fail "swarm/add-node took a bad address"
check_eq "host 1's nodes after a bad add-node" "$IP2 (swarm)" "$(nodes_of 1)"

log "=== AllocateNetwork on the manager"
alloc_body() {
    jq -nc --arg id "$N" --argjson o "$1" \
        '{NetworkID: $id, Options: $o,
          IPv4Data: [{AddressSpace: "", Gateway: "198.51.100.1/24",
                      Pool: "198.51.100.0/24"}], IPv6Data: null}'
}
mh_rpc_err 1 NetworkDriver.AllocateNetwork \
    "$(alloc_body '{"ovs.tunnel":"vxlan","ovs.vni":"5001","ovs.vlan":"x"}')" 400
check_match "error" 'ovs\.vlan' "$ERR_MSG"
mh_rpc_err 1 NetworkDriver.AllocateNetwork \
    "$(alloc_body '{"ovs.tunnel":"vxlan"}')" 400
check_match "error" 'ovs\.vni' "$ERR_MSG"
mh_rpc_err 1 NetworkDriver.AllocateNetwork \
    "$(alloc_body '{"ovs.tunnel":"vxlan","ovs.vni":"5001","ovs.swarm_nodes":"a,b"}')" 400
check_match "error" 'ovs\.swarm_nodes' "$ERR_MSG"
# Every option comes back (what it returns replaces them on the nodes),
# Docker's and others' too.
mh_rpc_ok 1 NetworkDriver.AllocateNetwork \
    "$(alloc_body '{"ovs.tunnel":"vxlan","ovs.vni":"5001","foo":"bar"}')"
check_json .Options "{\"ovs.tunnel\": \"vxlan\", \"ovs.vni\": \"5001\",
    \"foo\": \"bar\", \"ovs.swarm_nodes\": \"$IP1,$IP2\"}"
OPTIONS=$(json .Options)

log "=== every node's CreateNetwork, with what AllocateNetwork returned"
GENERIC=$OPTIONS mh_create_network "$N" 198.51.100.0/24 198.51.100.1/24
check_eq "host 3's nodes" "$IP1 (manager) $IP2 (manager)" "$(nodes_of 3)"
# Hosts 1 and 2 hear of host 3 from Docker (it joined after them).
mh_rpc_ok 1 NetworkDriver.DiscoverNew "$(discovery "$IP3" false)"
mh_rpc_ok 2 NetworkDriver.DiscoverNew "$(discovery "$IP3" false)"
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || wait_tunnel "$i" "$(mh_underlay_ip "$j")"
    done
    check_eq "host $i's tunnels" 2 "$(n_tunnels "$i")"
done
mh_appctl 3 network/list > "$SANDBOX_DIR/list3"
check_match "host 3's network/list" \
    "peers $IP1 \\(manager\\), $IP2 \\(manager\\)" "$(cat "$SANDBOX_DIR/list3")"
check_match "host 3's network/list" "scope: swarm" "$(cat "$SANDBOX_DIR/list3")"

log "=== containers on the three nodes"
declare -A EP
for i in 1 2 3; do
    EP[$i]=$(gen_id "e$i")
    mh_container "$i" "c$i" "$N" "${EP[$i]}" "198.51.100.1$i/24"
done
mh_tcp_ok c1 c2
mh_tcp_ok c2 c3
mh_tcp_ok c3 c1

log "=== kill -9 of host 3's ovsnetd: the nodes stay"
mh_kill_ovsnetd 3
mh_start_ovsnetd 3
# Docker tells a restarted plugin only of its own node.
mh_rpc_ok 3 NetworkDriver.DiscoverNew "$(discovery "$IP3" true)"
check_eq "host 3's nodes after restart" "$IP1 (manager) $IP2 (manager)" \
    "$(nodes_of 3)"
mh_tcp_ok c3 c1
mh_tcp_ok c2 c3
# Discovery after the hand-off makes the origin swarm's.
mh_rpc_ok 3 NetworkDriver.DiscoverNew "$(discovery "$IP1" false)"
check_eq "host 3's nodes" "$IP1 (swarm) $IP2 (manager)" "$(nodes_of 3)"

log "=== a node leaves: its tunnels go"
mh_rpc_ok 1 NetworkDriver.DiscoverDelete "$(discovery "$IP3" false)"
wait_while "host 1's tunnel to host 3" has_tunnel 1 "$IP3"
check_eq "host 1's nodes" "$IP2 (swarm)" "$(nodes_of 1)"
mh_tcp_ok c1 c2
mh_appctl 1 swarm/add-node "$IP3" > /dev/null
wait_tunnel 1 "$IP3"
check_eq "host 1's nodes" "$IP2 (swarm) $IP3 (appctl)" "$(nodes_of 1)"
mh_tcp_ok c1 c3

log "=== DeleteNetwork on every node, FreeNetwork on the manager"
for i in 1 2 3; do
    mh_rpc_ok "$i" NetworkDriver.Leave "$(ids_body "$N" "${EP[$i]}")"
    mh_rpc_ok "$i" NetworkDriver.DeleteEndpoint "$(ids_body "$N" "${EP[$i]}")"
    mh_rpc_ok "$i" NetworkDriver.DeleteNetwork "$(ids_body "$N")"
    for table in Port Interface; do
        wait_until "host $i's $table rows of $N gone" test -z \
            "$(mh_vsctl "$i" --no-wait --bare --columns=name find $table \
                   "external_ids:ovsnet-network=$N")"
    done
done
mh_rpc_ok 1 NetworkDriver.FreeNetwork "$(jq -nc --arg id "$N" '{NetworkID: $id}')"
check_reply '{}'
# The nodes stay for the next network.
check_eq "host 1's nodes at the end" "$IP2 (swarm) $IP3 (appctl)" "$(nodes_of 1)"
