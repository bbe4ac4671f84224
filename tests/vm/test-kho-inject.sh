#!/bin/bash
# test-kho-inject.sh [x86_64|arm64]: kho-inject and the loader's KHO
# extras (--kho-blob, --kho-scratch), end to end in QEMU (TCG): x86_64
# (the default) on q35, arm64 on virt -cpu max (-smp 2, 1 GiB;
# test-kho-inject-arm64.sh runs this with arm64, kexec_load of Image.gz).
# Each case boots kernel A with a command line chosen here;
# tests/vm/tests/khoinj.sh (kktest=khoinj kkcase=NAME) does the guest
# side and kexecs through our kexec_load path into the same image; the
# host then checks each kernel's part of the serial log.
#
# Cases (KKTEST_KHOINJ_CASES overrides the list, e.g. "off"):
#   blob     kho=on liveupdate=on, test_kho, reserve_mem: A dumps its live
#            FDT (kexec-metadata count 1) and hands three --kho-blob files
#            over (200 KiB, 3 MiB, an FDT); B shows each byte-exact in
#            kho/in/sub_fdts, test_kho restores, the pmsg text and a LUO
#            memfd come back, B's dumps show count 1 (in) and 2 (its own)
#   off      kho=off A: kho-inject new, --kho-fdt --kho-scratch 256M
#            --kho-blob; B (kho=on): "found kexec handover data", blobs
#            byte-exact, its scratch is what A chose; then B -> C with
#            B's own live FDT: count 1, test_kho restored, memfd back;
#            on arm64 A also refuses a --kho-fdt over 256 KiB (more than
#            the next kernel's kho_populate() can early_memremap())
#   offauto  kho=off A with --kho-scratch auto -> B: handover and blob
# On x86_64 each blob rides in a SETUP_INDIRECT setup_data node. On arm64
# B also checks the DTB it booted with (/sys/firmware/fdt): /chosen has
# linux,kho-fdt (where A's kexec -d put the FDT) and linux,kho-scratch,
# and the FDT copy, every blob and (off, offauto) the empty map lie in
# /memreserve/ entries.
#
# The KHO ABI for `kho-inject new` comes from the test kernel's source
# (KHO_FDT_COMPATIBLE in include/linux/kho/abi/kexec_handover.h): a
# kho=off kernel has no FDT to read it from. Prints "N passed, N
# failed"; exit 1 on failure, 77 (skip) when QEMU or a kernel cannot be
# had and $CI is unset. Logs: $KKTEST_LOGDIR/khoinj/ (x86_64) or
# khoinj-arm64/; a failed case also prints the tail of its console log.
set -euo pipefail
ARCH=${1:-x86_64}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/bins.sh"

case $ARCH in
x86_64)
	KK_PROG=test-kho-inject
	LOGDIR=$VM_LOGROOT/khoinj
	TIMEOUT=${KKTEST_TIMEOUT:-300}
	;;
arm64)
	KK_PROG=test-kho-inject-arm64
	LOGDIR=$VM_LOGROOT/khoinj-arm64
	# The three-kernel chain (off) takes 15-20 s under TCG here; a hung
	# boot should not eat the whole budget.
	TIMEOUT=${KKTEST_TIMEOUT:-240}
	;;
*)
	echo "usage: test-kho-inject.sh [x86_64|arm64] (got '$ARCH')" >&2
	exit 2 ;;
esac
CASES=${KKTEST_KHOINJ_CASES:-blob off offauto}
mkdir -p "$LOGDIR"

BASE="console=$(vm_console "$ARCH") panic=-1 kktest=khoinj kktest.stage=0"
RMEM="reserve_mem=4M:4096:kkr ramoops.mem_name=kkr ramoops.pmsg_size=0x20000"

