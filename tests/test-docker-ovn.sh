#!/bin/bash
# test-docker-ovn: ovsnet's OVN mode under real Docker daemons, one per host
# of tests/ovn-lib.sh (three hosts, NB and SB Raft clusters of three,
# ovn-controller and ovsnetd --ovn-nb on each), with ovsnet's IPAM driver.
#
# - "docker network create -d ovs --ipam-driver ovs --subnet 198.51.100.0/24
#   --gateway 198.51.100.1 -o ovs.ovn=blue blue" on each host: one logical
#   switch blue, and the pool in the Northbound database (an Address_Set
#   ovsnet_pool_...), with no --ip-range anywhere.
# - A container on each host ("docker run"): distinct addresses, and each
#   fetches 1 MB over TCP (checked) from the two others, and pings the
#   gateway.
# - 3 hosts x 50 "docker run" at once on the network: every one runs, all
#   153 addresses are distinct; once the 150 are removed ("docker rm -f", at
#   once too), their LSPs are gone and the pool holds only what the three
#   first containers (and the gateway) hold: no address lost, none leaked;
#   50 more on one host then run again.
# - Host 3 dies (ovsnetd and ovn-controller killed) and its chassis is
#   deleted: the address of its container goes back to the pool, its LSP
#   goes, the others' stay; once back, removing that container leaves
#   nothing of host 3's.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovn-lib.sh"

docker_find_tools
ovn_setup 3
# 150 "docker run" at once on 2 CPUs load the machine to 30 or more: OVN
# (ovn-northd, ovn-controller, the Raft clusters) may then take longer than
# ovsnet's default 15 s to install a port.  What this test checks is the
# addresses, not the latency (bench/bench-ovn.sh measures that): the calls
# may wait longer, as Docker itself would (it never times out).
_start_ovsnetd() {
    mh_start_ovsnetd "$1" --ovn-nb="$OVN_NB_REMOTES" --timeout=60
}
mh_each _start_ovsnetd 1 2 3

# Its trap replaces ovn-lib.sh's (the dockerds must stop first).
. "$top_srcdir/tests/multihost-docker-lib.sh"
mh_dockerds_start 3

: "${BURST:=50}"

# pool_addresses: the addresses of ovsnet's pools in the Northbound
# database, sorted, one a line.
pool_addresses() {
    local uuid
    for uuid in $(ovn_nbctl --bare --columns=_uuid list Address_Set); do
        case $(ovn_nbctl --bare --columns=name list Address_Set "$uuid") in
            ovsnet_pool_*)
                ovn_nbctl --bare --columns=addresses list Address_Set "$uuid" \
                    | tr ' ' '\n' | sed 's/"//g' | grep . || true
                ;;
        esac
    done | sort -V
}

# blue_ports: the LSPs of switch blue, but the gateway's, one a line.
blue_ports() {
    ovn_nbctl lsp-list blue | awk '{ print $2 }' | tr -d '()' \
        | grep -v '^ovsnet-gw-' || true
}

# ips I: the addresses on blue of host I's containers, one a line.
ips() {
    local ids
    ids=$(dkh "$1" ps -q --filter network=blue)
    [ -n "$ids" ] || return 0
    # shellcheck disable=SC2086
    dkh "$1" inspect -f '{{.NetworkSettings.Networks.blue.IPAddress}}' $ids
}

# ---------------------------------------------------------------------------
log "=== docker network create on each host"

for i in 1 2 3; do
    dkh_ok "$i" network create -d ovs --ipam-driver ovs \
        --subnet 198.51.100.0/24 --gateway 198.51.100.1 -o ovs.ovn=blue \
        blue > /dev/null
    check_eq "host $i: IPAM driver of blue" ovs \
        "$(dkh "$i" network inspect -f '{{.IPAM.Driver}}' blue)"
done
check_eq "logical switches named blue" 1 \
    "$(ovn_nbctl --bare --columns=_uuid find Logical_Switch name=blue \
       | grep -c .)"
check_int_cmp "Address_Sets ovsnet_pool_*" -ge 1 \
    "$(ovn_nbctl --bare --columns=name list Address_Set \
       | grep -c '^ovsnet_pool_' || true)"

# ---------------------------------------------------------------------------
log "=== a container on each host"

declare -A IP
for i in 1 2 3; do
    dkh_ok "$i" run -d --name "c$i" --network blue "$IMAGE" sleep 3600 \
        > /dev/null
    IP[$i]=$(dkh "$i" inspect \
                 -f '{{.NetworkSettings.Networks.blue.IPAddress}}' "c$i")
    check_match "c$i's address" '^198\.51\.100\.[0-9]+$' "${IP[$i]}"
    check_ne "c$i's address" 198.51.100.1 "${IP[$i]}"
    mh_serve "$i" "c$i"
done
check_eq "distinct addresses of c1, c2, c3" 3 \
    "$(printf '%s\n' "${IP[@]}" | sort -u | grep -c .)"
for i in 1 2 3; do
    for j in 1 2 3; do
        [ "$i" = "$j" ] || mh_fetch_across "$i" "c$i" "$j" "c$j" "${IP[$j]}"
    done
    dkh_ok "$i" exec "c$i" ping -c 1 -W 2 198.51.100.1 > /dev/null
done
first=$(pool_addresses)
for i in 1 2 3; do
    printf '%s\n' "$first" | grep -Fqx "${IP[$i]}" \
        || fail "c$i's ${IP[$i]} is not in the pool: $first"
