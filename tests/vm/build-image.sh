#!/bin/bash
# tests/vm/build-image.sh: the cached part of the kernel-datapath test VM.
#
# Usage: tests/vm/build-image.sh [CACHEDIR]
#
#   Builds, once per set of package versions and harness contents, a
#   directory CACHEDIR/<key> (CACHEDIR defaults to /var/cache/ovsnet/vm)
#   holding:
#     vmlinuz        Debian 12's kernel of one exact version: the
#                    linux-image-6.1.0-N-amd64 that linux-image-amd64
#                    depends on (OVSNET_VM_KERNEL=linux-image-6.1.0-N-amd64
#                    names another), fetched with "apt-get download" of
#                    that exact name, never installed;
#     base.cpio.gz   an initramfs: busybox-static (its applets only where
#                    no real program has the name), bash, kmod as
#                    /sbin/modprobe, that kernel's modules for Open
#                    vSwitch's datapath, veth, the tunnels, netfilter,
#                    bridge, 9p and virtio, and Debian's programs the tests
#                    run (Open vSwitch's daemons and tools, iproute2,
#                    iptables, nftables, ethtool, jq, nc, ping, tcpdump,
#                    iperf3...) with their shared libraries (ldd), copied
#                    from this machine's installed packages;
#     init           the VM's /init (tests/vm/init), also in the cpio.
#   The key is a hash of the kernel package's version, the installed
#   versions of those packages and this script's and tests/vm/init's
#   contents.  Other keys are removed; a lock serializes builds.  ovsnet's
#   own programs and tests are not in it: tests/vm/run.sh adds them at each
#   run.  The last line printed is the directory.
set -eu

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=contrib/lib-setup.sh
. "$VM_DIR/../../contrib/lib-setup.sh"

cache=${1:-/var/cache/ovsnet/vm}

# Debian's packages whose files go into the image.
VM_PACKAGES="bash dash coreutils util-linux mount grep sed mawk diffutils findutils
    procps iproute2 iputils-ping netcat-openbsd tcpdump jq ethtool nftables
    iptables kmod openvswitch-common openvswitch-switch busybox-static iperf3
    gzip strace uuid-runtime libc-bin"
# Programs that are alternatives' links.
VM_ALTERNATIVES="ovs-vswitchd awk nc iptables iptables-save iptables-restore ip6tables
    ip6tables-save ip6tables-restore"
# The kernel modules (and, by modules.dep, what they need).
VM_MODULES="openvswitch vport-vxlan vport-geneve vport-gre veth vxlan geneve
    ip_gre ip6_gre gre nf_tables nfnetlink nf_conntrack nf_nat nft_chain_nat
    nft_compat nft_masq nft_nat nft_ct nft_fib_inet nft_reject_inet
    xt_MASQUERADE xt_conntrack xt_addrtype xt_comment xt_mark xt_tcpudp
    xt_nat iptable_nat iptable_filter iptable_mangle ip6table_nat
    ip6table_filter bridge br_netfilter tun dummy 9p 9pnet_virtio virtio_pci
    virtio_blk ext4 overlay af_packet"

need_root
mkdir -p "$cache"
exec 9> "$cache.lock"
flock 9

