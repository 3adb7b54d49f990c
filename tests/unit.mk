# tests/unit.mk: cmocka unit tests, one binary per module.
#
# Each test links the module's own code from its library and replaces the
# module's collaborators with -Wl,--wrap=SYMBOL; the __wrap_ functions live in
# the test.  Because a wrapped symbol is never referenced for real, the object
# that defines it (plugin/http.o, ovsdb/db.o) is not pulled from its library.

# ovsdb/names: IDs, names of links and rows, random MACs.
check_PROGRAMS += tests/test-names
TESTS += tests/test-names
tests_test_names_SOURCES = tests/test-names.c
tests_test_names_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_names_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=random_bytes
tests_test_names_LDADD = ovsdb/libovsdb.a $(OVS_LIBS) $(CMOCKA_LIBS)

# ovsdb/addr: IP addresses as text.  Pure: nothing is wrapped.
check_PROGRAMS += tests/test-addr
TESTS += tests/test-addr
tests_test_addr_SOURCES = tests/test-addr.c
tests_test_addr_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_addr_LDADD = ovsdb/libaddr.a $(OVS_LIBS) $(CMOCKA_LIBS)

# ovsdb/state: the desired state.  Pure: nothing is wrapped.
check_PROGRAMS += tests/test-state
TESTS += tests/test-state
tests_test_state_SOURCES = tests/test-state.c
tests_test_state_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_state_LDADD = \
	ovsdb/libovsdb.a ovsdb/libaddr.a $(OVS_LIBS) $(CMOCKA_LIBS)

# plugin/netopts: CreateNetwork options.  Pure: nothing is wrapped.
check_PROGRAMS += tests/test-netopts
TESTS += tests/test-netopts
tests_test_netopts_SOURCES = tests/test-netopts.c
tests_test_netopts_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_netopts_LDADD = \
	plugin/libplugin.a ovsdb/libovsdb.a netns/libnetns.a ovsdb/libaddr.a \
	$(OVS_LIBS) $(CMOCKA_LIBS)

# plugin/portmap: the port map of ProgramExternalConnectivity, and how
# ovsdb/state records published ports.  The desired state is the real one.
check_PROGRAMS += tests/test-portmap
TESTS += tests/test-portmap
tests_test_portmap_SOURCES = tests/test-portmap.c
tests_test_portmap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_portmap_LDADD = \
	plugin/libplugin.a ovsdb/libovsdb.a netns/libnetns.a ovsdb/libaddr.a \
	$(OVS_LIBS) $(CMOCKA_LIBS)

# netns/route: route_local_addrs(), and how often it reads the host's
# addresses.  The kernel is replaced: libopenvswitch's netlink sockets and
# dumps, and getifaddrs().
check_PROGRAMS += tests/test-route
TESTS += tests/test-route
tests_test_route_SOURCES = tests/test-route.c
tests_test_route_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_route_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=nl_sock_create \
	-Wl,--wrap=nl_sock_join_mcgroup \
	-Wl,--wrap=nl_sock_destroy \
	-Wl,--wrap=nl_sock_recv \
	-Wl,--wrap=nl_dump_start \
	-Wl,--wrap=nl_dump_next \
	-Wl,--wrap=nl_dump_done \
	-Wl,--wrap=getifaddrs \
	-Wl,--wrap=freeifaddrs
tests_test_route_LDADD = netns/libnetns.a ovsdb/libaddr.a $(OVS_LIBS) \
	$(CMOCKA_LIBS)

# plugin/driver: Docker's NetworkDriver calls.  The HTTP server (plugin/http),
# the database (ovsdb/db) and what the driver asks the kernel (netns/link,
# netns/route, netns/nat) are replaced; the desired state (ovsdb/state), names and
# netopts are the real ones, except that whether the state has been loaded
# from OVSDB is the test's to say.
check_PROGRAMS += tests/test-driver
TESTS += tests/test-driver
tests_test_driver_SOURCES = \
	tests/test-driver.c tests/driver-wraps.c tests/driver-wraps.h
tests_test_driver_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
# (The fuzz target of plugin/driver, tests/fuzz.mk, replaces the same;
# tests/driver-wraps.h declares the replacements.)
DRIVER_WRAPS = \
	-Wl,--wrap=http_request_path \
	-Wl,--wrap=http_request_body \
	-Wl,--wrap=http_request_reply \
	-Wl,--wrap=http_request_reply_error \
	-Wl,--wrap=db_applied_seqno \
	-Wl,--wrap=db_interface_state \
	-Wl,--wrap=db_interface_mtu_requested \
	-Wl,--wrap=db_bridge_datapath \
	-Wl,--wrap=db_foreign_port_exists \
	-Wl,--wrap=db_default_datapath \
	-Wl,--wrap=db_ovn_bridge \
	-Wl,--wrap=db_is_connected \
	-Wl,--wrap=db_last_txn \
	-Wl,--wrap=nat_applied_seqno \
	-Wl,--wrap=nat_failed_seqno \
	-Wl,--wrap=state_is_loaded \
	-Wl,--wrap=link_get_kind \
	-Wl,--wrap=link_vxlan_supported \
	-Wl,--wrap=route_lookup \
	-Wl,--wrap=route_local_addrs \
	-Wl,--wrap=linksync_gateway_status \
	-Wl,--wrap=linksync_link_doomed \
	-Wl,--wrap=linksync_vxlan_changed \
	-Wl,--wrap=db_find_ports \
	-Wl,--wrap=db_find_interface \
	-Wl,--wrap=uplink_probe
tests_test_driver_LDFLAGS = $(AM_LDFLAGS) $(DRIVER_WRAPS)
tests_test_driver_LDADD = \
	plugin/libplugin.a ovsdb/libovsdb.a netns/libnetns.a ovsdb/libaddr.a \
	$(OVS_LIBS) $(CMOCKA_LIBS)

# netns/fwd: chain OVSNET-FORWARD and its jump from FORWARD.  What
# iptables holds (netns/xtables) is the test's to say; iptables-restore is
# a shell script of the test's that saves its input and exits as told.
# (netns/xtables.o is still linked in, for xtables_forward_init() and
# the like: hence libnftnl and libmnl.)
check_PROGRAMS += tests/test-fwd
TESTS += tests/test-fwd
tests_test_fwd_SOURCES = tests/test-fwd.c
tests_test_fwd_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_fwd_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=xtables_read_forward \
	-Wl,--wrap=xtables_find_restore
tests_test_fwd_LDADD = \
	netns/libnetns.a ovsdb/libaddr.a $(OVS_LIBS) $(NFTNL_LIBS) $(MNL_LIBS) \
	$(CMOCKA_LIBS)
