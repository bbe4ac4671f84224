#!/bin/sh
# KHO handover tests, guest side (tests/vm/test-kho.sh is the host side).
# Argument: the stage (kktest.stage, 0 in the first kernel). The case is
# kkcase=NAME on the command line; each kernel of a chain runs one stage
# and, unless it is the last, loads the next kernel (this image, repacked
# from the running root) with kktest.stage=N+1 and kexecs into it.
#
# Cases (the host picks the command line; see test-kho.sh):
#   load   A -kexec_load-> B -kexec_load-> C: handover, test_kho,
#          reserve_mem (ramoops pmsg), LUO memfd, count 2; in A also the
#          negatives (corrupt --kho-fdt, initrd bigger than scratch, kcore
#          hidden so only the truncated debugfs copy is left)
#   file   A -kexec -s-> B: the same B-side checks through kexec_file_load
#   kfdt   A -kexec_load --kho-fdt FILE-> B, with the staleness check
#   dbgfs  A (no late KHO users) -kexec_load, debugfs copy-> B
#   numa   A -kexec_load-> B on a two-node machine
#   off    kho=off: --kho is refused, nothing loaded
# The same script runs on x86_64 (bzImage) and arm64 (Image.gz through
# kexec_load, the raw Image for kexec_file_load, which takes no other).
. /etc/kktest-lib.sh

STAGE=${1:-0}
CASE=$(kk_arg kkcase)
PAGE=$(kk_arg kkpage)
# kexec_file_load on arm64 takes a raw Image only, kexec_load the Image.gz.
FILE_KERNEL=$KERNEL
[ "$ARCH" = arm64 ] && FILE_KERNEL=/boot/Image
MEM_MB=64

say() { echo "kho[$CASE/$STAGE]: $*"; }

# ---- kkpage=N: the page size this kernel runs with, and the plans ----

# AT_PAGESZ (6) of the auxiliary vector: the kernel's PAGE_SIZE, as the
# kernel itself tells every process (busybox has no getconf).
auxv_pagesz() {
	od -An -tu8 -v /proc/self/auxv | tr -s ' ' '\n' | grep . |
		while read -r type; do
			read -r val || break
			[ "$type" = 6 ] && { echo "$val"; break; }
		done
}

check_page() {
	local ps
	[ -n "$PAGE" ] || return 0
	ps=$(auxv_pagesz)
	if [ "$ps" = "$PAGE" ]; then
		kk_pass "page size $PAGE bytes (AT_PAGESZ)"
	else
		kk_fail "page size: AT_PAGESZ '$ps', expected $PAGE"
	fi
}

