#!/bin/bash
# Replays every fuzz target's corpus (seeds and past crashes, in
# tests/fuzz/TARGET/) through the target, without libFuzzer: each input
# must be handled without a crash, an abort or (in sanitizer builds) a
# sanitizer report.  The targets are FUZZ_TARGETS (tests/fuzz.mk, in make
# check's environment), or else one per corpus directory.
set -eu

fuzz=${top_srcdir:-$(dirname "$0")/..}/tests/fuzz
bin=${top_builddir:-.}/tests/fuzz
if [ -z "${FUZZ_TARGETS:-}" ]; then
    FUZZ_TARGETS=$(cd "$fuzz" && for d in */; do echo "${d%/}"; done)
fi
for target in $FUZZ_TARGETS; do
    n=$(find "$fuzz/$target" -type f | wc -l)
    [ "$n" -gt 0 ] || { echo "no corpus in $fuzz/$target"; exit 1; }
    "$bin/replay-$target" "$fuzz/$target"
done
