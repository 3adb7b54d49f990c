#!/bin/bash
# test-multihost-kvxlan: a vxlan tunnel network across three simulated hosts
# (IPv4 underlay) through the kernel VXLAN device ovsnetd chooses on the
# userspace datapath, set up as that device allows and as it is fastest:
# the underlay address on the hosts' own interface (no br-phy), ovs-vswitchd
# with userspace TSO (the veths keep their offloads); see
# tests/test-multihost-tunnel.sh.
MH_BRPHY=0 MH_TSO=1 exec bash "${top_srcdir:-$(dirname "$0")/..}/tests/test-multihost-tunnel.sh" vxlan 4 kernel
