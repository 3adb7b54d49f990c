#!/bin/bash
# test-concurrent: calls arriving together, as when Docker starts several
# containers at once, and over keep-alive connections, as Docker's client
# makes them.

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

sandbox_start

N_PAR=10

# par_calls NAME PATH BODY-FILE...: one call per BODY-FILE, all at once;
# waits for all of them and leaves each one's status in $T/NAME.I.rc and
# its reply in $T/NAME.I.out.
par_calls() {
    local name=$1 path=$2 i=0 f pids=() start
    shift 2
    start=$(date +%s%N)
    for f in "$@"; do
        ( rc=0
          "$OVSNET_CALL" --timeout="$OVSNET_CALL_TIMEOUT" "$T/ovs.sock" \
              "$path" "@$f" > "$T/$name.$i.out" 2> "$T/$name.$i.err" || rc=$?
          echo $rc > "$T/$name.$i.rc" ) &
        pids+=($!)
        i=$((i + 1))
    done
    wait "${pids[@]}"
    log "$# x $path together: $(( ($(date +%s%N) - start) / 1000000 )) ms"
}

# par_check NAME COUNT: all COUNT calls got HTTP 200.
par_check() {
    local i
    for ((i = 0; i < $2; i++)); do
        check_eq "$1 call $i: status ($(cat "$T/$1.$i.err") $(cat "$T/$1.$i.out"))" \
            0 "$(cat "$T/$1.$i.rc")"
    done
}

# ---------------------------------------------------------------------------
log "=== keep-alive: several calls over one connection"

out=$("$OVSNET_CALL" --timeout=30 --repeat=3 "$T/ovs.sock" Plugin.Activate \
      2> "$T/repeat.err") || fail "3 x Activate: $(cat "$T/repeat.err")"
check_eq "3 x Activate over one connection" \
    "$(printf '%s\n' '{"Implements":["NetworkDriver","IpamDriver"]}' \
       '{"Implements":["NetworkDriver","IpamDriver"]}' '{"Implements":["NetworkDriver","IpamDriver"]}')" \
    "$(printf '%s\n' "$out" | jq -c .)"
log "$(cat "$T/repeat.err")"
out=$("$OVSNET_CALL" --timeout=30 --repeat=2 "$T/ovs.sock" \
      NetworkDriver.GetCapabilities 2> "$T/repeat.err") \
    || fail "2 x GetCapabilities: $(cat "$T/repeat.err")"
check_eq "2 x GetCapabilities" '"local" "local"' \
    "$(printf '%s\n' "$out" | jq -c .Scope | tr '\n' ' ' | sed 's/ $//')"

# ---------------------------------------------------------------------------
log "=== networks created together"

nets=()
files=()
for ((i = 0; i < 4; i++)); do
    nets+=("$(gen_id "$((i + 1))")")
    net_body "${nets[$i]}" "192.0.2.$((i * 64))/26" \
        "192.0.2.$((i * 64 + 1))/26" > "$T/net.$i.json"
    files+=("$T/net.$i.json")
done
par_calls net NetworkDriver.CreateNetwork "${files[@]}"
par_check net 4
for net in "${nets[@]}"; do
    bridge_exists "ovsbr-$(short "$net")" || fail "no bridge for $net"
    port_exists "ovsgw-$(short "$net")" || fail "no gateway port for $net"
done

# ---------------------------------------------------------------------------
log "=== $N_PAR endpoints created together, on one network"

N=${nets[0]}
eps=()
files=()
for ((i = 0; i < N_PAR; i++)); do
    eps+=("$(gen_id "b$i")")
    ep_body "$N" "${eps[$i]}" "192.0.2.$((i + 2))/26" > "$T/ep.$i.json"
    files+=("$T/ep.$i.json")
