# tests/multihost.mk: multi-host (tunnel) networks.
#
# Each test builds its own simulated hosts (tests/multihost-lib.sh): one
# network namespace per host with its own ovsdb-server, ovs-vswitchd
# (userspace datapath) and ovsnetd, an underlay namespace with a Linux
# bridge joining the hosts' uplinks, and contrib/ovsnet-underlay putting
# each host's underlay address on br-phy.  Containers are namespaces made
# the way Docker makes them, through the plugin socket.  They need root,
# Open vSwitch, iputils-ping, netcat-openbsd, busybox-static (its arping)
# and tcpdump; without root or Open vSwitch they are skipped.  The machine's own Open vSwitch, Docker
# and links are neither used nor touched.
#
#   test-multihost-underlay   the test bed and contrib/ovsnet-underlay alone
#   test-multihost-{vxlan,gre,geneve}
#                             a tunnel network across three hosts
#                             (tests/test-multihost-tunnel.sh TYPE)
#   test-multihost-vxlan6     the same over an IPv6 underlay
#   test-multihost-kvxlan, test-multihost-kvxlan-brphy,
#   test-multihost-kvxlan6    vxlan through the kernel VXLAN device:
#                             userspace TSO, underlay on eth1; the same
#                             on br-phy; IPv6 on br-phy without TSO
#   test-multihost-stt        bad tunnel options, STT, ovs.local_ip
#   test-multihost-provider   provider networks (ovs.uplink): VLANs of a
#                             physical switch (a VLAN-filtering Linux
#                             bridge) with the LAN's router as gateway,
#                             across three hosts, no tunnel, no NAT; next
#                             to an overlay and a NATed network on one
#                             bridge; bad uplinks; restart
#   test-multihost-swarm      ovsnetd as a swarm (global-scope) driver,
#                             fed the calls Docker's swarm makes
#   test-multihost-docker     two real Docker daemons on two hosts
#   test-docker-provider      a provider network with two real Docker
#                             daemons: docker run on the physical VLAN,
#                             the router as gateway, -p refused
#   test-docker-swarm         a real Docker swarm of three hosts, ovsnet
#                             the managed plugin on each, one swarm
#                             network (OVSNET_DOCKER_ENGINE=sid: Docker 28)
#   test-ovn-setup            the OVN test bed (tests/ovn-lib.sh) and
#                             contrib/ovsnet-ovn-setup: three chassis, NB
#                             and SB Raft clusters, a logical switch across
#                             them, kill -9 of the NB leader (needs
#                             ovn-central and ovn-host)
#   test-ovn                  ovsnetd's OVN mode (--ovn-nb, -o ovs.ovn=)
#                             on three hosts of tests/ovn-lib.sh: one
#                             logical switch, TCP across every pair, the
#                             gateway, NAT, no flooding, port security,
#                             refusals, faults (NB/SB leaders, ovsnetd,
#                             ovn-controller, ovsdb-server killed, a host
#                             dead and its chassis deleted)
#   test-docker-ovn           a dockerd per host and --ipam-driver ovs: TCP
#                             across hosts, 3 x 50 docker run at once,
#                             unique addresses, none lost, those of a dead
#                             host given back
#   test-docker-swarm-ha      four hosts, three of them managers: a GRE
#                             network on a VLAN, a worker joining, -p, a
#                             dockerd restart, a node leaving, a plugin
#                             disabled (OVSNET_DOCKER_ENGINE=sid too)

MULTIHOST_TESTS = \
	tests/test-multihost-underlay.sh \
	tests/test-multihost-vxlan.sh \
	tests/test-multihost-gre.sh \
	tests/test-multihost-geneve.sh \
	tests/test-multihost-vxlan6.sh \
	tests/test-multihost-kvxlan.sh \
	tests/test-multihost-kvxlan-brphy.sh \
	tests/test-multihost-kvxlan6.sh \
	tests/test-multihost-stt.sh \
	tests/test-multihost-provider.sh \
	tests/test-multihost-swarm.sh \
	tests/test-multihost-docker.sh \
	tests/test-docker-provider.sh \
	tests/test-docker-swarm.sh \
	tests/test-ovn-setup.sh \
	tests/test-ovn.sh \
	tests/test-docker-ovn.sh \
	tests/test-docker-swarm-ha.sh

TESTS += $(MULTIHOST_TESTS)
EXTRA_DIST += $(MULTIHOST_TESTS) \
	tests/multihost-lib.sh \
	tests/multihost-docker-lib.sh \
	tests/provider-lib.sh \
	tests/ovn-lib.sh \
	tests/test-multihost-tunnel.sh
