#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kho-inject's command line, round two: -i/-o after the subcommand, what
# -o does to the file it replaces, typos in values and ABIs that used to
# pass, version-16 trees, and big trees. TAP; run by make check from the
# build directory (or set KHO_INJECT).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
KI=${KHO_INJECT:-$PWD/kho-inject/kho-inject}
unset KEXEC_KHO_SYSROOT
work=$(mktemp -d "${TMPDIR:-/tmp}/kho-inject-args.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
. "$srcdir/tests/cli/tap-lib.sh"
[ -x "$KI" ] || { echo "Bail out! no kho-inject at $KI"; exit 1; }

check() {
	local desc=$1
	shift
	if "$@" >"$work/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
mode() { stat -c %a "$1"; }

"$KI" -o "$work/new.fdt" new --abi kho-v4 --mem-map 0x1000 ||
	{ echo "Bail out! kho-inject new failed"; exit 1; }

# ---- -i and -o after the subcommand ----
expect "new --abi kho-v4 -o F writes F" 0 "" -- \
	"$KI" new --abi kho-v4 -o "$work/after.fdt"
check "... the same tree as -o before the subcommand" \
	cmp "$work/after.fdt" "$work/new.fdt" -s -n 0
check "... and it validates" "$KI" -i "$work/after.fdt" validate
expect "validate -i F" 0 "valid KHO FDT" -- "$KI" validate -i "$work/new.fdt"
expect "--input=F and --output F after an edit" 0 "" -- \
	"$KI" set / note str:x --input="$work/new.fdt" --output "$work/set.fdt"
expect "... the edit is in the output" 0 'note = "x"' -- \
	"$KI" dump -i"$work/set.fdt"
expect "-o twice is a usage error naming both" 2 "-o given twice" -- \
	"$KI" -o "$work/a" new --abi kho-v4 -o "$work/b"
expect "-o at the end without a file is a usage error" 2 "needs a file" -- \
	"$KI" new --abi kho-v4 -o
expect "-o after a text subcommand is still refused" 2 "prints text" -- \
	"$KI" validate -i "$work/new.fdt" -o "$work/x"

# ---- -o and the file it replaces ----
cp "$work/new.fdt" "$work/mode.fdt"
chmod 0640 "$work/mode.fdt"
expect "-o replacing a file works" 0 "" -- \
	"$KI" -i "$work/new.fdt" -o "$work/mode.fdt" set / a u32:1
check "... and keeps its mode (0640)" test "$(mode "$work/mode.fdt")" = 640
ln -s "$work/mode.fdt" "$work/link.fdt"
expect "-o to a symlink writes the file it points at" 0 "" -- \
	"$KI" -i "$work/new.fdt" -o "$work/link.fdt" set / b u32:2
check "... the link is still a link" test -L "$work/link.fdt"
check "... its target has the edit" \
	eval '"$KI" -i "$work/mode.fdt" dump | grep -q "b = "'
check "... and kept its mode" test "$(mode "$work/mode.fdt")" = 640
check "... and no temporary file is left beside the link" \
	test -z "$(ls "$work" | grep -E '\.fdt\.[A-Za-z0-9]{6}$')"
expect "-o /dev/stdout redirected to a file" 0 "" -- \
	sh -c "'$KI' -i '$work/new.fdt' -o /dev/stdout set / c u32:3 >'$work/stdout.fdt'"
check "... and holds the tree" "$KI" -i "$work/stdout.fdt" validate

# ---- values and ABIs ----
expect "cells:1,,2 is refused" 1 "empty cell" -- \
	"$KI" -i "$work/new.fdt" -o "$work/c.fdt" set / c cells:1,,2
expect "cells:1, 2 is two cells" 0 "" -- \
	"$KI" -i "$work/new.fdt" -o "$work/c.fdt" set / c "cells:1, 2"
expect "new --abi with ten digits is refused, as kexec refuses it" 2 \
	"not kho-v<N>" -- "$KI" -o "$work/x.fdt" new --abi kho-v1234567890
expect "validate --abi with ten digits is refused the same way" 2 \
	"not kho-v<N>" -- "$KI" -i "$work/new.fdt" validate --abi kho-v1234567890

# ---- version 16 ----
# Version and last compatible version at 20 and 24.
cp "$work/new.fdt" "$work/v16.fdt"
poke "$work/v16.fdt" 20 '\000\000\000\020\000\000\000\020'
expect "a version-16 tree validates" 0 "valid KHO FDT" -- \
	"$KI" -i "$work/v16.fdt" validate
expect "a version-16 tree is edited" 0 "" -- \
	"$KI" -i "$work/v16.fdt" -o "$work/v16e.fdt" add-node /x -- set /x p u32:1
expect "... the result holds the edit and its old properties" 0 \
	"compatible = \"kho-v4\"" -- "$KI" -i "$work/v16e.fdt" dump
# Strings: "preserved-memory-map\0compatible\0" (32 bytes); size 21 at
# offset 32 leaves "compatible" past the block.
cp "$work/v16.fdt" "$work/v16bad.fdt"
poke "$work/v16bad.fdt" 32 '\000\000\000\025'
expect "a v16 name past size_dt_strings is refused by validate" 1 \
	"outside the strings block" -- "$KI" -i "$work/v16bad.fdt" validate
expect "... and by an edit, one line naming the file" 1 \
	"v16bad.fdt: a property name lies outside the strings block" -- \
	"$KI" -i "$work/v16bad.fdt" -o "$work/x.fdt" set / a u32:1

# ---- a big valid tree ----
# 600 KiB of property under a valid root: validate checked a copy grown
# to twice that and reported it as over the 1 MiB a KHO FDT may have.
head -c 614400 /dev/zero >"$work/pad"
expect "a 600 KiB valid tree is built" 0 "" -- \
	"$KI" -i "$work/new.fdt" -o "$work/big.fdt" set / pad @"$work/pad"
expect "... and validates, with no size complaint" 0 "valid KHO FDT" -- \
	"$KI" -i "$work/big.fdt" validate

tap_end
