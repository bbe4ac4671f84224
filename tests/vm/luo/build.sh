#!/bin/bash
# build.sh HEADERS OUT [ARCH]: build luo-memfd (static) for ARCH (x86_64,
# the default, or arm64: cross-built with aarch64-linux-gnu-gcc) against
# the uapi headers of that arch's test kernel (VM_HEADERS from lib.sh's
# vm_require; they have linux/liveupdate.h, which Debian 12's
# linux-libc-dev lacks, and the right asm/ headers for ARCH).
# Rebuilds only when the source or the headers are newer than OUT, or OUT
# is a program of another arch. $CC overrides the compiler.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
HEADERS=${1:?usage: build.sh HEADERS_INCLUDE_DIR OUT [x86_64|arm64]}
OUT=${2:?usage: build.sh HEADERS_INCLUDE_DIR OUT [x86_64|arm64]}
ARCH=${3:-x86_64}
SRC=$HERE/luo-memfd.c

case $ARCH in
	x86_64) cc=${CC:-gcc}; machine='x86-64' ;;
	arm64)  cc=${CC:-aarch64-linux-gnu-gcc}; machine='ARM aarch64' ;;
	*) echo "build.sh: unknown ARCH '$ARCH' (want x86_64 or arm64)" >&2; exit 1 ;;
esac
[ -f "$HEADERS/linux/liveupdate.h" ] ||
	{ echo "build.sh: no $HEADERS/linux/liveupdate.h (test kernel headers missing)" >&2; exit 1; }
command -v "$cc" >/dev/null 2>&1 ||
	{ echo "build.sh: no $cc to build the $ARCH luo-memfd (tests/install-deps.sh)" >&2; exit 1; }
if [ -x "$OUT" ] && [ "$OUT" -nt "$SRC" ] && [ "$OUT" -nt "$HEADERS/linux/liveupdate.h" ] &&
	file -L "$OUT" | grep -q "$machine"; then
	exit 0
fi
mkdir -p "$(dirname "$OUT")"
"$cc" -static -O2 -Wall -Wextra -Werror -isystem "$HEADERS" -o "$OUT.tmp" "$SRC"
file -L "$OUT.tmp" | grep -q "$machine" ||
	{ echo "build.sh: $cc did not make a $ARCH program: $(file -L "$OUT.tmp")" >&2; rm -f "$OUT.tmp"; exit 1; }
mv "$OUT.tmp" "$OUT"
