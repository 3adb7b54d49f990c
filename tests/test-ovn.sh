#!/bin/bash
# test-ovn: ovsnetd's OVN mode (--ovn-nb, -o ovs.ovn=SWITCH) on three hosts
# of tests/ovn-lib.sh (NB and SB Raft clusters of three, ovn-northd on two,
# ovn-controller and ovsnetd on each), "containers" being namespaces driven
# through the plugin socket as Docker drives them.  Each host creates the
# network under its own network ID, as "docker network create" on each host
# does.
#
# - The logical switch: one, made by the first host, joined by the others
#   (external_ids:ovsnet-host-CHASSIS names each one's network); a
#   CreateNetwork for it with another subnet or gateway is refused, naming
#   what differs, and changes nothing, as is a second network of one host
#   on it.  The gateway is a localport LSP ovsnet-gw-SWITCH with the
#   gateway's address, and every host has a port on br-int bound to it, all
#   with the same MAC.
# - Endpoints: CreateEndpoint answers once the Interface is ovn-installed;
#   the LSP is named after the endpoint, addresses and port_security are
#   "MAC IP", external_ids name network, endpoint and host; its binding is
#   on the host's chassis; DeleteEndpoint removes the LSP.
# - Traffic: TCP data (checked) between containers on every pair of hosts
#   and on one host, to the gateway, and to an "outside" namespace behind
#   each host, which has no route back to the containers (NAT).
# - No flooding: an ARP from a container for one on another host is
#   answered with no Geneve packet on the underlay; a broadcast on a
#   network that host 3 has no port in reaches host 2 (which has one) and
#   never host 3.
# - Port security: a container sending with another source IP, then with
#   another source MAC, gets nothing to the other container (captured
#   there), which its own address and MAC do get.
# - The switch and its gateway LSP go with the last host's DeleteNetwork,
#   not before.
# - Faults: kill -9 of the SB leader (new endpoints attach at once on the
#   dead member's host and another, traffic flows; the member comes back);
#   kill -9 of ovsnetd (traffic flows meanwhile; after its restart its
#   endpoints are still there, new ones attach); kill -9 and restart of
#   ovn-controller; restart of a host's ovsdb-server; --ovn-nb with no
#   server behind it: CreateNetwork fails with an error naming it (not a
#   hang, not a transport error); kill -9 of the NB leader, as the SB's.
# - IPAM: a RequestAddress that fails (its time is up) while its write is
#   in flight in a cluster without a majority: once the cluster commits
#   the write, the address goes back to the pool.
# - Host 3 dies (ovsnetd, ovn-controller, its NB and SB members: kill -9)
#   and its chassis is deleted: its LSPs and its note on the switch go, the
#   others' stay, traffic between hosts 1 and 2 flows.
# - network/list shows the switch, endpoint/list the port, its binding
#   state and (last check) its chassis.
# - At the end, nothing of ovsnet's is left in the Northbound database.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/ovn-lib.sh"

ovn_setup 3

# _start_ovsnetd I [OPTION...]
#
# After a leader of a cluster is killed, OVN itself (ovn-northd's and
# ovn-controller's reconnections, with their back-off of up to 8 s) took
# 16 s here once to bind a new port: more than ovsnetd's default 15 s.
# What this test checks is that the calls succeed, not how fast
# (bench/bench-ovn.sh measures that): they may wait longer, as Docker
# itself would.
_start_ovsnetd() {
    local i=$1
    shift
    mh_start_ovsnetd "$i" --ovn-nb="$OVN_NB_REMOTES" --timeout=60 "$@"
}
mh_each _start_ovsnetd 1 2 3

declare -A NET NETG
for i in 1 2 3; do
    NET[$i]=$(gen_id "b$i")
    NETG[$i]=$(gen_id "c$i")
done
# ovn_body SWITCH ID V4POOL V4GW: a CreateNetwork of switch SWITCH.
ovn_body() {
    GENERIC="{\"ovs.ovn\": \"$1\"}" net_body "${@:2}"
}

