#!/bin/bash
# Docker end to end: ovsnetd killed (SIGKILL) and restarted while containers
# run.  The containers keep working, an established TCP connection
# included; after the restart a new container joins the same network
# (ovsnetd knows it again from OVSDB alone: Docker never re-sends
# CreateNetwork), and every container and the network can be removed
# without leaving anything behind.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start

dk_ok network create -d ovs --subnet 198.51.100.0/24 web > /dev/null
run_container c1 web
run_container c2 web
serve c1
fetch_ok c2 c1
ports_before=$(vsctl list-ports "ovsbr-$(dk network inspect -f '{{.Id}}' web | cut -c1-9)")

# A TCP connection that stays open across the crash and the restart:
# c2 sends a line, waits, sends another; c1 writes what it receives.  (busybox
# nc ends at EOF on its standard input: the listener's is a pipe that stays
# open.)
dk_ok exec -d c1 sh -c 'sleep 120 | nc -l -p 7000 > /tmp/got' > /dev/null
listening_7000() {
    cexec c1 netstat -ltn | grep -q ':7000 '
}
wait_for 10 "c1 listening on port 7000" listening_7000
# shellcheck disable=SC2016
dk_ok exec -d c2 sh -c \
    'c1=$(ping -c 1 c1 | sed -n "s/^PING [^(]*(\([0-9.]*\)).*/\1/p");
     (echo before; sleep 8; echo after) | nc "$c1" 7000' > /dev/null
wait_for 10 "the first line over TCP" cexec c1 grep -q before /tmp/got

ovsnetd_kill
log "ovsnetd is dead: the data path goes on"
ping_ok c1 c2
fetch_ok c2 c1

ovsnetd_start
log "ovsnetd is back"
wait_for 20 "the second line over the same TCP connection" \
    cexec c1 grep -q after /tmp/got
check_eq "what c1 received" "before after" \
    "$(cexec_ok c1 cat /tmp/got | tr '\n' ' ' | sed 's/ $//')"
ping_ok c2 c1
fetch_ok c2 c1
# The restart changed nothing on the bridge.
check_eq "ports after the restart" "$ports_before" \
    "$(vsctl list-ports "ovsbr-$(dk network inspect -f '{{.Id}}' web | cut -c1-9)")"

log "a new container after the restart"
run_container c3 web
ping_ok c3 c1
fetch_ok c3 c1

log "killed again, then removing everything"
ovsnetd_kill
ovsnetd_start
dk_ok rm -f c1 c2 c3 > /dev/null
dk_ok network rm web > /dev/null
check_nothing_left
