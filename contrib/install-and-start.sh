#!/bin/bash
# contrib/install-and-start.sh: installs what ovsnet needs, builds and
# installs it, and starts Open vSwitch, ovsnetd and Docker, so that
#
#     docker network create -d ovs --subnet 198.51.100.0/24 mynet
#
# works.  Run as root on Debian 12, from a clone of the repository, with or
# without systemd (it checks which).  Running it again rebuilds, restarts
# ovsnetd with the new binary and leaves running daemons alone.
#
# On a host without Open vSwitch's kernel datapath it also raises
# net.core.rmem_default to 4 MiB where it is lower, now and for the next
# boots, by writing /etc/sysctl.d/60-ovsnet.conf (see tune_socket_buffers).
#
# Environment: DOCKERD_OPTS, options for a dockerd this script starts
# itself (without systemd); by default it picks what works on this machine.
set -eu

# shellcheck source=contrib/lib-setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-setup.sh"

# How long to wait for each daemon to answer.
WAIT=60

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND until it succeeds.
wait_for() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" > /dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || die "$what: no answer after ${limit}s"
        sleep 0.5
    done
}

# pidfile_alive FILE: FILE names a running process (a zombie is dead:
# without systemd, PID 1 may not reap).
pidfile_alive() {
    local pid
    [ -f "$1" ] || return 1
    pid=$(tr -cd '0-9' < "$1")
    [ -n "$pid" ] && [ -e "/proc/$pid" ] \
        && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2> /dev/null
}

install_packages() {
    # shellcheck disable=SC2046,SC2086
    apt_install $BUILD_DEPS $RUNTIME_DEPS $OVN_DEPS $(need_docker)
    ovn_services_off
}

build_and_install() {
    ovs_tree
    bootstrap
    configure_in _build || die "configure failed (see _build/configure.out)"
    say "make"
    make_in _build > "$SRCDIR/_build/make.out" 2>&1 || {
        tail -n 40 "$SRCDIR/_build/make.out" >&2
        die "make failed (see _build/make.out)"
    }
    say "make install"
    make -C "$SRCDIR/_build" install > "$SRCDIR/_build/install.out" 2>&1 || {
        tail -n 20 "$SRCDIR/_build/install.out" >&2
        die "make install failed (see _build/install.out)"
    }
}

# ---------------------------------------------------------------------------
# Open vSwitch.

ovs_answers() {
    ovs-vsctl --timeout=5 show
}

vswitchd_running() {
    pidfile_alive /var/run/openvswitch/ovs-vswitchd.pid
}

# Set when this script started ovs-vswitchd (rather than found it
# running): only then is its configuration this script's to choose.
OVS_STARTED_HERE=no

start_ovs() {
    if have_systemd; then
        if ! vswitchd_running; then
            OVS_STARTED_HERE=yes
        fi
        say "systemctl start openvswitch-switch"
        systemctl enable --now openvswitch-switch > /dev/null 2>&1 \
            || systemctl start openvswitch-switch \
            || die "systemctl start openvswitch-switch failed"
    elif ovs_answers > /dev/null 2>&1 && vswitchd_running; then
        say "Open vSwitch is running"
    else
        say "starting Open vSwitch (ovs-ctl)"
        OVS_STARTED_HERE=yes
        # ovs-ctl loads the kernel module if the kernel takes modules; where
        # that fails it starts ovsdb-server but not ovs-vswitchd.
        /usr/share/openvswitch/scripts/ovs-ctl start --system-id=random \
            || say "ovs-ctl start reported a failure; checking what runs"
        if ! vswitchd_running; then
            # No kernel datapath: ovs-vswitchd runs all the same, with the
            # userspace datapath (ovsnetd chooses datapath_type=netdev).
            say "starting ovs-vswitchd without the kernel module"
            wait_for $WAIT "ovsdb-server" ovs_answers
            enable_userspace_tso > /dev/null
            ovs-vswitchd unix:/var/run/openvswitch/db.sock \
                --pidfile --detach --log-file --no-chdir \
                -vconsole:emer -vsyslog:err -vfile:info \
                || die "ovs-vswitchd did not start"
        fi
    fi
    wait_for $WAIT "ovsdb-server" ovs_answers
    wait_for $WAIT "ovs-vswitchd" vswitchd_running
}