# nb_get TABLE RECORD COLUMN[:KEY]: a value in the Northbound database,
# unquoted (nothing if the row is not there).
nb_get() {
    ovn_nbctl --if-exists get "$1" "$2" "$3" 2> /dev/null \
        | sed 's/^"\(.*\)"$/\1/'
}

# ls_exists NAME / lsp_exists NAME
ls_exists() {
    [ -n "$(ovn_nbctl --bare --columns=_uuid find Logical_Switch "name=$1")" ]
}
lsp_exists() {
    [ -n "$(ovn_nbctl --bare --columns=_uuid find Logical_Switch_Port \
            "name=$1")" ]
}

# iface_of I IFACE-ID: the name of host I's Interface with that iface-id.
iface_of() {
    mh_vsctl "$1" --bare --columns=name find Interface \
        "external_ids:iface-id=$2" | grep . || true
}

# installed I IFACE-ID: that Interface is ovn-installed, now.
installed() {
    [ "$(mh_vsctl "$1" --bare --columns=name find Interface \
             "external_ids:iface-id=$2" external_ids:ovn-installed=true)" ]
}

# rm_ctr NAME: Leave and DeleteEndpoint of container NAME.
rm_ctr() {
    local host ep net
    host=$(mh_chost "$1")
    ep=$(mh_cep "$1")
    net=$(_mh_cfield "$1" 5)
    mh_rpc_ok "$host" NetworkDriver.Leave "$(ids_body "$net" "$ep")"
    mh_rpc_ok "$host" NetworkDriver.DeleteEndpoint "$(ids_body "$net" "$ep")"
}

# geneve PCAP [HOST-IP]: Geneve packets in PCAP (to HOST-IP).
geneve() {
    local f='udp port 6081'
    [ -z "${2-}" ] || f="$f and dst host $2"
    tcpdump -r "$1" -nn "$f" 2> /dev/null | grep -c . || true
}

# seen_in NAME FILTER COMMAND...: runs COMMAND while capturing on container
# NAME's eth0; prints how many packets matched FILTER.
seen_in() {
    local name=$1 filter=$2 f
    shift 2
    f=$SANDBOX_DIR/seen.$RANDOM.pcap
    mh_capture_start "$(mh_cns "$name")" eth0 "$f" "$filter"
    "$@" > /dev/null 2>&1 || true
    sleep 0.2
    mh_capture_stop "$f"
    tcpdump -r "$f" -nn 2> /dev/null | grep -c . || true
}

# ---------------------------------------------------------------------------
log "=== the network on three hosts"

# net_ok I: host I creates blue, under its own network ID.
net_ok() {
    mh_rpc_ok "$1" NetworkDriver.CreateNetwork \
        "$(ovn_body blue "${NET[$1]}" 198.51.100.0/24 198.51.100.1/24)"
    check_eq "logical switches named blue after host $1" 1 \
        "$(ovn_nbctl --bare --columns=_uuid find Logical_Switch name=blue \
           | grep -c .)"
    check_eq "blue's external_ids:ovsnet-host-(host $1's chassis)" \
        "${NET[$1]}" "$(nb_get Logical_Switch blue \
                        "external_ids:ovsnet-host-$(ovn_chassis_name "$1")")"
}
net_ok 1
net_ok 2
check_eq "blue's external_ids:ovsnet-subnets" 198.51.100.0/24 \
    "$(nb_get Logical_Switch blue external_ids:ovsnet-subnets)"

log "--- refused: another subnet, another gateway"
before=$(ovn_nbctl list Logical_Switch blue | grep -v '^ports ')
X=$(gen_id d1)
mh_rpc_err 3 NetworkDriver.CreateNetwork \
    "$(ovn_body blue "$X" 203.0.113.0/24 203.0.113.1/24)"
check_imatch "refusal of another subnet" 'subnet.*198\.51\.100\.0/24' \
    "$ERR_MSG"
mh_rpc_err 3 NetworkDriver.CreateNetwork \
    "$(ovn_body blue "$X" 198.51.100.0/24 198.51.100.254/24)"
