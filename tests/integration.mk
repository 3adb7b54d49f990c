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

# A load test client (libcurl, and jansson to check the answers).
check_PROGRAMS += tests/ovsnet-load
tests_ovsnet_load_SOURCES = tests/ovsnet-load.c
tests_ovsnet_load_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_ovsnet_load_LDADD = $(CURL_LIBS) $(JANSSON_LIBS)

INTEGRATION_TESTS = \
	tests/test-protocol.sh \
	tests/test-recovery.sh \
	tests/test-badinput.sh \
	tests/test-concurrent.sh \
	tests/test-load.sh \
	tests/test-faults.sh \
	tests/test-nat.sh \
	tests/test-socket.sh \
	tests/test-instances.sh \
	tests/test-failfast.sh

TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/ovs-sandbox.sh