# The digests A printed for its blobs are the ones B printed for
# kho/in/sub_fdts (the guest compares bytes too; this checks the log).
blobs_same() { # A_SECTION B_SECTION NAME[:A_NAME]...
	local a=$1 b=$2 pair n an da db
	shift 2
	for pair in "$@"; do
		n=${pair%%:*} an=${pair#*:}
		da=$(sed -n "s/^KK-BLOB: $an \([0-9]* [0-9a-f]*\)$/\1/p" "$a" | head -n1)
		db=$(sed -n "s/^KK-IN-BLOB: $n \([0-9]* [0-9a-f]*\)$/\1/p" "$b" | head -n1)
		vm_assert_eq "$CASE_NAME: blob $n in B is A's $an (bytes, sha256)" "$db" "$da"
	done
}

# B's out/scratch_* are exactly the regions A's kexec -d said it chose.
scratch_as_chosen() { # A_SECTION B_SECTION
	local want
	want=$(sed -n 's/^  load| KHO: scratch\[[0-9]*\] 0x0*\([0-9a-f]*\) size \(0x[0-9a-f]*\)$/0x\1 \2/p' "$1" | tr '\n' ' ')
	vm_assert_eq "$CASE_NAME: B's KHO scratch is what A's kexec chose" "$(vm_scratch "$2")" "$want"
}

# B's kho/in/fdt points preserved-memory-map at the empty map A placed.
map_as_placed() { # A_SECTION B_SECTION
	local want got
	want=$(sed -n 's/^  load| KHO: empty preserved-memory map at \(0x[0-9a-f]*\)$/\1/p' "$1" | head -n1)
	got=$(sed -n 's/^  dumpin|[[:space:]]*preserved-memory-map = u64:\(0x[0-9a-f]*\);.*/\1/p' "$2" | head -n1)
	vm_assert_eq "$CASE_NAME: B's kho/in/fdt preserved-memory-map is the empty map A placed" "$got" "$want"
}

# arm64: B booted with the handover in /chosen of its DTB and the
# buffers A placed in /memreserve/ entries; /chosen/linux,kho-fdt is
# where A's kexec -d said it put the FDT copy.
arm64_dtb_ok() { # A_SECTION B_SECTION WHO BLOB... [map]
	local a=$1 b=$2 who=$3 x
	shift 3
	[ "$ARCH" = arm64 ] || return 0
	assert_log "$b" 'KKTEST: PASS /chosen/linux,kho-fdt = <0x[0-9a-f]+ 0x[0-9a-f]+>' "$CASE_NAME $who: /chosen/linux,kho-fdt in /sys/firmware/fdt" || true
	assert_log "$b" 'KKTEST: PASS /chosen/linux,kho-scratch = .*: [0-9]+ entries of 16 bytes' "$CASE_NAME $who: /chosen/linux,kho-scratch holds the whole scratch array" || true
	assert_log "$b" 'KKTEST: PASS the FDT copy at .* lies in a /memreserve/ entry' "$CASE_NAME $who: the FDT copy lies in a /memreserve/ entry" || true
	for x in "$@"; do
		if [ "$x" = map ]; then
			assert_log "$b" 'KKTEST: PASS the empty preserved-memory map at 0x[0-9a-f]+ lies in a /memreserve/ entry' "$CASE_NAME $who: the empty map lies in a /memreserve/ entry" || true
		else
			assert_log "$b" "KKTEST: PASS blob $x at 0x[0-9a-f]+ \\([0-9]+ bytes\\) lies in a /memreserve/ entry" "$CASE_NAME $who: blob $x lies in a /memreserve/ entry" || true
		fi
	done
	chosen_fdt_ok "$a" load "$b" "$who" "where A's kexec -d put the FDT"
}

# ---- cases ----

run_blob() {
	local a b
	vm_boot blob "$BASE kkcase=blob kkabi=$ABI kho=on liveupdate=on $RMEM"
	vm_kernels "$LOG" 2
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1)
	assert_log "$a" 'KKTEST: PASS A: kho-inject dump of the live FDT shows kexec-metadata count 1' "blob A: kho-inject dump shows kexec-metadata count 1" || true
	assert_log "$a" 'dumpa\| .*kexec count: 1' "blob A: the dump line itself" || true
	assert_log "$a" 'KKTEST: PASS --kho-blob named like test_kho.s node: exit' "blob A: a blob named like a subsystem is refused in one line" || true
	assert_log "$a" 'load\| KHO: blob raw: 204800 bytes at 0x' "blob A: kexec -d shows blob raw placed" || true
	assert_log "$a" 'load\| KHO: the live FDT is handed over as a copy' "blob A: the live FDT is copied to add the blobs" || true
	assert_log "$b" 'KHO: found kexec handover data' "blob B: KHO: found kexec handover data" || true
	assert_log "$b" 'KHO: exec from: [^ ]+ \(count 1\)' "blob B: KHO: exec from: ... (count 1)" || true
	assert_log "$b" 'test_kho: KHO restore succeeded' "blob B: test_kho: KHO restore succeeded" || true
	assert_log "$b" "Revived memory reservation 'kkr' from KHO" "blob B: reserve_mem region revived" || true
	assert_log "$b" "KKTEST: PASS reserve_mem content came back: 'kk-pmsg from A with blobs'" "blob B: pmsg text read back" || true
	assert_log "$b" "KKTEST: PASS LUO: session 'kk-a' memfd of 16 MiB came back byte-exact" "blob B: LUO memfd byte-exact" || true
	for n in raw big fdt; do
		assert_log "$b" "KKTEST: PASS blob $n: .* is byte-exact" "blob B: kho/in/sub_fdts/$n byte-exact" || true
	done
	blobs_same "$a" "$b" raw big fdt
	if [ "$ARCH" = x86_64 ]; then
		assert_log "$b" 'KKTEST: PASS 3 setup_data nodes of type SETUP_INDIRECT' "blob B: one SETUP_INDIRECT node per blob" || true
	fi
	arm64_dtb_ok "$a" "$b" B raw big fdt
	assert_log "$b" 'dumpin\| .*kexec count: 1' "blob B: dump of kho/in/fdt: count 1" || true
	assert_log "$b" 'dumpb\| .*kexec count: 2' "blob B: dump of its own FDT: count 2" || true
}

