# tests/vm.mk: the tests on Open vSwitch's kernel datapath, in a qemu VM.
#
# "make check-kernel" (root, qemu-system-x86 and busybox-static installed)
# boots Debian 12's kernel with the openvswitch module under qemu (software
# emulation) and runs KERNEL_TESTS there with OVSNET_TEST_DATAPATH=system:
# tests/vm/run.sh (the image, cached under /var/cache/ovsnet/vm, comes from
# tests/vm/build-image.sh).  Results: tests/kernel/*.log and *.trs in the
# build tree, the VM's console in tests/kernel/console.log.
#
# KERNEL_TESTS is what CI runs, chosen to fit its time under emulation;
# "make check-kernel KERNEL_TESTS='$(KERNEL_TESTS_ALL)'" runs every test that
# applies to the kernel datapath (README.md, "Tests").

KERNEL_TESTS = \
	tests/test-protocol.sh \
	tests/test-kernel-lost.sh \
	tests/test-recovery.sh \
	tests/test-multihost-vxlan.sh \
	tests/test-multihost-gre.sh \
	tests/test-multihost-geneve.sh

KERNEL_TESTS_ALL = $(KERNEL_TESTS) \
	tests/test-badinput.sh \
	tests/test-concurrent.sh \
	tests/test-faults.sh \
	tests/test-nat.sh \
	tests/test-socket.sh \
	tests/test-instances.sh \
	tests/test-failfast.sh \
	tests/test-multihost-underlay.sh \
	tests/test-multihost-vxlan6.sh \
	tests/test-multihost-stt.sh \
	tests/test-multihost-swarm.sh

check-kernel: plugin/ovsnetd tests/ovsnet-call tests/ovsnet-load \
		bench/bench-attach
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	$(SHELL) '$(abs_top_srcdir)/tests/vm/run.sh' $(KERNEL_TESTS)
.PHONY: check-kernel

# Tests of the kernel datapath alone: not in TESTS (they would be skipped
# on the userspace datapath).
EXTRA_DIST += \
	tests/test-kernel-lost.sh \
	tests/vm/build-image.sh \
	tests/vm/guest-run.sh \
	tests/vm/init \
	tests/vm/run.sh
