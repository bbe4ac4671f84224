#!/bin/bash
# test-kho.sh [x86_64|arm64|arm64-64k]: Kexec HandOver through kexec_load,
# end to end in QEMU (TCG): x86_64 (the default) on q35, arm64 on virt -cpu
# max (-smp 2, 1 GiB; test-kho-arm64.sh runs this with arm64). arm64-64k is
# arm64 with the 64 KiB page kernel (build-kernel.sh arm64-64k) for A, B
# and C, 3 GiB, cases load kfdt file mixed (test-kho-arm64-64k.sh; see
# there). On arm64 kexec_load loads
# Image.gz (C of the chain: the raw Image) and kexec -s the raw Image, the
# only format arm64's kexec_file_load takes; B and C also check /chosen
# (linux,kho-fdt and linux,kho-scratch, a /memreserve/ entry for a copy).
# Each case boots kernel A with a command line chosen here and
# tests/vm/tests/kho.sh (kktest=kho kkcase=NAME) does the guest side: it
# loads the next kernel (this image again) with our kexec, kexecs, and the
# next kernel checks what came back. The host then checks each kernel's
# part of the serial log on its own.
#
# Cases (KKTEST_KHO_CASES overrides the list, e.g. "load off"):
#   load   A -kexec_load-> B -kexec_load-> C, KASLR on. B: handover found,
#          count 1, test_kho restored, reserve_mem 'kkr' revived with A's
#          ramoops/pmsg text, 64 MiB LUO memfd byte-exact; C: count 2,
#          B's pmsg text and the memfd B preserved again. Source = live
#          page. In A first: corrupted --kho-fdt (bad magic, truncated),
#          an initrd bigger than all scratch, and /proc/kcore hidden so
#          only the truncated debugfs copy is left: each one error line,
#          `kexec -l -S` not loaded.
#   file   the same B-side checks with `kexec -s` (kexec_file_load), then
#          B -kexec_load-> C (count 2); on arm64 B's /chosen/linux,kho-fdt
#          must be the live page our loader finds (kexec --dry-run in A).
#   kfdt   --kho-fdt FILE (a kho-inject copy of the live FDT with a note),
#          nokaslr; the file changes after load: `kexec -e` refuses as
#          stale, `kexec -e --force` boots B, which got the file as loaded.
#   dbgfs  A without late KHO users (no liveupdate, reserve_mem, test_kho)
#          so out/fdt is complete; kcore hidden: the debugfs copy is used.
#   numa   two NUMA nodes (per-node scratch), live page.
#   off    kho=off: `kexec -l --kho` refused, nothing loaded.
#
# Prints "N passed, N failed"; exit 1 on failure, 77 (skip) when QEMU or a
# kernel cannot be had and $CI is unset. Logs: $KKTEST_LOGDIR/kho/ (x86_64)
# or kho-arm64/; a failed case also prints the tail of its console log.
set -euo pipefail
VARIANT=${1:-x86_64}
ARCH=${VARIANT%-64k}
PAGE=
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/bins.sh"

case $VARIANT in
x86_64)
	KK_PROG=test-kho
	LOGDIR=$VM_LOGROOT/kho
	# A whole chain takes 10-40 s here; a hung one should not eat the budget.
	TIMEOUT=${KKTEST_KHO_TIMEOUT:-${KKTEST_TIMEOUT:-240}}
	DEFAULT_TEXT=ffffffff81000000	# _text without KASLR
	;;
arm64)
	KK_PROG=test-kho-arm64
	LOGDIR=$VM_LOGROOT/kho-arm64
	# TCG runs arm64 guests some 2-3 times slower than x86_64 ones.
	TIMEOUT=${KKTEST_KHO_TIMEOUT:-${KKTEST_TIMEOUT:-400}}
	DEFAULT_TEXT=ffff800080000000	# _text without KASLR (KIMAGE_VADDR)
	;;