check_imatch "refusal of another gateway" 'gateway' "$ERR_MSG"
check_eq "switch blue after the refusals" "$before" \
    "$(ovn_nbctl list Logical_Switch blue | grep -v '^ports ')"
check_nomatch "host 3's network/list after the refusals" "$(short "$X")" \
    "$(mh_appctl 3 network/list)"
net_ok 3
log "--- refused: a second network of host 3 on blue"
mh_rpc_err 3 NetworkDriver.CreateNetwork \
    "$(ovn_body blue "$X" 198.51.100.0/24 198.51.100.1/24)"

check_eq "type of ovsnet-gw-blue" localport \
    "$(ovn_nbctl lsp-get-type ovsnet-gw-blue)"
gw_addr=$(ovn_nbctl lsp-get-addresses ovsnet-gw-blue)
check_match "addresses of ovsnet-gw-blue" \
    '^([0-9a-f]{2}:){5}[0-9a-f]{2} 198\.51\.100\.1$' "$gw_addr"
gw_mac=${gw_addr%% *}
for i in 1 2 3; do
    gwif=$(iface_of "$i" ovsnet-gw-blue)
    [ -n "$gwif" ] \
        || fail "host $i: no Interface with iface-id=ovsnet-gw-blue"
    check_eq "host $i: bridge of $gwif" br-int \
        "$(mh_vsctl "$i" port-to-br "$gwif")"
    check_eq "host $i: MAC of the gateway port $gwif" "$gw_mac" \
        "$(ip -n "$(mh_ns "$i")" -j link show dev "$gwif" \
           | jq -r '.[0].address')"
done

# ---------------------------------------------------------------------------
log "=== endpoints"

# CreateEndpoint answers once ovn-controller has installed the port.
E0=$(gen_id e0)
mh_rpc_ok 3 NetworkDriver.CreateEndpoint \
    "$(ep_body "${NET[3]}" "$E0" 198.51.100.39/24)"
installed 3 "$E0" \
    || fail "CreateEndpoint answered before ovn-installed on $E0's Interface"
lsp_exists "$E0" || fail "no LSP $E0"
mh_rpc_ok 3 NetworkDriver.DeleteEndpoint "$(ids_body "${NET[3]}" "$E0")"
! lsp_exists "$E0" || fail "LSP $E0 still there after DeleteEndpoint"
[ -z "$(iface_of 3 "$E0")" ] || fail "$E0's Interface still on host 3"

mh_container 1 c1 "${NET[1]}" "$(gen_id a1)" 198.51.100.11/24
mh_container 2 c2 "${NET[2]}" "$(gen_id a2)" 198.51.100.21/24
mh_container 3 c3 "${NET[3]}" "$(gen_id a3)" 198.51.100.31/24
mh_container 1 c4 "${NET[1]}" "$(gen_id a4)" 198.51.100.12/24

for c in c1 c2 c3 c4; do
    ep=$(mh_cep "$c")
    host=$(mh_chost "$c")
    want="$(mh_cmac "$c") $(mh_cip "$c")"
    check_eq "addresses of LSP $c" "$want" \
        "$(ovn_nbctl lsp-get-addresses "$ep")"
    check_eq "port_security of LSP $c" "$want" \
        "$(ovn_nbctl lsp-get-port-security "$ep")"
    check_eq "switch of LSP $c" blue "$(ovn_nbctl lsp-get-ls "$ep" \
        | sed 's/.*(\(.*\))$/\1/')"
    check_eq "external_ids:ovsnet-endpoint of LSP $c" "$ep" \
        "$(nb_get Logical_Switch_Port "$ep" external_ids:ovsnet-endpoint)"
    check_eq "external_ids:ovsnet-network of LSP $c" "${NET[$host]}" \
        "$(nb_get Logical_Switch_Port "$ep" external_ids:ovsnet-network)"
    check_eq "external_ids:ovsnet-host of LSP $c" \
        "$(ovn_chassis_name "$host")" \
        "$(nb_get Logical_Switch_Port "$ep" external_ids:ovsnet-host)"
    check_eq "chassis of LSP $c" "$(ovn_chassis_name "$host")" \
        "$(ovn_port_chassis "$ep")"
    installed "$host" "$ep" || fail "$c's Interface is not ovn-installed"
    check_eq "bridge of $c's port" br-int \
        "$(mh_vsctl "$host" port-to-br "$(iface_of "$host" "$ep")")"
