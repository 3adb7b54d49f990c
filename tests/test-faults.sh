#!/bin/bash
# test-faults: processes dying at random moments under a burst of calls.
#
# FAULT_ITERATIONS times (default 40; 200 or more before a release, see the
# README's "Reliability"): a random mix of endpoint creations (with Join)
# and deletions (with Leave) on three networks starts at once, as when
# Docker starts and stops containers together; at a random moment in the
# burst ovsnetd is killed with SIGKILL and started again (on every 10th
# iteration ovsdb-server is restarted instead, on every 10th + 5
# ovs-vswitchd).  Each fault logs how many of the burst's operations were
# still running when the process died, and the test fails if no fault of
# the whole run hit a running operation.  Each call does what Docker does:
# retries transport errors for 30 s; a CreateEndpoint that fails is rolled
# back with DeleteEndpoint; a deleted endpoint is forgotten whatever the
# plugin answered.  An error answer (or transport errors for 30 s) is
# allowed only to a call under way during the fault's window, from the
# kill until the process is back and its clients are connected to it
# again: a call that ended before the window or began after it must
# succeed.
#
# Then, once things are quiet, the invariants:
#   - every endpoint the client believes in has its port on its network's
#     bridge, an Interface whose iface-id is the endpoint, and its veth
#     pair;
#   - no port, interface or link of ovsnet exists that no such endpoint
#     owns, and ovsnetd lists exactly the client's endpoints.

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