arm64-64k)
	KK_PROG=test-kho-arm64-64k
	LOGDIR=$VM_LOGROOT/kho-arm64-64k
	TIMEOUT=${KKTEST_KHO_TIMEOUT:-${KKTEST_TIMEOUT:-400}}
	DEFAULT_TEXT=ffff800080000000
	PAGE=65536
	# The kernel aligns each scratch region to PAGE_SIZE << MAX_PAGE_ORDER
	# (SCRATCH_ALIGNMENT_BYTES, kernel/liveupdate/kexec_handover.c): 512 MiB
	# with 64 KiB pages (ARCH_FORCE_MAX_ORDER 13). The low and the node-0
	# region take 1 GiB, and they must find 512 MiB-aligned free blocks
	# beside the kernel and the initramfs: 1 GiB cannot hold that.
	VM_QEMU_OPTS=(--mem 3G)
	;;
*)
	echo "usage: test-kho.sh [x86_64|arm64|arm64-64k] (got '$VARIANT')" >&2
	exit 2 ;;
esac
DEFAULT_CASES="load file kfdt dbgfs numa off"
[ -z "$PAGE" ] || DEFAULT_CASES="load kfdt file mixed"
CASES=${KKTEST_KHO_CASES:-$DEFAULT_CASES}
mkdir -p "$LOGDIR"

# kkpage=N asks the guest to check it runs with N-byte pages and that
# every segment kexec -d plans is aligned to them.
BASE="console=$(vm_console "$ARCH") panic=-1 kktest=kho kktest.stage=0${PAGE:+ kkpage=$PAGE}"
# ramoops keeps /dev/pmsg0 writes in the reserve_mem region 'kkr'. Its
# alignment must be a page of the kernel: reserved_mem_preserve()
# (mm/memblock.c) preserves size >> PAGE_SHIFT pages from
# phys_to_page(start), so a start inside a 64 KiB page would leave the
# region's tail unpreserved.
RMEM="reserve_mem=4M:${PAGE:-4096}:kkr ramoops.mem_name=kkr ramoops.pmsg_size=0x20000"
FULL="kho=on liveupdate=on $RMEM"

# after_case FAILS_BEFORE: the guest's verdict, and the log tail on failure.
after_case() {
	vm_check_guest "$LOG" "$CASE_NAME"
	[ "$VM_FAIL" -eq "$1" ] || vm_log_tail "$LOG"
}

# The B-side (or C-side) proof of a handover: kernel messages and the
# guest's own checks. Kernel messages are anchored at the start of the line
# (no PRINTK_TIME): the guest's "KKTEST: FAIL ... (no /KHO: .../ in dmesg)"
# lines quote the same text.
handover_ok() { # SECTION COUNT WHO
	local k=$1 count=$2 who=$3
	assert_log "$k" '^KHO: found kexec handover data' "$CASE_NAME $who: KHO: found kexec handover data" || true
	assert_log "$k" "^KHO: exec from: [^ ]+ \\(count $count\\)" "$CASE_NAME $who: KHO: exec from: ... (count $count)" || true
	refute_log "$k" 'handover FDT .* is (invalid|incompatible)|KHO: .*failed' "$CASE_NAME $who: the handover FDT was accepted" || true
	assert_log "$k" 'KKTEST: PASS kernel code .* inside a KHO scratch region' "$CASE_NAME $who: kernel placed inside scratch" || true
	[ "$ARCH" = arm64 ] || return 0
	assert_log "$k" 'KKTEST: PASS /chosen/linux,kho-scratch = .*: [0-9]+ entries of 16 bytes' "$CASE_NAME $who: /chosen/linux,kho-scratch holds the whole scratch array" || true
}

# arm64: a copy of the FDT is not preserved memory; the DTB's /memreserve/
# keeps the next kernel's early allocations off it.
copy_reserved_ok() { # SECTION WHO
	[ "$ARCH" = arm64 ] || return 0
	assert_log "$1" 'KKTEST: PASS the FDT copy at .* lies in a /memreserve/ entry' "$CASE_NAME $2: the FDT copy lies in a /memreserve/ entry of the DTB" || true
}

