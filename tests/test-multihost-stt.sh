#!/bin/bash
# test-multihost-stt: tunnel network options on two simulated hosts.
#
# - Bad ovs.tunnel, ovs.vni, ovs.peers, ovs.local_ip and ovs.vxlan_device
#   values are refused,
#   naming the option and the value, and leave nothing behind.
# - ovs.tunnel=stt: the ports are configured as asked (type stt, remote_ip,
#   key), ovsnetd warns once (no Linux datapath of OVS 3.x carries STT:
#   neither the kernel's nor the userspace one), and tunnel/list shows the
#   ports with their state.  No traffic is expected.
# - ovs.local_ip: a vxlan network (Open vSwitch's ports) whose hosts name
#   their own underlay address carries traffic.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/multihost-lib.sh"

mh_setup 2

# ---------------------------------------------------------------------------
log "=== bad options"

B=$(gen_id bad)
# bad_option KEY=VALUE [BAD]: CreateNetwork with that option (on top of a
# valid vxlan one) fails, naming KEY and VALUE (or the BAD part of it).
bad_option() {
    local kv=$1 body
    body=$(GENERIC=$(mh_generic vxlan 6001 "$kv") \
           net_body "$B" 203.0.113.0/24 203.0.113.1/24)
    mh_rpc_err 1 NetworkDriver.CreateNetwork "$body"
    check_contains "error for $kv" "${kv%%=*}" "$ERR_MSG"
    check_contains "error for $kv" "${2:-${kv#*=}}" "$ERR_MSG"
}
bad_option ovs.tunnel=bogus
bad_option ovs.tunnel=VXLAN-ish
bad_option ovs.vni=abc
bad_option ovs.vni=-1
bad_option ovs.peers=192.0.2.300
bad_option ovs.peers=192.0.2.12,bogus bogus
bad_option ovs.local_ip=not-an-ip
bad_option ovs.vxlan_device=linux
check_eq "rows left of the refused networks" 0 \
    "$(mh_vsctl 1 --no-wait --bare --columns=_uuid find Port \
           "external_ids:ovsnet-network=$B" | grep -c . || true)"
check_eq "bridges on host 1 after the refusals" br-phy \
    "$(mh_vsctl 1 --no-wait list-br | tr '\n' ' ' | sed 's/ $//')"

# ---------------------------------------------------------------------------
log "=== STT"

S=$(gen_id 5e)
GENERIC=$(mh_generic stt 7001) \
    mh_create_network "$S" 198.51.100.0/24 198.51.100.1/24
# One endpoint per host: it makes the daemon run reconcile passes, which
# must not repeat the warning.
for i in 1 2; do
    mh_container "$i" "s$i" "$S" "$(gen_id "5$i")" "198.51.100.$((60 + i))/24"
done

for i in 1 2; do
    j=$((3 - i))
    deadline=$((SECONDS + OVSNET_WAIT))
    until [ "$(mh_tunnels "$i" "$S" | wc -l)" = 1 ]; do
        [ $SECONDS -lt $deadline ] \
            || fail "host $i: no single tunnel port for $S: $(mh_tunnels "$i" "$S")"
        sleep 0.2
    done
    read -r name type remote xremote key net ofport prot br link \
        <<< "$(mh_tunnels "$i" "$S")"
    log "host $i: $name type $type remote $remote key $key ofport $ofport link $link"
    check_match "host $i: STT port name" '^ovstn-[0-9a-f]{9}$' "$name"
    check_eq "host $i: $name type" stt "$type"
    check_eq "host $i: $name remote_ip" "192.0.2.1$j" "$remote"
    check_eq "host $i: $name ovsnet-remote-ip" "192.0.2.1$j" "$xremote"
    check_eq "host $i: $name key" 7001 "$key"
    check_eq "host $i: $name protected" true "$prot"
    check_eq "host $i: $name on the network's bridge" \
        "$(mh_vsctl "$i" --no-wait port-to-br "ovsgw-$(short "$S")")" "$br"

    out=$(mh_appctl "$i" tunnel/list)
    line=$(printf '%s\n' "$out" | grep -F -- "$name" || true)
    check_contains "host $i: tunnel/list line of $name" "192.0.2.1$j" "$line"
    check_contains "host $i: tunnel/list line of $name" stt "$line"
    # Its state: the ofport, link state or OVS's error, whatever they are.
    err=$(mh_vsctl "$i" --no-wait get Interface "$name" error | tr -d '"')
    if [ "$err" != "[]" ] && [ -n "$err" ]; then
        check_contains "host $i: tunnel/list shows OVS's error" "$err" "$line"
    fi
    [ "$link" = - ] || check_contains "host $i: tunnel/list shows the link state" \
        "$link" "$line"
    [ "$ofport" = - ] || check_match "host $i: tunnel/list shows the ofport" \
        "(^|[[:space:]])$ofport([[:space:]]|$)" "$line"

    out=$(mh_appctl "$i" network/list)
    check_contains "host $i: network/list" stt "$out"
    check_contains "host $i: network/list" 7001 "$out"
done

sleep 2
for i in 1 2; do
    warnings=$(grep '|WARN|' "$(mh_dir "$i")/ovsnetd.log" | grep -F "$S" \
                   | grep -i '[^a-z]stt' || true)
    check_eq "host $i: warnings about STT in ovsnetd's log" 1 \
        "$(printf '%s\n' "$warnings" | grep -c . || true)"
    log "host $i: $(printf '%s\n' "$warnings" | cut -d'|' -f5-)"
done

# ---------------------------------------------------------------------------
log "=== ovs.local_ip"

L=$(gen_id 10ca1)
for i in 1 2; do
    body=$(GENERIC=$(mh_generic vxlan 7002 "ovs.local_ip=192.0.2.1$i" \
                         ovs.vxlan_device=ovs) \
           net_body "$L" 203.0.113.0/24 203.0.113.1/24)
    mh_rpc_ok "$i" NetworkDriver.CreateNetwork "$body"
    mh_container "$i" "l$i" "$L" "$(gen_id "1$i")" "203.0.113.$((10 + i))/24"
done
for i in 1 2; do
    j=$((3 - i))
    check_eq "host $i: tunnel ports of $L (to the other host only)" "192.0.2.1$j" \
        "$(mh_tunnels "$i" "$L" | awk '{print $3}')"
done
mh_ping_ok l1 203.0.113.12
mh_ping_ok l2 203.0.113.11
mh_tcp_ok l1 l2
mh_tcp_ok l2 l1

log "done"
