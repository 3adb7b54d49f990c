# Tests.  Each suite keeps its own fragment so that its owners do not step on
# each other; all of them run in "make check".
#
# Shell tests get, in their environment: top_srcdir, top_builddir (absolute),
# OVSNETD (the daemon), OVSNET_CALL (the socket client), and run as root.

TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	OVSNETD='$(abs_top_builddir)/plugin/ovsnetd'; export OVSNETD; \
	OVSNET_CALL='$(abs_top_builddir)/tests/ovsnet-call'; export OVSNET_CALL; \
	OVSNET_LOAD='$(abs_top_builddir)/tests/ovsnet-load'; export OVSNET_LOAD;

include tests/unit.mk
include tests/netns.mk
include tests/integration.mk
include tests/e2e.mk
include tests/multihost.mk
include tests/fuzz.mk
include tests/vm.mk

# What the programs that call the plugin socket as Docker does share
# (tests/ovsnet-call and tests/ovsnet-load, above in integration.mk, and
# bench/bench-attach): libcurl and the C library only.
PLUGIN_CLIENT_SOURCES = tests/plugin-client.c tests/plugin-client.h
tests_ovsnet_call_SOURCES += $(PLUGIN_CLIENT_SOURCES)
tests_ovsnet_load_SOURCES += $(PLUGIN_CLIENT_SOURCES)
