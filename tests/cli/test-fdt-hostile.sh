#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kexec on hostile FDTs from outside (dry runs against a fixture root):
# a version-16 tree whose property names run past size_dt_strings, as
# --kho-fdt (with and without --kho-blob) and as the debugfs copy. libfdt
# lets such a tree through and fdt_open_into() renames its properties;
# kexec must refuse it, naming the strings block. TAP; run by make check.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$srcdir/tests/cli/tap-lib.sh"
cli_setup

# refuse DESC PATTERN -- CMD...: exit 1 with PATTERN (expect), and the
# output is one "kexec: " line without $wrong, the misleading reason of old.
refuse() {
	local desc=$1 pat=$2
	shift 3
	expect "$desc" 1 "$pat" -- "$@"
	if [ "$(wc -l <"$work/out")" = 1 ] && grep -q '^kexec: ' "$work/out" &&
		! grep -qE -- "$wrong" "$work/out"; then
		ok "... in one line, not the old reason"
	else
		not_ok "... in one line, not the old reason"
	fi
}

be32() { od -An -tu1 -j"$2" -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
put32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($2 >> 24 & 255)) \
		$(($2 >> 16 & 255)) $(($2 >> 8 & 255)) $(($2 & 255)))" |
		dd of="$1" bs=1 seek="$3" conv=notrunc status=none
}
# Version 16 (offsets 20, 24) and 4 bytes off size_dt_strings (32): the
# last property name now ends past the strings block.
v16_cut() {
	put32 "$1" 16 20
	put32 "$1" 16 24
	put32 "$1" $(($(be32 "$1" 32) - 4)) 32
}

"$mkbz" "$work/bz" || { echo "Bail out! mkbzimage failed"; exit 1; }
[ -x "$inject" ] || { echo "Bail out! no kho-inject at $inject"; exit 1; }
"$inject" -o "$work/good.fdt" new --abi kho-v4 --mem-map 0x2345000 ||
	{ echo "Bail out! kho-inject new failed"; exit 1; }
cp "$work/good.fdt" "$work/bad.fdt"
v16_cut "$work/bad.fdt"
echo hello >"$work/blob"
K=("$bin" --sysroot "$kho" -l --dry-run)
# kho.c names libfdt's code; fdt_check_strerror() names the block.
strings='bad.fdt: .*strings block'
wrong='no "compatible"|no preserved-data'

expect "the good tree with --kho-blob loads" 0 "" -- \
	"${K[@]}" --kho-fdt "$work/good.fdt" --kho-blob x="$work/blob" "$work/bz"
refuse "--kho-fdt v16 with a name past the strings, with --kho-blob" \
	"$strings" -- \
	"${K[@]}" --kho-fdt "$work/bad.fdt" --kho-blob x="$work/blob" "$work/bz"
refuse "... and without" "$strings" -- \
	"${K[@]}" --kho-fdt "$work/bad.fdt" "$work/bz"

# The same defect in the kernel's debugfs copy.
cp -r "$kho" "$work/root"
chmod -R u+w "$work/root"
v16_cut "$work/root/sys/kernel/debug/kho/out/fdt"
strings='out/fdt: .*strings block'
refuse "the debugfs copy v16 with a name past the strings" "$strings" -- \
	"$bin" --sysroot "$work/root" -l --dry-run "$work/bz"
refuse "... and with --kho-blob" "$strings" -- \
	"$bin" --sysroot "$work/root" -l --dry-run --kho-blob x="$work/blob" "$work/bz"

# kho-inject reads the same trees through the same gate.
expect "kho-inject validate names the strings block" 1 \
	"bad.fdt: a property name lies outside the strings block" -- \
	"$inject" -i "$work/bad.fdt" validate
tap_end
