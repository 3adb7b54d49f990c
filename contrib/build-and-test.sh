#!/bin/bash
# contrib/build-and-test.sh: installs the build and test dependencies,
# builds ovsnet and runs the whole test suite, twice: a plain build in
# _build/ and one with AddressSanitizer and UndefinedBehaviorSanitizer in
# _build-asan/ (without the multi-host suites, see ASAN_MULTIHOST); in the plain build, the Docker end-to-end tests once more
# against Docker 28 from Debian sid (contrib/docker-engine: unpacked, not
# installed; results in _build/docker-sid/); then, in a qemu VM, the tests
# on Open vSwitch's kernel datapath ("make check-kernel", tests/vm.mk:
# results in _build/tests/kernel/); then the libFuzzer targets
# for a bounded time in _build-fuzz/ (clang, ASan + UBSan); then "make
# distcheck" once.  What CI runs (.ci/run).
#
# Run as root on Debian 12 from a clone of the repository, with or without
# systemd.  Every test needs root and starts its own ovsdb-server,
# ovs-vswitchd, ovsnetd and dockerd in network namespaces of its own: the
# machine's own Open vSwitch and Docker are neither needed nor touched.
#
# Ends with the Docker tests' results on each engine, then "N passed, N
# failed, N skipped" (the automake test results of both builds and of the
# second Docker run, plus distcheck and the sanitizers' reports as one
# result each) and exits non-zero if anything failed.  With CI=true (as
# CI runs it) a skipped test counts as failed too: a missing package or
# service is a bug of the set-up.
#
# Environment: TESTS="tests/x.sh ..." runs only those tests (and skips
# distcheck, fuzzing and the VM; the second Docker run takes the Docker
# tests among them); KERNEL_TESTS="tests/x.sh ..." the tests run in the VM
# (default: tests/vm.mk's CI subset); SKIP_ASAN=1, SKIP_FUZZ=1,
# SKIP_DISTCHECK=1, SKIP_DOCKER_SID=1, SKIP_KERNEL=1 skip those stages;
# ASAN_MULTIHOST=1 runs the multi-host suites in the sanitizer build too
# (the longer full set; by default they run once, in the plain build);
# FUZZ_SECONDS (default 40) is how long each fuzz target runs; CHECK_JOBS
# (default 1) runs that many tests at once.
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

# check_results RC DIR WHAT [SUFFIX]: shows the results of "make check"
# (exit status RC, output DIR/check.out, logs in DIR/tests) and, if it
# failed, the failed tests' logs.  SUFFIX follows each line about a test.
check_results() {
    local rc=$1 dir=$2 what=$3 suffix=${4:-}
    grep -E '^(PASS|FAIL|XFAIL|XPASS|ERROR|SKIP):' "$dir/check.out" \
        | sed "s/\$/$suffix/" >&2 || true
    if [ "$rc" != 0 ]; then
        # The logs of what failed, for CI's output.
        find "$dir/tests" -name '*.trs' \
                -exec grep -l -E '^:test-result: (FAIL|XPASS|ERROR)' {} + \
                2> /dev/null | sed 's/\.trs$/.log/' | while read -r log; do
            echo "======== $log$suffix" >&2
            # Why it failed first: the tail is mostly the daemons' logs.
            grep -E '^(FAIL \(|SKIP:)' "$log" | head -n 5 >&2 || true
            tail -n 150 "$log" >&2
        done
        if ! grep -q '^# TOTAL:' "$dir/check.out"; then
            tail -n 40 "$dir/check.out" >&2
            stage_failed "$what (did not run the tests)"
        fi
    fi
}