# The kernel package: one exact name.
kpkg=${OVSNET_VM_KERNEL:-$(apt-cache depends linux-image-amd64 2> /dev/null \
    | sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' \
    | head -n 1)}
[[ "$kpkg" =~ ^linux-image-6\.1\.0-[0-9]+-amd64$ ]] \
    || die "no linux-image-6.1.0-N-amd64 found (apt-get update?); set OVSNET_VM_KERNEL"
kver=$(apt-cache policy "$kpkg" 2> /dev/null | sed -n 's/^ *Candidate: //p')
[ -n "$kver" ] && [ "$kver" != "(none)" ] \
    || die "apt knows no version of $kpkg"
krel=${kpkg#linux-image-}

# shellcheck disable=SC2086
key=$( { echo "$kpkg $kver"; dpkg-query -W $VM_PACKAGES;
         cat "$VM_DIR/build-image.sh" "$VM_DIR/init"; } | sha256sum | cut -c1-16)
out=$cache/$key
if [ -f "$out/.complete" ]; then
    say "VM image $out (cached)"
    echo "$out"
    exit 0
fi

say "building the VM image in $out ($kpkg $kver)"
rm -rf "$out"
work=$cache/build.$$
rm -rf "$work"
mkdir -p "$work/deb" "$work/root"
trap 'rm -rf "$work"' EXIT

# The kernel.
if id _apt > /dev/null 2>&1; then
    chown _apt "$work/deb"
fi
(cd "$work/deb" && apt-get download -q "$kpkg=$kver") >&2 \
    || die "apt-get download $kpkg=$kver failed"
dpkg -x "$work/deb"/*.deb "$work/kernel"
depmod -b "$work/kernel" "$krel" || die "depmod failed"

R=$work/root
mkdir -p "$R"/usr/bin "$R"/usr/sbin "$R"/usr/lib "$R"/usr/lib64 \
    "$R"/etc "$R"/proc "$R"/sys "$R"/dev "$R"/tmp "$R"/run "$R"/var \
    "$R"/root "$R"/mnt
for d in bin sbin lib lib64; do
    ln -s "usr/$d" "$R/$d"
done
ln -s ../run "$R/var/run"
mkdir -p "$R/var/log" "$R/var/lib" "$R/var/tmp"

# copy_path PATH: PATH (a file or symlink) into the image, with the
# directories leading to it.
copy_path() {
    local p=$1
    [ -e "$p" ] || [ -L "$p" ] || return 0
    # Debian 12 is merged-/usr: /bin/x is /usr/bin/x.
    case $p in
        /bin/*|/sbin/*|/lib/*|/lib64/*) p=/usr$p ;;
    esac
    [ -e "$R$p" ] || [ -L "$R$p" ] && return 0
    mkdir -p "$R$(dirname "$p")"
    cp -a "$p" "$R$p" 2> /dev/null || cp -a "${1}" "$R$p"
}

# The packages' files, without documentation.
# shellcheck disable=SC2086
for f in $(dpkg -L $VM_PACKAGES 2> /dev/null | sort -u); do
    case $f in
        /usr/share/doc/*|/usr/share/man/*|/usr/share/locale/*|/usr/share/info/*) continue ;;
        /usr/share/bash-completion/*|/usr/share/lintian/*|/usr/share/zsh/*) continue ;;
        /lib/systemd/*|/usr/lib/systemd/*|/etc/init.d/*|/etc/logrotate.d/*) continue ;;
    esac
    if [ -f "$f" ] || [ -L "$f" ]; then
        copy_path "$f"
    fi
done
# The alternatives' links (update-alternatives makes them: dpkg -L does
# not list them) and what they name.
mkdir -p "$R/etc/alternatives"
for n in $VM_ALTERNATIVES; do
    for d in /usr/bin /usr/sbin; do
        if [ -L "$d/$n" ]; then
            copy_path "$d/$n"
            l=$(readlink "$d/$n")
            case $l in
                /etc/alternatives/*) cp -a "$l" "$R$l" ;;
            esac
            copy_path "$(readlink -f "$d/$n")"
        fi
    done
done

# Shared libraries of every ELF program and library, by ldd, until no new
# one appears.
copy_libs() {
    local f lib new=1
    while [ $new = 1 ]; do
        new=0
        for f in $(find "$R/usr" -type f \( -perm -u+x -o -name '*.so*' \)); do
            [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
            for lib in $(ldd "$f" 2> /dev/null \
                             | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^\t\(\/[^ ]*\) .*/\1/p'); do
                case $lib in
                    /bin/*|/sbin/*|/lib/*|/lib64/*) lib=/usr$lib ;;
                esac
                if [ ! -e "$R$lib" ]; then
                    copy_path "$lib"
                    copy_path "$(readlink -f "$lib")"
                    new=1
                fi
            done
        done
    done
}
copy_libs

# /bin/sh is dash, as on Debian (busybox's sh would run its own applets,
# its "ip" say, before the real programs).
ln -sf dash "$R/usr/bin/sh"

# Busybox's applets where nothing real has the name: the real programs
# behave as the tests expect (ip, timeout, env...).
for a in $(/bin/busybox --list-full); do
    n=$(basename "$a")
    if [ ! -e "$R/usr/bin/$n" ] && [ ! -e "$R/usr/sbin/$n" ] \
            && [ ! -L "$R/usr/bin/$n" ] && [ ! -L "$R/usr/sbin/$n" ]; then
        ln -s /bin/busybox "$R/usr/bin/$n"
    fi
done

# Small files of /etc that the programs read.
for f in /etc/protocols /etc/services /etc/ethertypes /etc/nsswitch.conf \
         /etc/iproute2 /etc/ld.so.conf /etc/ld.so.conf.d; do
    [ -e "$f" ] && cp -a "$f" "$R/etc/"
done
# tcpdump drops its privileges to user tcpdump.
printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
    'tcpdump:x:100:101::/nonexistent:/usr/sbin/nologin' \
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' \
    > "$R/etc/passwd"
printf '%s\n' 'root:x:0:' 'tcpdump:x:101:' 'nogroup:x:65534:' \
    > "$R/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$R/etc/hosts"
echo ovsnet-vm > "$R/etc/hostname"
: > "$R/etc/resolv.conf"
mkdir -p "$R/etc/openvswitch" "$R/var/lib/openvswitch" "$R/run/openvswitch"
ldconfig -r "$R" 2> /dev/null || true

# The kernel's modules and those they need.
mods=
for m in $VM_MODULES; do
    dep=$(modprobe -d "$work/kernel" -S "$krel" --show-depends "$m" 2> /dev/null) \
        || die "the kernel $krel has no module $m"
    mods="$mods $(echo "$dep" | sed -n 's/^insmod \([^ ]*\).*/\1/p')"
done
mdir=/lib/modules/$krel
mkdir -p "$R/usr$mdir"
for m in $(echo "$mods" | tr ' ' '\n' | sort -u); do
    rel=${m#"$work/kernel$mdir/"}
    mkdir -p "$R/usr$mdir/$(dirname "$rel")"
    cp "$m" "$R/usr$mdir/$rel"
done
cp "$work/kernel$mdir"/modules.builtin* "$work/kernel$mdir/modules.order" \
    "$R/usr$mdir/"
depmod -b "$R" "$krel" || die "depmod in the image failed"

cp "$VM_DIR/init" "$R/init"
chmod 755 "$R/init"

mkdir -p "$out"
cp "$work/kernel/boot/vmlinuz-$krel" "$out/vmlinuz"
cp "$VM_DIR/init" "$out/init"
(cd "$R" && find . | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2> /dev/null) \
    | gzip -1 > "$out/base.cpio.gz"
echo "$kpkg $kver" > "$out/kernel"
say "VM image: $(du -sh "$R" | cut -f1) unpacked," \
    "$(du -h "$out/base.cpio.gz" | cut -f1) compressed"
# Older images: only the newest is used.
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" \
    ! -name "build.$$" -exec rm -rf {} +
touch "$out/.complete"
echo "$out"
