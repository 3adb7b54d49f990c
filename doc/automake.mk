# doc/: the manual page (from a template, for the version).
man_MANS += doc/ovsnetd.8
CLEANFILES += doc/ovsnetd.8
EXTRA_DIST += doc/ovsnetd.8.in doc/design.md

doc/ovsnetd.8: doc/ovsnetd.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) doc && \
	sed -e 's|@VERSION[@]|$(VERSION)|g' $(srcdir)/doc/ovsnetd.8.in > $@.tmp && \
	mv $@.tmp $@
