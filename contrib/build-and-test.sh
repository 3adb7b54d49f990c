#!/bin/bash
# contrib/build-and-test.sh: installs the build and test dependencies,
# builds ovsnet and runs the whole test suite, twice: a plain build in
# _build/ and one with AddressSanitizer and UndefinedBehaviorSanitizer in
# _build-asan/; then the libFuzzer targets for a bounded time in
# _build-fuzz/ (clang, ASan + UBSan); then "make distcheck" once.  What CI
# runs (.ci/run).
#
# Run as root on Debian 12 from a clone of the repository, with or without
# systemd.  Every test needs root and starts its own ovsdb-server,
# ovs-vswitchd, ovsnetd and dockerd in network namespaces of its own: the
# machine's own Open vSwitch and Docker are neither needed nor touched.
#
# Ends with "N passed, N failed, N skipped" (the automake test results of
# both builds, plus distcheck and the sanitizers' reports as one result
# each) and exits non-zero if anything failed.
#
# Environment: TESTS="tests/x.sh ..." runs only those tests (and skips
# distcheck and fuzzing); SKIP_ASAN=1, SKIP_FUZZ=1, SKIP_DISTCHECK=1 skip
# those stages; FUZZ_SECONDS (default 40) is how long each fuzz target
# runs; CHECK_JOBS (default 1) runs that many tests at once.
set -eu

# shellcheck source=contrib/lib-setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib-setup.sh"

: "${CHECK_JOBS:=1}"

# Stages that failed outside the test results (build, distcheck...).
extra_pass=0
extra_fail=0
failed_stages=

stage_failed() {
    extra_fail=$((extra_fail + 1))
    failed_stages="$failed_stages $1"
    say "FAILED: $1"
}

stage_passed() {
    extra_pass=$((extra_pass + 1))
    say "passed: $1"
}

