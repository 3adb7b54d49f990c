#!/bin/bash
# test-ovn-setup: the OVN test bed (tests/ovn-lib.sh) and
# contrib/ovsnet-ovn-setup, without ovsnetd.
#
# - Bad arguments: refused with a message naming the problem, nothing
#   started.
# - Three hosts set up by the command (host 1 creates the clusters, 2 and
#   3 join; northd on 1 and 2): the Northbound and Southbound databases each
#   a cluster of 3 members with one leader and the election timer given
#   (--election-timer, 2 s), one ovn-northd active, three
#   Chassis with their Geneve Encap on their underlay address.
# - A logical switch made with ovn-nbctl, one port per host, a "VM"
#   namespace on each host bound to it by iface-id: the Port_Bindings name
#   the right chassis, ovn-controller marks the Interfaces ovn-installed,
#   TCP data crosses every pair of hosts intact.
# - Running the command again on every host changes nothing.
# - An ovn-controller that crashes (SIGSEGV) is started again by its
#   --monitor, and the ports it had bound move data again.
# - kill -9 of the Northbound leader: another member leads, ovn-nbctl still
#   works, a new port gets bound and moves data; the command run again on
#   that host restarts its member, which rejoins.
# - --undo on host 3: it leaves both clusters, its chassis goes.
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/ovn-lib.sh"

# Clusters with a Raft election timer of 2 s (ovsnet-ovn-setup
# --election-timer on host 1).
OVN_ELECTION_TIMER=2000
ovn_setup 3

# ---------------------------------------------------------------------------
log "=== bad arguments"

# bad_args WANT ARGS...: the command fails, saying WANT, on host 1.
bad_args() {
    local want=$1 out rc=0
    shift
    out=$(mh_exec 1 "$OVN_SETUP_SCRIPT" "$@" 2>&1) || rc=$?
    check_ne "exit status of ovsnet-ovn-setup $*" 0 "$rc"
    check_contains "ovsnet-ovn-setup $*" "$want" "$out"
}
d1=$(mh_dir 1)
before=$(mh_vsctl 1 get Open_vSwitch . external_ids)
bad_args "--encap-ip is required" --cluster-create
bad_args "'1.2.3' is not an IP address" --encap-ip=1.2.3
bad_args "--election-timer goes with --cluster-create" \
    --encap-ip=192.0.2.11 --cluster-join=192.0.2.12 --election-timer=2000
bad_args "'50' is not a number of ms from 100 to 600000" \
    --encap-ip=192.0.2.11 --cluster-create --election-timer=50
bad_args "'gre' is neither geneve nor vxlan" --encap-ip=192.0.2.11 \
    --encap-type=gre
bad_args "exclude each other" --encap-ip=192.0.2.11 --cluster-create \
    --cluster-join=192.0.2.12
bad_args "--ovn-remote is needed" --encap-ip=192.0.2.11
bad_args "'tcp:nowhere' is not tcp:IP:PORT" --encap-ip=192.0.2.11 \
    --ovn-remote=tcp:nowhere
bad_args "unknown option --bogus" --bogus
bad_args "192.0.2.99 is on no link of this host" --encap-ip=192.0.2.99 \
    --ovs-db="unix:$d1/db.sock" --run-dir="$d1/x" --log-dir="$d1/x" \
    --ovn-remote=tcp:192.0.2.11:6642
mh_exec 1 ip addr add 203.0.113.1/32 dev lo
bad_args "on lo, not on an OVS bridge" --encap-ip=203.0.113.1 \
    --ovs-db="unix:$d1/db.sock" --run-dir="$d1/x" --log-dir="$d1/x" \
    --ovn-remote=tcp:192.0.2.11:6642
mh_exec 1 ip addr del 203.0.113.1/32 dev lo
bad_args "no Open vSwitch database at unix:$d1/none.sock" \
    --encap-ip=192.0.2.11 --ovs-db="unix:$d1/none.sock" \
    --run-dir="$d1/x" --log-dir="$d1/x" --ovn-remote=tcp:192.0.2.11:6642