# plan_aligned TAG: every segment line of the kexec -d plan in
# /tmp/out.TAG ("  N  0xSTART-0xEND  0xMEMSZ ...") starts and ends on a
# $PAGE boundary.
plan_aligned() {
	local n=0 bad= i range rest s e
	[ -n "$PAGE" ] || return 0
	while read -r i range rest; do
		[ -n "$range" ] || continue
		s=$((${range%-*}))
		e=$((${range#*-} + 1))
		n=$((n + 1))
		if [ $((s % PAGE)) != 0 ] || [ $((e % PAGE)) != 0 ]; then
			bad="$bad $range"
		fi
	done <<EOF
$(grep -E '^ +[0-9]+ +0x[0-9a-f]+-0x[0-9a-f]+ ' "/tmp/out.$1")
EOF
	if [ $n = 0 ]; then
		kk_fail "$1: no segment lines in the kexec -d plan"
	elif [ -n "$bad" ]; then
		kk_fail "$1: segments not $PAGE-byte aligned:$bad"
	else
		kk_pass "$1: $n segments, every one $PAGE-byte aligned"
	fi
}

# ---- arm64: what /chosen of the DTB this kernel got carries ----

# chosen_pair PROP: "0xADDR 0xSIZE" of /chosen/PROP, sized by the root's
# #address-cells and #size-cells; fails when PROP is absent or mis-sized.
chosen_pair() {
	local f=/proc/device-tree/chosen/$1 ac sc
	[ -f "$f" ] || return 1
	ac=$((0x$(be_hex /proc/device-tree/#address-cells 0 4) * 4))
	sc=$((0x$(be_hex /proc/device-tree/#size-cells 0 4) * 4))
	[ "$(wc -c < "$f")" = $((ac + sc)) ] || return 1
	echo "0x$(be_hex "$f" 0 $ac) 0x$(be_hex "$f" $ac $sc)"
}

# check_chosen COPY: on arm64 the handover came through /chosen (read
# from /proc/device-tree); an FDT copy (COPY=copy) must sit in a
# /memreserve/ entry, the live page (COPY=live) is preserved memory and
# needs none.
check_chosen() {
	local fdt rc
	[ "$ARCH" = arm64 ] || return 0
	check_chosen_kho chosen_pair || return
	fdt=$CHOSEN_FDT
	memreserved $fdt
	rc=$?
	case $1:$rc in
	copy:0) kk_pass "the FDT copy at <$fdt> lies in a /memreserve/ entry" ;;
	copy:*) kk_fail "the FDT copy at <$fdt> lies in a /memreserve/ entry (status $rc)" ;;
	live:*) kk_info "the live FDT page <$fdt>: /memreserve/ check status $rc (preserved memory needs none)" ;;
	esac
}

scratch_total() {
	local t=0 l
	while read -r l; do t=$((t + l)); done < "$KHO_DBG/out/scratch_len"
	echo $t
}

# ---- what a kernel booted through KHO must show ----

check_handover() { # COUNT [live|copy]
	handover_found "$1"
	[ -d "$KHO_DBG/in" ] && kk_pass "kho/in exists: $(ls "$KHO_DBG/in" | tr '\n' ' ')" ||
		kk_fail "kho/in exists after a KHO boot"
	dmesg_lacks "KHO reported no problem with the handover" \
		'handover FDT .* is (invalid|incompatible)|KHO: .*failed'
	kernel_in_scratch
	check_chosen "${2:-live}"
}

# ---- the negatives (run in A before anything is loaded) ----

live_copy() { # FILE [NOTE]: the live FDT, via kho-inject, with a root note
	run_log inject "$INJECT" -o "$1" set / kk-note "str:${2:-kexec-kho-test}"
}

negatives() {
	local total big
	not_loaded "before the negatives"

	if run_log dry $KEXEC --dry-run -l "$KERNEL" && grep -q '^dry run: nothing loaded' /tmp/out.dry &&
		grep -q 'KHO scratch left free for the next kernel' /tmp/out.dry; then
		kk_pass "--dry-run shows the plan and scratch left free, loads nothing"
	else
		kk_fail "--dry-run shows the plan and scratch left free, loads nothing"
	fi
	not_loaded "after --dry-run"

	# A corrupted --kho-fdt: a good copy with its magic destroyed, and
	# one cut short.
	if live_copy /tmp/good.fdt; then
		cp /tmp/good.fdt /tmp/badmagic.fdt
		printf '\0\0\0\0' | dd of=/tmp/badmagic.fdt bs=1 seek=0 conv=notrunc 2>/dev/null
		expect_error "corrupted --kho-fdt (bad magic)" 'badmagic\.fdt.*(magic|not an FDT)' \
			$KEXEC -l --kho-fdt /tmp/badmagic.fdt "$KERNEL"
		head -c 100 /tmp/good.fdt > /tmp/short.fdt
		expect_error "corrupted --kho-fdt (truncated)" 'short\.fdt.*(truncated|short)' \
			$KEXEC -l --kho-fdt /tmp/short.fdt "$KERNEL"
	else
		kk_fail "kho-inject copies the live FDT"
	fi

	# An initrd bigger than all the scratch together.
	total=$(scratch_total)
	big=$(( (total >> 20) + 16 ))
	dd if=/dev/zero of=/tmp/big.img bs=1M count=0 seek=$big 2>/dev/null
	expect_error "initrd of $big MiB > scratch $((total >> 20)) MiB" 'initrd.*needs' \
		$KEXEC -l "$KERNEL" --initrd=/tmp/big.img
	rm -f /tmp/big.img

	# kcore unreadable: only the debugfs copy is left, and it is truncated.
	: > /tmp/empty
	if mount --bind /tmp/empty /proc/kcore; then
		say "/proc/kcore hidden: $(wc -c < /proc/kcore) bytes"
		expect_error "no kcore, truncated debugfs FDT" 'truncated.*(-s|kexec_file_load)' \
			$KEXEC -l "$KERNEL"
		expect_error "no kcore, truncated debugfs FDT, --kho" 'truncated.*(-s|kexec_file_load)' \
			$KEXEC -l --kho "$KERNEL"
		umount /proc/kcore
	else
		kk_fail "bind-mount an empty file over /proc/kcore"
	fi
}

# ---- cases ----

case_load() {
	case $STAGE in
	0)
		kk_check "luo-memfd catches a flipped bit, a wrong size and a wrong seed" $LUO selftest
		negatives
		write_pmsg "kk-pmsg from A"
		luo_save kk-a $MEM_MB
		load_next load || return
		plan_aligned load
		out_has load "FDT source is the live page" 'KHO: handing over kho-v[0-9]+, live FDT page'
		out_has load "scratch use shown" 'KHO scratch left free for the next kernel'
		exec_next ;;
	1)
		check_handover 1
		check_test_kho
		check_pmsg "kk-pmsg from A"
		luo_restore kk-a $MEM_MB --keep kk-b
		write_pmsg "kk-pmsg from B"
		if [ -e "$KHO_DBG/out/fdt" ]; then
			kk_fail "no kho/out/fdt after a KHO boot (KHO-NOTES says so)"
		else
			kk_pass "no kho/out/fdt after a KHO boot: only the live page can be handed over"
		fi
		# C runs without KASLR: the live page with KASLR off too.
		NEXT_EXTRA=nokaslr
		# arm64: A loaded B from Image.gz, B loads C from the raw Image.
		[ "$ARCH" = arm64 ] && KERNEL=$FILE_KERNEL
		load_next load2 || return
		plan_aligned load2
		out_has load2 "B hands over the live page" 'KHO: handing over kho-v[0-9]+, live FDT page'
		exec_next ;;
	2)
		check_handover 2
		check_pmsg "kk-pmsg from B"
		luo_restore kk-b $MEM_MB ;;
	esac
}

case_file() {
	case $STAGE in
	0)
		write_pmsg "kk-pmsg from A via kexec_file_load"
		luo_save kk-a $MEM_MB
		make_initrd || return
		# What kexec_load would hand over, for the host to compare
		# with what kexec_file_load did.
		run_log ours $KEXEC -d --dry-run -l "$KERNEL" ||
			kk_fail "kexec --dry-run -l: $(tail -n1 /tmp/out.ours)"
		plan_aligned ours
		if run_log load $KEXEC -s -l "$FILE_KERNEL" --initrd="$INITRD" --append="$(next_cmdline)"; then
			kk_pass "kexec -s -l exit 0"
		else
			kk_fail "kexec -s -l: $(tail -n1 /tmp/out.load)"
			return
		fi
		exec_next ;;
	1)
		check_handover 1
		check_test_kho
		check_pmsg "kk-pmsg from A via kexec_file_load"
		luo_restore kk-a $MEM_MB --keep kk-b
		# A kernel booted by kexec_file_load hands over through ours.
		write_pmsg "kk-pmsg from B via kexec_load"
		load_next load2 || return
		plan_aligned load2
		out_has load2 "B hands over the live page" 'KHO: handing over kho-v[0-9]+, live FDT page'
		exec_next ;;
	2)
		check_handover 2
		check_pmsg "kk-pmsg from B via kexec_load"
		luo_restore kk-b $MEM_MB ;;
	esac
}