done

# ---------------------------------------------------------------------------
log "=== traffic"

for a in c1 c2 c3; do
    for b in c1 c2 c3; do
        [ "$a" = "$b" ] || mh_tcp_ok "$a" "$b"
    done
done
mh_tcp_ok c1 c4
mh_tcp_ok c4 c1
for c in c1 c2 c3; do
    mh_ping_ok "$c" 198.51.100.1
done
mh_tcp_to_host_ok c2 198.51.100.1
mh_tcp_to_host_ok c3 198.51.100.1

log "--- the outside, through NAT on each host"
declare -A OUT
for i in 1 2 3; do
    OUT[$i]=$(sandbox_netns "out$i")
    ip -n "$(mh_ns "$i")" link add uplink type veth peer name eth0 \
        netns "${OUT[$i]}"
    ip -n "$(mh_ns "$i")" addr add 203.0.113.129/25 dev uplink
    ip -n "$(mh_ns "$i")" link set uplink up
    ip -n "${OUT[$i]}" addr add 203.0.113.130/25 dev eth0
    ip -n "${OUT[$i]}" link set eth0 up
done
for i in 1 2 3; do
    # The outside has no route to 198.51.100.0/24: only NAT answers.
    _mh_tcp "$(mh_cns "c$i")" "${OUT[$i]}" 203.0.113.130 \
        "TCP from c$i to host $i's outside (203.0.113.130)"
done

# ---------------------------------------------------------------------------
log "=== no flooding"

cap=$SANDBOX_DIR/ul.pcap
mh_ul_capture_start "$cap"
mh_cexec c1 ping -c 2 -i 0.2 -W 1 198.51.100.21 > /dev/null || true
mh_ul_capture_stop
check_int_cmp "Geneve packets of a ping from c1 to c2 (the capture works)" \
    -gt 0 "$(geneve "$cap")"

mh_cexec c1 ip neigh flush dev eth0
cap=$SANDBOX_DIR/arp.pcap
mh_ul_capture_start "$cap"
out=$(mh_cexec c1 "$MH_BUSYBOX" arping -c 3 -w 3 -I eth0 198.51.100.21 2>&1) \
    || fail "c1's ARP for c2 (198.51.100.21) got no answer: $out"
mh_ul_capture_stop
check_contains "c1's arping of c2" "Received 3 response" "$out"
check_eq "Geneve packets on the underlay while c1 resolved c2" 0 \
    "$(geneve "$cap")"

log "--- broadcasts reach only the hosts with ports"
for i in 1 2; do
    mh_rpc_ok "$i" NetworkDriver.CreateNetwork \
        "$(ovn_body green "${NETG[$i]}" 203.0.113.0/25 203.0.113.1/25)"
done
mh_container 1 g1 "${NETG[1]}" "$(gen_id f1)" 203.0.113.11/25
mh_container 2 g2 "${NETG[2]}" "$(gen_id f2)" 203.0.113.12/25
mh_tcp_ok g1 g2
cap=$SANDBOX_DIR/bcast.pcap
mh_ul_capture_start "$cap"
for n in 1 2 3; do
    mh_broadcast g1 203.0.113.99
done
mh_ul_capture_stop
check_int_cmp "Geneve packets to host 2 (g2's) during g1's broadcasts" \
    -gt 0 "$(geneve "$cap" "$(mh_underlay_ip 2)")"
check_eq "Geneve packets to host 3 (no port in green) during g1's broadcasts" \
    0 "$(geneve "$cap" "$(mh_underlay_ip 3)")"

log "--- the switch goes with the last host"
rm_ctr g1
rm_ctr g2
mh_rpc_ok 1 NetworkDriver.DeleteNetwork "$(ids_body "${NETG[1]}")"
ls_exists green || fail "switch green deleted while host 2 still uses it"
lsp_exists ovsnet-gw-green \
    || fail "ovsnet-gw-green deleted while host 2 uses it"