check_eq "host 1's external_ids after the refusals" "$before" \
    "$(mh_vsctl 1 get Open_vSwitch . external_ids)"
[ ! -e "$d1/x/ovn-controller.pid" ] || fail "a refused run started ovn-controller"

# ---------------------------------------------------------------------------
log "=== the clusters"

for db in nb sb; do
    for i in 1 2 3; do
        st=$(ovn_cluster_status "$i" "$db")
        check_contains "host $i: $db status" "Status: cluster member" "$st"
        check_eq "host $i: servers of the $db cluster" 3 "$(ovn_members "$i" "$db")"
        check_contains "host $i: $db status" "Election timer: 2000" "$st"
    done
    wait_until "a leader of the $db cluster" ovn_leader "$db"
    n=0
    for i in 1 2 3; do
        if ovn_cluster_status "$i" "$db" | grep -q '^Role: leader'; then
            n=$((n + 1))
        fi
    done
    check_eq "leaders of the $db cluster" 1 "$n"
done

_one_northd_active() {
    [ "$(ovn_northd_active | grep -c .)" = 1 ]
}
wait_until "one active ovn-northd" _one_northd_active
[ -n "$(ovn_pid 2 ovn-northd)" ] || fail "host 2's ovn-northd is not running"
[ -z "$(ovn_pid 3 ovn-northd)" ] || fail "host 3 runs ovn-northd, unasked"
active=$(ovn_northd_active)
other=$((3 - active))
check_contains "host $other's northd (the other one)" "Status: standby" \
    "$(ovn-appctl -t "$(mh_dir "$other")/ovn-northd.ctl" status)"

log "=== the chassis"
check_eq "Chassis rows" 3 "$(ovn_sbctl --bare --columns=name list Chassis | grep -c .)"
for i in 1 2 3; do
    name=$(ovn_chassis_name "$i")
    check_eq "host $i's Encap" "geneve $(mh_underlay_ip "$i")" \
        "$(ovn_sbctl --bare --columns=type,ip find Encap "chassis_name=$name" \
               | grep . | tr '\n' ' ' | sed 's/ $//')"
    check_eq "host $i's system-id" "$name" \
        "$(mh_vsctl "$i" get Open_vSwitch . external_ids:system-id | tr -d '"')"
    check_eq "host $i's br-int datapath" netdev \
        "$(mh_vsctl "$i" get Bridge br-int datapath_type)"
    check_eq "host $i's ovn-remote" "$OVN_SB_REMOTES" \
        "$(mh_vsctl "$i" get Open_vSwitch . external_ids:ovn-remote | tr -d '"')"
done

# ---------------------------------------------------------------------------
log "=== a logical switch across the three hosts"

ovn_nbctl ls-add blue
for i in 1 2 3; do
    ovn_nbctl lsp-add blue "blue-p$i" -- lsp-set-addresses "blue-p$i" \
        "00:00:5e:00:53:0$i 198.51.100.1$i"
    ovn_vm "$i" "vm$i" "blue-p$i" "00:00:5e:00:53:0$i" "198.51.100.1$i/24"
done
for i in 1 2 3; do
    ovn_wait_installed "vm$i"
    check_eq "chassis of blue-p$i" "$(ovn_chassis_name "$i")" \
        "$(ovn_port_chassis "blue-p$i")"
done
for a in 1 2 3; do
    for b in 1 2 3; do
        [ "$a" = "$b" ] || mh_tcp_ok "vm$a" "vm$b"
    done
done

# ---------------------------------------------------------------------------
log "=== running the command again changes nothing"

state() {
    local i
    for i in 1 2 3; do
        echo "host $i: $(mh_vsctl "$i" get Open_vSwitch . external_ids)"
        for d in ovn-controller ovn-northd ovnnb_db ovnsb_db; do
            echo "host $i: $d $(ovn_pid "$i" "$d")"
        done
        mh_vsctl "$i" list-ports br-int | sort
    done
}
before=$(state)
for i in 1 2 3; do
    out=$(ovn_setup_host "$i")
    check_eq "host $i: output of a second run" \
        "ovsnet-ovn-setup: nothing to change: this host is set up already" "$out"
