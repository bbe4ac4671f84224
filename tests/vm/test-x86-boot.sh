#!/bin/bash
# test-x86-boot.sh: kexec_load boots on x86_64 under qemu-system-x86_64
# -accel tcg -M q35 -smp 2 -m 1G, with our static kexec (issue 3, item 4).
# Kernel A (booted by QEMU) loads kernel B and kexecs
# (tests/vm/tests/x86boot.sh is the guest side); B reports what it got and
# this script compares it with what A measured and with what we put in B's
# initramfs: a random marker on the command line, a random payload file
# and the whole initrd (sha256, via retain_initrd), MemTotal, CPUs, ACPI,
# the loader type (0xd0) and, under OVMF, EFI runtime services.
#
# Cases (KKTEST_X86_BOOT_CASES overrides the list, e.g. "bios corrupt"):
#   bios     SeaBIOS, kexec -c --checksum: purgatory verifies and B boots
#   nokaslr  SeaBIOS, nokaslr in A and B, --no-checksum; with "bios" also
#            proves B was placed by KASLR there and not here
#   uefi     OVMF, default options: B keeps /sys/firmware/efi, runtime map,
#            efivarfs
#   corrupt  --checksum --test-corrupt-segment=initrd (a hook only the test
#            build kexec-test has): the purgatory says "checksum mismatch
#            in segment" and halts; B never starts
#   file     kexec -s (kexec_file_load): B boots through the kernel's loader
#   neg      A only: kexec -e with nothing loaded, a garbage kernel, an
#            over-long command line, load + unload, and (A runs with
#            5-level paging: -cpu max has LA57) the kernel with XLF_5LEVEL
#            cleared; -S after each
#
# Binaries: tests/vm/bins.sh ($KEXEC_KHO_BUILD_X86_64 or a static build in
# tests/out). Logs: $KKTEST_LOGDIR/x86-boot (default
# /tmp/kexec-kho-vm-logs/x86-boot). Prints "N passed, N failed"; exit 1 on
# failure, 77 when QEMU or a kernel cannot be had outside CI.
set -euo pipefail
# shellcheck disable=SC2034 # read by lib.sh's messages
KK_PROG=test-x86-boot
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/bins.sh"

LOGDIR=$VM_LOGROOT/x86-boot
TIMEOUT=${KKTEST_TIMEOUT:-300}
# How long QEMU must stay halted after the purgatory's mismatch line.
HALT_GRACE=${KKTEST_HALT_GRACE:-15}
CASES=${KKTEST_X86_BOOT_CASES:-bios nokaslr uefi corrupt file neg}
# 0xd0: "kexec-tools" (ID 0xD), what both our loader and the kernel's set.
KEXEC_LOADER_TYPE=208
# _text of an x86_64 kernel that was not randomized (__START_KERNEL).
NOKASLR_TEXT=0xffffffff81000000
mkdir -p "$LOGDIR"

vm_require x86_64
BINS=$(kk_static_bins x86_64) || exit $?
echo "== kernel $VM_KERNEL"
echo "== binaries $BINS"

# B's initramfs: the usual one plus a random payload; A's carries B's.
head -c 65536 /dev/urandom > "$LOGDIR/payload.bin"
PAYLOAD_SHA=$(sha256sum "$LOGDIR/payload.bin" | cut -d' ' -f1)
"$HERE/mkinitramfs.sh" --arch x86_64 --out "$LOGDIR/initrd-b.cpio.gz" \
	--file "$LOGDIR/payload.bin:/payload.bin"
INITRD_B_SHA=$(sha256sum "$LOGDIR/initrd-b.cpio.gz" | cut -d' ' -f1)
INITRD_B_KB=$(( ($(stat -c %s "$LOGDIR/initrd-b.cpio.gz") + 1023) / 1024 ))
"$HERE/mkinitramfs.sh" --arch x86_64 --out "$LOGDIR/initrd-a.cpio.gz" \
	--bin "$BINS/kexec" --bin "$BINS/kexec-test" --bin "$BINS/kho-inject" \
	--file "$LOGDIR/initrd-b.cpio.gz:/boot/initrd-b.cpio.gz" \
	--file "$VM_KERNEL:/boot/bzImage"
echo "== payload sha256 $PAYLOAD_SHA, initrd-b sha256 $INITRD_B_SHA ($INITRD_B_KB KiB)"

