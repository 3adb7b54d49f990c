#!/bin/bash
# Docker end to end: 50 containers started at once on one network all
# start, get distinct addresses and reach each other; three networks
# created at once all work; removing everything at once leaves nothing.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

N=50

docker_sandbox_start

log "three networks at once"
pids=()
for i in 1 2 3; do
    dk network create -d ovs --subnet "198.51.100.$(( (i - 1) * 64 ))/26" \
        "n$i" > "$T/net$i.out" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    wait "${pids[$((i - 1))]}" \
        || fail "docker network create n$i failed: $(cat "$T/net$i.out")"
done

log "$N containers at once on n1"
pids=()
for i in $(seq $N); do
    dk run -d --name "c$i" --hostname "c$i" --network n1 "$IMAGE" \
        sleep 3600 > "$T/run$i.out" 2>&1 &
    pids+=($!)
done
failed=
for i in $(seq $N); do
    wait "${pids[$((i - 1))]}" || failed="$failed c$i: $(cat "$T/run$i.out");"
done
[ -z "$failed" ] || fail "docker run failed for$failed"

ips=
for i in $(seq $N); do
    check_eq "c$i's state" running "$(dk inspect -f '{{.State.Status}}' "c$i")"
    ips="$ips $(container_ip "c$i" n1)"
done
log "addresses:$ips"
# shellcheck disable=SC2086
check_eq "distinct addresses" $N "$(printf '%s\n' $ips | sort -u | grep -c .)"
check_eq "ports on n1's bridge" $((N + 1)) \
    "$(vsctl list-ports "ovsbr-$(dk network inspect -f '{{.Id}}' n1 | cut -c1-9)" | grep -c .)"

for ip in $ips; do
    ping_ok c1 "$ip"
done
ping_ok "c$N" c1
serve c1
fetch_ok "c$N" c1

log "one container on each of n2 and n3"
run_container d2 n2
run_container d3 n3
ping_ok d2 198.51.100.65
ping_ok d3 198.51.100.129

log "removing everything at once"
pids=()
for i in $(seq $N) ; do
    dk rm -f "c$i" > "$T/rm$i.out" 2>&1 &
    pids+=($!)
done
dk rm -f d2 d3 > "$T/rmd.out" 2>&1 &
pids+=($!)
failed=
for pid in "${pids[@]}"; do
    wait "$pid" || failed="$failed $pid"
done
[ -z "$failed" ] || fail "docker rm failed: $(cat "$T"/rm*.out)"
# Docker 20.10 counts a network's endpoints in its store asynchronously:
# right after many "docker rm -f" it may still see some and refuse with "has
# active endpoints", although every DeleteEndpoint has been answered.  So
# retry, for a bounded time.
for i in 1 2 3; do
    deadline=$((SECONDS + 30))
    until dk network rm "n$i" > "$T/netrm$i.out" 2>&1; do
        grep -q "active endpoints" "$T/netrm$i.out" && [ $SECONDS -lt $deadline ] \
            || fail "docker network rm n$i failed: $(cat "$T/netrm$i.out");" \
                    "containers: $(dk ps -a --format '{{.Names}} {{.Status}}' | tr '\n' ';')" \
                    "network: $(dk network inspect -f '{{json .Containers}}' "n$i")"
        sleep 1
    done
done
check_nothing_left
