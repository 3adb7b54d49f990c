#!/bin/bash
# tests/test-docker-iptables.sh with iptables-legacy, for dockerd and
# ovsnetd alike, whatever the machine's alternatives say: ovsnet reads the
# kernel's x_tables and writes with iptables-legacy-restore.
OVSNET_TEST_IPTABLES=legacy
export OVSNET_TEST_IPTABLES
exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-docker-iptables.sh"