done
check_eq "state after the second runs" "$before" "$(state)"

# ---------------------------------------------------------------------------
log "=== a crashing ovn-controller is started again (--monitor)"

pid=$(ovn_pid 2 ovn-controller) || fail "no ovn-controller on host 2"
kill -SEGV "$pid"
wait_while "host 2's ovn-controller $pid" pid_alive "$pid"
_restarted() {
    local p
    p=$(ovn_pid 2 ovn-controller) && [ "$p" != "$pid" ]
}
wait_until "host 2's ovn-controller started again" _restarted
for i in 1 3; do
    mh_tcp_ok vm2 "vm$i"
    mh_tcp_ok "vm$i" vm2
done
out=$(ovn_setup_host 2)
check_contains "host 2: a run after the restart" "nothing to change" "$out"

# ---------------------------------------------------------------------------
log "=== kill -9 of the Northbound leader"

leader=$(ovn_leader nb)
ovn_kill_member "$leader" nb
_new_leader() {
    local l
    l=$(ovn_leader nb) && [ "$l" != "$leader" ]
}
wait_until "a new leader of the nb cluster" _new_leader
log "NB leader was host $leader, now host $(ovn_leader nb)"
# ovn-nbctl goes to the new leader (from the old leader's host too).
OVN_CTL_HOST=$leader ovn_nbctl lsp-add blue blue-p4 -- lsp-set-addresses \
    blue-p4 "00:00:5e:00:53:04 198.51.100.14"
ovn_vm "$leader" vm4 blue-p4 00:00:5e:00:53:04 198.51.100.14/24
ovn_wait_installed vm4
check_eq "chassis of blue-p4" "$(ovn_chassis_name "$leader")" \
    "$(ovn_port_chassis blue-p4)"
for i in 1 2 3; do
    [ "$i" = "$leader" ] && continue
    mh_tcp_ok vm4 "vm$i"
    mh_tcp_ok "vm$i" vm4
done

log "--- the command brings the member back"
out=$(ovn_setup_host "$leader")
check_contains "host $leader: output of the run" \
    "started ovsdb-server (OVN_Northbound)" "$out"
wait_until "host $leader's nb member back in the cluster" \
    eval "ovn_cluster_status $leader nb | grep -q 'Status: cluster member'"
check_eq "servers of the nb cluster on host $leader" 3 "$(ovn_members "$leader" nb)"
out=$(ovn_setup_host "$leader")
check_contains "host $leader: a run after that" "nothing to change" "$out"

# ---------------------------------------------------------------------------
log "=== --undo on host 3"

d3=$(mh_dir 3)
out=$(mh_exec 3 "$OVN_SETUP_SCRIPT" --undo --ovs-db="unix:$d3/db.sock" \
          --db-dir="$d3" --run-dir="$d3" 2>&1) || fail "--undo failed: $out"
check_contains "--undo" "left the OVN_Northbound cluster" "$out"
for db in nb sb; do
    other=1
    [ "$(ovn_pid 1 "ovn${db}_db")" ] || other=2
    wait_until "2 servers in the $db cluster" \
        eval "[ \"\$(ovn_members $other $db)\" = 2 ]"
done
[ -z "$(ovn_pid 3 ovn-controller)" ] || fail "ovn-controller still runs on host 3"
wait_until "host 3's chassis gone" \
    eval "! ovn_sbctl --bare --columns=name list Chassis | grep -qx '$(ovn_chassis_name 3)'"
check_eq "host 3's ovn-remote" "" \
    "$(mh_vsctl 3 --if-exists get Open_vSwitch . external_ids:ovn-remote)"
out=$(mh_exec 3 "$OVN_SETUP_SCRIPT" --undo --ovs-db="unix:$d3/db.sock" \
          --db-dir="$d3" --run-dir="$d3" 2>&1) || fail "a second --undo failed: $out"
check_contains "a second --undo" "nothing to undo" "$out"
# br-int keeps vm3's port: it stays.
mh_vsctl 3 br-exists br-int || fail "--undo deleted br-int, which has vm3's port"

log "done"
