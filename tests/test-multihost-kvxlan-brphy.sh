#!/bin/bash
# test-multihost-kvxlan-brphy: as test-multihost-kvxlan, but with the
# underlay address on br-phy (as contrib/ovsnet-underlay sets it up for
# OVS's own tunnels), where the VXLAN device gets tx checksum offload off
# and TCP must still work with the veths' offloads on; see
# tests/test-multihost-tunnel.sh.
MH_TEST_NAME=test-multihost-kvxlan-brphy MH_BRPHY=1 MH_TSO=1 \
    exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 4 kernel
