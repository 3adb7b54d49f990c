# tests/integration.mk: the daemon against a real Open vSwitch.
#
# Each test starts its own ovsdb-server, ovs-vswitchd and ovsnetd inside a
# network namespace of its own (tests/ovs-sandbox.sh) and calls the plugin
# socket as Docker does (tests/ovsnet-call).  They need root; without it
# they are skipped.

check_PROGRAMS += tests/ovsnet-call
tests_ovsnet_call_SOURCES = tests/ovsnet-call.c
tests_ovsnet_call_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
tests_ovsnet_call_LDADD = $(CURL_LIBS)

INTEGRATION_TESTS = \
	tests/test-protocol.sh \
	tests/test-recovery.sh \
	tests/test-badinput.sh \
	tests/test-concurrent.sh \
	tests/test-nat.sh

TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/ovs-sandbox.sh
