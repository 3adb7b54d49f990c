# contrib/lib-setup.sh: what contrib/install-and-start.sh and
# contrib/build-and-test.sh share: the package lists, apt, the Open vSwitch
# build tree and ovsnet's own build.  Sourced (bash), not run.
#
# Both scripts run as root on Debian 12, from anywhere in a clone of the
# repository, with or without systemd, and may be run again: each step
# skips or redoes what is already there.

# The repository's top directory.
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building ovsnet needs.  openvswitch-source is the exact tree of
# Debian's daemons: ovsnet links its libopenvswitch (Debian ships no -dev).
# shellcheck disable=SC2034
BUILD_DEPS="build-essential autoconf automake libtool pkg-config
    libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libcmocka-dev
    libnftnl-dev libmnl-dev
    libssl-dev libcap-ng-dev libunbound-dev python3 openvswitch-source"
# What running it needs.  Docker is added by need_docker only where no
# dockerd is installed (docker-ce and docker.io conflict).
# iptables: ovsnetd's --iptables runs its iptables-restore.
# shellcheck disable=SC2034
RUNTIME_DEPS="openvswitch-switch iproute2 ethtool iptables"
# OVN (contrib/ovsnet-ovn-setup, the OVN tests): the databases' schemas,
# ovn-northd, ovn-controller, ovn-nbctl.  Their system services are turned
# off after the install (ovn_services_off).
# shellcheck disable=SC2034
OVN_DEPS="ovn-central ovn-host"
# The OVN benchmark's baseline (bench/bench-ovn.sh): Debian's Docker driver
# for OVN, ovn-docker-overlay-driver, and Flask, which it imports but the
# package does not depend on.  Neither ships a service (no unit, no init
# script): installing them starts nothing.
# shellcheck disable=SC2034
OVN_BENCH_DEPS="ovn-docker python3-flask"
# What the test suite needs besides: busybox-static makes the containers'
# image, jq reads JSON replies, util-linux has nsenter and unshare, nftables
# (the nft command) shows the tests the ruleset ovsnetd made, iptables
# (also a runtime dependency) is what the iptables tests read, clang and
# libclang-rt-14-dev build the libFuzzer targets, docker-registry is the
# registry the managed plugin is pushed to and upgraded from (the test runs
# its own, in its namespace), qemu-system-x86 and kmod run the kernel
# datapath's tests in a VM (tests/vm: its image is made of the packages
# above, copied from this machine, and a kernel it downloads).
# shellcheck disable=SC2034
TEST_DEPS="busybox-static iperf3 netcat-openbsd iputils-ping valgrind clang
    libclang-rt-14-dev tcpdump jq util-linux procps nftables iptables strace
    docker-registry qemu-system-x86 kmod gzip $OVN_DEPS $OVN_BENCH_DEPS"

# The configure options of every build: the installed paths match
# Debian's (the default database socket under /var/run/openvswitch).
CONFIGURE_FLAGS="--prefix=/usr/local --sysconfdir=/etc --localstatedir=/var"

PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
export PATH
export DEBIAN_FRONTEND=noninteractive

# say MESSAGE: progress, on stderr, with the script's name.
say() {
    echo "$(basename "$0"): $*" >&2
}

# die MESSAGE: stops with an error.
die() {
    say "error: $*"
    exit 1
}

need_root() {
    [ "$(id -u)" = 0 ] || die "run me as root (I install packages and start daemons)"
}

# have_systemd: systemd is PID 1 (what sd_booted() checks).  Containers
# and some VMs have systemctl installed but another PID 1.
have_systemd() {
    [ -d /run/systemd/system ]
}

# docker_installed: a Docker daemon is installed, whatever its package.
# (A docker client alone, without dockerd, does not count.)
docker_installed() {
    command -v dockerd > /dev/null 2>&1
}

# apt_install PACKAGE...: apt-get update, then installs those of PACKAGE
# that are missing.  If the update fails but nothing is missing, goes on
# (the machine may have no route to the mirror, and needs nothing).
apt_install() {
    local pkg missing=
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null \
                | grep -q 'install ok installed'; then
            missing="$missing $pkg"
        fi
    done
    say "apt-get update"
    if ! apt-get update -q > /dev/null; then
        [ -z "$missing" ] || die "apt-get update failed, and$missing must be installed"
        say "apt-get update failed; every package is installed already, going on"
        return 0
    fi
    if [ -n "$missing" ]; then
        say "installing$missing"
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing \
            || die "apt-get install failed"
    else
        say "all packages are installed"
    fi
}

