#!/bin/bash
# test-multihost-kvxlan6: a vxlan tunnel network across three simulated hosts
# over an IPv6 underlay (2001:db8:ff::/64) through the kernel VXLAN device,
# ovs-vswitchd without userspace TSO (veths without tx checksum offload);
# see tests/test-multihost-tunnel.sh.
MH_TSO=0 exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 6 kernel