test_kho_ok() { # SECTION WHO
	assert_log "$1" '^test_kho: KHO restore succeeded' "$CASE_NAME $2: test_kho: KHO restore succeeded" || true
}

pmsg_ok() { # SECTION WHO TEXT
	assert_log "$1" "^Revived memory reservation 'kkr' from KHO" "$CASE_NAME $2: Revived memory reservation 'kkr'" || true
	assert_log "$1" "KKTEST: PASS reserve_mem content came back: .*'$3'" "$CASE_NAME $2: reserve_mem content '$3' read back" || true
}

luo_ok() { # SECTION WHO SESSION MB
	assert_log "$1" "luo-memfd: restored session '$3': $4 MiB byte-exact" "$CASE_NAME $2: LUO memfd '$3' ($4 MiB) byte-exact" || true
}

# Same digest printed when saved and when restored.
luo_digest_same() { # SAVE_SECTION RESTORE_SECTION SESSION
	local a b
	a=$(sed -n "s/.*luo-memfd: saved session '$3': .*digest \([0-9a-f]*\).*/\1/p" "$1" | head -n1)
	b=$(sed -n "s/.*luo-memfd: restored session '$3': .*digest \([0-9a-f]*\).*/\1/p" "$2" | head -n1)
	vm_assert_eq "$CASE_NAME: LUO memfd digest after the kexec is the one before" "$b" "$a"
}

text_of() { sed -n 's/^KK-TEXT: //p' "$1" | head -n1; }

# The next kernel runs on the scratch list it was handed: its own
# out/scratch_* are the previous kernel's, entry for entry.
scratch_same() { # PREV_SECTION NEXT_SECTION WHO
	vm_assert_eq "$CASE_NAME $3: runs on the scratch list it was handed" \
		"$(vm_scratch "$2")" "$(vm_scratch "$1")"
}

# arm64-64k: every kernel of the chain ran with $PAGE-byte pages, and
# every kernel that loaded the next one planned only $PAGE-aligned
# segments (the guest checks each kexec -d plan it made).
page_ok() { # LOG N
	local i k
	[ -n "$PAGE" ] || return 0
	for ((i = 0; i < $2; i++)); do
		k=$(vm_section "$1" $i)
		assert_log "$k" "KKTEST: PASS page size $PAGE bytes" "$CASE_NAME k$i: the kernel runs with $PAGE-byte pages" || true
		[ $i -lt $(($2 - 1)) ] || continue
		assert_log "$k" "KKTEST: PASS [a-z0-9]+: [0-9]+ segments, every one $PAGE-byte aligned" "$CASE_NAME k$i: every segment kexec -d planned is $PAGE-byte aligned" || true
	done
}

# ---- cases ----

