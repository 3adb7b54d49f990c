#!/bin/bash
# test-multihost-kvxlan: a vxlan tunnel network across three simulated hosts
# (IPv4 underlay) through the kernel VXLAN device ovsnetd chooses on the
# userspace datapath, ovs-vswitchd running with userspace TSO (the veths
# keep their offloads); see tests/test-multihost-tunnel.sh.
MH_TSO=1 exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 4 kernel