mh_rpc_ok 2 NetworkDriver.DeleteNetwork "$(ids_body "${NETG[2]}")"
wait_while "switch green after the last DeleteNetwork" ls_exists green
! lsp_exists ovsnet-gw-green || fail "ovsnet-gw-green left behind"
for i in 1 2; do
    [ -z "$(iface_of "$i" ovsnet-gw-green)" ] \
        || fail "host $i: the gateway port of green left on br-int"
done

# ---------------------------------------------------------------------------
log "=== port security"

c1_ip=$(mh_cip c1)
n=$(seen_in c2 "icmp and src host $c1_ip" \
        mh_cexec c1 ping -c 3 -i 0.2 -W 1 198.51.100.21)
check_int_cmp "echo requests from c1's own address seen by c2" -gt 0 "$n"

mh_cexec c1 ip addr add 198.51.100.99/24 dev eth0
n=$(seen_in c2 "icmp and src host 198.51.100.99" \
        mh_cexec c1 ping -c 3 -i 0.2 -W 1 -I 198.51.100.99 198.51.100.21)
check_eq "echo requests from a spoofed IP (198.51.100.99) seen by c2" 0 "$n"
mh_cexec c1 ip addr del 198.51.100.99/24 dev eth0

mh_cexec c1 ip link set eth0 address 02:00:5e:00:53:99
n=$(seen_in c2 "icmp and src host $c1_ip" \
        mh_cexec c1 ping -c 3 -i 0.2 -W 1 198.51.100.21)
check_eq "echo requests from c1 with a spoofed MAC seen by c2" 0 "$n"
mh_cexec c1 ip link set eth0 address "$(mh_cmac c1)"
mh_tcp_ok c1 c2

# ---------------------------------------------------------------------------
log "=== faults"

# after_fault WHAT HOST NAME...: a new container on HOST and on the host
# after it, TCP between them and between c1 and c2.
n_new=0
after_fault() {
    local what=$1 h=$2 h2 a b
    h2=$((h % 3 + 1))
    n_new=$((n_new + 1))
    a=f${n_new}a b=f${n_new}b
    log "--- after $what: new endpoints on hosts $h and $h2"
    mh_container "$h" "$a" "${NET[$h]}" "$(gen_id "f$n_new")" \
        "198.51.100.$((100 + 2 * n_new))/24"
    mh_container "$h2" "$b" "${NET[$h2]}" "$(gen_id "f$n_new")" \
        "198.51.100.$((101 + 2 * n_new))/24"
    mh_tcp_ok "$a" "$b"
    mh_tcp_ok "$b" c1
    mh_tcp_ok c1 c2
}

# leader_fault nb|sb: kill -9 of that cluster's leader, new endpoints at
# once (no wait: Docker's calls do not wait either), then the member back.
leader_fault() {
    local db=$1 leader
    leader=$(ovn_leader "$db") || fail "no $db leader"
    ovn_kill_member "$leader" "$db"
    after_fault "kill -9 of the $db leader (host $leader)" "$leader"
    ovn_setup_host "$leader" > /dev/null
    wait_until "host $leader's $db member back, following a leader" \
        _member_follows "$leader" "$db"
}

# _member_follows I nb|sb: host I's member is in the cluster and knows its
# leader (it is caught up).
_member_follows() {
    local st
    st=$(ovn_cluster_status "$1" "$2") || return 1
    grep -q '^Status: cluster member' <<< "$st" \
        && grep -Eq '^Leader: ([0-9a-f]{4}|self)' <<< "$st"
}

leader_fault sb

log "--- kill -9 of host 2's ovsnetd"
mh_kill_ovsnetd 2
mh_tcp_ok c1 c2
_start_ovsnetd 2
check_eq "addresses of c2's LSP after ovsnetd's restart" \
    "$(mh_cmac c2) $(mh_cip c2)" \
    "$(ovn_nbctl lsp-get-addresses "$(mh_cep c2)")"
after_fault "kill -9 and restart of ovsnetd" 2

