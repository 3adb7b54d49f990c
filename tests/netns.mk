# tests/netns.mk: tests of netns/ against the running kernel, in a network
# namespace of their own.

check_PROGRAMS += tests/test-link
tests_test_link_SOURCES = tests/test-link.c
tests_test_link_LDADD = netns/libnetns.a ovsdb/libaddr.a $(OVS_LIBS)

TESTS += tests/test-link.sh
EXTRA_DIST += tests/test-link.sh