done
par_calls ep NetworkDriver.CreateEndpoint "${files[@]}"
par_check ep $N_PAR
macs=()
for ((i = 0; i < N_PAR; i++)); do
    mac=$(jq -r '.Interface.MacAddress // ""' "$T/ep.$i.out")
    check_match "generated MAC of endpoint $i" \
        '^[0-9a-f][26ae](:[0-9a-f]{2}){5}$' "$mac"
    macs+=("$mac")
    port=ovsep-$(short "${eps[$i]}")
    port_exists "$port" || fail "no port $port"
    check_int_cmp "$port ofport" -gt 0 "$(db_get Interface "$port" ofport)"
    check_eq "$port attached-mac" "$mac" \
        "$(db_get Interface "$port" external_ids:attached-mac)"
    link_exists "ovsct-$(short "${eps[$i]}")" || fail "no peer of $port"
done
check_eq "distinct MACs" $N_PAR \
    "$(printf '%s\n' "${macs[@]}" | sort -u | grep -c .)"
check_eq "ports on the bridge" $((N_PAR + 1)) \
    "$(vsctl list-ports "ovsbr-$(short "$N")" | grep -c .)"

# The same CreateEndpoint twice at once (a retry racing the original).
E=$(gen_id c1)
ep_body "$N" "$E" 192.0.2.60/26 > "$T/dup.json"
par_calls dup NetworkDriver.CreateEndpoint "$T/dup.json" "$T/dup.json"
par_check dup 2
mac0=$(jq -r '.Interface.MacAddress // ""' "$T/dup.0.out")
mac1=$(jq -r '.Interface.MacAddress // ""' "$T/dup.1.out")
check_eq "MACs of a doubled CreateEndpoint" "$mac0" "$mac1"
check_eq "ports of a doubled CreateEndpoint" 1 \
    "$(db_count Interface "external_ids:ovsnet-endpoint=$E")"
eps+=("$E")

# ---------------------------------------------------------------------------
log "=== joins together"

files=()
for ((i = 0; i < N_PAR; i++)); do
    join_body "$N" "${eps[$i]}" > "$T/join.$i.json"
    files+=("$T/join.$i.json")
done
par_calls join NetworkDriver.Join "${files[@]}"
par_check join $N_PAR
for ((i = 0; i < N_PAR; i++)); do
    check_json .InterfaceName.SrcName "\"ovsct-$(short "${eps[$i]}")\"" \
        "$(cat "$T/join.$i.out")"
    check_json .Gateway '"192.0.2.1"' "$(cat "$T/join.$i.out")"
done

# ---------------------------------------------------------------------------
log "=== deletes together"

files=()
for ((i = 0; i < ${#eps[@]}; i++)); do
    ids_body "$N" "${eps[$i]}" > "$T/del.$i.json"
    files+=("$T/del.$i.json")
done
par_calls leave NetworkDriver.Leave "${files[@]}"
par_check leave ${#eps[@]}
par_calls del NetworkDriver.DeleteEndpoint "${files[@]}"
par_check del ${#eps[@]}
for ep in "${eps[@]}"; do
    ! port_exists "ovsep-$(short "$ep")" || fail "port of $ep still there"
done
for ep in "${eps[@]}"; do
    wait_while "link ovsep-$(short "$ep")" link_exists "ovsep-$(short "$ep")"
    wait_while "link ovsct-$(short "$ep")" link_exists "ovsct-$(short "$ep")"
done

files=()
for ((i = 0; i < ${#nets[@]}; i++)); do
    ids_body "${nets[$i]}" > "$T/delnet.$i.json"
    files+=("$T/delnet.$i.json")
done
par_calls delnet NetworkDriver.DeleteNetwork "${files[@]}"
par_check delnet ${#nets[@]}
for net in "${nets[@]}"; do
    ! bridge_exists "ovsbr-$(short "$net")" || fail "bridge of $net still there"
done
check_eq "ovsnet ports left" 0 "$(db_count Port external_ids:ovsnet-role=endpoint)"
ovsnetd_running || fail "ovsnetd died"
log "PASS"
