#!/bin/bash
# tests/vm/run.sh: runs tests on Open vSwitch's kernel datapath
# (datapath_type=system) inside a qemu VM, and reports their results.
#
# Usage (as root, what "make check-kernel" runs):
#     tests/vm/run.sh [TEST...]
#
#   The VM: Debian 12's kernel and an initramfs of Debian's packages
#   (tests/vm/build-image.sh, cached under /var/cache/ovsnet/vm), plus, at
#   each run, a second initramfs with this build tree's ovsnetd and test
#   programs, the source tree's test scripts, contrib/ and bench/, and the
#   job: tests/vm/guest-run.sh with the TESTs (paths relative to the source
#   tree, e.g. tests/test-protocol.sh; default: $KERNEL_TESTS).  qemu runs
#   it under software emulation (-accel tcg, -smp 2, -nic none); the
#   results come back on a 9p share: for each test, its .log and an
#   automake-style .trs in $top_builddir/tests/kernel/, and the VM's console
#   in $top_builddir/tests/kernel/console.log.  Prints "PASS: test" lines as
#   "make check" does, then the failed tests' logs.
#
# Exit status: 0 if every test passed, 1 if one failed or was skipped (a
# test skipped in the VM tested nothing), 99 if the VM did not boot, did
# not finish within OVSNET_VM_TIMEOUT or could not be built.
#
# Environment: top_srcdir, top_builddir (default: this source tree, and
# its _build); OVSNET_VM_TIMEOUT (seconds, default 1500) bounds the whole
# VM; OVSNET_VM_BOOT_TIMEOUT (default 120) how long to wait for it to
# boot; OVSNET_VM_MEM (MiB, default 2048); OVSNET_VM_JOB, a script to run
# instead of the tests (bench/bench-kernel.sh uses it); OVSNET_VM_CACHE
# (default /var/cache/ovsnet/vm); OVSNET_VM_KERNEL (see build-image.sh).
set -u

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=contrib/lib-setup.sh
. "$VM_DIR/../../contrib/lib-setup.sh"

: "${top_srcdir:=$SRCDIR}"
: "${top_builddir:=$SRCDIR/_build}"
: "${OVSNET_VM_TIMEOUT:=1500}"
: "${OVSNET_VM_BOOT_TIMEOUT:=120}"
: "${OVSNET_VM_MEM:=2048}"
: "${OVSNET_VM_CACHE:=/var/cache/ovsnet/vm}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)

need_root
command -v qemu-system-x86_64 > /dev/null \
    || { say "qemu-system-x86_64 not found (package qemu-system-x86)"; exit 99; }

tests="$*"
if [ -z "$tests" ]; then
    tests=${KERNEL_TESTS:-}
fi
if [ -z "$tests" ] && [ -z "${OVSNET_VM_JOB:-}" ]; then
    say "no tests to run"
    exit 99
fi

image=$(bash "$VM_DIR/build-image.sh" "$OVSNET_VM_CACHE" | tail -n 1)
if [ ! -f "$image/base.cpio.gz" ]; then
    say "the VM image could not be built"
    exit 99
fi

results=$top_builddir/tests/kernel
rm -rf "$results"
mkdir -p "$results"
work=$(mktemp -d "${TMPDIR:-/tmp}/ovsnet-vm.XXXXXX")
qpid=
# timeout(1) runs qemu in a process group of its own: stop it by its pid.
trap '[ -n "$qpid" ] && kill "$qpid" 2> /dev/null; rm -rf "$work"' EXIT

# The run's own part of the initramfs: /ovsnet/src, /ovsnet/build, the
# libraries the build's programs need, the job.
R=$work/root
mkdir -p "$R/ovsnet/src" "$R/ovsnet/build/plugin" "$R/ovsnet/build/tests" \
    "$R/ovsnet/build/bench"
cp -a "$top_srcdir/tests" "$top_srcdir/contrib" "$top_srcdir/bench" \
    "$R/ovsnet/src/"
rm -rf "$R/ovsnet/src/tests/fuzz"
progs=
for p in plugin/ovsnetd tests/ovsnet-call tests/ovsnet-load bench/bench-attach; do
    if [ ! -x "$top_builddir/$p" ]; then
        say "$top_builddir/$p is not built"
        exit 99
    fi
    cp "$top_builddir/$p" "$R/ovsnet/build/$p"
    progs="$progs $top_builddir/$p"
