#!/bin/sh
# kho-inject and the loader's KHO extras, guest side (tests/vm/
# test-kho-inject.sh is the host side). Argument: the stage (kktest.stage,
# 0 in the first kernel); the case is kkcase=NAME, the KHO ABI for
# `kho-inject new` kkabi=kho-vN (a kho=off kernel has no FDT to take the
# number from: the host reads it from the kernel source it built).
#
# Cases:
#   blob     kho=on A: kho-inject dump (kexec-metadata count 1), three
#            --kho-blob files (raw 200 KiB, raw 3 MiB, an FDT) with test_kho,
#            reserve_mem and a LUO memfd -> B: the blobs byte-exact in
#            kho/in/sub_fdts, test_kho restored, pmsg and memfd back,
#            dumps of B's in and out FDTs (count 1 and 2)
#   off      kho=off A: kho-inject new, kexec --kho-fdt --kho-scratch 256M
#            --kho-blob -> kho=on B: handover found, blobs byte-exact,
#            scratch as A chose it; B -> C through kexec_load (live page):
#            count 1, test_kho restored, a LUO memfd back
#   offauto  kho=off A: --kho-scratch auto -> B: handover found, blob back
# The same script runs on x86_64 (bzImage; each blob rides in a
# SETUP_INDIRECT setup_data node) and arm64 (Image.gz; the handover comes
# through /chosen, and every blob, the FDT copy and the empty map lie in
# /memreserve/ entries of the DTB the next kernel boots with).
. /etc/kktest-lib.sh

STAGE=${1:-0}
CASE=$(kk_arg kkcase)
ABI=$(kk_arg kkabi) || ABI=kho-v4
BLOBS=/kkblob		# in the root: the repacked initramfs carries it to B
# A kho=off A hands over all the same: its next kernel runs with kho=on.
NEXT_KHO_ON=1

say() { echo "khoinj[$CASE/$STAGE]: $*"; }

# An address inside RAM that is not 4 MiB aligned: low memory on x86_64;
# on arm64 RAM starts where the machine puts it (1 GiB on QEMU virt).
unaligned_in_ram() {
	local base
	if [ "$ARCH" = x86_64 ]; then
		echo 0x1234000
		return
	fi
	base=$(grep -m1 ' : System RAM$' /proc/iomem | sed 's/^ *//; s/-.*//')
	printf '0x%x\n' $((0x$base + 0x1234000))
}

# ---- blobs ----

# make_blobs NAME...: raw (200 KiB), big (3 MiB: far more than the KHO
# node early_memremap() can map), fdt (a small FDT), in $BLOBS, and their
# digests in the log for the host.
make_blobs() {
	local b
	mkdir -p "$BLOBS"
	for b in "$@"; do
		case $b in
			raw) head -c 204800 /dev/urandom > "$BLOBS/raw" ;;
			big) head -c 3145728 /dev/urandom > "$BLOBS/big" ;;
			fdt) run_log mkfdt "$INJECT" -o "$BLOBS/fdt" new --abi "$ABI" -- \
				set / kk-note str:an-fdt-blob ;;
		esac
		echo "KK-BLOB: $b $(wc -c < "$BLOBS/$b") $(sha256sum < "$BLOBS/$b" | cut -d' ' -f1)"
	done
}

