#!/bin/bash
# tests/vm/guest-run.sh: inside the kernel-datapath VM (tests/vm/run.sh),
# runs each TEST (a path under the source tree) as "make check" would, on
# the kernel datapath (OVSNET_TEST_DATAPATH=system), and writes its .log
# and an automake-style .trs to /results.  Prints "PASS: TEST" (FAIL,
# SKIP, ERROR) lines on the console; of a test that did not pass, the
# daemons' logs in the temp dirs it kept go to /results/TEST.kept/.  Exit
# status 0 if all passed.
#
# Usage: guest-run.sh TEST...

export top_srcdir=/ovsnet/src top_builddir=/ovsnet/build
export OVSNETD=$top_builddir/plugin/ovsnetd
export OVSNET_CALL=$top_builddir/tests/ovsnet-call
export OVSNET_LOAD=$top_builddir/tests/ovsnet-load
export OVSNET_TEST_DATAPATH=system
export TMPDIR=/tmp
# Emulation is slow: every wait of the tests gets longer bounds.
export OVSNET_WAIT=${OVSNET_WAIT:-60}
export OVSNET_CALL_TIMEOUT=${OVSNET_CALL_TIMEOUT:-120}
: "${OVSNET_VM_TEST_TIMEOUT:=900}"

out=/results
mountpoint -q "$out" || out=/tmp/results
mkdir -p "$out"

cd "$top_srcdir" || exit 99
rc=0
for t in "$@"; do
    name=$(basename "${t%.sh}")
    log=$out/$name.log
    start=$SECONDS
    trc=0
    timeout --kill-after=10 "$OVSNET_VM_TEST_TIMEOUT" bash "$t" \
        > "$log" 2>&1 < /dev/null || trc=$?
    case $trc in
        0) res=PASS ;;
        77) res=SKIP ;;
        99) res=ERROR ;;
        *) res=FAIL ;;
    esac
    [ $res = PASS ] || rc=1
    printf ':test-result: %s\n:global-test-result: %s\n' "$res" "$res" \
        > "$out/$name.trs"
    echo "$res: $t ($((SECONDS - start)) s, on the kernel datapath)"
    if [ $res != PASS ]; then
        tail -n 40 "$log"
        # The daemons' logs of the temp dirs the test kept.
        for d in /tmp/ovsnet-"$name".*; do
            [ -d "$d" ] || continue
            mkdir -p "$out/$name.kept"
            (cd "$d" && find . -name '*.log' -size -20M \
                 -exec cp --parents {} "$out/$name.kept/" \;)
        done
    fi
    sync
done
exit $rc
