# bench/: benchmarks.  They print figures and never pass or fail on time,
# so they are not in TESTS: run them by hand, as root, with "bench/run.sh"
# (see bench/README.md).  "make" builds the programs they need.

noinst_PROGRAMS += bench/bench-attach
bench_bench_attach_SOURCES = bench/bench-attach.c $(PLUGIN_CLIENT_SOURCES)
# libcurl and the C library only: not Open vSwitch's headers.
bench_bench_attach_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir) $(CURL_CFLAGS)
bench_bench_attach_CFLAGS = $(AM_CFLAGS) -pthread
bench_bench_attach_LDADD = $(CURL_LIBS) -lpthread

EXTRA_DIST += \
	bench/README.md \
	bench/bench-docker.sh \
	bench/bench-kernel.sh \
	bench/bench-lib.sh \
	bench/bench-ovn.py \
	bench/bench-ovn.sh \
	bench/bench-swarm.sh \
	bench/bench-tunnel.sh \
	bench/kernel-tcp.sh \
	bench/tcp-connect.py \
	bench/run.sh
