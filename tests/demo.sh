#!/bin/bash
# tests/demo.sh [--arch x86_64|arm64] [MESSAGE]: the kexec-kho demo. In QEMU
# (TCG; x86_64 q35, or arm64 virt -cpu max), kernel A preserves a memfd
# holding MESSAGE through the Live Update Orchestrator, our kexec loads
# kernel B through kexec_load and hands the Kexec HandOver state over, and
# kernel B prints the message it got back. The arch is --arch, else $ARCH
# (`make demo ARCH=arm64`), else x86_64.
#
# Run as root on Debian 12. Installs what is missing (tests/install-deps.sh),
# builds the static loader (cross-built for arm64), builds the KHO test
# kernel once (cached under /var/cache/kexec-kho, ~8 min the first time;
# later runs take well under 5 minutes). Exit 0 when the message came back
# unchanged, 1 otherwise. The serial console is kept in
# $KKTEST_LOGDIR/demo/console.log (demo-arm64/ for arm64).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
VM=$TOP/tests/vm
KK_PROG=demo

say() { printf '[demo] %s\n' "$*"; }
die() { printf '[demo] FAILED: %s\n' "$*" >&2; exit 1; }

ARCH=${ARCH:-x86_64}
case ${1:-} in
	--arch) [ $# -ge 2 ] || die "--arch needs x86_64 or arm64"; ARCH=$2; shift 2 ;;
	--arch=*) ARCH=${1#--arch=}; shift ;;
esac
case $ARCH in
	x86_64|amd64) ARCH=x86_64 QEMU=qemu-system-x86_64 ;;
	arm64|aarch64) ARCH=arm64 QEMU=qemu-system-aarch64 ;;
	*) die "unknown arch '$ARCH' (want x86_64 or arm64)" ;;
esac

MESSAGE=${1:-"Hello from kernel A ($(date -u '+%Y-%m-%d %H:%M:%S UTC')): this text lived in a memfd across kexec_load"}
case $MESSAGE in *$'\n'*) die "the message must be one line" ;; esac
[ ${#MESSAGE} -le 4096 ] || die "the message is longer than 4096 bytes"

LOGDIR=${KKTEST_LOGDIR:-${TMPDIR:-/tmp}/kexec-kho-vm-logs}/demo
[ "$ARCH" = x86_64 ] || LOGDIR=$LOGDIR-$ARCH
TIMEOUT=${KKTEST_TIMEOUT:-300}
T0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - T0 )) s"; }

# ---- tools ----
need_deps() {
	local c
	for c in gcc make autoreconf pkg-config "$QEMU" cpio rsync \
		flex bison bc file busybox; do
		command -v "$c" >/dev/null 2>&1 || return 0
	done
	for c in /usr/include/libfdt.h /usr/include/zlib.h /usr/include/libelf.h \
		/usr/include/openssl/ssl.h; do
		[ -f "$c" ] || return 0
	done
	if [ "$ARCH" = arm64 ]; then
		command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || return 0
		[ -f /usr/lib/aarch64-linux-gnu/libz.a ] || return 0
		[ -f "${KEXEC_KHO_CACHE:-/var/cache/kexec-kho}/sysroot-arm64/usr/lib/aarch64-linux-gnu/libfdt.a" ] || return 0
	fi
	return 1
}
if need_deps; then
	[ "$(id -u)" = 0 ] || die "tools are missing and only root can install them: run tests/install-deps.sh as root"
	say "installing the build and QEMU dependencies (tests/install-deps.sh)…"
	"$TOP/tests/install-deps.sh" > "${TMPDIR:-/tmp}/kexec-kho-install-deps.log" 2>&1 ||
		die "tests/install-deps.sh failed (log: ${TMPDIR:-/tmp}/kexec-kho-install-deps.log)"
fi
[ "$(id -u)" = 0 ] || say "warning: not root; the kernel cache in /var/cache/kexec-kho may not be writable"
mkdir -p "$LOGDIR"

. "$VM/lib.sh"
. "$VM/bins.sh"

# ---- the loader ----
say "building the static $ARCH loader (kexec, kho-inject)…"
BINS=$(kk_static_bins "$ARCH") || die "building the loader failed"
say "loader: $BINS/kexec ($(elapsed))"

