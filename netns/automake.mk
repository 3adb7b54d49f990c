# netns/automake.mk: the kernel links of ovsnet (rtnetlink, ethtool) and
# their monitor.

noinst_LIBRARIES += netns/libnetns.a
netns_libnetns_a_SOURCES = \
	netns/link.c \
	netns/link.h \
	netns/monitor.c \
	netns/monitor.h \
	netns/route.c \
	netns/route.h