# enable_userspace_tso: on the userspace datapath, TCP between containers
# is 0.10x of Docker's bridge without TSO and 0.83x with it (bench/run.sh):
# turn on other_config:userspace-tso-enable in an Open vSwitch this script
# starts, unless it is set already (either way).  ovs-vswitchd reads it
# only when it starts.  Prints whether it changed anything.
enable_userspace_tso() {
    local have
    [ ! -d /sys/module/openvswitch ] || return 0
    have=$(ovs-vsctl --timeout=10 --if-exists get Open_vSwitch . \
               other_config:userspace-tso-enable 2> /dev/null | tr -d '"')
    if [ -n "$have" ]; then
        say "userspace datapath: other_config:userspace-tso-enable=$have already, left as it is"
        return 0
    fi
    say "userspace datapath: turning on other_config:userspace-tso-enable (TCP between containers about 8 times faster; see the README, \"Performance\")"
    ovs-vsctl --timeout=10 set Open_vSwitch . \
        other_config:userspace-tso-enable=true \
        || die "cannot set other_config:userspace-tso-enable"
    echo changed
}

# tune_ovs_started_here: systemd's unit or ovs-ctl started ovs-vswitchd
# before this script could set userspace-tso-enable: restart it once it is
# set.  (A host whose Open vSwitch was running already is left as it is.)
tune_ovs_started_here() {
    if [ "$OVS_STARTED_HERE" != yes ]; then
        [ -d /sys/module/openvswitch ] \
            || say "Open vSwitch was running already: its other_config is left as it is"
        return 0
    fi
    [ "$(enable_userspace_tso)" = changed ] || return 0
    say "restarting ovs-vswitchd, which reads userspace-tso-enable only at start"
    if have_systemd; then
        systemctl restart ovs-vswitchd || die "systemctl restart ovs-vswitchd failed"
    else
        ovs-appctl -t ovs-vswitchd exit > /dev/null 2>&1 || true
        # shellcheck disable=SC2016
        wait_for 30 "ovs-vswitchd to stop" eval '! vswitchd_running'
        start_ovs
    fi
    wait_for $WAIT "ovs-vswitchd" vswitchd_running
}

# tune_socket_buffers: on the userspace datapath ovs-vswitchd reads every
# port through a packet socket with the kernel's default receive buffer
# (net.core.rmem_default, 208 KB): with TSO's 64 KB packets it overflows,
# and TCP across a kernel VXLAN device loses packets by the thousand (see
# the README, "VXLAN through a kernel device").  Raise the default to 4 MiB,
# for sockets made from now on (ovs-vswitchd makes one per port as ports
# are added), and keep it in /etc/sysctl.d.  Nothing to do with the
# kernel datapath, or where it is already larger.
SYSCTL_CONF=/etc/sysctl.d/60-ovsnet.conf
tune_socket_buffers() {
    local want=4194304 have
    [ ! -d /sys/module/openvswitch ] || return 0
    have=$(cat /proc/sys/net/core/rmem_default 2> /dev/null || echo 0)
    [ "$have" -lt "$want" ] || return 0
    say "userspace datapath: net.core.rmem_default $have -> $want (in $SYSCTL_CONF)"
    printf '%s\n' \
        "# ovsnet (contrib/install-and-start.sh): ovs-vswitchd's packet sockets" \
        "# on the userspace datapath need more than the 208 KB default." \
        "net.core.rmem_default = $want" > "$SYSCTL_CONF"
    echo "$want" > /proc/sys/net/core/rmem_default \
        || say "could not set net.core.rmem_default now (it is in $SYSCTL_CONF for the next boot)"
}

# ---------------------------------------------------------------------------
# ovsnetd.

SOCKET=/run/docker/plugins/ovs.sock
SBINDIR=/usr/local/sbin

start_ovsnetd() {
    if have_systemd; then
        say "systemctl enable --now ovsnetd"
        systemctl daemon-reload
        systemctl enable ovsnetd > /dev/null 2>&1 \
            || die "systemctl enable ovsnetd failed (is the unit installed?)"
        # restart: a second run brings the binary just installed.
        systemctl restart ovsnetd || {
            systemctl status --no-pager ovsnetd >&2 || true
            die "ovsnetd did not start"
        }
    else
        local pidfile=/var/run/openvswitch/ovsnetd.pid
        if pidfile_alive "$pidfile"; then
            say "restarting ovsnetd with the binary just installed"
            kill -TERM "$(tr -cd '0-9' < "$pidfile")"
            # shellcheck disable=SC2016
            wait_for 30 "ovsnetd to stop" eval '! pidfile_alive "$pidfile"'
        fi
        say "starting ovsnetd"
        # The settings the systemd unit reads (e.g. OVSNET_OVN_NB).
        ( if [ -r /etc/default/ovsnetd ]; then
              set -a
              # shellcheck disable=SC1091
              . /etc/default/ovsnetd
              set +a
          fi
          exec "$SBINDIR/ovsnetd" --detach --pidfile --log-file ) \
            || die "ovsnetd did not start: see /var/log/openvswitch/ovsnetd.log"
    fi
    wait_for $WAIT "ovsnetd's socket $SOCKET" test -S "$SOCKET"
}