log "--- kill -9 of host 3's ovn-controller, and its restart"
pid=$(ovn_running_pid 3 ovn-controller)
kill -KILL "$pid"
wait_while "host 3's ovn-controller" pid_alive "$pid"
ovn_setup_host 3 > /dev/null
after_fault "a restart of ovn-controller" 3
mh_tcp_ok c3 c1

log "--- restart of host 1's ovsdb-server"
_mh_on 1 ovsdb_restart
after_fault "a restart of ovsdb-server" 1
mh_tcp_ok c4 c3

log "--- --ovn-nb with nobody behind it"
OVSNET_DRIVER=ovnbad mh_start_ovsnetd 3 --ovn-nb=tcp:192.0.2.99:6641 \
    --timeout=5
OVSNET_DRIVER=ovnbad mh_rpc_err 3 NetworkDriver.CreateNetwork \
    "$(ovn_body blue "$(gen_id d2)" 198.51.100.0/24 198.51.100.1/24)"
check_imatch "CreateNetwork with an unreachable Northbound database" \
    '192\.0\.2\.99|northbound|OVN_Northbound' "$ERR_MSG"
OVSNET_DRIVER=ovnbad mh_stop_ovsnetd 3

leader_fault nb

# ---------------------------------------------------------------------------
log "=== IPAM: a RequestAddress given up gives back what it took"

# Host 1's ovsnetd answers within 1 s (--timeout=1).  The two NB members
# that do not lead stop (SIGSTOP): the leader cannot commit host 1's write,
# the call fails after 1 s; they go on (SIGCONT) and the write commits: the
# address it took must go back to the pool.  (A leader without a majority
# steps down after 1 to 2 s, and the write may then be lost instead: tried
# again, up to 5 times.)
IPAM_POOL=203.0.113.64/26
ipam_set=ovsnet_pool_203.0.113.64_26
pool_state() {
    ovn_nbctl --bare --columns=addresses,external_ids find Address_Set \
        "name=$ipam_set"
}
mh_stop_ovsnetd 1
_start_ovsnetd 1 --timeout=1
mh_rpc_ok 1 IpamDriver.RequestPool "{\"AddressSpace\": \"LocalDefault\", \
    \"Pool\": \"$IPAM_POOL\", \"SubPool\": \"\", \"Options\": {}, \"V6\": false}"
mh_rpc_ok 1 IpamDriver.RequestAddress "{\"PoolID\": \"$IPAM_POOL\", \
    \"Address\": \"\", \"Options\": {}}"
kept=$(printf '%s' "$REPLY" | jq -r .Address)
check_eq "address of the first RequestAddress" 203.0.113.65/26 "$kept"
before=$(pool_state)
given_back=false
for try in 1 2 3 4 5; do
    wait_until "a leader of the nb cluster" ovn_leader nb
    leader=$(ovn_leader nb)
    stopped=()
    for i in 1 2 3; do
        [ "$i" = "$leader" ] || stopped+=("$(ovn_running_pid "$i" ovnnb_db)")
    done
    log "try $try: SIGSTOP to the NB members ${stopped[*]} (leader: host $leader)"
    kill -STOP "${stopped[@]}"
    mh_rpc_err 1 IpamDriver.RequestAddress "{\"PoolID\": \"$IPAM_POOL\", \
        \"Address\": \"\", \"Options\": {}}" 503
    kill -CONT "${stopped[@]}"
    # Time for the write to commit, or for an election (not a check).
    sleep 3
    wait_until "the pool as before the given-up RequestAddress" \
        eval '[ "$(pool_state)" = "$before" ]'
    if grep -q "taken for a RequestAddress given up" \
            "$(mh_dir 1)/ovsnetd.log"; then
        given_back=true
        break
    fi
done
$given_back || fail "the write of a given-up RequestAddress never committed" \
    "in 5 tries: nothing was given back"
mh_rpc_ok 1 IpamDriver.ReleaseAddress "{\"PoolID\": \"$IPAM_POOL\", \
    \"Address\": \"${kept%/*}\"}"
