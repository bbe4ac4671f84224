#!/bin/sh
# x86_64 kexec boot test, guest side (host side: tests/vm/test-x86-boot.sh).
#
#   stage 0 (kernel A, booted by QEMU): prints what it measured as
#           "kkx86: A key=value" lines, then by kktest.mode=
#             load     kexec -c -d -l /boot/bzImage (kexec_load), kexec -e
#             file     kexec -s -l (kexec_file_load), kexec -e
#             neg      kexec misuse that must fail; no kexec -e
#           kktest.kexecopts= (commas for spaces) adds loader options,
#           kktest.kexec= names the loader for -l (kexec-test: the hooks),
#           kktest.bextra= (commas for spaces) adds words to B's command line.
#   stage 1 (kernel B): prints "kkx86: B key=value" lines for the host to
#           compare with A's and with what the host put in initrd-b.
# The host does the cross-kernel comparisons; the guest checks what only it
# can see and reports "KKTEST: PASS|FAIL" lines.
. /etc/kktest-lib.sh
STAGE=${1:-0}

# finish: kk_done with the kernel's complaints and the console restored.
finish() {
	kk_done
	rc=$?
	kk_loud_console
	return $rc
}

# report WHO: the facts the host compares between A and B.
report() {
	who=$1
	echo "kkx86: $who cmdline=$(cat /proc/cmdline)"
	echo "kkx86: $who memtotal_kb=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)"
	echo "kkx86: $who cpus=$(grep -c ^processor /proc/cpuinfo)"
	echo "kkx86: $who cpus_online=$(cat /sys/devices/system/cpu/online)"
	echo "kkx86: $who ram_bytes=$(kk_ram_bytes)"
	echo "kkx86: $who bootloader_type=$(cat /proc/sys/kernel/bootloader_type)"
	echo "kkx86: $who text=0x$(sed -n 's/^\([0-9a-f]*\) T _text$/\1/p' /proc/kallsyms)"
	echo "kkx86: $who kernel_code=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : Kernel code$/0x\1/p' /proc/iomem)"
	if [ -d /sys/firmware/efi ]; then
		echo "kkx86: $who efi=yes"
	else
		echo "kkx86: $who efi=no"
	fi
	if [ -d /sys/firmware/acpi/tables ]; then
		echo "kkx86: $who acpi=yes"
	else
		echo "kkx86: $who acpi=no"
	fi
}

# expect_fail DESC WANT CMD...: CMD must exit nonzero and print WANT (a
# grep -E pattern) on stdout or stderr.
expect_fail() {
	desc=$1 want=$2
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "+ $* -> status $rc: $out"
	if [ $rc -eq 0 ]; then
		kk_fail "$desc: exited 0"
	elif echo "$out" | grep -qE -- "$want"; then
		kk_pass "$desc (status $rc)"
	else
		kk_fail "$desc: status $rc but no /$want/ in: $out"
	fi
}

stage0_neg() {
	not_loaded "at boot"
	expect_fail "kexec -e with nothing loaded fails" 'nothing is loaded' kexec -e
	head -c 65536 /dev/urandom > /tmp/garbage
	expect_fail "kexec -l of a garbage file fails" 'kexec: /tmp/garbage' \
		kexec -l /tmp/garbage --append console=ttyS0
	not_loaded "after the garbage load"
	long=$(head -c 3000 /dev/zero | tr '\0' x)
	expect_fail "kexec -l with a command line longer than cmdline_size fails" \
		'command line is [0-9]+ bytes, the kernel accepts at most' \
		kexec -l /boot/bzImage --append "console=ttyS0 $long"
	not_loaded "after the over-long command line"
	# A good load, then unload: -S must follow the kernel both ways.
	if kexec -l /boot/bzImage --initrd /boot/initrd-b.cpio.gz --append console=ttyS0; then
		out=$(kexec -l -S)
		rc=$?
		if [ $rc -eq 1 ] && [ "$out" = loaded ]; then
			kk_pass "kexec -l -S after a good load: 'loaded', status 1"
		else
			kk_fail "kexec -l -S after a good load: got '$out' status $rc"
		fi
		kk_check "kexec -u succeeds" kexec -u
		not_loaded "after kexec -u"
	else
		kk_fail "kexec -l of /boot/bzImage (control load) failed"
	fi
	expect_fail "kexec -e after kexec -u fails" 'nothing is loaded' kexec -e
	no_5level_kernel
	finish
}

