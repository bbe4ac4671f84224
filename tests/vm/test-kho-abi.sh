#!/bin/bash
# test-kho-abi.sh [arm64]: a next kernel with another KHO ABI, end to end
# in QEMU (TCG; arm64 on virt -cpu max, 2 CPUs, 1 GiB). The host copies the test kernel's Image and patches its KHO ABI
# string (KHO_FDT_COMPATIBLE, read from the kernel source: kho-v4 in 7.3)
# to kho-v9 wherever it lies NUL-terminated; kernel A (kho=on, a
# reserve_mem region to preserve) runs tests/vm/tests/khoabi.sh:
#   A  kexec --dry-run --kho of the unpatched Image.gz takes the handover;
#      kexec -l of the patched Image is refused in one line naming
#      kho-v9 and kho-v4, nothing loaded; with --kho-accept-loss it loads
#      with one warning, and A kexecs into it
#   B  (the patched kernel) logs the handover as incompatible with
#      'kho-v9', "disabling KHO revival", and does not revive 'kkr'
# arm64 only: an Image is the kernel's bytes as they run, so a patched
# copy still boots; a bzImage's payload is compressed (xz here) and its
# decompressor sized for it, so x86_64 is covered by unit and CLI tests.
# Prints "N passed, N failed"; exit 1 on failure, 77 (skip) when QEMU or a
# kernel cannot be had and $CI is unset. Logs: $KKTEST_LOGDIR/khoabi-arm64/.
set -euo pipefail
ARCH=${1:-arm64}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/bins.sh"

[ "$ARCH" = arm64 ] || { echo "usage: test-kho-abi.sh [arm64] (got '$ARCH')" >&2; exit 2; }
KK_PROG=test-kho-abi
LOGROOT=${KKTEST_LOGDIR:-${TMPDIR:-/tmp}/kexec-kho-vm-logs}
LOGDIR=$LOGROOT/khoabi-$ARCH
# Two kernels, one of them loaded twice (dry run, real): a minute or two.
TIMEOUT=${KKTEST_TIMEOUT:-300}
mkdir -p "$LOGDIR"
BASE="console=$(vm_console "$ARCH") panic=-1 kktest=khoabi kktest.stage=0"
RMEM="reserve_mem=4M:4096:kkr"

# count FILE STRING: how many times STRING followed by a NUL is in FILE.
count() {
	S=$2 perl -0777 -ne 'my $n = () = /\Q$ENV{S}\E\0/g; print "$n\n"' "$1"
}

# patch_abi IN OUT FROM TO: OUT is IN with every "FROM\0" made "TO\0".
patch_abi() {
	FROM=$3 TO=$4 perl -0777 -pe 's/\Q$ENV{FROM}\E\0/$ENV{TO}\0/g' "$1" > "$2"
}

run_abi() {
	local a b
	vm_boot abi "$BASE kkabi=$ABI kho=on $RMEM"
	vm_kernels "$LOG" 2
	a=$(vm_section "$LOG" 0) b=$(vm_section "$LOG" 1)
	assert_log "$a" 'KKTEST: PASS the unpatched Image.gz takes the handover' "A: the unpatched Image.gz takes the handover" || true
	assert_log "$a" 'KKTEST: PASS the kho-v9 Image refused: exit [1-9]+, one-line error' "A: the kho-v9 Image is refused in one line" || true
	assert_log "$a" "stderr\\| kexec: /boot/Image-v9: its KHO ABI is kho-v9, the running kernel hands over $ABI; " "A: the refusal names both ABIs" || true
	assert_log "$a" 'KKTEST: PASS the kho-v9 Image refused: kexec -l -S says not loaded' "A: nothing loaded after the refusal" || true
	assert_log "$a" 'KKTEST: PASS load: kexec --kho-accept-loss -l exit 0' "A: --kho-accept-loss loads it" || true
	assert_log "$a" 'KKTEST: PASS one warning that the state will be dropped' "A: with one warning that the state will be dropped" || true
	assert_log "$b" "KHO: setup: handover FDT \\(0x[0-9a-f]+\\) is incompatible with 'kho-v9'" "B: the kho-v9 kernel finds the handover incompatible" || true
	assert_log "$b" 'KHO: disabling KHO revival' "B: disabling KHO revival" || true
	refute_log "$b" 'KHO: found kexec handover data' "B: did not take the handover" || true
	refute_log "$b" "Revived memory reservation 'kkr' from KHO" "B: the reserve_mem region was not revived" || true
}

# ---- main ----

T0=$(date +%s)
vm_require "$ARCH"
ABI=$(vm_kho_abi)
[ "$ABI" != kho-v9 ] || kk_die "the test kernel's own ABI is kho-v9: pick another number to patch in"

V9=$LOGDIR/Image-v9
patch_abi "$VM_KERNEL" "$V9" "$ABI" kho-v9
n4=$(count "$VM_KERNEL" "$ABI") n9=$(count "$V9" kho-v9) left=$(count "$V9" "$ABI")
if [ "$n4" -ge 1 ] && [ "$n9" = "$n4" ] && [ "$left" = 0 ] &&
	[ "$(stat -c %s "$V9")" = "$(stat -c %s "$VM_KERNEL")" ]; then
	vm_pass "Image-v9: $n4 '$ABI' strings of the Image made 'kho-v9', same size"
else
	vm_fail "Image-v9: '$ABI' x$n4 in the Image, 'kho-v9' x$n9 and '$ABI' x$left in the copy"
fi
KGZ=$VM_KDIR/Image.gz
[ -f "$KGZ" ] || { gzip -9 -n -c "$VM_KERNEL" > "$LOGDIR/Image.gz"; KGZ=$LOGDIR/Image.gz; }

BINS=$(kk_static_bins "$ARCH")
INITRD=$LOGDIR/initramfs.cpio.gz
"$HERE/mkinitramfs.sh" --arch "$ARCH" --out "$INITRD" \
	--bin "$BINS/kexec" --bin "$BINS/kho-inject" \
	--file "$V9:/boot/Image-v9" --file "$KGZ:/boot/Image.gz"
echo "$ARCH kernel $VM_KERNEL ($ABI), binaries $BINS, setup $(( $(date +%s) - T0 )) s"

CASE_NAME=abi
fails=$VM_FAIL
run_abi
vm_check_guest "$LOG" "$CASE_NAME"
if [ "$VM_FAIL" -ne "$fails" ]; then
	echo "  ---- tail of $LOG ----"
	tail -n 40 "$LOG" | sed 's/^/  | /'
fi

echo "logs: $LOGDIR; total $(( $(date +%s) - T0 )) s"
vm_summary
