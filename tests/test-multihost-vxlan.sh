#!/bin/bash
# test-multihost-vxlan: a vxlan tunnel network across three simulated hosts
# (IPv4 underlay) through Open vSwitch's vxlan ports (ovs.vxlan_device=ovs);
# see tests/test-multihost-tunnel.sh.
exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 4 ovs