# ---------------------------------------------------------------------------
# Docker.

docker_answers() {
    timeout 20 docker info
}

# dockerd_options: what a dockerd started here needs on this machine.
dockerd_options() {
    local opts='' conf=/etc/docker/daemon.json
    # Options also set in daemon.json make dockerd refuse to start.
    if ! grep -q '"iptables"' "$conf" 2> /dev/null \
            && ! iptables -t nat -S > /dev/null 2>&1; then
        # No usable netfilter (nf_tables): Docker could not set up NAT.
        opts="$opts --iptables=false --ip6tables=false"
    fi
    if ! grep -q '"storage-driver"' "$conf" 2> /dev/null; then
        local fstype
        fstype=$(stat -f -c %T /var/lib 2> /dev/null || echo unknown)
        if ! grep -qw overlay /proc/filesystems \
                || [ "$fstype" = overlayfs ] || [ "$fstype" = tmpfs ]; then
            # overlay2 needs the overlay file system, and not on overlay.
            opts="$opts --storage-driver=vfs"
        fi
    fi
    echo "$opts"
}

start_dockerd() {
    local opts=$1 log=/var/log/dockerd.log
    say "starting dockerd${opts:+ }${opts# } (log: $log)"
    # setsid: dockerd must outlive this script and its terminal.
    # shellcheck disable=SC2086
    setsid dockerd --pidfile=/var/run/docker.pid $opts \
        >> "$log" 2>&1 < /dev/null &
    local pid=$! deadline=$((SECONDS + WAIT))
    until docker_answers > /dev/null 2>&1; do
        if ! kill -0 "$pid" 2> /dev/null; then
            say "dockerd exited: $(tail -n 3 "$log")"
            return 1
        fi
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.5
    done
}

start_docker() {
    if have_systemd; then
        say "systemctl start docker"
        systemctl start docker || die "systemctl start docker failed"
    elif docker_answers > /dev/null 2>&1; then
        say "Docker is running"
    else
        # Without systemd nothing may have mounted the cgroup file systems
        # dockerd needs (docker.io's own init script runs this too).
        if ! mountpoint -q /sys/fs/cgroup && command -v cgroupfs-mount > /dev/null; then
            say "mounting the cgroup file systems (cgroupfs-mount)"
            cgroupfs-mount || true
        fi
        local opts=${DOCKERD_OPTS-$(dockerd_options)}
        if ! start_dockerd "$opts"; then
            # What is known to work on machines like this one (no
            # netfilter NAT, no overlay): dockerd without them.
            [ -z "${DOCKERD_OPTS+set}" ] || die "dockerd did not start"
            pkill_dockerd_started_here
            start_dockerd " --iptables=false --ip6tables=false --storage-driver=vfs" \
                || die "dockerd did not start: see /var/log/dockerd.log"
        fi
    fi
    wait_for $WAIT "docker info" docker_answers
}

# pkill_dockerd_started_here: stops the dockerd this script started, if it
# still runs (its pidfile).
pkill_dockerd_started_here() {
    if pidfile_alive /var/run/docker.pid; then
        kill -TERM "$(tr -cd '0-9' < /var/run/docker.pid)" 2> /dev/null || true
        wait_for 30 "dockerd to stop" eval '! pidfile_alive /var/run/docker.pid'
    fi
}

# ---------------------------------------------------------------------------

need_root
cd "$SRCDIR"
if have_systemd; then
    say "systemd is PID 1: using it"
else
    say "no systemd (PID 1 is $(cat /proc/1/comm 2> /dev/null || echo unknown)): starting daemons directly"
fi
install_packages
build_and_install
start_ovs
tune_ovs_started_here
tune_socket_buffers
start_ovsnetd
start_docker
echo "ready: docker network create -d ovs --subnet 198.51.100.0/24 mynet"