run_off() {
	local a b c
	vm_boot off "$BASE kkcase=off kkabi=$ABI kho=off"
	vm_kernels "$LOG" 3
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1) c=$(vm_section "$LOG" 2)
	assert_log "$a" 'KKTEST: PASS kho=off: no /sys/kernel/debug/kho' "off A: kho=off has no kho/ in debugfs" || true
	assert_log "$a" "KKTEST: PASS kho-inject new --abi $ABI" "off A: kho-inject new --abi $ABI" || true
	for w in "--kho on a kho=off kernel" "--kho-fdt without --kho-scratch" \
		"--kho-scratch not 4 MiB aligned" "--kho-scratch outside RAM"; do
		assert_log "$a" "KKTEST: PASS $w: exit [1-9]" "off A: refused in one line: $w" || true
		assert_log "$a" "KKTEST: PASS $w: kexec -l -S says not loaded" "off A: nothing loaded after: $w" || true
	done
	if [ "$ARCH" = arm64 ]; then
		assert_log "$a" 'KKTEST: PASS --kho-fdt of [0-9]+ bytes: exit [1-9]' "off A: a --kho-fdt over 256 KiB (more than kho_populate() can map) refused in one line" || true
		assert_log "$a" 'KKTEST: PASS --kho-fdt of [0-9]+ bytes: kexec -l -S says not loaded' "off A: nothing loaded after the oversized --kho-fdt" || true
	fi
	assert_log "$a" 'load\| KHO: scratch\[0\] 0x[0-9a-f]+ size 0x10000000$' "off A: 256 MiB of scratch chosen" || true
	assert_log "$a" 'load\| KHO: empty preserved-memory map at 0x' "off A: an empty preserved-memory map placed" || true
	assert_log "$b" 'KHO: found kexec handover data' "off B: KHO: found kexec handover data" || true
	refute_log "$b" 'disabling KHO revival|handover FDT .* is (invalid|incompatible)' "off B: the handover was not refused" || true
	assert_log "$b" 'KKTEST: PASS no .KHO: exec from. line' "off B: no kexec-metadata from a kho=off kernel" || true
	assert_log "$b" 'KKTEST: PASS kernel code .* inside a KHO scratch region' "off B: booted inside the chosen scratch" || true
	for n in mine fdt; do
		assert_log "$b" "KKTEST: PASS blob $n: .* is byte-exact" "off B: kho/in/sub_fdts/$n byte-exact" || true
	done
	blobs_same "$a" "$b" mine:raw fdt
	scratch_as_chosen "$a" "$b"
	map_as_placed "$a" "$b"
	arm64_dtb_ok "$a" "$b" B mine fdt map
	assert_log "$b" 'dumpb\| .*kexec count: 1' "off B: its own FDT: kexec-metadata count 1" || true
	assert_log "$b" 'load2\| KHO: handing over kho-v[0-9]+, live FDT page' "off B: hands over its live page to C" || true
	assert_log "$c" 'KHO: found kexec handover data' "off C: KHO: found kexec handover data" || true
	assert_log "$c" 'KHO: exec from: [^ ]+ \(count 1\)' "off C: KHO: exec from: ... (count 1)" || true
	assert_log "$c" 'test_kho: KHO restore succeeded' "off C: test_kho: KHO restore succeeded" || true
	assert_log "$c" "KKTEST: PASS LUO: session 'kk-b' memfd of 16 MiB came back byte-exact" "off C: LUO memfd from B byte-exact" || true
}

