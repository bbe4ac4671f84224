#!/bin/bash
# build.sh HEADERS OUT: build luo-memfd (static, x86_64) against the uapi
# headers of the test kernel (VM_HEADERS from lib.sh's vm_require; they
# have linux/liveupdate.h, which Debian 12's linux-libc-dev lacks).
# Rebuilds only when the source or the headers are newer than OUT.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
HEADERS=${1:?usage: build.sh HEADERS_INCLUDE_DIR OUT}
OUT=${2:?usage: build.sh HEADERS_INCLUDE_DIR OUT}
SRC=$HERE/luo-memfd.c

[ -f "$HEADERS/linux/liveupdate.h" ] ||
	{ echo "build.sh: no $HEADERS/linux/liveupdate.h (test kernel headers missing)" >&2; exit 1; }
if [ -x "$OUT" ] && [ "$OUT" -nt "$SRC" ] && [ "$OUT" -nt "$HEADERS/linux/liveupdate.h" ]; then
	exit 0
fi
mkdir -p "$(dirname "$OUT")"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -isystem "$HEADERS" -o "$OUT.tmp" "$SRC"
mv "$OUT.tmp" "$OUT"