done

# ---------------------------------------------------------------------------
log "=== $BURST docker run at once on each host"

# run_one I NAME: "docker run -d" of NAME on host I.  On this loaded
# machine runc sometimes fails to start a container ("OCI runtime create
# failed: ... broken pipe"), which has nothing to do with the network:
# that container is removed and run again (twice at most); any other
# error is the test's failure.
run_one() {
    local i=$1 name=$2 out try
    for try in 1 2 3; do
        if out=$(dkh "$i" run -d --name "$name" --network blue "$IMAGE" \
                     sleep 3600 2>&1); then
            return 0
        fi
        case $out in
            *"OCI runtime create failed"*) ;;
            *) break ;;
        esac
        # To the test's own stderr (fd 7, multihost-lib.sh's), not the
        # caller's error file.
        log "host $i: $name: runc failed to start it, again: $out" 2>&7
        dkh "$i" rm -f "$name" > /dev/null 2>&1 || true
    done
    echo "$name: $out"
    return 1
}

# burst I K...: run_one of containers bI-K on host I, all at once; fails if
# one failed.
burst() {
    local i=$1 k pids=() bad=0 err
    shift
    err=$SANDBOX_DIR/burst-$i.err
    : > "$err"
    for k in "$@"; do
        run_one "$i" "b$i-$k" >> "$err" 2>&1 &
        pids+=($!)
    done
    for k in "${pids[@]}"; do
        wait "$k" || bad=$((bad + 1))
    done
    [ $bad = 0 ] \
        || fail "host $i: $bad docker run of $# failed: $(head -c 600 "$err")"
}
_burst_host() {
    burst "$1" $(seq 1 "$BURST")
}
mh_each _burst_host 1 2 3
all=$(for i in 1 2 3; do ips "$i"; done)
check_eq "containers on blue" $((3 * BURST + 3)) \
    "$(printf '%s\n' "$all" | grep -c .)"
dups=$(printf '%s\n' "$all" | sort | uniq -d)
check_eq "addresses given twice" "" "$dups"
check_eq "LSPs of blue" $((3 * BURST + 3)) "$(blue_ports | grep -c .)"

log "--- all removed at once"
_rm_host() {
    local ids
    ids=$(dkh "$1" ps -aq --filter name='^b')
    # shellcheck disable=SC2086
    [ -z "$ids" ] || dkh_ok "$1" rm -f $ids > /dev/null
}
mh_each _rm_host 1 2 3
eps=$(for i in 1 2 3; do
          dkh "$i" inspect \
              -f '{{.NetworkSettings.Networks.blue.EndpointID}}' "c$i"
      done | sort)
check_eq "LSPs of blue after the removal" "$eps" "$(blue_ports | sort)"
check_eq "the pool after the removal" "$first" "$(pool_addresses)"

log "--- $BURST more on host 1"
burst 1 $(seq 1001 $((1000 + BURST)))
all=$(ips 1)
check_eq "host 1's containers on blue" $((BURST + 1)) \
    "$(printf '%s\n' "$all" | grep -c .)"
check_eq "addresses given twice" "" "$(printf '%s\n' "$all" | sort | uniq -d)"
mh_fetch_across 2 c2 1 c1 "${IP[1]}"

# ---------------------------------------------------------------------------
log "=== host 3 dies: its address is given back once its chassis is gone"

gone=$(ovn_chassis_name 3)
# pool_note IP: the pool's note on who holds IP (nothing if none).
pool_note() {
    local uuid
    for uuid in $(ovn_nbctl --bare --columns=_uuid list Address_Set); do
        ovn_nbctl --if-exists get Address_Set "$uuid" \
            "external_ids:ovsnet-addr-$1" | tr -d '"'
    done
}
# The note: "CHASSIS POOL-ID".
check_match "holder of c3's ${IP[3]} in the pool" "^${gone//./\\.}( |\$)" \
    "$(pool_note "${IP[3]}")"
mh_kill_ovsnetd 3
pid=$(ovn_running_pid 3 ovn-controller)
kill -KILL "$pid"
wait_while "host 3's ovn-controller" pid_alive "$pid"
ovn_sbctl chassis-del "$gone"
# ovsnetd waits 30 s after a chassis has gone.
_c3_held() {
    pool_addresses | grep -Fqx "${IP[3]}"
}
OVSNET_WAIT=90 wait_while "c3's ${IP[3]} in the pool" _c3_held
check_eq "holder of ${IP[3]} in the pool" "" "$(pool_note "${IP[3]}")"
check_nomatch "LSPs of blue" "^$(dkh 3 inspect \
    -f '{{.NetworkSettings.Networks.blue.EndpointID}}' c3)\$" \
    "$(blue_ports)"
for i in 1 2; do
    printf '%s\n' "$(pool_addresses)" | grep -Fqx "${IP[$i]}" \
        || fail "c$i's ${IP[$i]} left the pool with host 3"
done
mh_fetch_across 1 c1 2 c2 "${IP[2]}"

log "--- host 3 back; c3 removed"
ovn_setup_host 3 > /dev/null
ovn_wait_chassis 3
_start_ovsnetd 3
dkh_ok 3 rm -f c3 > /dev/null
check_eq "LSPs of host 3" "" \
    "$(ovn_nbctl --bare --columns=name find Logical_Switch_Port \
       "external_ids:ovsnet-host=$gone")"
check_eq "holder of ${IP[3]} in the pool" "" "$(pool_note "${IP[3]}")"

log "done"