# check_blobs NAME[:FILE]...: kho/in/sub_fdts/NAME is $BLOBS/FILE (FILE
# defaults to NAME), byte for byte.
check_blobs() {
	local pair b f in
	for pair in "$@"; do
		b=${pair%%:*} f=${pair#*:}
		in=$KHO_DBG/in/sub_fdts/$b
		if [ ! -f "$in" ]; then
			kk_fail "blob $b: no $in (have: $(ls "$KHO_DBG/in/sub_fdts" 2>&1 | tr '\n' ' '))"
		elif cmp "$in" "$BLOBS/$f"; then
			kk_pass "blob $b: $in is byte-exact ($(wc -c < "$in") bytes)"
			echo "KK-IN-BLOB: $b $(wc -c < "$in") $(sha256sum < "$in" | cut -d' ' -f1)"
		else
			kk_fail "blob $b: $in differs from what A handed over"
		fi
	done
}

# Each blob rides in a SETUP_INDIRECT node the kernel kept: sysfs shows
# an indirect node by the type it points at.
check_indirect_nodes() { # COUNT
	local n=0 d
	for d in /sys/kernel/boot_params/setup_data/*; do
		[ -f "$d/type" ] || continue
		say "setup_data $(basename "$d"): type $(cat "$d/type")"
		[ "$(cat "$d/type")" = 0x8000000a ] && n=$((n + 1))
	done
	if [ $n = "$1" ]; then
		kk_pass "$1 setup_data nodes of type SETUP_INDIRECT|SETUP_KEXEC_KHO (0x8000000a)"
	else
		kk_fail "$1 setup_data nodes of type 0x8000000a expected, saw $n"
	fi
}

# ---- arm64: what the DTB this kernel booted with carries ----

# The DTB this kernel booted with, /sys/firmware/fdt, as kho-inject
# dumps it in /tmp/dtb.dts; its /memreserve/ lines must be the table in
# the DTB's bytes, which memreserved reads.
dump_dtb() {
	local a l dumped
	"$INJECT" -i /sys/firmware/fdt dump > /tmp/dtb.dts 2> /tmp/dtb.err ||
		{ kk_fail "kho-inject dump of /sys/firmware/fdt: $(cat /tmp/dtb.err)"; return 1; }
	dumped=$(sed -n 's/^\/memreserve\/ \(0x[0-9a-f]*\) \(0x[0-9a-f]*\);$/\1 \2/p' /tmp/dtb.dts |
		while read -r a l; do echo "$((a)) $((l))"; done)
	if [ -n "$dumped" ] && [ "$dumped" = "$(memreserve_table)" ]; then
		kk_pass "kho-inject dump of /sys/firmware/fdt lists its $(echo "$dumped" | wc -l) /memreserve/ entries"
	else
		kk_fail "kho-inject dump of /sys/firmware/fdt lists its /memreserve/ entries: '$dumped', the DTB has '$(memreserve_table)'"
	fi
	grep '^/memreserve/' /tmp/dtb.dts | sed 's/^/  dtb| /'
	sed -n '/^\tchosen {/,/^\t};/p' /tmp/dtb.dts | grep 'linux,kho-\|kexec-kho,' |
		sed 's/^[[:space:]]*/  dtb| \/chosen\//'
}

# dtb_pair PROP: "0xADDR 0xSIZE" of /chosen/PROP in /tmp/dtb.dts, its
# cells split by the root's #address-cells and #size-cells; fails when
# PROP is absent or mis-sized.
dtb_pair() {
	local ac sc cells a=0 s=0 i=0 c
	ac=$(sed -n 's/^\t#address-cells = <\(0x[0-9a-f]*\)>;$/\1/p' /tmp/dtb.dts)
	sc=$(sed -n 's/^\t#size-cells = <\(0x[0-9a-f]*\)>;$/\1/p' /tmp/dtb.dts)
	cells=$(sed -n "/^\tchosen {/,/^\t};/s/^\t\t$1 = <\(.*\)>;\$/\1/p" /tmp/dtb.dts)
	[ -n "$ac" ] && [ -n "$sc" ] && [ -n "$cells" ] || return 1
	set -- $cells
	[ $# = $((ac + sc)) ] || return 1
	for c; do
		i=$((i + 1))
		if [ $i -le $((ac)) ]; then
			a=$(((a << 32) | c))
		else
			s=$(((s << 32) | c))
		fi
	done
	printf '0x%x 0x%x\n' $a $s
}

# in_fdt_nodes: "NAME 0xADDR 0xSIZE" for each node of kho/in/fdt with
# preserved-data and blob-size, from kho-inject's dump of it.
in_fdt_nodes() {
	"$INJECT" -i "$KHO_DBG/in/fdt" dump 2> /dev/null | awk '
		/^\t[^\t].* \{$/ { n = $1; a = ""; s = "" }
		/^\t\tpreserved-data = u64:/ { a = $3; sub(/^u64:/, "", a); sub(/;.*/, "", a) }
		/^\t\tblob-size = u64:/ { s = $3; sub(/^u64:/, "", s); sub(/;.*/, "", s) }
		/^\t\};$/ { if (a != "" && s != "") print n, a, s }'
}

# check_chosen_arm64 BLOB...: the handover came through /chosen of
# /sys/firmware/fdt (as kho-inject dumps it), and what the next kernel
# must not allocate over before KHO knows it lies in /memreserve/
# entries: the FDT copy, each BLOB's buffer and, with EMPTY_MAP=1, the
# empty preserved-memory map (its first 4 KiB: the root table of a 4
# KiB-page kernel).
check_chosen_arm64() {
	local fdt b a l map
	[ "$ARCH" = arm64 ] || return 0
	dump_dtb || return
	check_chosen_kho dtb_pair || return
	fdt=$CHOSEN_FDT
	if memreserved $fdt; then
		kk_pass "the FDT copy at <$fdt> lies in a /memreserve/ entry"
	else
		kk_fail "the FDT copy at <$fdt> lies in a /memreserve/ entry"
	fi
	in_fdt_nodes > /tmp/in-nodes
	for b in "$@"; do
		a=$(awk -v n="$b" '$1 == n { print $2 }' /tmp/in-nodes)
		l=$(awk -v n="$b" '$1 == n { print $3 }' /tmp/in-nodes)
		if [ -z "$a" ]; then
			kk_fail "blob $b: no preserved-data/blob-size in kho/in/fdt"
		elif memreserved "$a" "$l"; then
			kk_pass "blob $b at $a ($((l)) bytes) lies in a /memreserve/ entry"
		else
			kk_fail "blob $b at $a ($((l)) bytes) lies in a /memreserve/ entry"
		fi
	done
	[ "${EMPTY_MAP:-0}" = 1 ] || return 0
	map=$("$INJECT" -i "$KHO_DBG/in/fdt" dump 2> /dev/null |
		sed -n 's/^\tpreserved-memory-map = u64:\(0x[0-9a-f]*\);.*/\1/p')
	if [ -n "$map" ] && memreserved "$map" 4096; then
		kk_pass "the empty preserved-memory map at $map lies in a /memreserve/ entry"
	else
		kk_fail "the empty preserved-memory map at '$map' lies in a /memreserve/ entry"
	fi
}

# The arch's way of keeping the blobs: setup_data nodes on x86_64,
# /chosen and /memreserve/ on arm64.
check_blob_carrier() { # COUNT BLOB...
	local n=$1
	shift
	if [ "$ARCH" = arm64 ]; then
		check_chosen_arm64 "$@"
	else
		check_indirect_nodes "$n"
	fi
}

dump_has() { # TAG DESC REGEX -- kho-inject ARGS
	local tag=$1 desc=$2 re=$3
	shift 4
	if run_log "$tag" "$INJECT" "$@"; then
		out_has "$tag" "$desc" "$re"
	else
		kk_fail "$desc: kho-inject $* failed"
	fi
}

# new_fdt: /tmp/new.fdt, a KHO FDT made by kho-inject new for a kernel
# without KHO (the placeholder map).
new_fdt() {
	if run_log new "$INJECT" -o /tmp/new.fdt new --abi "$ABI"; then
		kk_pass "kho-inject new --abi $ABI"
	else
		kk_fail "kho-inject new --abi $ABI"
		return 1
	fi
}

# arm64: the next kernel early_memremap()s the FDT in kho_populate(), 256
# KiB at most, and drops a handover it cannot map; the loader refuses.
big_fdt_refused() {
	head -c 307200 /dev/zero > /tmp/pad
	run_log bignew "$INJECT" -o /tmp/big.fdt new --abi "$ABI" -- \
		set / kk-pad @/tmp/pad ||
		{ kk_fail "kho-inject new with a 300 KiB property"; return; }
	expect_error "--kho-fdt of $(wc -c < /tmp/big.fdt) bytes" \
		'FDT to hand over is [0-9]+ bytes, more than the 256 KiB' \
		$KEXEC -l --kho-fdt /tmp/big.fdt --kho-scratch 256M "$KERNEL"
	rm -f /tmp/pad /tmp/big.fdt
}

# ---- cases ----

case_blob() {
	case $STAGE in
	0)
		dump_has dumpa "A: kho-inject dump of the live FDT shows kexec-metadata count 1" \
			'kexec count: 1' -- dump
		make_blobs raw big fdt
		write_pmsg "kk-pmsg from A with blobs"
		luo_save kk-a 16
		expect_error "--kho-blob named like test_kho's node" 'already has a node "kho_test"' \
			$KEXEC -l --kho-blob kho_test="$BLOBS/raw" "$KERNEL"
		load_next load --kho-blob raw="$BLOBS/raw" --kho-blob big="$BLOBS/big" \
			--kho-blob fdt="$BLOBS/fdt" || return
		out_has load "the live FDT is copied to add the blobs" 'handed over as a copy, to add the blobs'
		out_has load "blob big placed" '^KHO: blob big: 3145728 bytes at 0x[0-9a-f]+000$'
		out_has load "blob segments in the plan" ' kho-blob raw$'
		exec_next ;;
	1)
		handover_found 1
		check_test_kho
		kernel_in_scratch
		check_blobs raw big fdt
		check_blob_carrier 3 raw big fdt
		check_pmsg "kk-pmsg from A with blobs"
		luo_restore kk-a 16
		# --blobs: kho-inject looks in out/sub_fdts first, where B's own
		# kexec-metadata (same size, count 2) would be decoded instead.
		dump_has dumpin "B: dump of kho/in/fdt shows A's kexec-metadata count 1" \
			'kexec count: 1' -- -i "$KHO_DBG/in/fdt" dump --blobs "$KHO_DBG/in/sub_fdts"
		out_has dumpin "B: dump of kho/in/fdt shows the blob node" 'big \{'
		dump_has dumpb "B: dump of its own live FDT shows kexec-metadata count 2" \
			'kexec count: 2' -- dump ;;
	esac
}