# ovn_services_off: stops and disables the system's OVN services, which
# the packages ovn-central and ovn-host enable and start under systemd
# (without systemd, invoke-rc.d starts nothing: they have no init
# scripts).  contrib/ovsnet-ovn-setup runs its own daemons, and the tests
# theirs in temp dirs: a system ovn-controller would make a br-int in the
# machine's Open vSwitch, a system ovsdb-server hold /var/run/ovn.
ovn_services_off() {
    units_off "ovsnet-ovn-setup runs OVN's daemons" ovn-host ovn-controller \
        ovn-central ovn-northd ovn-ovsdb-server-nb ovn-ovsdb-server-sb
}

# registry_service_off: the same for docker-registry (a test dependency),
# whose package enables and starts a registry on port 5000 under systemd:
# the tests run their own, in their namespaces.
registry_service_off() {
    units_off "the tests run their own registry" docker-registry
}

# units_off WHY UNIT...: stops and disables each UNIT that is enabled or
# running, under systemd.
units_off() {
    local why=$1 unit
    shift
    have_systemd || return 0
    for unit in "$@"; do
        if systemctl is-enabled --quiet "$unit" 2> /dev/null \
                || systemctl is-active --quiet "$unit" 2> /dev/null; then
            say "stopping and disabling $unit ($why)"
            systemctl disable --now "$unit" > /dev/null 2>&1 \
                || say "could not disable $unit"
        fi
    done
}

# need_docker: prints "docker.io" if no Docker daemon is installed, and
# those of its recommended packages this machine needs: apparmor where
# the kernel enforces AppArmor (otherwise dockerd cannot load its
# docker-default profile and containers fail to start), cgroupfs-mount
# where no systemd mounts the cgroup file systems.
need_docker() {
    if ! docker_installed; then
        echo docker.io
        if [ "$(cat /sys/module/apparmor/parameters/enabled 2> /dev/null)" = Y ]; then
            echo apparmor
        fi
        have_systemd || echo cgroupfs-mount
    fi
}

# debian_mirror: the URI of the Debian archive the machine's apt sources
# name (the main archive, not the security one), as apt itself read them:
# http://deb.debian.org/debian, say.  Nothing if there is none.
debian_mirror() {
    apt-get indextargets --format '$(SITE) $(LABEL)' 2> /dev/null \
        | awk '$2 == "Debian" { print $1; exit }'
}

# ovs_tree: builds (once; kept under /var/cache/ovsnet) the Open vSwitch
# tree ovsnet compiles against, and sets OVS_TREE to it.
ovs_tree() {
    say "preparing the Open vSwitch build tree (about 4 minutes the first time)"
    OVS_TREE=$(sh "$SRCDIR/contrib/ovs-build-tree" | tail -n 1) \
        || die "contrib/ovs-build-tree failed"
    [ -d "$OVS_TREE" ] || die "contrib/ovs-build-tree printed no directory"
    say "Open vSwitch tree: $OVS_TREE"
}

# bootstrap: autoreconf in the source tree.  A tree configured in place
# would make every build directory's configure refuse to run: clean it.
bootstrap() {
    if [ -f "$SRCDIR/config.status" ]; then
        say "the source tree was configured in place: make distclean there"
        make -C "$SRCDIR" distclean > /dev/null 2>&1 || true
        rm -f "$SRCDIR/config.status"
    fi
    say "autoreconf"
    (cd "$SRCDIR" && autoreconf -fi) > /dev/null 2>&1 \
        || (cd "$SRCDIR" && autoreconf -fi) || die "autoreconf failed"
}

# configure_in BUILDDIR [OPTION...]: configures ovsnet in BUILDDIR (under
# the source tree) against $OVS_TREE, with $CONFIGURE_FLAGS and OPTIONs.
configure_in() {
    local dir=$SRCDIR/$1
    shift
    mkdir -p "$dir"
    say "configure in $dir $*"
    # shellcheck disable=SC2086
    (cd "$dir" && "$SRCDIR/configure" \
        --with-ovs-source="$OVS_TREE" --with-ovs-build="$OVS_TREE" \
        $CONFIGURE_FLAGS "$@") > "$dir/configure.out" 2>&1 || {
        tail -n 30 "$dir/configure.out" >&2
        return 1
    }
}

# make_in BUILDDIR [TARGET...]: make -jN in BUILDDIR.
make_in() {
    local dir=$SRCDIR/$1
    shift
    make -C "$dir" -j"$(nproc 2> /dev/null || echo 2)" "$@"
}
