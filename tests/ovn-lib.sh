# tests/ovn-lib.sh: several simulated hosts made OVN chassis and members of
# the OVN Northbound and Southbound Raft clusters, for the OVN tests.
# shellcheck shell=bash
#
# Sourced (bash) by tests/test-ovn-*.sh:
#
#     . "$top_srcdir/tests/ovn-lib.sh"
#     ovn_setup 3
#     ovn_nbctl ls-add blue
#     ovn_vm 1 vm1 blue-p1 00:00:5e:00:53:01 198.51.100.11/24
#
# What it builds, on top of tests/multihost-lib.sh (MH_NO_OVSNETD=1
# mh_setup N: one namespace per host with ovsdb-server and ovs-vswitchd on
# the userspace datapath, its underlay address 192.0.2.1I on br-phy): on
# each host, contrib/ovsnet-ovn-setup with all its files (databases,
# pidfiles, unixctl sockets, logs) in the host's temp dir, so that the trap
# of ovs-sandbox.sh, which stops every pidfile's process there, stops every
# OVN daemon too:
#
#   host 1     --cluster-create --northd
#   host 2     --cluster-join 192.0.2.11 --northd
#   host 3...  --cluster-join 192.0.2.11
#
# every host with --ovn-remote listing every member (OVN_SB_REMOTES).
# With OVN_MEMBERS=M (default: every host), only hosts 1 to M are members
# of the clusters; the others are chassis alone.
#
# What it offers:
#   set-up      ovn_setup N, ovn_setup_host I [OPTION...] (runs the command
#               again, as the set-up did; prints its output),
#               ovn_setup_args I
#   databases   ovn_nbctl / ovn_sbctl ARGS... (against the cluster, from
#               host $OVN_CTL_HOST, default 1), ovn_cluster_status I nb|sb,
#               ovn_leader nb|sb (the host number), ovn_kill_member I nb|sb
#               (SIGKILL), ovn_members nb|sb (members host I counts)
#   daemons     ovn_pid I NAME (ovn-controller, ovn-northd, ovnnb_db,
#               ovnsb_db), ovn_running_pid I NAME (waits until it runs),
#               ovn_northd_active (the hosts whose northd is active)
#   chassis     ovn_chassis_name I, ovn_wait_chassis I
#   VMs         ovn_vm I NAME LPORT MAC ADDR/LEN: a namespace whose eth0 is
#               plugged into host I's br-int with iface-id=LPORT, as OVN's
#               own tests make one; registered as a container of
#               multihost-lib.sh (mh_cexec, mh_tcp_ok, mh_ping_ok work on
#               it); ovn_wait_installed NAME (ovn-installed on its
#               Interface), ovn_port_chassis LPORT (the chassis its
#               Port_Binding names)
#
# OVN_ELECTION_TIMER (ms), if set, is the clusters' Raft election timer
# (ovsnet-ovn-setup --election-timer on host 1); else OVSDB's default.

if [ -z "$BASH_VERSION" ]; then
    echo "ovn-lib.sh: needs bash" >&2
    exit 99
fi

# shellcheck source=tests/multihost-lib.sh
. "${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/tests/multihost-lib.sh"

OVN_SETUP_SCRIPT=$top_srcdir/contrib/ovsnet-ovn-setup
: "${OVN_CTL_HOST:=1}"
OVN_SB_REMOTES=
OVN_NB_REMOTES=
: "${OVN_VM_MTU:=1442}"

# ovn_setup_args I: the options of contrib/ovsnet-ovn-setup on host I.
ovn_setup_args() {
    local i=$1 d
    d=$(mh_dir "$i")
    printf '%s\n' "--encap-ip=$(mh_underlay_ip "$i" 4)" \
        "--ovs-db=unix:$d/db.sock" "--db-dir=$d" "--run-dir=$d" \
        "--log-dir=$d" "--ovn-remote=$OVN_SB_REMOTES"
    if [ "$i" -gt "${OVN_MEMBERS:-$MH_N}" ]; then
        return 0
    elif [ "$i" = 1 ]; then
        printf '%s\n' --cluster-create --northd \
            ${OVN_ELECTION_TIMER:+"--election-timer=$OVN_ELECTION_TIMER"}
    else
        printf '%s\n' "--cluster-join=$(mh_underlay_ip 1 4)"
        [ "$i" != 2 ] || echo --northd
    fi
}

# ovn_setup_host I [OPTION...]: runs contrib/ovsnet-ovn-setup in host I's
# namespace with its set-up options (and OPTION...); prints its output.
# Fails the test if it fails.
ovn_setup_host() {
    local i=$1 out args
    shift
    mapfile -t args < <(ovn_setup_args "$i")
    out=$(OVSNET_OVN_TIMEOUT=$OVSNET_WAIT \
              mh_exec "$i" "$OVN_SETUP_SCRIPT" "${args[@]}" "$@" 2>&1) \
        || fail "host $i: ovsnet-ovn-setup failed: $out"
    echo "$out"
}

