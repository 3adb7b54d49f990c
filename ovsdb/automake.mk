# ovsdb/: the desired state, and the reconciler that writes it to OVSDB.
noinst_LIBRARIES += ovsdb/libovsdb.a
ovsdb_libovsdb_a_SOURCES = \
	ovsdb/db.c ovsdb/db.h \
	ovsdb/dbloop.c ovsdb/dbloop.h \
	ovsdb/nb.c ovsdb/nb.h \
	ovsdb/nb-ipam.c ovsdb/nb-ipam.h \
	ovsdb/nb-reconcile.c ovsdb/nb-reconcile.h \
	ovsdb/names.c ovsdb/names.h \
	ovsdb/persist.c ovsdb/persist.h \
	ovsdb/sb.c ovsdb/sb.h \
	ovsdb/reconcile.c ovsdb/reconcile.h \
	ovsdb/state.c ovsdb/state.h

# IP addresses as text: shared by ovsdb/, plugin/ and netns/, so it comes
# after all three on a link line.
noinst_LIBRARIES += ovsdb/libaddr.a
ovsdb_libaddr_a_SOURCES = ovsdb/addr.c ovsdb/addr.h

# OVN's Northbound and Southbound databases: their C IDLs generated from
# the schemas, as OVN's build does (ovsdb-idlc from the Open vSwitch tree,
# see m4/ovsnet.m4).
nodist_ovsdb_libovsdb_a_SOURCES = \
	ovsdb/ovn-nb-idl.c ovsdb/ovn-nb-idl.h \
	ovsdb/ovn-sb-idl.c ovsdb/ovn-sb-idl.h
BUILT_SOURCES += \
	ovsdb/ovn-nb-idl.h ovsdb/ovn-nb-idl.c \
	ovsdb/ovn-sb-idl.h ovsdb/ovn-sb-idl.c
CLEANFILES += \
	ovsdb/ovn-nb-idl.c ovsdb/ovn-nb-idl.h ovsdb/ovn-nb-idl.ovsidl \
	ovsdb/ovn-sb-idl.c ovsdb/ovn-sb-idl.h ovsdb/ovn-sb-idl.ovsidl
EXTRA_DIST += \
	ovsdb/ovn-nb.ovsschema ovsdb/ovn-nb-idl.ann \
	ovsdb/ovn-sb.ovsschema ovsdb/ovn-sb-idl.ann

ovsdb/ovn-nb-idl.ovsidl: ovsdb/ovn-nb.ovsschema ovsdb/ovn-nb-idl.ann
	$(AM_V_GEN)$(MKDIR_P) ovsdb && \
	$(OVSDB_IDLC) annotate $(srcdir)/ovsdb/ovn-nb.ovsschema \
		$(srcdir)/ovsdb/ovn-nb-idl.ann > $@.tmp && mv $@.tmp $@
ovsdb/ovn-nb-idl.c: ovsdb/ovn-nb-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-source $< > $@.tmp && mv $@.tmp $@
ovsdb/ovn-nb-idl.h: ovsdb/ovn-nb-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-header $< > $@.tmp && mv $@.tmp $@
ovsdb/ovn-sb-idl.ovsidl: ovsdb/ovn-sb.ovsschema ovsdb/ovn-sb-idl.ann
	$(AM_V_GEN)$(MKDIR_P) ovsdb && \
	$(OVSDB_IDLC) annotate $(srcdir)/ovsdb/ovn-sb.ovsschema \
		$(srcdir)/ovsdb/ovn-sb-idl.ann > $@.tmp && mv $@.tmp $@
ovsdb/ovn-sb-idl.c: ovsdb/ovn-sb-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-source $< > $@.tmp && mv $@.tmp $@
ovsdb/ovn-sb-idl.h: ovsdb/ovn-sb-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-header $< > $@.tmp && mv $@.tmp $@

# For a target built alone (make tests/fuzz/fuzz-driver), not only through
# BUILT_SOURCES.
ovsdb/nb.$(OBJEXT) ovsdb/nb-reconcile.$(OBJEXT) ovsdb/nb-ipam.$(OBJEXT): \
	ovsdb/ovn-nb-idl.h
ovsdb/sb.$(OBJEXT) ovsdb/nb.$(OBJEXT): ovsdb/ovn-sb-idl.h
