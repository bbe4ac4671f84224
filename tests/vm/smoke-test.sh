#!/bin/bash
# smoke-test.sh [ARCH...]: end-to-end check of the VM test infrastructure.
# For each ARCH (default: x86_64; or $KKTEST_ARCHES, e.g. "x86_64 arm64"):
# build or reuse the test kernel, build an initramfs with tests/smoke.sh,
# boot it with kho=on liveupdate=on reserve_mem=... in several QEMU set-ups,
# and check the console log. Prints "N passed, N failed"; exits 1 on failure,
# 77 if QEMU/kernel cannot be had outside CI (see vm_require in lib.sh).
#
# Boot variants ($KKTEST_SMOKE_VARIANTS overrides the list):
#   x86_64: bios uefi numa      arm64: plain numa uefi
# Logs go to $KKTEST_LOGDIR (default /tmp/kexec-kho-vm-logs) and are kept.
set -euo pipefail
KK_PROG=smoke-test
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ $# -gt 0 ]; then ARCHES=("$@"); else read -ra ARCHES <<< "${KKTEST_ARCHES:-x86_64}"; fi
LOGDIR=$VM_LOGROOT
TIMEOUT=${KKTEST_TIMEOUT:-300}
mkdir -p "$LOGDIR"

# Options the rest of the project relies on, checked in the kernel's .config.
check_kconfig() {
	local arch=$1 cfg=$VM_KDIR/config opt
	if [ ! -f "$cfg" ]; then
		echo "  (prebuilt kernel without a cached .config: config checks skipped)"
		VM_SKIP=$((VM_SKIP + 1))
		return 0
	fi
	local opts=(CONFIG_KEXEC CONFIG_KEXEC_FILE CONFIG_KEXEC_HANDOVER CONFIG_KEXEC_HANDOVER_DEBUGFS
		CONFIG_LIVEUPDATE CONFIG_LIVEUPDATE_MEMFD CONFIG_TEST_KEXEC_HANDOVER
		CONFIG_PROC_KCORE CONFIG_KALLSYMS_ALL)
	[ "$arch" = arm64 ] && opts+=(CONFIG_PM_SLEEP_SMP CONFIG_HOTPLUG_CPU)
	for opt in "${opts[@]}"; do
		assert_log "$cfg" "^$opt=y\$" "$arch .config: $opt=y" || true
	done
	if [ -n "$VM_HEADERS" ] && [ -f "$VM_HEADERS/linux/liveupdate.h" ]; then
		vm_pass "$arch: uapi headers installed ($VM_HEADERS/linux/liveupdate.h)"
	else
		vm_fail "$arch: uapi headers with linux/liveupdate.h in the cache entry"
	fi
}

# boot ARCH VARIANT INITRD
boot() {
	local arch=$1 variant=$2 initrd=$3 console opts=() log rc
	case $arch in x86_64) console=ttyS0 ;; arm64) console=ttyAMA0 ;; esac
	case $variant in
		bios|plain) ;;
		uefi) opts+=(--uefi) ;;
		numa) opts+=(--numa) ;;
		*) kk_die "unknown variant '$variant'" ;;
	esac
	log=$LOGDIR/smoke-$arch-$variant.log
	echo "== $arch/$variant: booting (log $log)"
	set +e
	"$HERE/qemu-run.sh" --arch "$arch" --kernel "$VM_KERNEL" --initrd "$initrd" \
		--append "console=$console kho=on liveupdate=on reserve_mem=4M:4096:r1 kktest=smoke panic=-1" \
		--log "$log" --timeout "$TIMEOUT" "${opts[@]}"
	rc=$?
	set -e
	local n="$arch/$variant"
	if [ $rc -eq 0 ]; then vm_pass "$n: QEMU exited by itself (status 0)"; else vm_fail "$n: QEMU status $rc (124 = timeout)"; fi
	vm_check_guest "$log" "$n"
	assert_log "$log" 'KKTEST: PASS cmdline has kho=on' "$n: kho=on" || true
	assert_log "$log" 'KKTEST: PASS .*/out/scratch_phys exists' "$n: kho/out/scratch_phys exists" || true
	assert_log "$log" 'KKTEST: PASS .*/out/scratch_len exists' "$n: kho/out/scratch_len exists" || true
	assert_log "$log" '^KHO scratch: 0x[0-9a-f]+ 0x[0-9a-f]*[1-9a-f]' "$n: a non-empty scratch region is listed" || true
	assert_log "$log" 'KKTEST: PASS test_kho registered' "$n: test_kho registered its kho_test subtree" || true
	assert_log "$log" 'KKTEST: PASS /dev/liveupdate exists' "$n: /dev/liveupdate exists" || true
	assert_log "$log" 'KKTEST: PASS reserve_mem region registered' "$n: reserve_mem region in kho/out/sub_fdts/memblock" || true
	case $variant in
		uefi) assert_log "$log" '^booted via EFI: yes' "$n: kernel booted through UEFI" || true ;;
		numa)
			assert_log "$log" '^NUMA nodes: node0 node1' "$n: two NUMA nodes" || true
			# scratch: lowmem + global + one per node = 4 lines
			local lines
			lines=$(grep -c '^KHO scratch: ' "$log" || true)
			if [ "${lines:-0}" -ge 4 ]; then vm_pass "$n: $lines scratch regions (lowmem, global, 2 nodes)"
			else vm_fail "$n: expected >= 4 scratch regions with 2 NUMA nodes, got ${lines:-0}"; fi ;;
	esac
}

for arch in "${ARCHES[@]}"; do
	case $arch in
		x86_64) variants=${KKTEST_SMOKE_VARIANTS:-bios uefi numa} ;;
		arm64)  variants=${KKTEST_SMOKE_VARIANTS:-plain numa uefi} ;;
		*) kk_die "unknown arch '$arch' (want x86_64 or arm64)" ;;
	esac
	echo "== $arch: kernel"
	vm_require "$arch"
	echo "   $VM_KERNEL"
	check_kconfig "$arch"
	initrd=$LOGDIR/initramfs-$arch.cpio.gz
	"$HERE/mkinitramfs.sh" --arch "$arch" --out "$initrd"
	for v in $variants; do
		boot "$arch" "$v" "$initrd"
	done
done

echo "logs: $LOGDIR"
vm_summary