_ovn_setup_one() {
    local out
    out=$(ovn_setup_host "$1") || exit 1
    log "[h$1] $(echo "$out" | tr '\n' ';')"
}

# ovn_setup N: N hosts (3 to 10), each a chassis and a member of both
# clusters (hosts 1 to $OVN_MEMBERS only, if set); waits until every
# chassis is in the Southbound database.
ovn_setup() {
    local n=$1 i m=${OVN_MEMBERS:-$1}
    for tool in ovn-controller ovn-northd ovn-nbctl ovn-sbctl ovn-appctl; do
        command -v $tool > /dev/null \
            || hard_error "$tool is needed by the OVN tests (packages" \
                          "ovn-central, ovn-host: TEST_DEPS)"
    done
    [ -x "$OVN_SETUP_SCRIPT" ] || hard_error "$OVN_SETUP_SCRIPT not found"
    MH_NO_OVSNETD=1
    mh_setup "$n"
    trap ovn_cleanup EXIT
    OVN_SB_REMOTES= OVN_NB_REMOTES=
    for ((i = 1; i <= m; i++)); do
        OVN_SB_REMOTES=$OVN_SB_REMOTES${OVN_SB_REMOTES:+,}tcp:$(mh_underlay_ip "$i" 4):6642
        OVN_NB_REMOTES=$OVN_NB_REMOTES${OVN_NB_REMOTES:+,}tcp:$(mh_underlay_ip "$i" 4):6641
    done
    # The first member, then the others together (Raft adds them one by
    # one).
    _ovn_setup_one 1
    mh_each _ovn_setup_one $(seq 2 "$n")
    for ((i = 1; i <= n; i++)); do
        ovn_wait_chassis "$i"
    done
    log "OVN on $n hosts: NB $OVN_NB_REMOTES"
}

# ---------------------------------------------------------------------------
# The databases.

# ovn_nbctl ARGS...: ovn-nbctl against the Northbound cluster (the leader),
# from host $OVN_CTL_HOST's namespace.
ovn_nbctl() {
    mh_exec "$OVN_CTL_HOST" ovn-nbctl --db="$OVN_NB_REMOTES" \
        --timeout="$OVSNET_WAIT" "$@"
}

# ovn_sbctl ARGS...
ovn_sbctl() {
    mh_exec "$OVN_CTL_HOST" ovn-sbctl --db="$OVN_SB_REMOTES" \
        --timeout="$OVSNET_WAIT" "$@"
}

_ovn_dbname() {
    if [ "$1" = nb ]; then
        echo OVN_Northbound
    else
        echo OVN_Southbound
    fi
}

# ovn_cluster_status I nb|sb: cluster/status of host I's member.
ovn_cluster_status() {
    ovs-appctl --timeout=5 -t "$(mh_dir "$1")/ovn$2_db.ctl" cluster/status \
        "$(_ovn_dbname "$2")"
}

# ovn_leader nb|sb: the number of the host whose member is the leader
# (nothing if none is).
ovn_leader() {
    local i
    for ((i = 1; i <= MH_N; i++)); do
        if ovn_cluster_status "$i" "$1" 2> /dev/null | grep -q '^Role: leader'; then
            echo "$i"
            return 0
        fi
    done
    return 1
}

