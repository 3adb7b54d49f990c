# plugin/: the daemon, its HTTP server and Docker's NetworkDriver calls.
noinst_LIBRARIES += plugin/libplugin.a
plugin_libplugin_a_SOURCES = \
	plugin/appctl.c plugin/appctl.h \
	plugin/driver.c plugin/driver.h \
	plugin/http.c plugin/http.h plugin/http-error.c \
	plugin/ipam.c plugin/ipam.h \
	plugin/json-get.c plugin/json-get.h \
	plugin/netcheck.c plugin/netcheck.h \
	plugin/netopts.c plugin/netopts.h \
	plugin/pending.c plugin/pending.h \
	plugin/portmap.c plugin/portmap.h \
	plugin/provcheck.c plugin/provcheck.h \
	plugin/provopts.c plugin/provopts.h \
	plugin/swarm.c plugin/swarm.h \
	plugin/sync.c plugin/sync.h

sbin_PROGRAMS += plugin/ovsnetd
plugin_ovsnetd_SOURCES = plugin/ovsnetd.c
plugin_ovsnetd_LDADD = \
	plugin/libplugin.a netns/libnetns-sync.a ovsdb/libovsdb.a \
	netns/libnetns.a ovsdb/libaddr.a \
	$(OVS_LIBS) $(MHD_LIBS) $(NFTNL_LIBS) $(MNL_LIBS)