# ---- the kernel ----
say "building the $ARCH test kernel (first time ~8 min; cached afterwards)…"
# build-kernel.sh's own progress lines (stderr) are shown and kept.
KOUT=$("$VM/build-kernel.sh" "$ARCH" 2> >(tee "$LOGDIR/build-kernel.log" | sed -u 's/^/[demo]   /' >&2)) ||
	die "the test kernel could not be built (log: $LOGDIR/build-kernel.log)"
KERNEL=$(printf '%s\n' "$KOUT" | tail -n 1)
[ -f "$KERNEL" ] || die "build-kernel.sh gave no kernel"
HEADERS=$(dirname "$KERNEL")/headers/include
[ -f "$HEADERS/linux/liveupdate.h" ] ||
	die "the kernel in $(dirname "$KERNEL") has no uapi headers (KEXEC_KHO_KERNEL_${ARCH^^} set?); unset it to build one"
say "kernel: $KERNEL ($(elapsed))"

# ---- the guest image ----
"$VM/luo/build.sh" "$HEADERS" "$LOGDIR/luo-memfd" "$ARCH" || die "building luo-memfd failed"
printf '%s\n' "$MESSAGE" > "$LOGDIR/message"
# The kernel B is loaded from: the bzImage, or on arm64 the gzip'd Image.
if [ "$ARCH" = arm64 ]; then
	KNEXT=$(dirname "$KERNEL")/Image.gz
	[ -f "$KNEXT" ] || { gzip -9 -n -c "$KERNEL" > "$LOGDIR/Image.gz"; KNEXT=$LOGDIR/Image.gz; }
	KFILE=$KNEXT:/boot/Image.gz
else
	KFILE=$KERNEL:/boot/bzImage
fi
"$VM/mkinitramfs.sh" --arch "$ARCH" --out "$LOGDIR/initramfs.cpio.gz" \
	--bin "$BINS/kexec" --bin "$LOGDIR/luo-memfd" \
	--file "$KFILE" --file "$LOGDIR/message:/etc/kk-demo-message" \
	2> "$LOGDIR/mkinitramfs.log" || die "mkinitramfs failed (log: $LOGDIR/mkinitramfs.log)"

# ---- boot ----
LOG=$LOGDIR/console.log
rm -f "$LOG"
say "booting $ARCH kernel A in QEMU (TCG, 1 GiB, 2 CPUs, kho=on liveupdate=on)…"
"$VM/qemu-run.sh" --arch "$ARCH" --kernel "$KERNEL" --initrd "$LOGDIR/initramfs.cpio.gz" \
	--append "console=$(vm_console "$ARCH") panic=-1 kho=on liveupdate=on kktest=kho-demo kktest.stage=0" \
	--log "$LOG" --timeout "$TIMEOUT" 2> "$LOGDIR/qemu.log" &
QPID=$!
trap 'kill "$QPID" 2>/dev/null || true' EXIT

# Show the guest's DEMO: lines as they come.
shown=0
show_new() {
	local lines n
	[ -f "$LOG" ] || return 0
	lines=$(tr -d '\r' < "$LOG" | sed -n 's/^DEMO: //p')
	n=$(printf '%s' "$lines" | grep -c '' || true)
	if [ "$n" -gt "$shown" ]; then
		printf '%s\n' "$lines" | tail -n +"$((shown + 1))" | while IFS= read -r l; do
			case $l in
				"A: "*) say "kernel A: ${l#A: }" ;;
				"B: "*) say "kernel B: ${l#B: }" ;;
				*) say "$l" ;;
			esac
		done
		shown=$n
	fi
}
while kill -0 "$QPID" 2>/dev/null; do
	show_new
	sleep 1
done
set +e
wait "$QPID"
rc=$?
set -e
trap - EXIT
show_new

got=$(tr -d '\r' < "$LOG" | sed -n 's/^DEMO: B: got back: //p' | head -n 1)
if [ $rc -ne 0 ]; then
	tail -n 30 "$LOG" | sed 's/^/  | /' >&2
	die "QEMU status $rc (124 = timeout after ${TIMEOUT}s); console log: $LOG"
fi
if [ "$got" != "$MESSAGE" ]; then
	grep -aE 'KKTEST: FAIL|DEMO:|KHO|kexec|luo' "$LOG" | tr -d '\r' | tail -n 30 | sed 's/^/  | /' >&2
	die "kernel B did not get the message back (console log: $LOG)"
fi
say "success: the message survived kexec_load with KHO on $ARCH ($(elapsed); console log: $LOG)"