# check_in BUILDDIR [MAKE-ARG...]: "make check" there; prints the failed
# tests' logs.
check_in() {
    local dir=$1 rc=0 log
    shift
    say "make check in $dir"
    # Sanitizer reports go to files: the daemons detach and close stderr.
    rm -rf "$SRCDIR/$dir/sanitizer-logs"
    mkdir -p "$SRCDIR/$dir/sanitizer-logs"
    ASAN_OPTIONS="log_path=$SRCDIR/$dir/sanitizer-logs/asan:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="log_path=$SRCDIR/$dir/sanitizer-logs/ubsan:print_stacktrace=1:${UBSAN_OPTIONS:-}" \
        make -C "$SRCDIR/$dir" -j"$CHECK_JOBS" check ${TESTS:+TESTS="$TESTS"} "$@" \
        > "$SRCDIR/$dir/check.out" 2>&1 || rc=$?
    check_results $rc "$SRCDIR/$dir" "make check in $dir"
    if [ -n "$(ls -A "$SRCDIR/$dir/sanitizer-logs")" ]; then
        for log in "$SRCDIR/$dir/sanitizer-logs"/*; do
            echo "======== $log" >&2
            head -n 60 "$log" >&2
        done
        stage_failed "sanitizer reports in $dir"
    fi
}

# docker_tests: the Docker end-to-end tests (E2E_TESTS of tests/e2e.mk and
# the multi-host ones), or those of them in $TESTS when it is set.
docker_tests() {
    local all t
    # One line, words separated by single spaces: the "case" below needs
    # a space on both sides of each.
    all=$(sed -n 's/^\t\(tests\/[^ ]*\.sh\).*/\1/p' "$SRCDIR/tests/e2e.mk" \
              | tr '\n' ' ')
    all="${all}tests/test-multihost-docker.sh tests/test-docker-provider.sh"
    all="$all tests/test-docker-swarm.sh"
    all="$all tests/test-docker-swarm-ha.sh tests/test-docker-ovn.sh"
    for t in $all; do
        # shellcheck disable=SC2086
        case " $(echo ${TESTS:-$all}) " in
            *" $t "*) echo "$t" ;;
        esac
    done
}

# check_docker_sid BUILDDIR: the Docker tests in BUILDDIR again, against
# Docker from sid.  Their .log and .trs go to BUILDDIR/docker-sid/tests,
# those of the first run stay where they are.
check_docker_sid() {
    local dir=$1 tests t rc=0 log
    local out=$SRCDIR/$dir/docker-sid keep=$SRCDIR/$dir/docker-first
    tests=$(docker_tests | tr '\n' ' ')
    [ -n "$tests" ] || return 0
    say "make check in $dir, Docker tests against Docker from sid"
    rm -rf "$out" "$keep"
    mkdir -p "$out/tests" "$keep"
    # "make check" removes the logs of the tests it runs.
    for t in $tests; do
        mv -f "$SRCDIR/$dir/${t%.sh}.log" "$SRCDIR/$dir/${t%.sh}.trs" \
            "$keep/" 2> /dev/null || true
    done
    OVSNET_DOCKER_ENGINE=sid \
        make -C "$SRCDIR/$dir" -j"$CHECK_JOBS" check TESTS="$tests" \
        TEST_SUITE_LOG=docker-sid/test-suite.log \
        > "$out/check.out" 2>&1 || rc=$?
    for t in $tests; do
        mv -f "$SRCDIR/$dir/${t%.sh}.log" "$SRCDIR/$dir/${t%.sh}.trs" \
            "$out/tests/" 2> /dev/null || true
        mv -f "$keep/$(basename "${t%.sh}").log" \
            "$keep/$(basename "${t%.sh}").trs" "$SRCDIR/$dir/tests/" \
            2> /dev/null || true
    done
    rmdir "$keep"
    check_results $rc "$out" "make check in $dir against Docker from sid" \
        " (Docker from sid)"
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
    count_in "$result" $files
}

