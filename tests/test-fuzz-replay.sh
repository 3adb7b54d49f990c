#!/bin/bash
# Replays every fuzz target's corpus (seeds and past crashes, in
# tests/fuzz/TARGET/) through the target, without libFuzzer: each input
# must be handled without a crash, an abort or (in sanitizer builds) a
# sanitizer report.
set -eu

fuzz=${top_srcdir:-$(dirname "$0")/..}/tests/fuzz
bin=${top_builddir:-.}/tests/fuzz
for target in driver parse http; do
    n=$(find "$fuzz/$target" -type f | wc -l)
    [ "$n" -gt 0 ] || { echo "no corpus in $fuzz/$target"; exit 1; }
    "$bin/replay-$target" "$fuzz/$target"
done