# check_in BUILDDIR: "make check" there; prints the failed tests' logs.
check_in() {
    local dir=$1 rc=0 log
    say "make check in $dir"
    # Sanitizer reports go to files: the daemons detach and close stderr.
    rm -rf "$SRCDIR/$dir/sanitizer-logs"
    mkdir -p "$SRCDIR/$dir/sanitizer-logs"
    ASAN_OPTIONS="log_path=$SRCDIR/$dir/sanitizer-logs/asan:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="log_path=$SRCDIR/$dir/sanitizer-logs/ubsan:print_stacktrace=1:${UBSAN_OPTIONS:-}" \
        make -C "$SRCDIR/$dir" -j"$CHECK_JOBS" check ${TESTS:+TESTS="$TESTS"} \
        > "$SRCDIR/$dir/check.out" 2>&1 || rc=$?
    grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' "$SRCDIR/$dir/check.out" >&2 || true
    if [ $rc != 0 ]; then
        # The logs of what failed, for CI's output.
        find "$SRCDIR/$dir/tests" -name '*.trs' \
                -exec grep -l -E '^:test-result: (FAIL|XPASS|ERROR)' {} + \
                2> /dev/null | sed 's/\.trs$/.log/' | while read -r log; do
            echo "======== $log" >&2
            tail -n 150 "$log" >&2
        done
        if ! grep -q '^# TOTAL:' "$SRCDIR/$dir/check.out"; then
            tail -n 40 "$SRCDIR/$dir/check.out" >&2
            stage_failed "make check in $dir (did not run the tests)"
        fi
    fi
    if [ -n "$(ls -A "$SRCDIR/$dir/sanitizer-logs")" ]; then
        for log in "$SRCDIR/$dir/sanitizer-logs"/*; do
            echo "======== $log" >&2
            head -n 60 "$log" >&2
        done
        stage_failed "sanitizer reports in $dir"
    fi
}

# build BUILDDIR [configure option...]: configure and make; 1 on failure.
build() {
    local dir=$1
    shift
    configure_in "$dir" "$@" || { stage_failed "configure in $dir"; return 1; }
    say "make in $dir"
    if ! make_in "$dir" > "$SRCDIR/$dir/make.out" 2>&1; then
        tail -n 60 "$SRCDIR/$dir/make.out" >&2
        stage_failed "make in $dir"
        return 1
    fi
}

# count RESULT BUILDDIR...: how many tests ended with RESULT.
count() {
    local result=$1 dir files
    shift
    files=
    for dir in "$@"; do
        [ -d "$SRCDIR/$dir/tests" ] || continue
        files="$files $(find "$SRCDIR/$dir/tests" -name '*.trs' | tr '\n' ' ')"
    done
    # shellcheck disable=SC2086
    [ -n "${files// /}" ] || { echo 0; return; }
    # shellcheck disable=SC2086
    cat $files | grep -c "^:test-result: $result\$" || true
}

need_root
cd "$SRCDIR"
start=$SECONDS
say "CI=${CI:-} systemd=$(have_systemd && echo yes || echo no) cores=$(nproc)"

# shellcheck disable=SC2046,SC2086
apt_install $BUILD_DEPS $RUNTIME_DEPS $TEST_DEPS $(need_docker)
ovs_tree
bootstrap

builds=
# Stale results of an earlier run must not be counted.
rm -rf "$SRCDIR/_build/tests" "$SRCDIR/_build-asan/tests"

if build _build; then
    builds="$builds _build"
    check_in _build
fi

if [ "${SKIP_ASAN:-0}" != 1 ]; then
    if build _build-asan --enable-sanitizers; then
        builds="$builds _build-asan"
        check_in _build-asan
    fi
fi

if [ "${SKIP_FUZZ:-0}" != 1 ] && [ -z "${TESTS:-}" ]; then
    # shellcheck disable=SC2097,SC2098
    if CC=clang build _build-fuzz --enable-fuzzing --enable-sanitizers; then
        say "fuzzing, ${FUZZ_SECONDS:-40} s per target"
        if (cd "$SRCDIR/_build-fuzz" \
                && "$SRCDIR/tests/fuzz/run.sh" "${FUZZ_SECONDS:-40}"); then
            stage_passed "fuzzing"
        else
            stage_failed "fuzzing"
        fi
    fi
fi

if [ "${SKIP_DISTCHECK:-0}" != 1 ] && [ -z "${TESTS:-}" ] \
        && [ -f "$SRCDIR/_build/Makefile" ]; then
    say "make distcheck"
    # One job: tests that run side by side each start ovs-vswitchd and
    # dockerd, and on 2 cores they starve each other into timeouts.  The
    # tarball's build runs the unit, link and socket-level tests; the Docker
    # and multi-host suites, already run twice above, are left out to keep
    # CI within its time (DISTCHECK_TESTS= "" runs them all).
    : "${DISTCHECK_TESTS=tests/test-names tests/test-netopts tests/test-driver tests/test-link.sh tests/test-protocol.sh tests/test-recovery.sh tests/test-badinput.sh tests/test-concurrent.sh}"
    if make -C "$SRCDIR/_build" -j1 distcheck \
            ${DISTCHECK_TESTS:+TESTS="$DISTCHECK_TESTS"} \
            > "$SRCDIR/_build/distcheck.out" 2>&1; then
        stage_passed "make distcheck"
    else
        grep -E '^(FAIL|ERROR|XPASS):' "$SRCDIR/_build/distcheck.out" >&2 || true
        tail -n 60 "$SRCDIR/_build/distcheck.out" >&2
        stage_failed "make distcheck"
    fi
fi

# shellcheck disable=SC2086
pass=$(( $(count PASS $builds) + $(count XFAIL $builds) + extra_pass ))
# shellcheck disable=SC2086
fail=$(( $(count FAIL $builds) + $(count ERROR $builds) + $(count XPASS $builds) + extra_fail ))
# shellcheck disable=SC2086
skip=$(count SKIP $builds)

say "took $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
if [ -n "$failed_stages" ]; then
    say "failed stages:$failed_stages"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