# ovn_members I nb|sb: how many servers host I's member counts in the
# cluster.
ovn_members() {
    ovn_cluster_status "$1" "$2" | awk '
        /^Servers:/ { in_s = 1; next }
        in_s && /^ +[0-9a-f]+ \(/ { n++ }
        in_s && !/^ / { in_s = 0 }
        END { print n + 0 }'
}

# ovn_pid I NAME: the pid of host I's ovn-controller, ovn-northd, ovnnb_db
# or ovnsb_db (nothing if it is not running).
ovn_pid() {
    local pid
    pid=$(pidfile_pid "$(mh_dir "$1")/$2.pid")
    pid_alive "$pid" && echo "$pid"
}

# ovn_running_pid I NAME: the pid of host I's daemon NAME (as ovn_pid),
# once it runs: one that crashed is started again by its --monitor
# (ovsnet-ovn-setup), which takes a moment.
ovn_running_pid() {
    wait_until "host $1's $2" ovn_pid "$1" "$2"
    ovn_pid "$1" "$2"
}

# ovn_kill_member I nb|sb: SIGKILL to host I's member; waits until it is
# gone.
ovn_kill_member() {
    local pid
    pid=$(ovn_running_pid "$1" "ovn$2_db")
    log "[h$1] kill -9 of the $2 member ($pid)"
    kill -KILL "$pid"
    wait_while "host $1's $2 member" pid_alive "$pid"
}

# ovn_northd_active: the hosts whose ovn-northd is active, one a line.
ovn_northd_active() {
    local i
    for ((i = 1; i <= MH_N; i++)); do
        [ -n "$(ovn_pid "$i" ovn-northd)" ] || continue
        if ovn-appctl --timeout=5 -t "$(mh_dir "$i")/ovn-northd.ctl" status \
                2> /dev/null | grep -q 'Status: active'; then
            echo "$i"
        fi
    done
}

# ---------------------------------------------------------------------------
# Chassis and VMs.

# ovn_chassis_name I: host I's chassis name (the set-up command's default).
ovn_chassis_name() {
    echo "ovn-$(mh_underlay_ip "$1" 4)"
}

# ovn_wait_chassis I: waits until host I's Chassis row is in the Southbound
# database with its Encap.
ovn_wait_chassis() {
    wait_until "the chassis of host $1 in the Southbound database" \
        _ovn_chassis_has_encap "$1"
}

_ovn_chassis_has_encap() {
    ovn_sbctl --bare --columns=encaps find Chassis \
        "name=$(ovn_chassis_name "$1")" | grep -q .
}

# ovn_vm I NAME LPORT MAC ADDR/LEN: a "VM" on host I: a namespace whose eth0
# (MAC, ADDR, MTU $OVN_VM_MTU, default 1442) is a veth whose other end, "vNAME" on host I, is a port of
# br-int with external_ids:iface-id=LPORT.
ovn_vm() {
    local host=$1 name=$2 lport=$3 mac=$4 addr=$5 cns hns
    cns=$(sandbox_netns "$name")
    hns=$(mh_ns "$host")
    ip -n "$hns" link add "v$name" type veth peer name eth0 netns "$cns" \
        || fail "cannot create the link of $name"
    ip -n "$cns" link set eth0 address "$mac"
    # Geneve over the IPv4 underlay (MTU 1500) takes 58 bytes, and OVN
    # tells no VM its MTU unless its DHCP does: the VM is set as it would.
    ip -n "$cns" link set eth0 mtu "$OVN_VM_MTU"
    ip -n "$cns" addr add "$addr" dev eth0
    ip -n "$cns" link set eth0 up
    # The userspace datapath does not compute checksums for the sender.
    ip netns exec "$cns" ethtool -K eth0 tx off > /dev/null
    ip -n "$hns" link set "v$name" up
    mh_vsctl "$host" add-port br-int "v$name" \
        -- set Interface "v$name" "external_ids:iface-id=$lport" \
        || fail "cannot plug v$name into host $host's br-int"
    echo "$name $host $cns $lport - ${addr%/*} - $mac" \
        >> "$SANDBOX_DIR/containers"
    log "[h$host] VM $name: $lport $mac $addr"
}

# ovn_wait_installed NAME: waits until ovn-controller marked VM NAME's
# Interface ovn-installed.
ovn_wait_installed() {
    wait_until "ovn-installed on $1's Interface" _ovn_installed "$1"
}

_ovn_installed() {
    [ "$(mh_vsctl "$(mh_chost "$1")" --if-exists get Interface "v$1" \
             external_ids:ovn-installed 2> /dev/null)" = '"true"' ]
}

# ovn_port_chassis LPORT: the name of the chassis LPORT's Port_Binding is
# bound to (nothing if none).
ovn_port_chassis() {
    local uuid
    uuid=$(ovn_sbctl --bare --columns=chassis find Port_Binding \
               "logical_port=$1")
    [ -n "$uuid" ] || return 0
    ovn_sbctl --bare --columns=name list Chassis "$uuid"
}

# ---------------------------------------------------------------------------
# The end.

# The EXIT trap: OVN's state into each host's dir on failure, then
# multihost-lib.sh's trap (whose sandbox_cleanup stops every daemon whose
# pidfile is in a host's dir: the OVN ones too).
ovn_cleanup() {
    local rc=$? i d
    # As mh_cleanup: every subshell of mh_each that fails sends the main
    # shell a TERM; the first brought it here, the next ones must not cut
    # this short (its "exit 143" left every daemon running).
    trap '' HUP INT TERM
    set +e
    if [ -n "$SANDBOX_DIR" ] && [ -d "$SANDBOX_DIR" ] \
            && { { [ $rc != 0 ] && [ $rc != 77 ]; } || sandbox_failed; }; then
        for ((i = 1; i <= MH_N; i++)); do
            d=$(mh_dir "$i")
            {
                for db in nb sb; do
                    echo "== cluster/status $db"
                    ovn_cluster_status "$i" "$db"
                done
                echo "== ovn-controller connection-status"
                ovn-appctl --timeout=3 \
                    -t "$d/ovn-controller.$(ovn_pid "$i" ovn-controller).ctl" \
                    connection-status
            } > "$d/ovn-state.txt" 2>&1
        done
        {
            OVSNET_WAIT=5 ovn_nbctl show
            OVSNET_WAIT=5 ovn_sbctl show
        } > "$SANDBOX_DIR/ovn-show.txt" 2>&1
        for f in "$SANDBOX_DIR"/h*/ovn-controller.log; do
            [ -s "$f" ] || continue
            echo "----- last lines of $f -----" >&2
            tail -n 20 "$f" >&2
        done
    fi
    (exit $rc)
    mh_cleanup
}
