#!/bin/bash
# sha256-bench.sh [--size MIB] [--reps N]: MB/s of each SHA-256 the loader
# can use (x86 SHA-NI, arm64 SHA2 extension, the portable code) and of the
# purgatory's own build of the portable code, natively and, where
# qemu-user is installed, under QEMU's TCG for both arches (-cpu max).
# Writes bench/out/sha256/summary.txt (also printed). A measurement, not a
# test: it fails only when something did not build or run, or when the
# implementations disagree on a digest.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
SIZE=64
REPS=3
while [ $# -gt 0 ]; do
	case $1 in
	--size) SIZE=$2; shift 2 ;;
	--reps) REPS=$2; shift 2 ;;
	*) echo "usage: $0 [--size MIB] [--reps N]" >&2; exit 2 ;;
	esac
done
OUT=$HERE/out/sha256
mkdir -p "$OUT"

# The purgatory's flags (Makefile.am PURGATORY_CFLAGS_*), minus what only
# a freestanding link needs; its symbols renamed so both copies link.
RENAME="-Dsha256=pg_sha256 -Dsha256_init=pg_sha256_init -Dsha256_update=pg_sha256_update -Dsha256_final=pg_sha256_final -Dsha256_k=pg_sha256_k"
PG_COMMON="-std=gnu11 -Os -ffreestanding -fno-builtin -fno-stack-protector -fpie"
build() { # CC ARCHFLAGS OUTPUT
	local cc=$1 pgarch=$2 out=$3
	"$cc" $PG_COMMON $pgarch $RENAME -I"$TOP/purgatory" \
		-c "$TOP/purgatory/sha256.c" -o "$out.pg.o"
	"$cc" -std=gnu11 -O2 -static -I"$TOP/purgatory" -I"$TOP/kexec" \
		"$HERE/sha256-speed.c" "$TOP/kexec/sha256_hw.c" \
		"$TOP/purgatory/sha256.c" "$out.pg.o" -o "$out"
}

{
	echo "sha256-bench: $(date -u +%F) commit $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo none)"
	echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) CPUs)"
} > "$OUT/summary.txt"

build gcc "-mno-red-zone -mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only" "$OUT/speed-x86_64"
{ echo; echo "== x86_64, native"; "$OUT/speed-x86_64" "$SIZE" "$REPS"; } >> "$OUT/summary.txt"
if command -v qemu-x86_64-static >/dev/null; then
	{ echo; echo "== x86_64, QEMU TCG (qemu-x86_64-static -cpu max)"
	  qemu-x86_64-static -cpu max "$OUT/speed-x86_64" "$SIZE" "$REPS"; } >> "$OUT/summary.txt"
fi
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	build aarch64-linux-gnu-gcc "-mgeneral-regs-only -mstrict-align" "$OUT/speed-arm64"
	if command -v qemu-aarch64-static >/dev/null; then
		{ echo; echo "== arm64, QEMU TCG (qemu-aarch64-static -cpu max)"
		  qemu-aarch64-static -cpu max "$OUT/speed-arm64" "$SIZE" "$REPS"; } >> "$OUT/summary.txt"
	fi
fi
cat "$OUT/summary.txt"