run_load() {
	local a b c
	vm_boot load "$BASE kkcase=load $FULL"
	vm_kernels "$LOG" 3
	page_ok "$LOG" 3
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1) c=$(vm_section "$LOG" 2)
	# negatives in A
	assert_log "$a" 'KKTEST: PASS --dry-run shows the plan and scratch left free, loads nothing' "load A: --dry-run shows the plan and scratch, loads nothing" || true
	assert_log "$a" 'KKTEST: PASS after --dry-run: kexec -l -S says not loaded' "load A: nothing loaded after --dry-run" || true
	assert_log "$a" 'KKTEST: PASS corrupted --kho-fdt \(bad magic\): exit [1-9].*, one-line error' "load A: corrupted --kho-fdt (bad magic) refused in one line" || true
	assert_log "$a" 'stderr\| kexec: .*badmagic\.fdt' "load A: the error names the --kho-fdt file" || true
	assert_log "$a" 'KKTEST: PASS corrupted --kho-fdt \(truncated\): exit' "load A: truncated --kho-fdt refused in one line" || true
	assert_log "$a" 'KKTEST: PASS initrd of [0-9]+ MiB > scratch [0-9]+ MiB: exit' "load A: initrd bigger than the scratch refused in one line" || true
	assert_log "$a" 'KKTEST: PASS no kcore, truncated debugfs FDT: exit' "load A: kcore hidden: truncated-only error" || true
	assert_log "$a" 'KKTEST: PASS no kcore, truncated debugfs FDT, --kho: exit' "load A: kcore hidden, --kho: truncated-only error" || true
	assert_log "$a" 'stderr\| kexec: .*truncated.*kexec -s' "load A: the truncated-only error says truncated and suggests kexec -s" || true
	for w in "bad magic" truncated "initrd of" "no kcore, truncated debugfs FDT" "no kcore, truncated debugfs FDT, --kho"; do
		assert_log "$a" "KKTEST: PASS (corrupted --kho-fdt \\()?$w.*: kexec -l -S says not loaded" "load A: nothing loaded after: $w" || true
	done
	# the handover, live page, A -> B -> C
	assert_log "$a" 'load\| KHO: handing over kho-v[0-9]+, live FDT page' "load A: kexec -d says: live FDT page" || true
	assert_log "$a" 'load\| KHO scratch left free for the next kernel' "load A: kexec -d shows scratch left free" || true
	assert_log "$a" 'KKTEST: PASS luo-memfd catches a flipped bit' "load A: the $ARCH luo-memfd's byte-exact check can fail" || true
	handover_ok "$b" 1 B
	test_kho_ok "$b" B
	pmsg_ok "$b" B "kk-pmsg from A"
	luo_ok "$b" B kk-a 64
	luo_digest_same "$a" "$b" kk-a
	scratch_same "$a" "$b" B
	chosen_fdt_ok "$a" load "$b" B
	assert_log "$b" 'KKTEST: PASS no kho/out/fdt after a KHO boot' "load B: no out/fdt after a KHO boot" || true
	assert_log "$b" 'load2\| KHO: handing over kho-v[0-9]+, live FDT page' "load B: kexec -d says: live FDT page" || true
	handover_ok "$c" 2 C
	pmsg_ok "$c" C "kk-pmsg from B"
	luo_ok "$c" C kk-b 64
	scratch_same "$b" "$c" C
	chosen_fdt_ok "$b" load2 "$c" C
	if [ "$ARCH" = arm64 ]; then
		assert_log "$a" '^kho\[load/0\]: \$ /bin/kexec -d -l /boot/Image\.gz ' "load A: kexec_load took Image.gz" || true
		assert_log "$b" '^kho\[load/1\]: \$ /bin/kexec -d -l /boot/Image ' "load B: kexec_load took the raw Image" || true
	fi
	# KASLR on in A and B: not both at the default address (1 in ~500
	# each); C was booted with nokaslr.
	local ta tb tc
	ta=$(text_of "$a") tb=$(text_of "$b") tc=$(text_of "$c")
	if [ -n "$ta" ] && [ -n "$tb" ] && { [ "$ta" != $DEFAULT_TEXT ] || [ "$tb" != $DEFAULT_TEXT ]; }; then
		vm_pass "load: KASLR on in A and B: _text A $ta, B $tb"
	else
		vm_fail "load: KASLR on in A and B: _text A '$ta', B '$tb' (both at the default?)"
	fi
	assert_log "$c" '^cmdline: .* nokaslr' "load C: booted with nokaslr" || true
	if [ "$ARCH" = arm64 ]; then
		# arm64 randomizes only with a /chosen/kaslr-seed: QEMU's for A,
		# the fresh one our loader wrote for B.
		assert_log "$a" '^KASLR enabled' "load A: KASLR enabled" || true
		assert_log "$b" '^KASLR enabled' "load B: KASLR enabled (our kaslr-seed)" || true
		assert_log "$c" '^KASLR disabled on command line' "load C: KASLR disabled on command line" || true
		if [ "$tb" != "$ta" ] && [ "$tb" != $DEFAULT_TEXT ]; then
			vm_pass "load B: _text $tb, neither A's nor the default"
		else
			vm_fail "load B: _text '$tb' should differ from A's '$ta' and the default"
		fi
	fi
	if [ "$tc" = $DEFAULT_TEXT ]; then
		vm_pass "load C: KASLR off: _text at $tc"
	else
		vm_fail "load C: KASLR off: _text '$tc', expected $DEFAULT_TEXT"
	fi
}

