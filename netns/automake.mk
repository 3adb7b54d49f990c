# netns/automake.mk: the kernel links of ovsnet (rtnetlink, ethtool) and
# their monitor; its netfilter table (nf_tables) and forwarding.

noinst_LIBRARIES += netns/libnetns.a
netns_libnetns_a_SOURCES = \
	netns/link.c \
	netns/link.h \
	netns/monitor.c \
	netns/monitor.h \
	netns/nat.c \
	netns/nat.h \
	netns/route.c \
	netns/route.h
