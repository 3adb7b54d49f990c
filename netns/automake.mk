# netns/automake.mk: the kernel links of ovsnet (rtnetlink, ethtool) and
# their monitor; its netfilter table (nf_tables) and forwarding; its chain
# in iptables' FORWARD (netns/fwd, read through netns/xtables).

noinst_LIBRARIES += netns/libnetns.a
netns_libnetns_a_SOURCES = \
	netns/fwd.c \
	netns/fwd.h \
	netns/link.c \
	netns/link.h \
	netns/monitor.c \
	netns/monitor.h \
	netns/nat.c \
	netns/nat.h \
	netns/route.c \
	netns/route.h \
	netns/uplink.c \
	netns/uplink.h \
	netns/xtables.c \
	netns/xtables.h

# The link and netfilter reconcilers, and the kernel datapath's watch: they
# read the desired state
# (ovsdb/state) and drive the modules above, so they are a library of their
# own, linked after plugin/ and before ovsdb/ and netns/.
noinst_LIBRARIES += netns/libnetns-sync.a
netns_libnetns_sync_a_SOURCES = \
	netns/dpwatch.c \
	netns/dpwatch.h \
	netns/link-sync.c \
	netns/link-sync.h \
	netns/nat-sync.c \
	netns/nat-sync.h