run_file() {
	local a b c
	vm_boot file "$BASE kkcase=file $FULL"
	vm_kernels "$LOG" 3
	page_ok "$LOG" 3
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1) c=$(vm_section "$LOG" 2)
	assert_log "$a" 'KKTEST: PASS kexec -s -l exit 0' "file A: kexec -s -l" || true
	[ "$ARCH" = x86_64 ] ||
		assert_log "$a" '^kho\[file/0\]: \$ /bin/kexec -s -l /boot/Image ' "file A: kexec -s took the raw Image" || true
	handover_ok "$b" 1 B
	test_kho_ok "$b" B
	pmsg_ok "$b" B "kk-pmsg from A via kexec_file_load"
	luo_ok "$b" B kk-a 64
	luo_digest_same "$a" "$b" kk-a
	scratch_same "$a" "$b" B
	# kexec_file_load hands over the live page too: the one ours found.
	chosen_fdt_ok "$a" ours "$b" B "the live page kexec_load would hand over"
	# then B -> C through kexec_load: ours after the kernel's own loader
	assert_log "$b" 'load2\| KHO: handing over kho-v[0-9]+, live FDT page' "file B: kexec -d says: live FDT page" || true
	handover_ok "$c" 2 C
	pmsg_ok "$c" C "kk-pmsg from B via kexec_load"
	luo_ok "$c" C kk-b 64
	scratch_same "$b" "$c" C
	chosen_fdt_ok "$b" load2 "$c" C
}

run_kfdt() {
	local a b
	vm_boot kfdt "$BASE kkcase=kfdt $FULL nokaslr"
	vm_kernels "$LOG" 2
	page_ok "$LOG" 2
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1)
	assert_log "$a" 'KKTEST: PASS --kho-fdt with another preserved-memory-map: warned' "kfdt A: --kho-fdt with another preserved-memory-map warns" || true
	assert_log "$a" 'KKTEST: PASS after the --dry-run with another preserved-memory-map: kexec -l -S says not loaded' "kfdt A: nothing loaded by that --dry-run" || true
	assert_log "$a" 'load\| KHO: handing over kho-v[0-9]+, --kho-fdt file' "kfdt A: kexec -d says: --kho-fdt file" || true
	assert_log "$a" 'KKTEST: PASS kexec -e refuses a changed --kho-fdt file: .*stale' "kfdt A: kexec -e refuses a changed file (stale)" || true
	assert_log "$a" 'KKTEST: PASS still loaded after the refusal' "kfdt A: the refusal keeps the load" || true
	assert_log "$a" 'kexec: warning: .*booting anyway \(--force\)' "kfdt A: kexec -e --force warns and boots" || true
	handover_ok "$b" 1 B
	test_kho_ok "$b" B
	pmsg_ok "$b" B "kk-pmsg from A via --kho-fdt"
	luo_ok "$b" B kk-a 16
	scratch_same "$a" "$b" B
	chosen_fdt_ok "$a" load "$b" B "where kexec -d put the copy"
	copy_reserved_ok "$b" B
	assert_log "$b" 'KKTEST: PASS kho/in/fdt is the --kho-fdt file as loaded' "kfdt B: got the file as loaded, not as changed" || true
	local ta tb
	ta=$(text_of "$a") tb=$(text_of "$b")
	if [ "$ta" = $DEFAULT_TEXT ] && [ "$tb" = $DEFAULT_TEXT ]; then
		vm_pass "kfdt: nokaslr: _text at $DEFAULT_TEXT in A and B"
	else
		vm_fail "kfdt: nokaslr: _text A '$ta', B '$tb', expected $DEFAULT_TEXT"
	fi
}

