# tests/fuzz.mk: fuzz targets (libFuzzer) for what reads outside input.
#
# Each target is one LLVMFuzzerTestOneInput() in tests/fuzz/fuzz-*.c, with
# a corpus directory tests/fuzz/TARGET/: seeds (real Docker requests) and
# every input that once found a bug, kept as a regression test.
#
#   - every build: tests/fuzz/replay-TARGET runs the target over its corpus
#     without libFuzzer, in "make check" (tests/test-fuzz-replay.sh);
#   - a build configured with CC=clang --enable-fuzzing also makes
#     tests/fuzz/fuzz-TARGET, the libFuzzer binaries that
#     tests/fuzz/run.sh runs (see the README's "Reliability").
#
# FUZZ_TARGETS names them for the scripts (test-fuzz-replay.sh has it in
# its environment; run.sh, run by hand, lists the corpus directories).
# Automake needs each program spelled out, so a new target goes into the
# lists below too.
FUZZ_TARGETS = driver parse http
AM_TESTS_ENVIRONMENT += \
	FUZZ_TARGETS='$(FUZZ_TARGETS)'; export FUZZ_TARGETS;

# plugin/driver's collaborators, as its unit test replaces them
# (tests/unit.mk), and random_bytes(), so that an input's random MACs are
# the same on every run.
FUZZ_DRIVER_WRAPS = $(DRIVER_WRAPS) -Wl,--wrap=random_bytes
FUZZ_LIBS = plugin/libplugin.a ovsdb/libovsdb.a netns/libnetns.a \
	ovsdb/libaddr.a $(OVS_LIBS)

check_PROGRAMS += tests/fuzz/replay-driver tests/fuzz/replay-parse \
	tests/fuzz/replay-http
tests_fuzz_replay_driver_SOURCES = \
	tests/fuzz/fuzz-driver.c tests/fuzz/replay.c tests/driver-wraps.c \
	tests/driver-wraps.h
tests_fuzz_replay_driver_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_DRIVER_WRAPS)
tests_fuzz_replay_driver_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_parse_SOURCES = tests/fuzz/fuzz-parse.c tests/fuzz/replay.c
tests_fuzz_replay_parse_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_http_SOURCES = tests/fuzz/fuzz-http.c tests/fuzz/replay.c
tests_fuzz_replay_http_LDADD = $(FUZZ_LIBS) $(MHD_LIBS)

TESTS += tests/test-fuzz-replay.sh
# The corpus directories go into the tarball whole.
EXTRA_DIST += tests/test-fuzz-replay.sh tests/fuzz/run.sh \
	tests/fuzz/driver tests/fuzz/parse tests/fuzz/http

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-driver tests/fuzz/fuzz-parse \
	tests/fuzz/fuzz-http
tests_fuzz_fuzz_driver_SOURCES = \
	tests/fuzz/fuzz-driver.c tests/driver-wraps.c tests/driver-wraps.h
tests_fuzz_fuzz_driver_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer \
	$(FUZZ_DRIVER_WRAPS)
tests_fuzz_fuzz_driver_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_parse_SOURCES = tests/fuzz/fuzz-parse.c
tests_fuzz_fuzz_parse_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_parse_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_http_SOURCES = tests/fuzz/fuzz-http.c
tests_fuzz_fuzz_http_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_http_LDADD = $(FUZZ_LIBS) $(MHD_LIBS)
endif