done
# shellcheck disable=SC2086
for lib in $(ldd $progs 2> /dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p' | sort -u); do
    case $lib in
        /lib/*) dest=/usr$lib ;;
        *) dest=$lib ;;
    esac
    mkdir -p "$R$(dirname "$dest")"
    cp -L "$lib" "$R$dest"
done
if [ -n "${OVSNET_VM_JOB:-}" ]; then
    cp "$OVSNET_VM_JOB" "$R/ovsnet/job"
else
    {
        echo '#!/bin/bash'
        printf 'exec /ovsnet/src/tests/vm/guest-run.sh %s\n' "$tests"
    } > "$R/ovsnet/job"
fi
chmod 755 "$R/ovsnet/job"
(cd "$R" && find . | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2> /dev/null) \
    | gzip -1 > "$work/run.cpio.gz"
cat "$image/base.cpio.gz" "$work/run.cpio.gz" > "$work/initrd"

console=$results/console.log
say "booting the VM ($(cat "$image/kernel"), qemu TCG, 2 CPUs), console in $console"
start=$SECONDS
timeout --kill-after=10 "$OVSNET_VM_TIMEOUT" \
    qemu-system-x86_64 -accel tcg -smp 2 -m "$OVSNET_VM_MEM" \
    -kernel "$image/vmlinuz" -initrd "$work/initrd" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4" \
    -nic none -display none -monitor none -serial "file:$console" \
    -no-reboot \
    -virtfs "local,path=$results,mount_tag=results,security_model=none,id=results" \
    > "$work/qemu.out" 2>&1 &
qpid=$!

# Progress: the console's result lines as they come; the boot deadline.
booted=0
shown=0
while kill -0 "$qpid" 2> /dev/null; do
    if [ $booted = 0 ] && grep -q '^ovsnet-vm: booted' "$console" 2> /dev/null; then
        booted=1
        say "the VM booted after $((SECONDS - start)) s"
    fi
    if [ $booted = 0 ] && [ $((SECONDS - start)) -ge "$OVSNET_VM_BOOT_TIMEOUT" ]; then
        say "the VM did not boot within $OVSNET_VM_BOOT_TIMEOUT s"
        kill "$qpid" 2> /dev/null
        break
    fi
    if [ -f "$console" ]; then
        n=$(wc -l < "$console")
        if [ "$n" -gt "$shown" ]; then
            sed -n "$((shown + 1)),${n}p" "$console" \
                | grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL|BENCH|ovsnet-vm):' >&2
            shown=$n
        fi
    fi
    sleep 2
done
wait "$qpid"
qrc=$?
if [ -f "$console" ] && [ "$(wc -l < "$console")" -gt "$shown" ]; then
    sed -n "$((shown + 1)),\$p" "$console" \
        | grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL|BENCH|ovsnet-vm):' >&2
fi
say "the VM ran $((SECONDS - start)) s"

if ! grep -q '^ovsnet-vm: booted' "$console" 2> /dev/null; then
    say "FAILED: the VM did not boot (qemu exit status $qrc); its console:"
    tail -n 40 "$console" >&2 2> /dev/null
    cat "$work/qemu.out" >&2
    exit 99
fi
if ! grep -q '^ovsnet-vm: job exit status' "$console"; then
    if [ $qrc = 124 ] || [ $qrc = 137 ]; then
        say "FAILED: the VM did not finish within $OVSNET_VM_TIMEOUT s; the end of its console:"
    else
        say "FAILED: the VM stopped before its job ended (qemu exit status $qrc):"
    fi
    tail -n 60 "$console" >&2
    exit 99
fi
[ -n "${OVSNET_VM_JOB:-}" ] && exit 0

rc=0
for t in $tests; do
    trs=$results/$(basename "${t%.sh}").trs
    res=$(sed -n 's/^:test-result: //p' "$trs" 2> /dev/null)
    case $res in
        PASS) ;;
        *)
            rc=1
            echo "======== ${trs%.trs}.log (${res:-no result})" >&2
            tail -n 150 "${trs%.trs}.log" >&2 2> /dev/null
            ;;
    esac
done
exit $rc
