# contrib/automake.mk: the systemd unit, the uninstall helper and the
# setup scripts.

# The unit names the daemon by its installed path: generated from
# contrib/ovsnetd.service.in.  Installed under $(prefix)/lib/systemd/system
# (systemd reads /usr/local/lib/systemd/system); "make install
# systemdunitdir=DIR" puts it elsewhere.
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = contrib/ovsnetd.service
CLEANFILES += contrib/ovsnetd.service
contrib/ovsnetd.service: contrib/ovsnetd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
		< $(srcdir)/contrib/ovsnetd.service.in > $@.tmp && \
	mv $@.tmp $@

# Removes every OVSDB row and link ovsnet made (run with ovsnetd stopped);
# makes ovsnet a managed plugin; puts the underlay address on an OVS bridge;
# makes the host an OVN chassis (it runs ovsnet-underlay from its own dir).
dist_sbin_SCRIPTS = contrib/ovsnet-cleanup contrib/ovsnet-plugin-create \
	contrib/ovsnet-underlay contrib/ovsnet-ovn-setup

EXTRA_DIST += \
	contrib/ovsnetd.service.in \
	contrib/ovs-build-tree \
	contrib/docker-engine \
	contrib/lib-setup.sh \
	contrib/install-and-start.sh \
	contrib/build-and-test.sh \
	.ci/run
