#!/bin/bash
# kexec-bench.sh: our kexec_load loader against the kernel's kexec_file_load,
# side by side in one QEMU guest (see bench/README.md).
#
# usage: bench/kexec-bench.sh [--arch x86_64|arm64] [--iterations N]
#                             [--sizes 16,64] [--modes "kho nokho"] [--out DIR]
#
#   --arch        guest architecture (default x86_64)
#   --iterations  timed loads per variant and initrd size (default 5)
#   --sizes       initrd sizes in MiB, comma separated (default 16,64)
#   --modes       boots to run: "kho" (kho=on liveupdate=on reserve_mem=,
#                 test_kho active: ours vs kexec -s, and ours --checksum)
#                 and "nokho" (no KHO: ours --checksum vs the kernel's,
#                 which digests on x86_64 and never on arm64)
#   --out         output directory (default bench/out/DATE-ARCH)
#   --candidate   a static kexec build to measure beside ours and the
#                 kernel's (variants cand, candcs): try a loader change
#   --kho-scratch kho_scratch= for the KHO boot (default 400%: twice the
#                 kernel's default; "default" leaves it out, and then the
#                 kernel's loader cannot place a 64 MiB initrd in a 1 GiB
#                 guest, see bench/README.md)
#
# Boots the cached KHO test kernel (tests/vm/build-kernel.sh) under QEMU
# -accel tcg, runs bench/guest/bench.sh in it, writes the console logs,
# the raw KKBENCH lines and summary.txt to the output directory, and prints
# the summary. Not a test: it asserts nothing about speed. Exit status 1
# only if something did not run (a guest that did not finish, a load that
# failed, a missing measurement); 77 if QEMU or a kernel cannot be had.
# TCG timings are emulated: only ratios within one run mean anything.
set -euo pipefail
KK_PROG=kexec-bench
BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
VMDIR=$TOP/tests/vm
. "$VMDIR/lib.sh"
. "$VMDIR/bins.sh"

usage() { sed -n '5,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

ARCH=x86_64 ITER=5 SIZES=16,64 MODES="kho nokho" OUT='' SCRATCH=400% CAND=''
while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCH=${2:?}; shift 2 ;;
	--iterations) ITER=${2:?}; shift 2 ;;
	--sizes) SIZES=${2:?}; shift 2 ;;
	--modes) MODES=${2:?}; shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	--kho-scratch) SCRATCH=${2:?}; shift 2 ;;
	--candidate) CAND=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "kexec-bench.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[[ $ITER =~ ^[1-9][0-9]*$ ]] || kk_die "--iterations wants a positive number, got '$ITER'"
[[ $SIZES =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || kk_die "--sizes wants e.g. 16,64, got '$SIZES'"
[[ $SCRATCH =~ ^(default|[0-9]+%|[0-9]+[KMG]?,[0-9]+[KMG]?,[0-9]+[KMG]?)$ ]] ||
	kk_die "--kho-scratch wants default, NN% or LL,GG,NN (kho_scratch=), got '$SCRATCH'"
for m in $MODES; do
	case $m in kho|nokho) ;; *) kk_die "--modes: unknown mode '$m' (kho, nokho)" ;; esac
done
CANDFILE=()
if [ -n "$CAND" ]; then
	[ -x "$CAND" ] || kk_die "--candidate $CAND: not an executable file"
	file -L "$CAND" | grep -q 'statically linked' || kk_die "--candidate $CAND: not statically linked"
	CAND=$(readlink -f "$CAND")
	CANDFILE=(--file "$CAND:/bin/kexec-cand")
fi
case $ARCH in
x86_64) CC=gcc; KNAME=bzImage; QEMU=qemu-system-x86_64 ;;
arm64) CC=aarch64-linux-gnu-gcc; KNAME=Image; QEMU=qemu-system-aarch64 ;;
*) kk_die "--arch: x86_64 or arm64, got '$ARCH'" ;;
esac

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
[ -n "$OUT" ] || OUT=$BENCH/out/$STAMP-$ARCH
mkdir -p "$OUT"
T0=$(date +%s)

# 1. kernel, our static kexec, the timer helper, the initramfs
vm_require "$ARCH"
BINS=$(kk_static_bins "$ARCH")
command -v "$CC" >/dev/null 2>&1 || kk_die "no $CC to build bench/kkbench-run.c for $ARCH"
mkdir -p "$BENCH/out/bin-$ARCH"
HELPER=$BENCH/out/bin-$ARCH/kkbench-run
"$CC" -static -O2 -Wall -Wextra -o "$HELPER" "$BENCH/kkbench-run.c" ||
	kk_die "cannot build $HELPER"