# QEMU's -cpu max has LA57, so A runs with 5-level paging: a copy of the
# kernel with XLF_5LEVEL cleared (xloadflags, byte 0x236) must be refused,
# as the file loader refuses it.
no_5level_kernel() {
	local x
	if ! grep -m1 '^flags' /proc/cpuinfo | grep -qw la57; then
		kk_fail "kernel A runs with 5-level paging: no la57 in /proc/cpuinfo"
		return
	fi
	kk_pass "kernel A runs with 5-level paging (la57 in /proc/cpuinfo)"
	cp /boot/bzImage /tmp/bz4level
	x=$(od -An -tu1 -j $((0x236)) -N1 /tmp/bz4level | tr -d ' ')
	printf "\\$(printf %o $((x & ~0x60)))" |
		dd of=/tmp/bz4level bs=1 seek=$((0x236)) conv=notrunc 2>/dev/null
	expect_fail "kexec -l of a kernel without XLF_5LEVEL under 5-level paging fails" \
		'kexec: /tmp/bz4level: .*no XLF_5LEVEL' \
		kexec -l /tmp/bz4level --append console=ttyS0
	not_loaded "after the kernel without XLF_5LEVEL"
}

stage0() {
	mode=$(kk_arg kktest.mode) || mode=load
	marker=$(kk_arg kktest.marker) || marker=none
	opts=$(kk_arg kktest.kexecopts) || opts=
	kx=$(kk_arg kktest.kexec) || kx=kexec
	bextra=$(kk_arg kktest.bextra) || bextra=
	echo "x86boot: stage 0 (kernel A), mode $mode, marker $marker"
	report A
	kk_check "/bin/kexec is present" test -x /bin/kexec
	kk_check "/boot/bzImage is present" test -f /boot/bzImage
	kk_check "/boot/initrd-b.cpio.gz is present" test -f /boot/initrd-b.cpio.gz
	case $mode in
		neg) stage0_neg; return ;;
		load) sc=-c; syscall=kexec_load ;;
		file) sc=-s; syscall=kexec_file_load ;;
		*) kk_fail "unknown kktest.mode '$mode'"; finish; return ;;
	esac
	append="console=ttyS0 kktest=x86boot kktest.stage=1 kktest.marker=$marker retain_initrd panic=-1${bextra:+ $bextra}"
	echo "kkx86: A append=$append"
	echo "kkx86: A syscall=$syscall"
	echo "+ $kx $sc -d $opts -l /boot/bzImage --initrd /boot/initrd-b.cpio.gz --append \"$append\""
	kk_check "/bin/$kx is present" test -x "/bin/$kx"
	# shellcheck disable=SC2086
	if "$kx" $sc -d $opts -l /boot/bzImage --initrd /boot/initrd-b.cpio.gz --append "$append"; then
		kk_pass "kexec $sc -l /boot/bzImage ($syscall) succeeded"
	else
		kk_fail "kexec $sc -l /boot/bzImage ($syscall) failed (status $?)"
		finish
		return
	fi
	kk_check "kernel reports an image loaded" grep -qx 1 /sys/kernel/kexec_loaded
	echo "kkx86: A kexec -e"
	# Loud again: "kexec_core: Starting new kernel" is the last word of A.
	kk_loud_console
	kexec -e
	kk_fail "kexec -e returned (status $?)"
	finish
}

stage1() {
	echo "x86boot: stage 1 (kernel B)"
	echo "kkx86: B marker=$(kk_arg kktest.marker)"
	report B
	if [ -f /payload.bin ]; then
		echo "kkx86: B payload_sha256=$(sha256sum /payload.bin | cut -d' ' -f1)"
	else
		kk_fail "B's initramfs has no /payload.bin"
	fi
	# retain_initrd keeps the initrd bytes the loader passed in /sys/firmware/initrd.
	if [ -f /sys/firmware/initrd ]; then
		echo "kkx86: B initrd_sha256=$(sha256sum /sys/firmware/initrd | cut -d' ' -f1)"
	else
		kk_fail "B has no /sys/firmware/initrd (retain_initrd not honoured?)"
	fi
	kk_check "ACPI: /sys/firmware/acpi/tables exists" test -d /sys/firmware/acpi/tables
	kk_check "ACPI: the FADT (FACP) is there" test -e /sys/firmware/acpi/tables/FACP
	kk_check "ACPI: the DSDT is there" test -e /sys/firmware/acpi/tables/DSDT
	dmesg | grep -E 'ACPI: RSDP|efi: EFI v|efi: ACPI|KASLR' || true
	if [ -d /sys/firmware/efi ]; then
		kk_check "EFI: /sys/firmware/efi/runtime-map has entries" test -d /sys/firmware/efi/runtime-map/0
		kk_check "EFI: runtime services listed in /sys/firmware/efi/runtime" test -s /sys/firmware/efi/runtime
		mkdir -p /sys/firmware/efi/efivars
		mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>&1
		# Listing variables calls GetNextVariableName: a runtime service.
		n=$(ls /sys/firmware/efi/efivars 2>/dev/null | wc -l)
		echo "kkx86: B efivars=$n"
		if [ "$n" -gt 0 ]; then
			kk_pass "EFI: efivarfs lists $n variables (runtime services work)"
		else
			kk_fail "EFI: efivarfs lists no variables"
		fi
	fi
	finish
}

case $STAGE in
	0) stage0 ;;
	1) stage1 ;;
	*) kk_fail "x86boot: unknown stage $STAGE"; finish ;;
esac
