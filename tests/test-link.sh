#! /bin/sh
# Runs tests/test-link in a network namespace of its own, which is deleted
# afterwards.  Needs root and iproute2; skips (77) without them.
#
# TEST_LINK_WRAPPER, if set, is put in front of the program, e.g.
# TEST_LINK_WRAPPER="valgrind --leak-check=full --error-exitcode=1".

: "${top_builddir:=.}"
program=$top_builddir/tests/test-link

if test "$(id -u)" != 0; then
    echo "test-link.sh: not root, skipping" >&2
    exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
    echo "test-link.sh: no ip(8), skipping" >&2
    exit 77
fi
if test ! -x "$program"; then
    echo "test-link.sh: $program not built" >&2
    exit 99
fi

ns=ovsnet-test-link-$$
if ! ip netns add "$ns"; then
    echo "test-link.sh: cannot create network namespace, skipping" >&2
    exit 77
fi
trap 'ip netns delete "$ns"' EXIT
trap 'exit 1' HUP INT TERM

# shellcheck disable=SC2086 # TEST_LINK_WRAPPER is a command line.
ip netns exec "$ns" ${TEST_LINK_WRAPPER} "$program"