# val LOG WHO KEY: the last "kkx86: WHO KEY=value" the guest printed.
val() {
	sed -n "s/^kkx86: $2 $3=//p" "$1" | tail -n 1
}

# boot_a LOG [--uefi] [--watch-halt] -- APPEND-WORDS...: boots kernel
# A. --watch-halt: the chain is expected to hang in the purgatory; once the
# mismatch line is in the log, QEMU gets HALT_GRACE more seconds and is then
# stopped (through the `timeout` qemu-run.sh runs it under). Sets QEMU_RC
# (124/143 when we stopped it) and HALTED=1 when QEMU was still running.
boot_a() {
	local log=$1 uefi=() watch=0 start child
	shift
	while [ $# -gt 0 ]; do
		case $1 in
			--uefi) uefi=(--uefi); shift ;;
			--watch-halt) watch=1; shift ;;
			--) shift; break ;;
		esac
	done
	HALTED=0
	rm -f "$log" # a previous run's lines must not satisfy the watch below
	set +e
	"$HERE/qemu-run.sh" --arch x86_64 --kernel "$VM_KERNEL" \
		--initrd "$LOGDIR/initrd-a.cpio.gz" --smp 2 --mem 1G \
		--timeout "$TIMEOUT" --log "$log" ${uefi[@]+"${uefi[@]}"} \
		--append "console=ttyS0 kktest=x86boot kktest.stage=0 $* panic=-1" &
	local qpid=$!
	if [ $watch = 1 ]; then
		start=$(date +%s)
		while kill -0 "$qpid" 2>/dev/null; do
			if grep -aq 'purgatory: checksum mismatch' "$log" 2>/dev/null; then
				echo "   mismatch line seen after $(( $(date +%s) - start ))s; watching ${HALT_GRACE}s more"
				sleep "$HALT_GRACE"
				if kill -0 "$qpid" 2>/dev/null; then
					HALTED=1
					# shellcheck disable=SC2013 # pids, one word each
					for child in $(cat /proc/"$qpid"/task/*/children 2>/dev/null); do
						kill -TERM "$child" 2>/dev/null
					done
				fi
				break
			fi
			sleep 1
		done
	fi
	wait "$qpid"
	QEMU_RC=$?
	set -e
	sed -i 's/\r$//' "$log" 2>/dev/null || true
}

# case_start NAME: remember the failure count for case_end.
case_start() {
	CASE_NAME=$1
	CASE_LOG=$LOGDIR/$1.log
	CASE_FAIL0=$VM_FAIL
	CASE_T0=$(date +%s)
	echo "== x86-boot/$1 (log $CASE_LOG)"
}

case_end() {
	echo "   $CASE_NAME took $(( $(date +%s) - CASE_T0 ))s"
	[ "$VM_FAIL" -eq "$CASE_FAIL0" ] || vm_log_tail "$CASE_LOG"
}

# check_chain N LOG MARKER SYSCALL: everything a successful A -> B chain
# must show. SYSCALL: kexec_load or kexec_file_load.
check_chain() {
	local n=$1 log=$2 marker=$3 syscall=$4 sc=-c
	[ "$syscall" = kexec_file_load ] && sc=-s
	vm_qemu_ok "$n" "$QEMU_RC"
	vm_check_guest "$log" "$n"
	assert_log "$log" "KKTEST: PASS kexec $sc -l /boot/bzImage \\($syscall\\) succeeded" \
		"$n: A loaded B with kexec $sc ($syscall)" || true
	vm_assert_eq "$n: A says which syscall it used" "$(val "$log" A syscall)" "$syscall"
	assert_log "$log" 'kexec_core: Starting new kernel' "$n: A's kernel started the kexec" || true
	assert_log "$log" '^x86boot: stage 1 \(kernel B\)$' "$n: B ran stage 1" || true
	local linux
	linux=$(grep -c 'Linux version [0-9]' "$log" || true)
	vm_assert_eq "$n: two kernels booted (Linux version banners)" "$linux" 2

	# Command line: exactly what A passed, with our marker.
	local append cmdline
	append=$(val "$log" A append)
	cmdline=$(val "$log" B cmdline)
	vm_assert_eq "$n: B's /proc/cmdline is exactly what A passed" "$cmdline" "$append"
	vm_assert_eq "$n: B's command line carries this run's marker" "$(val "$log" B marker)" "$marker"

	# Initrd: the payload file and every byte of the image (retain_initrd).
	vm_assert_eq "$n: B's /payload.bin sha256 = the host's" "$(val "$log" B payload_sha256)" "$PAYLOAD_SHA"
	vm_assert_eq "$n: B's whole initrd sha256 = initrd-b.cpio.gz's" "$(val "$log" B initrd_sha256)" "$INITRD_B_SHA"

	# Same machine seen from B: CPUs, RAM, ACPI.
	vm_assert_eq "$n: B has A's CPU count" "$(val "$log" B cpus)" "$(val "$log" A cpus)"
	vm_assert_eq "$n: B has both CPUs online" "$(val "$log" B cpus_online)" "0-1"
	vm_assert_eq "$n: B's System RAM (/proc/iomem) = A's" "$(val "$log" B ram_bytes)" "$(val "$log" A ram_bytes)"
	local ma mb diff tol
	ma=$(val "$log" A memtotal_kb) mb=$(val "$log" B memtotal_kb)
	# B keeps its initrd (retain_initrd), A freed its own: allow that + 4 MiB.
	tol=$((INITRD_B_KB + 4096))
	if [ -n "$ma" ] && [ -n "$mb" ]; then
		diff=$((ma - mb)); diff=${diff#-}
		if [ "$diff" -le "$tol" ]; then
			vm_pass "$n: B's MemTotal ${mb} kB is within ${tol} kB of A's ${ma} kB (diff $diff)"
		else
			vm_fail "$n: B's MemTotal ${mb} kB differs from A's ${ma} kB by $diff kB (> $tol)"
		fi
	else
		vm_fail "$n: MemTotal not reported (A '$ma', B '$mb')"
	fi
	vm_assert_eq "$n: B has ACPI tables (/sys/firmware/acpi/tables)" "$(val "$log" B acpi)" yes
	assert_log "$log" 'KKTEST: PASS ACPI: the DSDT is there' "$n: B found the DSDT" || true

	# Who loaded B: 0xd0 in type_of_loader, A itself was loaded by firmware.
	vm_assert_eq "$n: B's bootloader_type is kexec's 0xd0" "$(val "$log" B bootloader_type)" "$KEXEC_LOADER_TYPE"
	local ta
	ta=$(val "$log" A bootloader_type)
	if [ -n "$ta" ] && [ "$ta" != "$KEXEC_LOADER_TYPE" ]; then
		vm_pass "$n: A's bootloader_type ($ta) is the firmware's, not kexec's"
	else
		vm_fail "$n: A's bootloader_type '$ta' should not be $KEXEC_LOADER_TYPE"
	fi
	if [ "$syscall" = kexec_load ]; then
		assert_log "$log" '^[0-9]+ segments, entry 0x[0-9a-f]+:$' \
			"$n: A printed its kexec_load segment plan" || true
	else
		refute_log "$log" 'kexec-kho purgatory' \
			"$n: our purgatory did not run (kexec_file_load uses the kernel's)" || true
	fi
}

# A random token for B's command line: proves B got this run's line.
new_marker() { head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

case_bios() {
	local m
	m=$(new_marker)
	case_start bios
	boot_a "$CASE_LOG" -- kktest.mode=load kktest.marker="$m" kktest.kexecopts=--checksum
	check_chain bios "$CASE_LOG" "$m" kexec_load
	assert_log "$CASE_LOG" '^kexec-kho purgatory: [0-9]+ segments verified$' \
		"bios: --checksum: the purgatory verified every segment before B" || true
	refute_log "$CASE_LOG" 'checksum mismatch' "bios: no checksum mismatch" || true
	refute_log "$CASE_LOG" '^kkx86: [AB] cmdline=(.* )?nokaslr( |$)' "bios: A and B booted without nokaslr" || true
	vm_assert_eq "bios: A booted through SeaBIOS (no EFI)" "$(val "$CASE_LOG" A efi)" no
	BIOS_TEXT=$(val "$CASE_LOG" B text)
	BIOS_CODE=$(val "$CASE_LOG" B kernel_code)
	echo "   B: _text $BIOS_TEXT, Kernel code at $BIOS_CODE"
	case_end
}

case_nokaslr() {
	local m
	m=$(new_marker)
	case_start nokaslr
	boot_a "$CASE_LOG" -- nokaslr kktest.mode=load kktest.marker="$m" \
		kktest.kexecopts=--no-checksum kktest.bextra=nokaslr
	check_chain nokaslr "$CASE_LOG" "$m" kexec_load
	refute_log "$CASE_LOG" 'kexec-kho purgatory' \
		"nokaslr: --no-checksum: the purgatory jumped without checking (no report)" || true
	assert_log "$CASE_LOG" '^kkx86: A cmdline=(.* )?nokaslr( |$)' "nokaslr: A booted with nokaslr" || true
	assert_log "$CASE_LOG" '^kkx86: B cmdline=(.* )?nokaslr( |$)' "nokaslr: B booted with nokaslr" || true
	vm_assert_eq "nokaslr: A's _text is the link address" "$(val "$CASE_LOG" A text)" "$NOKASLR_TEXT"
	vm_assert_eq "nokaslr: B's _text is the link address" "$(val "$CASE_LOG" B text)" "$NOKASLR_TEXT"
	NOKASLR_CODE=$(val "$CASE_LOG" B kernel_code)
	echo "   B: _text $(val "$CASE_LOG" B text), Kernel code at $NOKASLR_CODE"
	case_end
}

# With both runs done: B under KASLR sits elsewhere than B under nokaslr
# (virtual and physical randomization together: a chance match of both is
# negligible).
check_kaslr() {
	if [ -z "${BIOS_TEXT+x}" ] || [ -z "${NOKASLR_CODE+x}" ]; then
		return 0
	fi
	if [ -n "$BIOS_TEXT" ] && [ -n "$BIOS_CODE" ] &&
		{ [ "$BIOS_TEXT" != "$NOKASLR_TEXT" ] || [ "$BIOS_CODE" != "$NOKASLR_CODE" ]; }; then
		vm_pass "kaslr: B without nokaslr was randomized (_text $BIOS_TEXT, code $BIOS_CODE vs $NOKASLR_TEXT, $NOKASLR_CODE)"
	else
		vm_fail "kaslr: B without nokaslr at _text '$BIOS_TEXT' code '$BIOS_CODE', as under nokaslr ($NOKASLR_TEXT, $NOKASLR_CODE)"
	fi
}

case_uefi() {
	local m
	m=$(new_marker)
	case_start uefi
	boot_a "$CASE_LOG" --uefi -- kktest.mode=load kktest.marker="$m"
	check_chain uefi "$CASE_LOG" "$m" kexec_load
	assert_log "$CASE_LOG" '^kexec-kho purgatory: [0-9]+ segments verified$' \
		"uefi: checksum is on by default without KHO; purgatory verified" || true
	vm_assert_eq "uefi: A booted through OVMF (/sys/firmware/efi)" "$(val "$CASE_LOG" A efi)" yes
	vm_assert_eq "uefi: B still has /sys/firmware/efi" "$(val "$CASE_LOG" B efi)" yes
	assert_log "$CASE_LOG" 'KKTEST: PASS EFI: /sys/firmware/efi/runtime-map has entries' \
		"uefi: B has the EFI runtime map" || true
	assert_log "$CASE_LOG" 'KKTEST: PASS EFI: runtime services listed' \
		"uefi: B has the EFI runtime services table" || true
	assert_log "$CASE_LOG" 'KKTEST: PASS EFI: efivarfs lists [0-9]+ variables' \
		"uefi: B reads EFI variables (runtime services work)" || true
	case_end
}

case_corrupt() {
	local m
	m=$(new_marker)
	case_start corrupt
	boot_a "$CASE_LOG" --watch-halt -- kktest.mode=load kktest.marker="$m" \
		kktest.kexec=kexec-test kktest.kexecopts=--checksum,--test-corrupt-segment=initrd
	assert_log "$CASE_LOG" 'KKTEST: PASS kexec -c -l /boot/bzImage \(kexec_load\) succeeded' \
		"corrupt: A loaded B (with one initrd byte changed after hashing)" || true
	assert_log "$CASE_LOG" 'kexec_core: Starting new kernel' "corrupt: A's kernel started the kexec" || true
	assert_log "$CASE_LOG" '^kexec-kho purgatory: checksum mismatch in segment [0-9]+, halting$' \
		"corrupt: the purgatory reported the mismatching segment" || true
	refute_log "$CASE_LOG" 'segments verified' "corrupt: the purgatory did not claim success" || true
	if [ "$HALTED" = 1 ]; then
		vm_pass "corrupt: QEMU still ran ${HALT_GRACE}s after the mismatch (halted; then stopped by us)"
	else
		vm_fail "corrupt: QEMU did not keep running after the mismatch (status $QEMU_RC)"
	fi
	# Silence after "halting": only QEMU's own "terminating on signal".
	local after
	after=$(sed -n '/checksum mismatch in segment/,$p' "$CASE_LOG" | sed 1d |
		grep -av 'terminating on signal' | grep -av '^$' | head -n 3 || true)
	if grep -aq 'checksum mismatch in segment' "$CASE_LOG" && [ -z "$after" ]; then
		vm_pass "corrupt: nothing ran after the purgatory halted"
	else
		vm_fail "corrupt: output after the halt: ${after:-<no mismatch line>}"
	fi
	# The segment it names is the initrd of A's plan (same address and size).
	local plan bad
	plan=$(grep -aE '^  [0-9]+ +0x[0-9a-f]+-0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +initrd$' "$CASE_LOG" |
		awk '{ split($2, r, "-"); print r[1], $4 }' | tail -n 1)
	bad=$(sed -n 's/^kexec-kho purgatory: segment [0-9]* is \(0x[0-9a-f]*\) bytes at \(0x[0-9a-f]*\)$/\2 \1/p' "$CASE_LOG" | tail -n 1)
	# shellcheck disable=SC2086 # "ADDR SIZE": two printf arguments
	if [ -n "$plan" ] && [ -n "$bad" ] &&
		[ "$(printf '%d %d' $plan)" = "$(printf '%d %d' $bad)" ]; then
		vm_pass "corrupt: the mismatching segment is the initrd (at/size $bad)"
	else
		vm_fail "corrupt: mismatching segment '$bad' is not the plan's initrd '$plan'"
	fi
	refute_log "$CASE_LOG" 'test: x86boot stage: 1|x86boot: stage 1' "corrupt: B never ran (no stage-1 banner)" || true
	vm_assert_eq "corrupt: only A's kernel booted" "$(grep -c 'Linux version [0-9]' "$CASE_LOG" || true)" 1
	case_end
}

case_file() {
	local m
	m=$(new_marker)
	case_start file
	boot_a "$CASE_LOG" -- kktest.mode=file kktest.marker="$m"
	check_chain file "$CASE_LOG" "$m" kexec_file_load
	case_end
}

case_neg() {
	case_start neg
	boot_a "$CASE_LOG" -- kktest.mode=neg
	vm_qemu_ok neg "$QEMU_RC"
	vm_check_guest "$CASE_LOG" neg
	local p
	for p in 'at boot: kexec -l -S says not loaded, status 0' \
		'kexec -e with nothing loaded fails' \
		'kexec -l of a garbage file fails' \
		'after the garbage load: kexec -l -S says not loaded, status 0' \
		'kexec -l with a command line longer than cmdline_size fails' \
		'after the over-long command line: kexec -l -S says not loaded, status 0' \
		'kexec -l -S after a good load: .loaded., status 1' \
		'kexec -u succeeds' \
		'after kexec -u: kexec -l -S says not loaded, status 0' \
		'kexec -e after kexec -u fails'; do
		assert_log "$CASE_LOG" "KKTEST: PASS $p" "neg: ${p//./\'}" || true
	done
	assert_log "$CASE_LOG" '^\+ kexec -e -> status [1-9][0-9]*: kexec: nothing is loaded' \
		"neg: kexec -e says 'nothing is loaded' and exits nonzero" || true
	refute_log "$CASE_LOG" 'kexec_core: Starting new kernel' "neg: no kexec happened" || true
	case_end
}

T0=$(date +%s)
for c in $CASES; do
	case $c in
		bios|nokaslr|uefi|corrupt|file|neg) "case_$c" ;;
		*) kk_die "unknown case '$c' (want: bios nokaslr uefi corrupt file neg)" ;;
	esac
done
check_kaslr
echo "logs: $LOGDIR; total $(( $(date +%s) - T0 ))s"
vm_summary
