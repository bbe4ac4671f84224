#!/bin/sh
# arm64 plain kexec_load boot (runs inside the VM, driven by
# tests/vm/test-arm64-boot.sh).
#   stage 0 (kernel A): kexec -l /boot/$kktest.kernel with /boot/initrd-b.cpio.gz
#           and a command line carrying what B must find, then kexec -e.
#   stage 1 (kernel B): check the command line, the initrd bytes
#           (retain_initrd -> /sys/firmware/initrd), RAM and CPUs against
#           what A measured, and that B's DTB carried a kaslr-seed B consumed.
. /etc/kktest-lib.sh
STAGE=${1:-0}

cpus() { grep -c ^processor /proc/cpuinfo; }

# dt_u64 FILE: a 4- or 8-byte big-endian device tree number, in decimal.
dt_u64() {
	printf '%d\n' "0x$(hexdump -v -e '1/1 "%02x"' "$1")"
}

stage0() {
	kernel=$(kk_arg kktest.kernel) || { kk_fail "no kktest.kernel= on the command line"; return; }
	want_seed=$(kk_arg kktest.fwseed)
	echo "arm64-boot: stage 0: kernel /boot/$kernel, firmware seed expected: $want_seed"
	if [ -e /proc/device-tree/chosen/kaslr-seed ]; then
		seed=$(hexdump -v -e '1/1 "%02x"' /proc/device-tree/chosen/kaslr-seed)
		echo "firmware kaslr-seed: present, now 0x$seed"
		kk_expect_eq "firmware passed a kaslr-seed" yes "$want_seed"
		# Under nokaslr the kernel leaves it: upstream kexec-tools refuses here.
		if has_cmdline nokaslr; then
			if [ "$seed" != 0000000000000000 ]; then
				kk_pass "nokaslr left the firmware kaslr-seed unwiped (0x$seed)"
			else
				kk_fail "firmware kaslr-seed was wiped despite nokaslr"
			fi
		fi
	else
		echo "firmware kaslr-seed: absent"
		kk_expect_eq "firmware passed no kaslr-seed" no "$want_seed"
	fi
	dmesg | grep -E 'KASLR' || true

	kk_check "/bin/kexec is present" test -x /bin/kexec
	kk_check "/boot/$kernel is present" test -f "/boot/$kernel"
	kk_check "/boot/initrd-b.cpio.gz is present" test -f /boot/initrd-b.cpio.gz

	sum=$(md5sum /boot/initrd-b.cpio.gz | cut -d' ' -f1)
	ram=$(kk_ram_bytes)
	n=$(cpus)
	marker=$(head -c 6 /dev/urandom | hexdump -v -e '1/1 "%02x"')
	echo "A: initrd md5 $sum, System RAM $ram bytes, $n cpus, marker $marker"
	append="console=ttyAMA0 kktest=arm64-boot kktest.stage=1 kktest.sum=$sum"
	append="$append kktest.ram=$ram kktest.cpus=$n kktest.marker=$marker"
	append="$append retain_initrd panic=-1 $(kk_arg kktest.extra)"

	opts=$(kk_arg kktest.kexecopts)
	echo "+ kexec -d $opts -l /boot/$kernel --initrd /boot/initrd-b.cpio.gz --append \"$append\""
	# shellcheck disable=SC2086
	if kexec -d $opts -l "/boot/$kernel" --initrd /boot/initrd-b.cpio.gz \
		--append "$append"; then
		kk_pass "kexec -l /boot/$kernel (kexec_load) succeeded"
	else
		kk_fail "kexec -l /boot/$kernel failed (status $?)"
		kk_done
		return
	fi
	kk_check "kernel reports an image loaded" \
		grep -qx 1 /sys/kernel/kexec_loaded
	echo "A: kexec -e"
	sync
	kk_loud_console
	kexec -e
	kk_fail "kexec -e returned (status $?)"
	kk_done
}

stage1() {
	marker=$(kk_arg kktest.marker)
	echo "arm64-boot: stage 1 (kernel B), marker ${marker:-none}"
	kk_check "booted by stage 0's kexec (marker on the command line)" test -n "$marker"

	bootargs=$(tr -d '\000' < /proc/device-tree/chosen/bootargs)
	if [ "$bootargs" = "$(cat /proc/cmdline)" ]; then
		kk_pass "/chosen/bootargs is our command line"
	else
		kk_fail "/chosen/bootargs '$bootargs' != /proc/cmdline '$(cat /proc/cmdline)'"
	fi

	if [ -f /sys/firmware/initrd ]; then
		got=$(md5sum /sys/firmware/initrd | cut -d' ' -f1)
		kk_expect_eq "initrd bytes match stage 0's md5" "$got" "$(kk_arg kktest.sum)"
		size=$(wc -c < /sys/firmware/initrd)
		start=$(dt_u64 /proc/device-tree/chosen/linux,initrd-start)
		end=$(dt_u64 /proc/device-tree/chosen/linux,initrd-end)
		printf 'B: linux,initrd-start 0x%x end 0x%x (%d bytes)\n' "$start" "$end" $((end - start))
		kk_expect_eq "linux,initrd-start/end span the initrd" "$((end - start))" "$size"
	else
		kk_fail "/sys/firmware/initrd missing (retain_initrd not honoured?)"
	fi

	kk_expect_eq "System RAM bytes as in stage 0" "$(kk_ram_bytes)" "$(kk_arg kktest.ram)"
	kk_expect_eq "CPUs online as in stage 0" "$(cpus)" "$(kk_arg kktest.cpus)"
	echo "B: cpus online: $(cat /sys/devices/system/cpu/online)"
	grep MemTotal /proc/meminfo

	# The kernel zeroes kaslr-seed in place once it used it for KASLR.
	if [ -e /proc/device-tree/chosen/kaslr-seed ]; then
		seed=$(hexdump -v -e '1/1 "%02x"' /proc/device-tree/chosen/kaslr-seed)
		kk_expect_eq "B consumed the kaslr-seed we passed (zeroed it)" \
			"$seed" 0000000000000000
	else
		kk_fail "B's /chosen has no kaslr-seed"
	fi
	if dmesg | grep -q 'KASLR enabled'; then
		kk_pass "B: KASLR enabled"
	else
		kk_fail "B: no 'KASLR enabled' ($(dmesg | grep KASLR))"
	fi
	for p in linux,elfcorehdr linux,usable-memory-range linux,kho-fdt linux,kho-scratch; do
		[ -e "/proc/device-tree/chosen/$p" ] && kk_fail "B's /chosen has a stale $p"
	done
	kk_done
}

case $STAGE in
	0) stage0 ;;
	1) stage1 ;;
	*) kk_fail "arm64-boot: unknown stage $STAGE"; kk_done ;;
esac
