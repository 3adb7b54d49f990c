#!/bin/bash
# bench/bench-kernel.sh: benchmarks on Open vSwitch's kernel datapath, in
# the VM of "make check-kernel" (tests/vm/run.sh: Debian 12's kernel under
# qemu's software emulation, so only ratios mean anything).
#
# Run as root from the source tree after "make" in the build tree:
#
#     bench/bench-kernel.sh [BUILDDIR]       (default: _build)
#
# In one VM: bench/kernel-tcp.sh (TCP on one system bridge against a Linux
# bridge; across two namespace hosts over OVS's kernel vxlan against the
# kernel's VXLAN device), then bench/run.sh's attach/detach latency,
# ovsnetd against ovs-docker, on the system datapath (BENCH_DOCKER=0,
# BENCH_TUNNEL=0, BENCH_SWARM=0, BENCH_POPULATION default 100 there).
# Prints the figures; the raw ones land in BUILDDIR/tests/kernel/bench.txt.
# OVSNET_VM_TIMEOUT (default 1500 s) bounds the VM.
set -u

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$src/_build}" && pwd) || exit 1
job=$(mktemp "${TMPDIR:-/tmp}/bench-kernel-job.XXXXXX")
trap 'rm -f "$job"' EXIT
cat > "$job" <<JOB
#!/bin/bash
cd /ovsnet/src
out=/results/bench.txt
{
    echo "== bench/kernel-tcp.sh"
    bash bench/kernel-tcp.sh
    echo "== bench/run.sh, system datapath (attach: ovsnetd against ovs-docker)"
    cd /ovsnet/build && OVSNETD=/ovsnet/build/plugin/ovsnetd \\
        BENCH_ATTACH=/ovsnet/build/bench/bench-attach BENCH_DATAPATH=system \\
        BENCH_DOCKER=0 BENCH_TUNNEL=0 BENCH_SWARM=0 \\
        BENCH_POPULATION=${BENCH_POPULATION:-100} \\
        BENCH_CYCLES=${BENCH_CYCLES:-20} bash /ovsnet/src/bench/run.sh
} > "\$out" 2>&1
grep '^BENCH:' "\$out"
JOB
top_srcdir=$src top_builddir=$build OVSNET_VM_JOB=$job \
    bash "$src/tests/vm/run.sh" || exit 1
cat "$build/tests/kernel/bench.txt"
