#!/bin/bash
# test-arm64-boot.sh: plain (no KHO) kexec_load boots on arm64 under
# qemu-system-aarch64 -M virt -cpu max -accel tcg -smp 2, with our static
# cross-built kexec. Kernel A loads kernel B and kexecs; B checks that it
# got our command line, the initrd bytes, the same RAM and CPUs, and a
# kaslr-seed it consumed (tests/vm/tests/arm64-boot.sh does the guest side).
#
# Variants (KKTEST_ARM64_BOOT_VARIANTS overrides the list):
#   gz-nokaslr  Image.gz; firmware passes a kaslr-seed and A runs nokaslr,
#               so the seed stays unwiped (upstream kexec-tools refuses that)
#   zboot-noseed  a zboot (vmlinuz.efi) wrapper of Image.gz; QEMU passes no
#               seeds (-M virt,dtb-randomness=off, formerly dtb-kaslr-seed)
#   image-forced  the raw Image with -t Image
#
# The kexec binary comes from kk_static_bins (bins.sh): $KEXEC_KHO_BUILD_ARM64
# when tests/run-all.sh set it, else a static cross build of a tree copy.
# Prints "N passed, N failed"; exit 1 on failure, 77 when QEMU or a kernel
# cannot be had outside CI.
set -euo pipefail
KK_PROG=test-arm64-boot
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/bins.sh"

LOGDIR=$VM_LOGROOT/arm64-boot
TIMEOUT=${KKTEST_TIMEOUT:-300}
VARIANTS=${KKTEST_ARM64_BOOT_VARIANTS:-gz-nokaslr zboot-noseed image-forced}
mkdir -p "$LOGDIR"

le32() {
	local v=$1
	printf '%b' "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $(((v >> 8) & 255)) \
		$(((v >> 16) & 255)) $(((v >> 24) & 255)))"
}

# mkzboot GZ OUT: the header of drivers/firmware/efi/libstub/zboot-header.S
# ("MZ", "zimg", payload offset/size, "gzip", a PE header for arm64) around
# a gzip'd Image. No EFI code: kexec only reads the header and payload.
mkzboot() {
	local gz=$1 out=$2 size
	size=$(stat -c %s "$gz")
	{
		printf 'MZ\0\0zimg'
		le32 128; le32 "$size"; le32 0; le32 0
		printf 'gzip'; head -c 28 /dev/zero
		le32 0x818223cd; le32 64             # LINUX_PE_MAGIC, PE offset
		printf 'PE\0\0\144\252'; head -c 58 /dev/zero # machine 0xaa64
		cat "$gz"
	} > "$out"
}

vm_require arm64
KIMAGE=$VM_KERNEL
KGZ=$VM_KDIR/Image.gz
[ -f "$KGZ" ] || { gzip -9 -c "$KIMAGE" > "$LOGDIR/Image.gz"; KGZ=$LOGDIR/Image.gz; }
KEXEC=$(kk_static_bins arm64)/kexec
echo "== kernel $KIMAGE"
echo "== kexec $KEXEC"

mkzboot "$KGZ" "$LOGDIR/vmlinuz.efi"
"$HERE/mkinitramfs.sh" --arch arm64 --out "$LOGDIR/initrd-b.cpio.gz"
"$HERE/mkinitramfs.sh" --arch arm64 --out "$LOGDIR/initrd-a.cpio.gz" \
	--bin "$KEXEC" \
	--file "$LOGDIR/initrd-b.cpio.gz:/boot/initrd-b.cpio.gz" \
	--file "$KIMAGE:/boot/Image" \
	--file "$KGZ:/boot/Image.gz" \
	--file "$LOGDIR/vmlinuz.efi:/boot/vmlinuz.efi"

run_variant() {
	local v=$1 kernel fwseed=yes extra_append='' opts='' qemu_extra=() log rc
	case $v in
		gz-nokaslr) kernel=Image.gz; extra_append=nokaslr ;;
		zboot-noseed) kernel=vmlinuz.efi; fwseed=no
			qemu_extra=(-M dtb-randomness=off) ;;
		image-forced) kernel=Image; opts=-t,Image ;;
		*) kk_die "unknown variant '$v'" ;;
	esac
	log=$LOGDIR/$v.log
	echo "== arm64-boot/$v: /boot/$kernel, firmware seed $fwseed (log $log)"
	set +e
	"$HERE/qemu-run.sh" --arch arm64 --kernel "$KIMAGE" --initrd "$LOGDIR/initrd-a.cpio.gz" \
		--smp 2 --mem 1G --timeout "$TIMEOUT" --log "$log" \
		--append "console=ttyAMA0 kktest=arm64-boot kktest.stage=0 kktest.kernel=$kernel kktest.fwseed=$fwseed ${opts:+kktest.kexecopts=$opts} $extra_append panic=-1" \
		-- ${qemu_extra[@]+"${qemu_extra[@]}"}
	rc=$?
	set -e
	local n="arm64-boot/$v"
	vm_qemu_ok "$n" $rc
	vm_check_guest "$log" "$n"
	assert_log "$log" 'KKTEST: PASS kexec -l /boot/.* \(kexec_load\) succeeded' "$n: A loaded B with kexec_load" || true
	assert_log "$log" '^  [0-9]+ +0x[0-9a-f]+-0x[0-9a-f]+ .* dtb$' "$n: the plan has a dtb segment" || true
	assert_log "$log" 'arm64-boot: stage 1 \(kernel B\)' "$n: B ran stage 1" || true
	assert_log "$log" 'KKTEST: PASS /chosen/bootargs is our command line' "$n: B has our command line" || true
	assert_log "$log" 'KKTEST: PASS initrd bytes match' "$n: B has our initrd bytes" || true
	assert_log "$log" 'KKTEST: PASS System RAM bytes as in stage 0' "$n: B sees the same RAM" || true
	assert_log "$log" 'KKTEST: PASS CPUs online as in stage 0 \(2\)' "$n: B brought up both CPUs" || true
	assert_log "$log" 'KKTEST: PASS B consumed the kaslr-seed' "$n: B used our fresh kaslr-seed" || true
	case $v in
		gz-nokaslr) assert_log "$log" 'KKTEST: PASS nokaslr left the firmware kaslr-seed unwiped' \
			"$n: A ran with an unwiped firmware kaslr-seed" || true ;;
		zboot-noseed) assert_log "$log" 'KKTEST: PASS firmware passed no kaslr-seed' \
			"$n: A had no firmware kaslr-seed" || true ;;
	esac
	echo "   key lines:"
	grep -aE 'KASLR|segments, entry|^  [0-9]+ +0x|KKTEST: (PASS|FAIL)|^A: |^B: |Bye|Starting new kernel|Linux version' "$log" |
		sed 's/^/     /' || true
}

for v in $VARIANTS; do
	run_variant "$v"
done
echo "logs: $LOGDIR"
vm_summary
