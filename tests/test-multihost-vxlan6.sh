#!/bin/bash
# test-multihost-vxlan6: a vxlan tunnel network across three simulated hosts
# over an IPv6 underlay (2001:db8:ff::/64); see tests/test-multihost-tunnel.sh.
exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 6
