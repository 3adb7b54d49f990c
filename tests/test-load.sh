#!/bin/bash
# test-load: ovsnetd under load, and against clients that misbehave.
#
# 64 clients on keep-alive connections send LOAD_REQUESTS requests in all
# (default 100,000; a realistic mix of Docker's calls, fresh endpoints made
# and deleted, and malformed ones) while 300 more connections sit idle, one
# with half a request: every answer must be right, the daemon (its idle
# timeout longer than the run) must close none of the idle ones, no port
# or link of ovsnet's may be left, and once the load is over the daemon's
# file descriptors must be back where they were.  RSS and fds are printed
# along the run (figures, not assertions).  Then, with ovsnetd started
# again with --idle-timeout=5: idle connections are closed after that
# long.  And the socket is 0660 with --socket-group's group, and the
# daemon runs with CAP_NET_ADMIN alone.
#
# Under valgrind, on a shorter run (each ovsnetd exits cleanly, and the
# test fails on any error or definite leak valgrind reports):
#
#   OVSNETD_WRAPPER="valgrind --leak-check=full --log-file=/tmp/vg.%p" \
#       LOAD_REQUESTS=5000 make check TESTS=tests/test-load.sh

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

: "${LOAD_REQUESTS:=100000}"
# Under load: longer than any run (the most ovsnetd takes), so that the
# held connections must stay open throughout.
LOAD_IDLE_TIMEOUT=3600
IDLE_TIMEOUT=5

# A group of its own for the socket: nobody's, to be sure it is ours.
GROUP=nogroup
getent group "$GROUP" > /dev/null || GROUP=$(getent group | awk -F: '$3 != 0 {print $1; exit}')

sandbox_init
ovs_start
ovsnetd_start --idle-timeout=$LOAD_IDLE_TIMEOUT --socket-group="$GROUP"

fds() {
    find "/proc/$OVSNETD_PID/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# The daemon's fds back to $fds_before.
fds_back() {
    [ "$(fds)" -le "$fds_before" ]
}

# ovsnetd_exit: a clean exit, for valgrind's and LeakSanitizer's leak
# reports (SIGTERM would not give them); under valgrind, fails on any error
# or definite leak it reports.
ovsnetd_exit() {
    local vglog
    appctl exit
    wait_while "ovsnetd to exit" ovsnetd_running
    if [[ "${OVSNETD_WRAPPER:-}" == *valgrind* ]]; then
        vglog=$(sed -n 's/.*--log-file=\([^ ]*\).*/\1/p' <<< "$OVSNETD_WRAPPER")
        vglog=${vglog//%p/$OVSNETD_PID}
        log "valgrind: $(grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$vglog" | sed 's/^==[0-9]*== *//' | tr '\n' ';')"
        grep -q 'ERROR SUMMARY: 0 errors' "$vglog" || fail "valgrind found errors: $vglog"
        if grep -Eq '(definitely|indirectly) lost: [1-9]' "$vglog"; then
            fail "valgrind found leaks: $vglog"
        fi
    fi
}

log "the socket and the daemon's privileges"
check_eq "socket mode and group" "660 $GROUP" "$(stat -c '%a %G' "$T/ovs.sock")"
check_eq "effective capabilities (CAP_NET_ADMIN and CAP_NET_RAW alone)" \
    0000000000003000 "$(sed -n 's/^CapEff:\t*//p' "/proc/$OVSNETD_PID/status")"
# The one program it runs, iptables-restore, gets the same two.
check_eq "bounding set (CAP_NET_ADMIN and CAP_NET_RAW)" 0000000000003000 \
    "$(sed -n 's/^CapBnd:\t*//p' "/proc/$OVSNETD_PID/status")"

# Warm-up: the first endpoint opens what stays open (the socket for
# ethtool ioctls, for one).
"$OVSNET_LOAD" --clients=4 --requests=500 "$T/ovs.sock" > "$T/warmup.out" 2>&1 \
    || { cat "$T/warmup.out"; fail "wrong answers in the warm-up"; }
fds_before=$(fds)
log "ovsnetd: $fds_before fds after the warm-up"
log "load: $LOAD_REQUESTS requests from 64 clients, 300 idle connections held"
"$OVSNET_LOAD" --clients=64 --requests="$LOAD_REQUESTS" --hold=300 \
    --pid="$OVSNETD_PID" "$T/ovs.sock" > "$T/load.out" 2>&1 || {
    cat "$T/load.out"
    fail "wrong answers, or held connections closed, under load (above)"
}
cat "$T/load.out"
ovsnetd_running || fail "ovsnetd died under load"

# Every endpoint the load made is gone (by its DeleteEndpoint, or with the
# network's DeleteNetwork at the end): none of ovsnet's ports may stay in
# OVSDB, nor its veths (host or container end) in the kernel.
leftovers() {
    vsctl --no-wait --bare --columns=name list Port | grep '^ovsep-'
    ip -n "$NS" -o link show | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' \
        | grep -E '^ovs(ep|ct)-'
}
deadline=$((SECONDS + OVSNET_WAIT))
until [ -z "$(leftovers)" ] || [ $SECONDS -ge $deadline ]; do
    sleep 0.2
done
check_eq "ovsnet's ports and links left after the load" "" \
    "$(leftovers | tr '\n' ' ')"
check_eq "last line of the load test" "$LOAD_REQUESTS requests, 0 wrong" \
    "$(tail -n 1 "$T/load.out")"

# The load test closed its connections; the daemon closes its side as it
# sees them go.
wait_until "ovsnetd's fds back to $fds_before (now $(fds))" fds_back
log "ovsnetd: $(fds) fds after the load"
ovsnetd_exit

log "idle connections are closed after --idle-timeout=$IDLE_TIMEOUT"
ovsnetd_start --idle-timeout=$IDLE_TIMEOUT --socket-group="$GROUP"
fds_before=$(fds)
# Closed within 60 s, but none sooner than the timeout (less a second, for
# a timer that counts whole seconds): not merely closed at once.
"$OVSNET_LOAD" --hold=50 --idle-check=60 --idle-min=$((IDLE_TIMEOUT - 1)) \
    "$T/ovs.sock" \
    || fail "ovsnetd did not close idle connections after its idle timeout"
wait_until "ovsnetd's fds back to $fds_before after the idle ones" fds_back
# And it still serves.
rpc_ok NetworkDriver.GetCapabilities
ovsnetd_exit
