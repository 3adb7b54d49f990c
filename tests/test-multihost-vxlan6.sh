#!/bin/bash
# test-multihost-vxlan6: a vxlan tunnel network across three simulated hosts
# over an IPv6 underlay (2001:db8:ff::/64), through Open vSwitch's vxlan
# ports (ovs.vxlan_device=ovs); see tests/test-multihost-tunnel.sh.
exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 6 ovs
