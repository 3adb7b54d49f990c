# tests/e2e.mk: Docker end to end.
#
# Each test starts, inside a network namespace of its own, its own
# ovsdb-server, ovs-vswitchd and ovsnetd (tests/ovs-sandbox.sh) and its own
# dockerd in a private mount namespace that sees only this test's plugin
# socket (tests/docker-lib.sh), then drives real containers (busybox from
# busybox-static, imported locally) with the docker client.  They need
# root, dockerd (docker.io) and busybox-static; without them they are
# skipped.  The machine's own Docker and Open vSwitch are neither used nor
# touched.

E2E_TESTS = \
	tests/test-docker-basic.sh \
	tests/test-docker-vlan.sh \
	tests/test-docker-arp.sh \
	tests/test-docker-mtu.sh \
	tests/test-docker-ipv6.sh \
	tests/test-docker-internal.sh \
	tests/test-docker-restart.sh \
	tests/test-docker-concurrent.sh \
	tests/test-docker-cleanup.sh \
	tests/test-docker-crash.sh \
	tests/test-docker-nat.sh \
	tests/test-docker-iptables.sh \
	tests/test-docker-iptables-legacy.sh \
	tests/test-docker-iptables-off.sh \
	tests/test-docker-v28.sh \
	tests/test-docker-plugin.sh

TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS) tests/docker-lib.sh tests/nat-lib.sh