run_dbgfs() {
	local a b
	vm_boot dbgfs "$BASE kkcase=dbgfs kho=on initcall_blacklist=kho_test_init"
	vm_kernels "$LOG" 2
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1)
	assert_log "$a" 'KKTEST: PASS kho/out/fdt is complete' "dbgfs A: out/fdt complete without late KHO users" || true
	assert_log "$a" 'load\| KHO: handing over kho-v[0-9]+, complete debugfs copy' "dbgfs A: kexec -d says: complete debugfs copy" || true
	assert_log "$a" 'load\| KHO: live FDT not used: ' "dbgfs A: kexec -d says why not the live page" || true
	handover_ok "$b" 1 B
	scratch_same "$a" "$b" B
	chosen_fdt_ok "$a" load "$b" B "where kexec -d put the copy"
	copy_reserved_ok "$b" B
	local sa sb
	sa=$(sed -n 's/^KK-FDT-SHA: //p' "$a") sb=$(sed -n 's/^KK-IN-FDT-SHA: //p' "$b")
	vm_assert_eq "dbgfs: B's kho/in/fdt is A's kho/out/fdt (sha256)" "$sb" "$sa"
}

run_numa() {
	local a b
	vm_boot numa "$BASE kkcase=numa $FULL" --numa
	vm_kernels "$LOG" 2
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1)
	assert_log "$a" 'KKTEST: PASS [0-9]+ scratch regions \(low, global, one per node\)' "numa A: per-node scratch regions" || true
	assert_log "$a" 'KKTEST: PASS scratch\[2\] .* lies in node 0' "numa A: scratch[2] lies in node 0" || true
	assert_log "$a" 'KKTEST: PASS scratch\[3\] .* lies in node 1' "numa A: scratch[3] lies in node 1" || true
	assert_log "$a" 'load\| KHO: scratch\[3\] 0x[0-9a-f]+ size 0x[0-9a-f]*[1-9a-f]' "numa A: kexec hands over the per-node scratch" || true
	assert_log "$b" 'KKTEST: PASS scratch\[3\] .* lies in node 1' "numa B: the per-node scratch came through" || true
	handover_ok "$b" 1 B
	test_kho_ok "$b" B
	pmsg_ok "$b" B "kk-pmsg from A on NUMA"
	luo_ok "$b" B kk-a 16
	scratch_same "$a" "$b" B
	chosen_fdt_ok "$a" load "$b" B
}

# arm64-64k: A with 4 KiB pages must refuse to hand over to the 64 KiB
# Image, A with 64 KiB pages to the 4 KiB one; --force and --no-kho load.
run_mixed() {
	local k=$VM_KERNEL name page
	for page in 4096 65536; do
		name=mixed$((page >> 10))k
		VM_KERNEL=$k
		[ $page = 65536 ] || VM_KERNEL=$KERNEL_4K
		vm_boot $name "${BASE/kkpage=$PAGE/kkpage=$page} kkcase=mixed $FULL"
		VM_KERNEL=$k
		vm_kernels "$LOG" 1
		assert_log "$LOG" "KKTEST: PASS page size $page bytes" "$name: A runs with $page-byte pages" || true
		assert_log "$LOG" 'KKTEST: PASS KHO to a kernel with other pages .*: exit [1-9].*one-line error' "$name: KHO to a kernel with other pages refused in one line" || true
		assert_log "$LOG" "stderr\| kexec: .*the next kernel has $((page == 4096 ? 64 : 4)) KiB pages, the running one $((page >> 10)) KiB" "$name: the error names both page sizes" || true
		assert_log "$LOG" 'KKTEST: PASS KHO to a kernel with other pages .*: kexec -l -S says not loaded' "$name: nothing loaded" || true
		assert_log "$LOG" 'KKTEST: PASS --force loads .* anyway' "$name: --force overrides" || true
		assert_log "$LOG" 'KKTEST: PASS --no-kho loads .* without a handover' "$name: --no-kho loads without a handover" || true
		# after_case judges the last boot's guest; this one's here.
		[ $page = 65536 ] || vm_check_guest "$LOG" "$name"
	done
}

