#!/bin/bash
# tests/fuzz/run.sh [SECONDS]: runs each libFuzzer target of a build
# configured with CC=clang --enable-fuzzing (--enable-sanitizers too, for
# ASan and UBSan) for SECONDS seconds (default 60), from its corpus in
# tests/fuzz/TARGET/.  Run from the build directory.
#
# New inputs libFuzzer finds go to fuzz-corpus/TARGET/ in the build
# directory, not into the source tree.  A crash stops the run with exit 1
# and leaves the input as fuzz-crashes/TARGET/crash-*: copy it into
# tests/fuzz/TARGET/ once it is fixed, so that make check replays it.
# Prints, per target, the executions and the time they took.
#
# The targets are FUZZ_TARGETS if set (as tests/fuzz.mk defines it), else
# one per corpus directory in tests/fuzz/.
set -eu

seconds=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${FUZZ_TARGETS:-}" ]; then
    FUZZ_TARGETS=$(cd "$src/tests/fuzz" && for d in */; do echo "${d%/}"; done)
fi
status=0
for target in $FUZZ_TARGETS; do
    bin=tests/fuzz/fuzz-$target
    [ -x "$bin" ] || { echo "$bin: not built (configure CC=clang --enable-fuzzing)" >&2; exit 2; }
    mkdir -p "fuzz-corpus/$target" "fuzz-crashes/$target"
    log=fuzz-$target.log
    rc=0
    "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="fuzz-crashes/$target/" \
        "fuzz-corpus/$target" "$src/tests/fuzz/$target" > "$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    echo "fuzz-$target: ${execs:-?} executions in ${seconds} s (${rate:-?}/s), corpus $(find "fuzz-corpus/$target" -type f | wc -l) inputs, exit $rc"
    if [ $rc != 0 ]; then
        tail -n 60 "$log" >&2
        status=1
    fi
done
exit $status
