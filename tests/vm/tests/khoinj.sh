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
. /etc/kktest-lib.sh

STAGE=${1:-0}
CMDLINE=$(cat /proc/cmdline)
CASE= ABI=kho-v4
for w in $CMDLINE; do
	case $w in
		kkcase=*) CASE=${w#kkcase=} ;;
		kkabi=*) ABI=${w#kkabi=} ;;
	esac
done
KEXEC=/bin/kexec
INJECT=/bin/kho-inject
LUO=/bin/luo-memfd
KERNEL=/boot/bzImage
INITRD=/tmp/initrd.cpio
BLOBS=/kkblob		# in the root: the repacked initramfs carries it to B
PMSG=/sys/fs/pstore/pmsg-ramoops-0
SEED=0x6b686f2d696e6a

say() { echo "khoinj[$CASE/$STAGE]: $*"; }

# run_log TAG CMD...: CMD's output in the log prefixed "  TAG| ", kept in
# /tmp/out.TAG; returns CMD's status.
run_log() {
	local tag=$1 rc
	shift
	say "\$ $*"
	"$@" > "/tmp/out.$tag" 2>&1
	rc=$?
	sed "s/^/  $tag| /" "/tmp/out.$tag"
	say "(exit $rc)"
	return $rc
}

out_has() { # TAG DESC REGEX
	if grep -qE "$3" "/tmp/out.$1"; then
		kk_pass "$2: $(grep -E "$3" "/tmp/out.$1" | head -n1)"
	else
		kk_fail "$2 (no /$3/ in the output)"
	fi
}

dmesg_has() { # DESC REGEX
	if dmesg | grep -qE "$2"; then
		kk_pass "$1: $(dmesg | grep -E "$2" | head -n1 | sed 's/^\[[^]]*\] //')"
	else
		kk_fail "$1 (no /$2/ in dmesg)"
	fi
}

not_loaded() { # DESC
	local s
	s=$($KEXEC -S 2>&1)
	if [ "$s" = "not loaded" ]; then
		kk_pass "$1: kexec -S says not loaded"
	else
		kk_fail "$1: kexec -S says '$s'"
	fi
}

# expect_error DESC REGEX CMD...: fails, one stderr line matching REGEX,
# nothing loaded afterwards.
expect_error() {
	local desc=$1 re=$2 rc n
	shift 2
	say "\$ $* (must fail)"
	"$@" > /tmp/out.neg 2> /tmp/err.neg
	rc=$?
	sed 's/^/  stderr| /' /tmp/err.neg
	n=$(wc -l < /tmp/err.neg)
	if [ $rc = 0 ]; then
		kk_fail "$desc: exit 0, expected an error"
	elif [ "$n" != 1 ]; then
		kk_fail "$desc: $n lines on stderr, expected one"
	elif ! grep -qE "$re" /tmp/err.neg; then
		kk_fail "$desc: the error does not match /$re/"
	else
		kk_pass "$desc: exit $rc, one-line error"
	fi
	not_loaded "$desc"
}

# The next kernel's command line: this one, stage counted up, kho=off
# turned into kho=on (the next kernel must take the handover).
next_cmdline() {
	echo "$CMDLINE" | sed -e "s/kktest.stage=$STAGE\( \|\$\)/kktest.stage=$((STAGE + 1))\1/" \
		-e 's/\(^\| \)kho=off\( \|$\)/\1kho=on liveupdate=on\2/'
}

# The root file system (an initramfs) repacked for the next kernel.
make_initrd() {
	[ -f "$INITRD" ] && return 0
	(
		cd / &&
		{
			find . -xdev \( -path ./tmp -o -path ./run -o -path ./proc -o \
				-path ./sys -o -path ./dev \) -prune -o -print
			printf '%s\n' ./tmp ./run ./proc ./sys ./dev ./dev/console ./dev/null
		} | cpio -o -H newc > "$INITRD" 2> /tmp/cpio.err
	) || { kk_fail "repack the initramfs: $(cat /tmp/cpio.err)"; return 1; }
	say "initramfs for the next kernel: $(wc -c < "$INITRD") bytes"
}

load_next() { # TAG KEXEC-OPTIONS...
	local tag=$1
	shift
	make_initrd || return 1
	if run_log "$tag" $KEXEC -d -l "$@" "$KERNEL" --initrd="$INITRD" \
		--append="$(next_cmdline)"; then
		kk_pass "$tag: kexec -l $* exit 0"
	else
		kk_fail "$tag: kexec -l $* failed: $(tail -n1 "/tmp/out.$tag")"
		return 1
	fi
	if [ "$($KEXEC -S 2>&1)" = loaded ]; then
		kk_pass "$tag: kexec -S says loaded"
	else
		kk_fail "$tag: kexec -S does not say loaded"
		return 1
	fi
}

exec_next() {
	kk_info "SUMMARY so far $KK_NPASS passed, $KK_NFAIL failed"
	say "\$ $KEXEC -e"
	# stderr to /dev/kmsg: reaches the console even if we never return.
	$KEXEC -e 2> /dev/kmsg
	kk_fail "kexec -e returned (status $?)"
}

# ---- facts for the log and the host ----

show_kernel() {
	local code
	code=$(grep -m1 'Kernel code' /proc/iomem | sed 's/^ *//; s/ .*//')
	say "kernel $(uname -r): code=$code"
	if [ -f "$KHO_DBG/out/scratch_phys" ]; then
		paste "$KHO_DBG/out/scratch_phys" "$KHO_DBG/out/scratch_len" |
			while read -r p l; do echo "KK-SCRATCH: $p $l"; done
	fi
}

# The kernel booted inside one of the scratch regions it was handed.
kernel_in_scratch() {
	local code s e p l ok=0
	code=$(grep -m1 'Kernel code' /proc/iomem | sed 's/^ *//; s/ .*//')
	s=$((0x${code%-*}))
	e=$((0x${code#*-}))
	while read -r p l; do
		[ $((l)) -gt 0 ] || continue
		[ "$s" -ge $((p)) ] && [ "$e" -lt $((p + l)) ] && ok=1
	done <<EOF
$(paste "$KHO_DBG/out/scratch_phys" "$KHO_DBG/out/scratch_len")
EOF
	if [ $ok = 1 ]; then
		kk_pass "kernel code $code lies inside a KHO scratch region"
	else
		kk_fail "kernel code $code lies inside a KHO scratch region"
	fi
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

dump_has() { # TAG DESC REGEX -- kho-inject ARGS
	local tag=$1 desc=$2 re=$3
	shift 4
	if run_log "$tag" "$INJECT" "$@"; then
		out_has "$tag" "$desc" "$re"
	else
		kk_fail "$desc: kho-inject $* failed"
	fi
}

write_pmsg() {
	if [ -c /dev/pmsg0 ] && echo "$1" > /dev/pmsg0; then
		kk_pass "wrote '$1' to /dev/pmsg0"
	else
		kk_fail "write /dev/pmsg0"
	fi
}

check_pmsg() {
	dmesg_has "reserve_mem region revived" "Revived memory reservation 'kkr' from KHO"
	if [ -f "$PMSG" ] && grep -qF "$1" "$PMSG"; then
		kk_pass "reserve_mem content came back: '$1'"
	else
		kk_fail "reserve_mem content came back: '$1' not in $PMSG"
	fi
}

luo() { # save|restore SESSION MB
	if run_log luo "$LUO" "$1" "$2" "$3" "$SEED"; then
		kk_pass "LUO: $1 $2: $3 MiB memfd"
	else
		kk_fail "LUO: $1 $2: $3 MiB memfd"
	fi
}

# ---- cases ----

case_blob() {
	case $STAGE in
	0)
		dump_has dumpa "A: kho-inject dump of the live FDT shows kexec-metadata count 1" \
			'kexec count: 1' -- dump
		make_blobs raw big fdt
		write_pmsg "kk-pmsg from A with blobs"
		luo save kk-a 16
		expect_error "--kho-blob named like test_kho's node" 'already has a node "kho_test"' \
			$KEXEC -l --kho-blob kho_test="$BLOBS/raw" "$KERNEL"
		load_next load --kho-blob raw="$BLOBS/raw" --kho-blob big="$BLOBS/big" \
			--kho-blob fdt="$BLOBS/fdt" || return
		out_has load "the live FDT is copied to add the blobs" 'handed over as a copy, to add the blobs'
		out_has load "blob big placed" '^KHO: blob big: 3145728 bytes at 0x[0-9a-f]+000$'
		out_has load "blob segments in the plan" ' kho-blob raw$'
		exec_next ;;
	1)
		dmesg_has "handover found" 'KHO: found kexec handover data'
		dmesg_has "kexec count 1" 'KHO: exec from: .* \(count 1\)'
		dmesg_has "test_kho restored its data" 'test_kho: KHO restore succeeded'
		kernel_in_scratch
		check_blobs raw big fdt
		check_indirect_nodes 3
		check_pmsg "kk-pmsg from A with blobs"
		luo restore kk-a 16
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
		if [ -d "$KHO_DBG" ]; then
			kk_fail "kho=off: no $KHO_DBG"
		else
			kk_pass "kho=off: no $KHO_DBG"
		fi
		make_blobs raw fdt
		run_log new "$INJECT" -o /tmp/new.fdt new --abi "$ABI" ||
			{ kk_fail "kho-inject new --abi $ABI"; return; }
		kk_pass "kho-inject new --abi $ABI"
		dump_has dumpnew "the new FDT holds the placeholder map" \
			'preserved-memory-map = u64:0xfffffffffffff000' -- -i /tmp/new.fdt dump
		expect_error "--kho on a kho=off kernel" 'no KHO' $KEXEC -l --kho "$KERNEL"
		expect_error "--kho-fdt without --kho-scratch" 'give --kho-scratch' \
			$KEXEC -l --kho-fdt /tmp/new.fdt "$KERNEL"
		expect_error "--kho-scratch not 4 MiB aligned" 'not aligned' \
			$KEXEC -l --kho-fdt /tmp/new.fdt --kho-scratch 64M@0x1234000 "$KERNEL"
		expect_error "--kho-scratch outside RAM" 'not inside System RAM' \
			$KEXEC -l --kho-fdt /tmp/new.fdt --kho-scratch 64M@0x80000000 "$KERNEL"
		load_next load --kho-fdt /tmp/new.fdt --kho-scratch 256M \
			--kho-blob mine="$BLOBS/raw" --kho-blob fdt="$BLOBS/fdt" || return
		out_has load "scratch chosen by --kho-scratch" 'scratch chosen by --kho-scratch'
		out_has load "256 MiB of scratch" '^KHO: scratch\[0\] 0x[0-9a-f]+ size 0x10000000$'
		out_has load "an empty preserved-memory map" '^KHO: empty preserved-memory map at 0x[0-9a-f]+000$'
		exec_next ;;
	1)
		show_kernel
		dmesg_has "handover found" 'KHO: found kexec handover data'
		if dmesg | grep -qE 'KHO: exec from'; then
			kk_fail "no kexec-metadata from a kho=off kernel, yet: $(dmesg | grep 'KHO: exec from')"
		else
			kk_pass "no 'KHO: exec from' line: a kho=off kernel writes no kexec-metadata"
		fi
		if dmesg | grep -qE 'disabling KHO revival|handover FDT .* is (invalid|incompatible)'; then
			kk_fail "KHO complained: $(dmesg | grep -E 'disabling KHO|handover FDT' | head -n1)"
		fi
		kernel_in_scratch
		check_blobs mine:raw fdt
		check_indirect_nodes 2
		dump_has dumpin "B: kho/in/fdt has the blob nodes" 'mine \{' -- \
			-i "$KHO_DBG/in/fdt" dump --blobs "$KHO_DBG/in/sub_fdts"
		dump_has dumpb "B: its own FDT has kexec-metadata count 1" \
			'kexec count: 1' -- dump
		# B, which got its KHO from a kernel without any, hands over too.
		luo save kk-b 16
		load_next load2 || return
		out_has load2 "B hands over its live page" 'KHO: handing over kho-v[0-9]+, live FDT page'
		exec_next ;;
	2)
		dmesg_has "handover found" 'KHO: found kexec handover data'
		dmesg_has "kexec count 1" 'KHO: exec from: .* \(count 1\)'
		dmesg_has "test_kho restored B's data" 'test_kho: KHO restore succeeded'
		kernel_in_scratch
		luo restore kk-b 16 ;;
	esac
}

case_offauto() {
	case $STAGE in
	0)
		make_blobs raw
		run_log new "$INJECT" -o /tmp/new.fdt new --abi "$ABI" ||
			{ kk_fail "kho-inject new --abi $ABI"; return; }
		load_next load --kho-fdt /tmp/new.fdt --kho-scratch auto \
			--kho-blob mine="$BLOBS/raw" || return
		out_has load "scratch sized by the loader" "scratch chosen by the loader's sizing rule"
		out_has load "a global scratch region too" '^KHO: scratch\[1\] 0x[0-9a-f]+ size 0x[0-9a-f]+$'
		exec_next ;;
	1)
		show_kernel
		dmesg_has "handover found" 'KHO: found kexec handover data'
		kernel_in_scratch
		check_blobs mine:raw ;;
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