mh_rpc_ok 1 IpamDriver.ReleasePool "{\"PoolID\": \"$IPAM_POOL\"}"
check_eq "Address_Set $ipam_set after ReleasePool" "" "$(pool_state)"
mh_stop_ovsnetd 1
_start_ovsnetd 1
_h1_on_blue() {
    mh_appctl 1 network/list | grep -q "ovn: logical switch blue (3 hosts"
}
wait_until "host 1's ovsnetd back on the Northbound database" _h1_on_blue

# ---------------------------------------------------------------------------
log "=== ovs-appctl shows the switch, the port and the binding"

for i in 1 2 3; do
    check_contains "host $i: network/list" \
        "ovn: logical switch blue (3 hosts" "$(mh_appctl "$i" network/list)"
done
# c1's row and the lines under it.
eplist=$(mh_appctl 1 endpoint/list)
out=$(printf '%s\n' "$eplist" | awk -v id="$(mh_cep c1 | cut -c1-12)" '
    /^[^ ]/ { on = ($1 == id) } on')
check_contains "host 1: endpoint/list, c1" "ovn: switch blue" "$out"
check_contains "host 1: endpoint/list, c1" "up true, ovn-installed" "$out"

# ---------------------------------------------------------------------------
log "=== host 3 dies, its chassis is deleted"

gone=$(ovn_chassis_name 3)
# host_ports CHASSIS: the LSPs whose external_ids:ovsnet-host is CHASSIS
# (fails if ovn-nbctl does).
host_ports() {
    local out
    out=$(ovn_nbctl --bare --columns=name find Logical_Switch_Port \
              "external_ids:ovsnet-host=$1") || return 1
    printf '%s\n' "$out" | grep . || true
}
check_int_cmp "host 3's LSPs before" -gt 0 "$(host_ports "$gone" | grep -c .)"
mh_kill_ovsnetd 3
for d in ovn-controller ovnnb_db ovnsb_db; do
    pid=$(ovn_running_pid 3 "$d")
    kill -KILL "$pid"
done
for db in nb sb; do
    wait_until "a leader of the $db cluster without host 3" ovn_leader "$db"
done
ovn_sbctl chassis-del "$gone"
# ovsnetd waits 30 s after a chassis has gone.  (While ovn-nbctl fails,
# the ports count as there.)
_h3_has_ports() {
    local p
    p=$(host_ports "$gone") || return 0
    [ -n "$p" ]
}
OVSNET_WAIT=90 wait_while "host 3's LSPs after its chassis is gone" \
    _h3_has_ports
check_eq "blue's external_ids:ovsnet-host-$gone" "" \
    "$(nb_get Logical_Switch blue "external_ids:ovsnet-host-$gone")"
for i in 1 2; do
    check_eq "blue's external_ids:ovsnet-host-(host $i)" "${NET[$i]}" \
        "$(nb_get Logical_Switch blue \
           "external_ids:ovsnet-host-$(ovn_chassis_name "$i")")"
done
check_int_cmp "host 1's LSPs" -gt 0 \
    "$(host_ports "$(ovn_chassis_name 1)" | grep -c .)"
mh_tcp_ok c1 c2

# ---------------------------------------------------------------------------
log "=== everything deleted"

for c in $(mh_containers); do
    case $c:$(mh_chost "$c") in
        g*|*:3) ;;
        *) rm_ctr "$c" ;;
    esac
done
for i in 1 2; do
    mh_rpc_ok "$i" NetworkDriver.DeleteNetwork "$(ids_body "${NET[$i]}")"
done
wait_while "switch blue after the last DeleteNetwork" ls_exists blue
check_eq "logical switch ports left" "" \
    "$(ovn_nbctl --bare --columns=name list Logical_Switch_Port)"
check_eq "rows of ovsnet's left in the Northbound database" 0 \
    "$(ovn_nbctl list Logical_Switch -- list Logical_Switch_Port \
       -- list Address_Set | grep -c ovsnet || true)"

# The issue asks endpoint/list for the chassis too (checked last, so that
# the rest runs while it does not).
check_contains "host 1: endpoint/list, c1's chassis" "$(ovn_chassis_name 1)" \
    "$out"

log "done"