: "${FAULT_ITERATIONS:=40}"
# Zero or a word would run no iteration at all, and pass.
if ! [[ "$FAULT_ITERATIONS" =~ ^[0-9]{1,9}$ ]] \
        || [ $((10#$FAULT_ITERATIONS)) = 0 ]; then
    hard_error "FAULT_ITERATIONS=$FAULT_ITERATIONS: give a positive integer"
fi
FAULT_ITERATIONS=$((10#$FAULT_ITERATIONS))
SEED=${FAULT_SEED:-$RANDOM}
RANDOM=$SEED
MAX_ENDPOINTS=24

sandbox_start
log "$FAULT_ITERATIONS iterations, seed $SEED (FAULT_SEED=$SEED repeats them)"

# The networks: one bridge each.
NETS=() SUBNETS=(198.51.100 203.0.113 192.0.2)
for i in 0 1 2; do
    NETS[i]=$(gen_id)
    rpc_ok NetworkDriver.CreateNetwork \
        "$(net_body "${NETS[i]}" "${SUBNETS[i]}.0/24" "${SUBNETS[i]}.1/24")"
done
declare -A BRIDGE
for i in 0 1 2; do
    BRIDGE[${NETS[i]}]=ovsbr-$(short "${NETS[i]}")
done

# The client's model: endpoint ID -> network index, for those it believes
# exist.
declare -A PRESENT
NEXT_ADDR=0

# now_us: the time in microseconds (no fork).
now_us() {
    echo "${EPOCHREALTIME//[!0-9]/}"
}

# docker_call PATH BODY OUT: a call as Docker makes it, retrying transport
# errors (ovsnetd down, connection cut) for 30 s.  Writes "STATUS BEGIN END
# PATH" to OUT.call: ovsnet-call's last status (0: HTTP 200, 1: other
# status, 2: transport error) and when the call began and ended (now_us).
docker_call() {
    local path=$1 body=$2 out=$3 deadline=$((SECONDS + 30)) rc begin
    begin=$(now_us)
    while :; do
        rc=0
        "$OVSNET_CALL" --timeout=60 "$T/ovs.sock" "$path" "$body" \
            > "$out.body" 2> "$out.err" || rc=$?
        [ $rc = 2 ] && [ $SECONDS -lt $deadline ] || break
        sleep 0.2
    done
    echo "$rc $begin $(now_us) $path" > "$out.call"
    [ $rc = 0 ]
}

# op_create ID NET OUT: CreateEndpoint + Join, or the rollback of a failed
# creation.  Writes "present" or "absent" to OUT.
op_create() {
    local eid=$1 nid=$2 out=$3 addr=$4
    if docker_call NetworkDriver.CreateEndpoint \
            "$(ep_body "$nid" "$eid" "$addr")" "$out.create" \
       && docker_call NetworkDriver.Join "$(join_body "$nid" "$eid")" \
            "$out.join"; then
        echo present > "$out"
    else
        docker_call NetworkDriver.DeleteEndpoint "$(ids_body "$nid" "$eid")" \
            "$out.rollback" || true
        echo absent > "$out"
    fi
}

# op_delete ID NET OUT: Leave + DeleteEndpoint.  Docker forgets the
# endpoint whatever the answers (which the burst's check judges).
op_delete() {
    local eid=$1 nid=$2 out=$3
    docker_call NetworkDriver.Leave "$(ids_body "$nid" "$eid")" \
        "$out.leave" || true
    docker_call NetworkDriver.DeleteEndpoint "$(ids_body "$nid" "$eid")" \
        "$out.delete" || true
    echo absent > "$out"
}

# Expected and actual sets, sorted, one name a line.
expected_ports() {
    local eid
    for eid in "${!PRESENT[@]}"; do
        echo "ovsep-$(short "$eid") $eid ${BRIDGE[${NETS[${PRESENT[$eid]}]}]}"
    done | sort
}

actual_ports() {
    local br
    vsctl --no-wait --format=json --columns=name,external_ids list Interface \
        | jq -r '.data[] | select(.[0] | startswith("ovsep-"))
                 | "\(.[0]) \([.[1][1][] | select(.[0] == "iface-id")][0][1])"' \
        | while read -r port eid; do
              echo "$port $eid $(vsctl --no-wait port-to-br "$port" 2> /dev/null)"
          done | sort
}

expected_links() {
    local eid
    for eid in "${!PRESENT[@]}"; do
        echo "ovsct-$(short "$eid")"
        echo "ovsep-$(short "$eid")"
    done | sort
}

actual_links() {
    ip -n "$NS" -o link show | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' \
        | grep -E '^ovs(ep|ct)-' | sort || true
}

listed_endpoints() {
    appctl endpoint/list | awk 'NR > 1 && /^[0-9a-f]/ {print $1}' | sort
}

expected_listed() {
    local eid
    for eid in "${!PRESENT[@]}"; do
        echo "${eid:0:12}"
    done | sort
}

# ovsnetd_connections: how many times ovsnetd logged that it connected to
# the database (every ovsnetd of the test logs to the same file).
ovsnetd_connections() {
    grep -c '|connected to the database' "$T/ovsnetd.log" || true
}

ovsnetd_reconnected() {
    [ "$(ovsnetd_connections)" -gt "$1" ]
}

# check_calls IT: every call of iteration IT that failed overlapped the
# fault's window [FAULT_BEGIN, FAULT_END].
check_calls() {
    local it=$1 f rc begin end path when
    for f in "$T"/op.$it.*.call; do
        [ -e "$f" ] || continue
        read -r rc begin end path < "$f"
        [ "$rc" = 0 ] && continue
        if [ "$end" -lt "$FAULT_BEGIN" ]; then
            when="ended $(( (FAULT_BEGIN - end) / 1000 )) ms before"
        elif [ "$begin" -gt "$FAULT_END" ]; then
            when="began $(( (begin - FAULT_END) / 1000 )) ms after"
        else
            errors_in_faults=$((errors_in_faults + 1))
            continue
        fi
        fail "iteration $it: $path failed (status $rc) and $when the" \
             "$victim fault: $(cat "${f%.call}.err") $(cat "${f%.call}.body")"
    done
}

consistent() {
    [ "$(expected_ports)" = "$(actual_ports)" ] \
        && [ "$(expected_links)" = "$(actual_links)" ] \
        && [ "$(expected_listed)" = "$(listed_endpoints)" ]
}

kills=0 ovsdb_restarts=0 vswitchd_restarts=0 n_created=0 n_deleted=0
faults_mid_burst=0 errors_in_faults=0
for ((it = 1; it <= FAULT_ITERATIONS; it++)); do
    # The burst: deletions of some present endpoints, creations of new ones.
    ops=() pids=()
    for eid in "${!PRESENT[@]}"; do
        if [ $((RANDOM % 3)) = 0 ]; then
            ops+=("delete $eid ${PRESENT[$eid]}")
        fi
    done
    n_new=$((RANDOM % 5 + 1))
    for ((k = 0; k < n_new && ${#PRESENT[@]} + k < MAX_ENDPOINTS; k++)); do
        ops+=("create $(gen_id) $((RANDOM % 3))")
    done

    for ((k = 0; k < ${#ops[@]}; k++)); do
        read -r what eid net <<< "${ops[k]}"
        out=$T/op.$it.$k
        if [ "$what" = create ]; then
            NEXT_ADDR=$(( (NEXT_ADDR + 1) % 240 ))
            op_create "$eid" "${NETS[net]}" "$out" \
                "${SUBNETS[net]}.$((NEXT_ADDR + 10))/24" &
        else
            op_delete "$eid" "${NETS[net]}" "$out" &
        fi
        pids+=($!)
    done

    # The fault, at a random moment of the burst.
    sleep "0.$(printf '%03d' $((RANDOM % 300)))"
    connections=$(ovsnetd_connections)
    FAULT_BEGIN=$(now_us)
    case $((it % 10)) in
        0)  victim=ovsdb-server; ovsdb_stop KILL > /dev/null ;;
        5)  victim=ovs-vswitchd; vswitchd_stop KILL > /dev/null ;;
        *)  victim=ovsnetd
            stop_pidfile "$T/ovsnetd.pid" KILL || fail "ovsnetd was not running" ;;
    esac
    # The operations that outlived the process were running when it died.
    running=0
    for pid in "${pids[@]}"; do
        if pid_alive "$pid"; then
            running=$((running + 1))
        fi
    done
    log "iteration $it: $victim killed with $running of ${#ops[@]} operations running"
    [ $running = 0 ] || faults_mid_burst=$((faults_mid_burst + 1))
    # Back, and its clients with it: ovs-vswitchd follows the database
    # again ("ovs-vsctl init" without --no-wait), ovsnetd has connected.
    case $victim in
        ovsdb-server) ovsdb_start > /dev/null
            vsctl init || fail "ovs-vswitchd does not follow the new ovsdb-server"
            wait_until "ovsnetd to connect to the new ovsdb-server" \
                ovsnetd_reconnected "$connections"
            ovsdb_restarts=$((ovsdb_restarts + 1)) ;;
        ovs-vswitchd) vswitchd_start > /dev/null
            vswitchd_restarts=$((vswitchd_restarts + 1)) ;;
        ovsnetd) ovsnetd_start > /dev/null
            wait_until "the new ovsnetd to connect to the database" \
                ovsnetd_reconnected "$connections"
            kills=$((kills + 1)) ;;
    esac
    FAULT_END=$(now_us)

    for pid in "${pids[@]}"; do
        wait "$pid"
    done
    check_calls "$it"
    for ((k = 0; k < ${#ops[@]}; k++)); do
        read -r what eid net <<< "${ops[k]}"
        if [ "$(cat "$T/op.$it.$k")" = present ]; then
            PRESENT[$eid]=$net
            n_created=$((n_created + 1))
        else
            [ "$what" = create ] || n_deleted=$((n_deleted + 1))
            unset "PRESENT[$eid]"
        fi
    done
    rm -f "$T"/op.$it.*

    deadline=$((SECONDS + OVSNET_WAIT))
    until consistent || [ $SECONDS -ge $deadline ]; do
        sleep 0.2
    done
    if ! consistent; then
        log "expected ports: $(expected_ports | tr '\n' ';')"
        log "actual ports:   $(actual_ports | tr '\n' ';')"
        log "expected links: $(expected_links | tr '\n' ' ')"
        log "actual links:   $(actual_links | tr '\n' ' ')"
        log "ovsnetd lists:  $(listed_endpoints | tr '\n' ' ')"
        fail "iteration $it: OVSDB, links and ovsnetd do not match what the client believes"
    fi
    if [ $((it % 10)) = 0 ]; then
        log "iteration $it: ${#PRESENT[@]} endpoints, consistent"
    fi
done

log "survived $FAULT_ITERATIONS iterations: $kills ovsnetd kills," \
    "$ovsdb_restarts ovsdb-server and $vswitchd_restarts ovs-vswitchd" \
    "restarts; $n_created endpoints created, $n_deleted deleted;" \
    "$faults_mid_burst faults hit running operations;" \
    "$errors_in_faults error answers, all to calls under way during a fault"
# Faults that all fell between bursts would have tested nothing.
[ $faults_mid_burst -gt 0 ] \
    || fail "no fault in $FAULT_ITERATIONS iterations hit a running operation"

# Everything goes, and nothing is left.
for eid in "${!PRESENT[@]}"; do
    rpc_ok NetworkDriver.DeleteEndpoint \
        "$(ids_body "${NETS[${PRESENT[$eid]}]}" "$eid")" > /dev/null
done
PRESENT=()
for i in 0 1 2; do
    rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "${NETS[i]}")" > /dev/null
done
wait_until "nothing of ovsnet left" consistent
no_ovsnet_bridge() {
    ! vsctl --no-wait list-br | grep -q '^ovsbr-'
}
wait_until "the networks' bridges gone" no_ovsnet_bridge