run_offauto() {
	local a b
	vm_boot offauto "$BASE kkcase=offauto kkabi=$ABI kho=off"
	vm_kernels "$LOG" 2
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1)
	assert_log "$a" "load\\| KHO: the running kernel has no KHO: scratch chosen by the loader's sizing rule" "offauto A: scratch sized by the loader" || true
	assert_log "$b" 'KHO: found kexec handover data' "offauto B: KHO: found kexec handover data" || true
	assert_log "$b" 'KKTEST: PASS blob mine: .* is byte-exact' "offauto B: kho/in/sub_fdts/mine byte-exact" || true
	scratch_as_chosen "$a" "$b"
	arm64_dtb_ok "$a" "$b" B mine map
}

# ---- main ----

T0=$(date +%s)
vm_require "$ARCH"
[ -n "$VM_HEADERS" ] || vm_skip_or_fail "the $ARCH test kernel came without uapi headers (KEXEC_KHO_KERNEL_${ARCH^^}?): luo-memfd needs linux/liveupdate.h"
ABI=$(vm_kho_abi)
BINS=$(kk_static_bins "$ARCH")
"$HERE/luo/build.sh" "$VM_HEADERS" "$LOGDIR/luo-memfd" "$ARCH" || kk_die "cannot build luo-memfd for $ARCH"
case $ARCH in
x86_64)	KFILE=$VM_KERNEL:/boot/bzImage ;;
arm64)
	# kexec_load of Image.gz: a smaller initramfs to repack and carry.
	KGZ=$VM_KDIR/Image.gz
	[ -f "$KGZ" ] || { gzip -9 -n -c "$VM_KERNEL" > "$LOGDIR/Image.gz"; KGZ=$LOGDIR/Image.gz; }
	KFILE=$KGZ:/boot/Image.gz ;;
esac
INITRD=$LOGDIR/initramfs.cpio.gz
"$HERE/mkinitramfs.sh" --arch "$ARCH" --out "$INITRD" \
	--bin "$BINS/kexec" --bin "$BINS/kho-inject" --bin "$LOGDIR/luo-memfd" \
	--file "$KFILE"
echo "$ARCH kernel $VM_KERNEL ($ABI), binaries $BINS, setup $(( $(date +%s) - T0 )) s"

for CASE_NAME in $CASES; do
	fails=$VM_FAIL
	case $CASE_NAME in
		blob|off|offauto) "run_$CASE_NAME" ;;
		*) kk_die "unknown case '$CASE_NAME' (have: blob off offauto)" ;;
	esac
	vm_check_guest "$LOG" "$CASE_NAME"
	[ "$VM_FAIL" -eq "$fails" ] || vm_log_tail "$LOG"
done

echo "logs: $LOGDIR; total $(( $(date +%s) - T0 )) s"
vm_summary