run_off() {
	vm_boot off "$BASE kkcase=off kho=off"
	vm_kernels "$LOG" 1
	assert_log "$LOG" 'KKTEST: PASS --kho on a kho=off kernel: exit [1-9].*one-line error' "off: --kho refused in one line" || true
	assert_log "$LOG" 'stderr\| kexec: .*--kho' "off: the error is about --kho" || true
	assert_log "$LOG" 'KKTEST: PASS --kho on a kho=off kernel: kexec -l -S says not loaded' "off: nothing loaded" || true
}

# ---- main ----

T0=$(date +%s)
vm_require "$ARCH" "$VARIANT"
ENVNAME=KEXEC_KHO_KERNEL_${VARIANT^^}
[ -n "$VM_HEADERS" ] || vm_skip_or_fail "the $VARIANT test kernel came without uapi headers (${ENVNAME//-/_}?): luo-memfd needs linux/liveupdate.h"
if [ -n "$PAGE" ]; then
	# arm64 Image header: flags at byte 24, bits 1-2 the page size
	# (Documentation/arch/arm64/booting.rst): 3 = 64 KiB.
	flags=$(od -An -tu8 -j24 -N8 "$VM_KERNEL" | tr -d ' ')
	if [ $(( (flags >> 1) & 3 )) = 3 ]; then
		vm_pass "the $VARIANT Image header says 64 KiB pages (flags $flags)"
	else
		vm_fail "the $VARIANT Image header says 64 KiB pages (flags $flags)"
	fi
fi
BINS=$(kk_static_bins "$ARCH")
"$HERE/luo/build.sh" "$VM_HEADERS" "$LOGDIR/luo-memfd" "$ARCH" || kk_die "cannot build luo-memfd for $ARCH"
# The byte-exact check must be able to fail; it needs no LUO to show that.
# An arm64 build cannot run here: kernel A of the load case runs it.
if [ "$ARCH" = x86_64 ]; then
	if out=$("$LOGDIR/luo-memfd" selftest 2>&1); then
		vm_pass "luo-memfd catches a flipped bit, a wrong size and a wrong seed"
	else
		vm_fail "luo-memfd selftest: $out"
	fi
fi
case $ARCH in
x86_64)	KFILES=(--file "$VM_KERNEL:/boot/bzImage") ;;
arm64)
	KGZ=$VM_KDIR/Image.gz
	[ -f "$KGZ" ] || { gzip -9 -n -c "$VM_KERNEL" > "$LOGDIR/Image.gz"; KGZ=$LOGDIR/Image.gz; }
	KFILES=(--file "$VM_KERNEL:/boot/Image" --file "$KGZ:/boot/Image.gz") ;;
esac
if [ -n "$PAGE" ] && [[ " $CASES " = *" mixed "* ]]; then
	# The mixed case boots the 4 KiB kernel too.
	KERNEL_4K=$("$HERE/build-kernel.sh" arm64 | tail -n1) ||
		vm_skip_or_fail "could not obtain the arm64 (4 KiB) test kernel for the mixed case"
	KFILES+=(--file "$KERNEL_4K:/boot/Image4k")
fi
INITRD=$LOGDIR/initramfs.cpio.gz
"$HERE/mkinitramfs.sh" --arch "$ARCH" --out "$INITRD" \
	--bin "$BINS/kexec" --bin "$BINS/kho-inject" --bin "$LOGDIR/luo-memfd" \
	"${KFILES[@]}"
echo "$ARCH kernel $VM_KERNEL, binaries $BINS, setup $(( $(date +%s) - T0 )) s"

for CASE_NAME in $CASES; do
	fails=$VM_FAIL
	case $CASE_NAME in
		load|file|kfdt|dbgfs|numa|off|mixed) "run_$CASE_NAME" ;;
		*) kk_die "unknown case '$CASE_NAME' (have: load file kfdt dbgfs numa off; arm64-64k: mixed)" ;;
	esac
	after_case "$fails"
done

echo "logs: $LOGDIR; total $(( $(date +%s) - T0 )) s"
vm_summary