case_off() {
	case $STAGE in
	0)
		kk_check "kho=off: no $KHO_DBG" test ! -d "$KHO_DBG"
		make_blobs raw fdt
		new_fdt || return
		dump_has dumpnew "the new FDT holds the placeholder map" \
			'preserved-memory-map = u64:0xfffffffffffff000' -- -i /tmp/new.fdt dump
		expect_error "--kho on a kho=off kernel" 'no KHO' $KEXEC -l --kho "$KERNEL"
		expect_error "--kho-fdt without --kho-scratch" 'give --kho-scratch' \
			$KEXEC -l --kho-fdt /tmp/new.fdt "$KERNEL"
		expect_error "--kho-scratch not 4 MiB aligned" 'not aligned' \
			$KEXEC -l --kho-fdt /tmp/new.fdt --kho-scratch 64M@$(unaligned_in_ram) "$KERNEL"
		expect_error "--kho-scratch outside RAM" 'not inside System RAM' \
			$KEXEC -l --kho-fdt /tmp/new.fdt --kho-scratch 64M@0x80000000 "$KERNEL"
		if [ "$ARCH" = arm64 ]; then
			big_fdt_refused
		fi
		load_next load --kho-fdt /tmp/new.fdt --kho-scratch 256M \
			--kho-blob mine="$BLOBS/raw" --kho-blob fdt="$BLOBS/fdt" || return
		out_has load "scratch chosen by --kho-scratch" 'scratch chosen by --kho-scratch'
		out_has load "256 MiB of scratch" '^KHO: scratch\[0\] 0x[0-9a-f]+ size 0x10000000$'
		out_has load "an empty preserved-memory map" '^KHO: empty preserved-memory map at 0x[0-9a-f]+000$'
		exec_next ;;
	1)
		show_kernel
		dmesg_has "handover found" 'KHO: found kexec handover data'
		dmesg_lacks "no 'KHO: exec from' line: a kho=off kernel writes no kexec-metadata" \
			'KHO: exec from'
		dmesg_lacks "KHO took the handover without complaint" \
			'disabling KHO revival|handover FDT .* is (invalid|incompatible)'
		kernel_in_scratch
		check_blobs mine:raw fdt
		EMPTY_MAP=1 check_blob_carrier 2 mine fdt
		dump_has dumpin "B: kho/in/fdt has the blob nodes" 'mine \{' -- \
			-i "$KHO_DBG/in/fdt" dump --blobs "$KHO_DBG/in/sub_fdts"
		dump_has dumpb "B: its own FDT has kexec-metadata count 1" \
			'kexec count: 1' -- dump
		# B, which got its KHO from a kernel without any, hands over too.
		luo_save kk-b 16
		load_next load2 || return
		out_has load2 "B hands over its live page" 'KHO: handing over kho-v[0-9]+, live FDT page'
		exec_next ;;
	2)
		handover_found 1
		check_test_kho
		kernel_in_scratch
		luo_restore kk-b 16 ;;
	esac
}

case_offauto() {
	case $STAGE in
	0)
		make_blobs raw
		new_fdt || return
		load_next load --kho-fdt /tmp/new.fdt --kho-scratch auto \
			--kho-blob mine="$BLOBS/raw" || return
		out_has load "scratch sized by the loader" "scratch chosen by the loader's sizing rule"
		out_has load "a global scratch region too" '^KHO: scratch\[1\] 0x[0-9a-f]+ size 0x[0-9a-f]+$'
		exec_next ;;
	1)
		show_kernel
		dmesg_has "handover found" 'KHO: found kexec handover data'
		kernel_in_scratch
		check_blobs mine:raw
		EMPTY_MAP=1 check_chosen_arm64 mine ;;
	esac
}

say "case '$CASE' stage $STAGE: $CMDLINE"
[ "$STAGE" = 0 ] && show_kernel
case $CASE in
	blob) case_blob ;;
	off) case_off ;;
	offauto) case_offauto ;;
	*) kk_fail "unknown kkcase '$CASE'" ;;
esac
kk_done