case_kfdt() {
	case $STAGE in
	0)
		write_pmsg "kk-pmsg from A via --kho-fdt"
		luo_save kk-a 16
		live_copy /tmp/k.fdt kexec-kho-test || { kk_fail "kho-inject copies the live FDT"; return; }
		# A file whose preserved-memory-map is not the kernel's: a warning.
		run_log inject2 "$INJECT" -i /tmp/k.fdt -o /tmp/othermap.fdt set / preserved-memory-map u64:0x1000
		if run_log warn $KEXEC --dry-run -l --kho-fdt /tmp/othermap.fdt "$KERNEL" &&
			grep -q 'warning: .*preserved-memory-map' /tmp/out.warn; then
			kk_pass "--kho-fdt with another preserved-memory-map: warned"
		else
			kk_fail "--kho-fdt with another preserved-memory-map: warned"
		fi
		not_loaded "after the --dry-run with another preserved-memory-map"
		load_next load --kho-fdt /tmp/k.fdt || return
		plan_aligned load
		out_has load "FDT source is the file" 'KHO: handing over kho-v[0-9]+, --kho-fdt file'
		# The file changes after the load: exec must refuse, --force not.
		run_log edit "$INJECT" -i /tmp/k.fdt -o /tmp/k.fdt set / kk-note str:changed-after-load
		if run_log stale $KEXEC -e; then
			kk_fail "kexec -e with a changed --kho-fdt file is refused"
		elif grep -qiE 'stale' /tmp/out.stale && grep -q '/tmp/k.fdt' /tmp/out.stale; then
			kk_pass "kexec -e refuses a changed --kho-fdt file: $(cat /tmp/out.stale)"
		else
			kk_fail "kexec -e refusal says stale and names the file: $(cat /tmp/out.stale)"
		fi
		if [ "$($KEXEC -l -S 2>&1)" = loaded ]; then
			kk_pass "still loaded after the refusal"
		else
			kk_fail "still loaded after the refusal"
		fi
		exec_next --force ;;
	1)
		check_handover 1 copy
		check_test_kho
		check_pmsg "kk-pmsg from A via --kho-fdt"
		luo_restore kk-a 16
		# What came in is the file as loaded, not the live page nor the
		# file as changed later.
		if grep -q kexec-kho-test "$KHO_DBG/in/fdt" && ! grep -q changed-after-load "$KHO_DBG/in/fdt"; then
			kk_pass "kho/in/fdt is the --kho-fdt file as loaded (has kk-note 'kexec-kho-test')"
		else
			kk_fail "kho/in/fdt is the --kho-fdt file as loaded"
		fi ;;
	esac
}

