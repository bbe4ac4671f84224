#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kho-inject on big trees: validate and merge of FDTs of several shapes at
# a small and the largest accepted size (16 MiB), natively. Prints the
# time per shape and size and the ratio of the big to the small: linear
# code gives about the size ratio (16), quadratic its square (256). A
# benchmark, not a test: it fails only when something did not run.
#   bench/kho-inject-bench.sh [KHO_INJECT] [SHAPES]
# KHO_INJECT defaults to ./kho-inject/kho-inject (run from a build
# directory); SHAPES to "props nodes deep huge" (see fdt-shapes.c).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ki=${1:-./kho-inject/kho-inject}
shapes=${2:-props nodes deep huge}
small=$((1 << 20)) big=$((16 << 20))
[ -x "$ki" ] || { echo "kho-inject-bench: no kho-inject at $ki" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kho-inject-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
# shellcheck disable=SC2046
$cc -O2 -o "$work/fdt-shapes" "$here/fdt-shapes.c" \
	$(pkg-config --cflags --libs libfdt 2>/dev/null || echo -lfdt)
"$ki" -o "$work/empty.fdt" new --abi kho-v1 --mem-map 0x1000

# secs CMD...: CPU seconds (user + system) of one run; its status is
# ignored (validate exits 1 on these trees: they are no valid KHO FDTs).
secs() {
	/usr/bin/time -f '%U %S' -o "$work/t" "$@" >/dev/null 2>&1 || true
	# GNU time puts "Command exited with non-zero status" first.
	tail -n 1 "$work/t" | awk '{ printf "%.2f", $1 + $2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b / (a > 0.005 ? a : 0.005) }'; }

printf '%-6s %-22s %9s %9s %7s\n' shape operation "1 MiB" "16 MiB" ratio
for s in $shapes; do
	for size in $small $big; do
		"$work/fdt-shapes" "$s" "$size" "$work/$s-$size.fdt"
	done
	for op in validate merge-new merge-self; do
		for size in $small $big; do
			f=$work/$s-$size.fdt
			case $op in
			validate) t=$(secs "$ki" -i "$f" validate) ;;
			merge-new) t=$(secs "$ki" -i "$work/empty.fdt" -o "$work/out.fdt" merge "$f") ;;
			merge-self) t=$(secs "$ki" -i "$f" -o "$work/out.fdt" merge "$f") ;;
			esac
			eval "t_$size=\$t"
		done
		eval "a=\$t_$small b=\$t_$big"
		printf '%-6s %-22s %8ss %8ss %7s\n' "$s" "$op" "$a" "$b" "$(ratio "$a" "$b")"
	done
done
