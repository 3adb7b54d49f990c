# ovsdb/: the desired state, and the reconciler that writes it to OVSDB.
noinst_LIBRARIES += ovsdb/libovsdb.a
ovsdb_libovsdb_a_SOURCES = \
	ovsdb/db.c ovsdb/db.h \
	ovsdb/names.c ovsdb/names.h \
	ovsdb/persist.c ovsdb/persist.h \
	ovsdb/reconcile.c ovsdb/reconcile.h \
	ovsdb/state.c ovsdb/state.h

# IP addresses as text: shared by ovsdb/, plugin/ and netns/, so it comes
# after all three on a link line.
noinst_LIBRARIES += ovsdb/libaddr.a
ovsdb_libaddr_a_SOURCES = ovsdb/addr.c ovsdb/addr.h