case_dbgfs() {
	local f t
	case $STAGE in
	0)
		f=$(wc -c < "$KHO_DBG/out/fdt")
		t=$(fdt_totalsize "$KHO_DBG/out/fdt")
		if [ "$f" = "$t" ]; then
			kk_pass "kho/out/fdt is complete without late KHO users ($f = totalsize $t)"
		else
			kk_fail "kho/out/fdt is complete without late KHO users (file $f, totalsize $t)"
		fi
		echo "KK-FDT-SHA: $(sha256sum < "$KHO_DBG/out/fdt" | cut -d' ' -f1)"
		: > /tmp/empty
		mount --bind /tmp/empty /proc/kcore || { kk_fail "hide /proc/kcore"; return; }
		load_next load --kho
		umount /proc/kcore
		out_has load "FDT source is the debugfs copy" 'KHO: handing over kho-v[0-9]+, complete debugfs copy'
		out_has load "says why the live page was not used" 'KHO: live FDT not used: '
		exec_next ;;
	1)
		check_handover 1 copy
		echo "KK-IN-FDT-SHA: $(sha256sum < "$KHO_DBG/in/fdt" | cut -d' ' -f1)" ;;
	esac
}

# Scratch [2 + N] must lie in NUMA node N (Initmem setup node N [mem A-B]).
per_node_scratch() {
	local i=0 p l node lo hi
	while read -r p l; do
		node=$((i - 2))
		i=$((i + 1))
		[ $node -ge 0 ] || continue
		set -- $(dmesg | sed -n "s/.*Initmem setup node $node \[mem \(0x[0-9a-f]*\)-\(0x[0-9a-f]*\)\].*/\1 \2/p")
		lo=${1:-} hi=${2:-}
		if [ -n "$lo" ] && [ $((l)) -gt 0 ] && [ $((p)) -ge $((lo)) ] && [ $((p + l - 1)) -le $((hi)) ]; then
			kk_pass "scratch[$((node + 2))] $p+$l lies in node $node [$lo-$hi]"
		else
			kk_fail "scratch[$((node + 2))] $p+$l lies in node $node [${lo:-?}-${hi:-?}]"
		fi
	done <<EOF
$(paste "$KHO_DBG/out/scratch_phys" "$KHO_DBG/out/scratch_len")
EOF
}