# count_in RESULT FILE...: how many of the .trs FILEs say RESULT.
count_in() {
    local result=$1
    shift
    [ $# -gt 0 ] || { echo 0; return; }
    cat "$@" 2> /dev/null | grep -c "^:test-result: $result\$" || true
}

# docker_results LABEL DIR: "LABEL: N passed, N failed, N skipped" for the
# Docker tests' .trs in DIR.
docker_results() {
    local label=$1 dir=$2 t files=
    for t in $(docker_tests); do
        [ -f "$dir/$(basename "${t%.sh}").trs" ] \
            && files="$files $dir/$(basename "${t%.sh}").trs"
    done
    # shellcheck disable=SC2086
    echo "$label: $(( $(count_in PASS $files) + $(count_in XFAIL $files) )) passed," \
         "$(( $(count_in FAIL $files) + $(count_in ERROR $files) + $(count_in XPASS $files) )) failed," \
         "$(count_in SKIP $files) skipped"
}

# engine_version DOCKERD: "20.10", "28.5"... or "?".
engine_version() {
    local v
    v=$("$1" --version 2> /dev/null \
            | sed -n 's/^Docker version \([0-9]*\.[0-9]*\).*/\1/p')
    echo "${v:-?}"
}

need_root
cd "$SRCDIR"
start=$SECONDS
say "CI=${CI:-} systemd=$(have_systemd && echo yes || echo no) cores=$(nproc)"

# shellcheck disable=SC2046,SC2086
apt_install $BUILD_DEPS $RUNTIME_DEPS $TEST_DEPS $(need_docker)
ovn_services_off
registry_service_off
ovs_tree
bootstrap

# Docker from sid for the second Docker run: fetched before any test.
sid_engine=
if [ "${SKIP_DOCKER_SID:-0}" != 1 ] && [ -n "$(docker_tests)" ]; then
    say "Docker from sid (contrib/docker-engine sid)"
    if sid_engine=$("$SRCDIR/contrib/docker-engine" sid | tail -n 1) \
            && [ -x "$sid_engine/usr/sbin/dockerd" ]; then
        say "Docker from sid: $sid_engine"
    else
        # The tests run all the same: with CI=true each one fails.
        stage_failed "contrib/docker-engine sid"
        sid_engine=
    fi
fi

builds=
# Stale results of an earlier run must not be counted.
rm -rf "$SRCDIR/_build/tests" "$SRCDIR/_build-asan/tests" \
       "$SRCDIR/_build/docker-sid"

if build _build; then
    builds="$builds _build"
    check_in _build
    if [ "${SKIP_DOCKER_SID:-0}" != 1 ]; then
        sid_start=$SECONDS
        check_docker_sid _build
        builds="$builds _build/docker-sid"
        say "the Docker tests against Docker from sid took" \
            "$(( (SECONDS - sid_start) / 60 )) min $(( (SECONDS - sid_start) % 60 )) s"
    fi
fi

# The kernel datapath, in a VM (tests/vm.mk): KERNEL_TESTS, or CI's subset.
if [ "${SKIP_KERNEL:-0}" != 1 ] && [ -f "$SRCDIR/_build/Makefile" ] \
        && { [ -z "${TESTS:-}" ] || [ -n "${KERNEL_TESTS:-}" ]; }; then
    say "make check-kernel in _build (a qemu VM, the kernel datapath)"
    kernel_start=$SECONDS
    if make -C "$SRCDIR/_build" check-kernel \
            ${KERNEL_TESTS:+KERNEL_TESTS="$KERNEL_TESTS"} \
            > "$SRCDIR/_build/check-kernel.out" 2>&1; then
        grep -E '^(PASS|FAIL|ERROR|SKIP):' "$SRCDIR/_build/check-kernel.out" \
            | sed 's/$/ (kernel datapath, VM)/' >&2 || true
    else
        # The failed tests count from their .trs; a VM that did not boot
        # or finish, or that could not be built, is a failed stage.
        tail -n 200 "$SRCDIR/_build/check-kernel.out" >&2
        if [ -z "$(find "$SRCDIR/_build/tests/kernel" -name '*.trs' 2> /dev/null)" ] \
                || grep -q '^run.sh: FAILED' "$SRCDIR/_build/check-kernel.out"; then
            stage_failed "make check-kernel (the VM)"
        fi
    fi
    say "the kernel-datapath VM took" \
        "$(( (SECONDS - kernel_start) / 60 )) min $(( (SECONDS - kernel_start) % 60 )) s"
fi

if [ "${SKIP_ASAN:-0}" != 1 ]; then
    if build _build-asan --enable-sanitizers; then
        builds="$builds _build-asan"
        # The slow multi-host suites (tests/multihost.mk: several
        # ovs-vswitchd and dockerd each) run once, in the plain build, to
        # keep CI within its time; ASAN_MULTIHOST=1 runs them here too.
        if [ "${ASAN_MULTIHOST:-0}" = 1 ] || [ -n "${TESTS:-}" ]; then
            check_in _build-asan
        else
            check_in _build-asan MULTIHOST_TESTS=
        fi
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
if [ "${CI:-}" = true ] && [ "$skip" != 0 ]; then
    # In CI a skipped test is a failed one: what it needs is missing from
    # the set-up, and it tested nothing.
    say "CI: $skip skipped tests count as failed:" \
        "$(grep -h '^SKIP:' "$SRCDIR"/_build*/check.out \
               "$SRCDIR"/_build/docker-sid/check.out 2> /dev/null \
               | tr '\n' ' ')"
    fail=$((fail + skip))
fi

say "took $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
if [ -n "$failed_stages" ]; then
    say "failed stages:$failed_stages"
fi
if [ -n "$(docker_tests)" ] && [ -d "$SRCDIR/_build/tests" ]; then
    # The plain build's Docker tests on each engine.
    line=$(docker_results "Docker $(engine_version "$(command -v dockerd \
                                                     || echo dockerd)")" \
               "$SRCDIR/_build/tests")
    if [ -d "$SRCDIR/_build/docker-sid/tests" ]; then
        line="$line; $(docker_results "Docker $(engine_version \
                           "${sid_engine:-none}/usr/sbin/dockerd") (sid)" \
                           "$SRCDIR/_build/docker-sid/tests")"
    fi
    echo "$line"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