INITRD=$OUT/initramfs.cpio.gz
"$VMDIR/mkinitramfs.sh" --arch "$ARCH" --out "$INITRD" --no-tests \
	--bin "$BINS/kexec" --bin "$HELPER" \
	--file "$VM_KERNEL:/boot/$KNAME" \
	--file "$BENCH/guest/bench.sh:/tests/bench.sh" ${CANDFILE[@]+"${CANDFILE[@]}"} 2> "$OUT/mkinitramfs.log" ||
	{ cat "$OUT/mkinitramfs.log" >&2; kk_die "mkinitramfs.sh failed"; }

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "host: $(uname -n), $(nproc) cpus, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $("$QEMU" --version 2>/dev/null | head -n1)"
	echo "guest kernel: $(cat "$VM_KDIR/KERNELRELEASE" 2>/dev/null || echo '?') ($VM_KERNEL)"
	echo "kexec-kho: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?') (static, from $BINS)"
	[ -z "$CAND" ] || echo "candidate: $CAND ($(sha256sum "$CAND" | cut -c1-16))"
	echo "iterations: $ITER, initrd sizes: $SIZES MiB, modes: $MODES, arch: $ARCH, kho_scratch: $SCRATCH, guest: 1 GiB, 2 vCPUs, QEMU TCG"
} > "$OUT/env.txt"

# 2. the boots: one per mode
CONSOLE=$(vm_console "$ARCH")
# Generous: a load of 64 MiB takes about a second under TCG, a digest more.
NSIZES=$(echo "$SIZES" | tr ',' '\n' | wc -l)
TIMEOUT=$(( 120 + ITER * NSIZES * 5 * 15 ))
[ "$ARCH" = arm64 ] && TIMEOUT=$((TIMEOUT * 3))
FAILED=0
: > "$OUT/raw.txt"
for mode in $MODES; do
	append="console=$CONSOLE panic=-1 kktest=bench kkbench.mode=$mode kkbench.iter=$ITER kkbench.sizes=$SIZES"
	if [ "$mode" = kho ]; then
		append="$append kho=on liveupdate=on reserve_mem=4M:4096:kkr"
		[ "$SCRATCH" = default ] || append="$append kho_scratch=$SCRATCH"
	fi
	log=$OUT/console-$mode.log
	echo "== $mode: booting $ARCH guest ($append)" >&2
	t=$(date +%s)
	set +e
	"$VMDIR/qemu-run.sh" --arch "$ARCH" --kernel "$VM_KERNEL" --initrd "$INITRD" \
		--append "$append" --log "$log" --timeout "$TIMEOUT" 2> "$OUT/qemu-$mode.log"
	rc=$?
	set -e
	echo "   $mode: $(( $(date +%s) - t )) s, QEMU status $rc" >&2
	grep -a '^KKBENCH: ' "$log" >> "$OUT/raw.txt" || true
	if [ $rc -ne 0 ]; then
		echo "FAILED: $mode: QEMU status $rc (124 = timeout); log $log" >&2
		FAILED=1
	fi
	if ! grep -q '^KKBENCH: DONE' "$log"; then
		echo "FAILED: $mode: the guest did not finish (no KKBENCH: DONE); last lines of $log:" >&2
		tail -n 15 "$log" | sed 's/^/    /' >&2
		FAILED=1
	fi
	if grep -q '^KKBENCH: FAIL' "$log"; then
		echo "FAILED: $mode: a load did not run:" >&2
		grep -A8 '^KKBENCH: FAIL' "$log" | sed 's/^/    /' >&2
		FAILED=1
	fi
	# Every variant of the mode must have ITER timed loads per size.
	nvar=2; [ "$mode" = kho ] && nvar=3
	[ "$mode" = nokho ] && [ "$ARCH" = arm64 ] && nvar=3
	if [ -n "$CAND" ]; then
		nvar=$((nvar + 1)); [ "$mode" = kho ] && nvar=$((nvar + 1))
	fi
	want=$(( ITER * NSIZES * nvar ))
	got=$(grep -c "^KKBENCH: R mode=$mode .* rc=0 " "$log" || true)
	if [ "$got" != "$want" ]; then
		echo "FAILED: $mode: $got successful timed loads, expected $want" >&2
		FAILED=1
	fi
done

# 3. the summary
{
	echo "kexec-bench: kexec_load (ours) vs kexec_file_load (the kernel's), $ARCH"
	cat "$OUT/env.txt"
	echo
	echo "NOTE: QEMU -accel tcg: every time below is emulated, so absolute figures"
	echo "say nothing about real hardware; only ratios within this one run mean"
	echo "anything. Loads were interleaved (rotating order) to cancel drift."
	echo
	grep -h '^KKBENCH: INFO' "$OUT/raw.txt" | sed 's/^KKBENCH: INFO /guest /'
	echo
	awk -v ITER="$ITER" -v ARCH="$ARCH" -f "$BENCH/summarize.awk" "$OUT/raw.txt"
} > "$OUT/summary.txt"
cat "$OUT/summary.txt"
if [ "$(dirname "$OUT")" = "$BENCH/out" ]; then
	ln -sfn "$(basename "$OUT")" "$BENCH/out/latest"
fi
echo
echo "output: $OUT (summary.txt, raw.txt, console-*.log); total $(( $(date +%s) - T0 )) s"
if [ "$FAILED" != 0 ]; then
	echo "kexec-bench: FAILED: something did not run (see above)" >&2
	exit 1
fi
