#!/bin/bash
# test-socket: the plugin socket's directory and the daemon's file
# descriptors from start to exit.  A socket in a directory that does not
# exist gets it made with mode 0700 (as dockerd makes /run/docker/plugins),
# and a clean exit closes every descriptor once: the run is traced with
# strace, and a close() failing with EBADF fails the test.

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

command -v strace > /dev/null || skip "strace is not installed"

sandbox_init
ovs_start

SOCK=$T/run/docker/plugins/ovs.sock
log "starting ovsnetd under strace, socket $SOCK"
# LeakSanitizer cannot work under ptrace (it would report a fatal error
# under --enable-sanitizers): no leak check for this one run.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
in_ns strace -f -qq -e trace=close,mkdir -o "$T/strace" \
    "$OVSNETD" --db="unix:$T/db.sock" --socket="$SOCK" \
    --pidfile="$T/ovsnetd.pid" --unixctl="$T/ovsnetd.ctl" \
    --log-file="$T/ovsnetd.log" -vconsole:off --no-chdir $OVSNETD_ARGS &
wait_until "ovsnetd to answer on $SOCK" \
    "$OVSNET_CALL" --timeout=5 "$SOCK" Plugin.Activate

check_eq "mode of the directories it made" "700 700 700" \
    "$(stat -c %a "$T/run" "$T/run/docker" "$T/run/docker/plugins" | tr '\n' ' ' | sed 's/ $//')"
check_eq "socket mode" 660 "$(stat -c %a "$SOCK")"

# A network, so that exit has more than the listening socket to close.
N1=$(gen_id 1)
"$OVSNET_CALL" --timeout=10 "$SOCK" NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)" > /dev/null \
    || fail "CreateNetwork failed"

appctl exit
wait_while "ovsnetd to exit" ovsnetd_running
wait
check_eq "socket removed at exit" no "$([ -e "$SOCK" ] && echo yes || echo no)"
if grep -q 'EBADF' "$T/strace"; then
    grep 'EBADF' "$T/strace" >&2
    fail "ovsnetd closed a file descriptor that was not open"
fi
log "closes traced: $(grep -c 'close(' "$T/strace"), none failed"
log "PASS"