case_numa() {
	local n
	case $STAGE in
	0)
		n=$(grep -c . "$KHO_DBG/out/scratch_len")
		if [ "$n" -ge 4 ]; then
			kk_pass "$n scratch regions (low, global, one per node)"
		else
			kk_fail "per-node scratch: $n regions, expected >= 4"
		fi
		per_node_scratch
		write_pmsg "kk-pmsg from A on NUMA"
		luo_save kk-a 16
		load_next load || return
		out_has load "FDT source is the live page" 'KHO: handing over kho-v[0-9]+, live FDT page'
		exec_next ;;
	1)
		kk_check "two NUMA nodes" test -d /sys/devices/system/node/node1
		per_node_scratch
		check_handover 1
		check_test_kho
		check_pmsg "kk-pmsg from A on NUMA"
		luo_restore kk-a 16 ;;
	esac
}

case_off() {
	kk_check "kho=off: no $KHO_DBG" test ! -d "$KHO_DBG"
	expect_error "--kho on a kho=off kernel" 'kho' $KEXEC -l --kho "$KERNEL"
	# Without --kho the same load is fine and hands nothing over.
	if run_log dry $KEXEC -d --dry-run -l "$KERNEL" && grep -q 'KHO: not handing over' /tmp/out.dry; then
		kk_pass "kho=off: a plain load does not hand over"
	else
		kk_fail "kho=off: a plain load does not hand over"
	fi
	not_loaded "after --dry-run"
}

# A kernel with other pages than this one cannot take its handover: the
# preserved-memory map is laid out in this kernel's pages. /boot/Image is
# the 64 KiB one, /boot/Image4k the 4 KiB one (test-kho-arm64-64k.sh).
case_mixed() {
	local other
	case $(auxv_pagesz) in
	4096)	other=/boot/Image ;;
	*)	other=/boot/Image4k ;;
	esac
	expect_error "KHO to a kernel with other pages ($other)" 'pages, the running one .*misread' \
		$KEXEC -l "$other"
	if run_log force $KEXEC --dry-run --force -l "$other"; then
		kk_pass "--force loads $other anyway (dry run)"
	else
		kk_fail "--force loads $other anyway (dry run): $(tail -n1 /tmp/out.force)"
	fi
	if run_log nokho $KEXEC -d --dry-run --no-kho -l "$other" &&
		grep -q 'KHO: not handing over' /tmp/out.nokho; then
		kk_pass "--no-kho loads $other without a handover (dry run)"
	else
		kk_fail "--no-kho loads $other without a handover (dry run)"
	fi
	not_loaded "after the dry runs"
}

say "case '$CASE' stage $STAGE: $CMDLINE"
show_kernel
check_page
case $CASE in
	load) case_load ;;
	file) case_file ;;
	kfdt) case_kfdt ;;
	dbgfs) case_dbgfs ;;
	numa) case_numa ;;
	off) case_off ;;
	mixed) case_mixed ;;
	*) kk_fail "unknown kkcase '$CASE'" ;;
esac
kk_done
