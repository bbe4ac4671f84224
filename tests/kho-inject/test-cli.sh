#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kho-inject's command line: exit statuses, error lines, atomic batches,
# hostile files, and the running-kernel input through a fake sysroot.
# Prints TAP. Run from the build directory (make check does), or set
# KHO_INJECT to the binary.
set -u

KI=${KHO_INJECT:-$PWD/kho-inject/kho-inject}
unset KEXEC_KHO_SYSROOT
# shellcheck source=tests/cli/tap-lib.sh
. "$(dirname "$0")/../cli/tap-lib.sh"

# run ARGS...: kho-inject with stdout/stderr in files, status in $rc.
run() {
	"$KI" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
has() { grep -qF -- "$1" "$2"; }
lines() { wc -l <"$1" | tr -d ' '; }

if [ ! -x "$KI" ]; then
	echo "1..0 # SKIP $KI not built"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/kho-inject-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck disable=SC2034 # what tap-lib.sh's not_ok shows: run's files
tap_diag="$T/err $T/out"

# Bytes in the order this CPU stores a u32, as the kernel writes them.
le32() { printf "\\$(printf %03o $(($1 & 255)))\\000\\000\\000"; }
# Overwrite bytes at an offset of a file.
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

echo "1..41"

# ---- usage ----
run --help
check "--help exits 0 and lists the subcommands" \
	test "$rc" = 0 -a -n "$(grep -F 'validate [--abi kho-vN]' "$T/out")"
run
check "no subcommand is a usage error (2)" test "$rc" = 2
run -i x frob
check "an unknown subcommand is a usage error naming it" \
	eval 'test "$rc" = 2 && has "unknown subcommand \"frob\"" "$T/err"'
run -o "$T/new.fdt" new
check "new without --abi is a usage error" test "$rc" = 2
run -o "$T/new.fdt" new --abi v4
check "new with a malformed --abi is a usage error" test "$rc" = 2
run -o "$T/new.fdt" new --abi kho-v4 --mem-map 0
check "new --mem-map 0 is a usage error" test "$rc" = 2
run -i x -o "$T/d" dump
check "-o with a text subcommand is a usage error" test "$rc" = 2
run -i x set / a
check "set with two arguments is a usage error" \
	eval 'test "$rc" = 2 && has "PATH PROP VALUE" "$T/err"'
run -i x add-node /a -- -- add-node /b
check "an empty edit in a batch is a usage error" test "$rc" = 2
if command -v script >/dev/null 2>&1; then
	script -qec "$KI new --abi kho-v4" /dev/null >"$T/out" 2>&1
	rc=$?
	check "binary output to a terminal is refused (2)" \
		eval 'test "$rc" = 2 && has "terminal" "$T/out"'
else
	skip "binary output to a terminal is refused (2)" "no script(1)"
fi

# ---- new, edits, output ----
run -o "$T/new.fdt" new --abi kho-v4
check "new writes a tree" test "$rc" = 0 -a -s "$T/new.fdt"
run -i "$T/new.fdt" validate --abi kho-v4
check "new's tree validates with its --abi" \
	eval 'test "$rc" = 0 && has "valid KHO FDT" "$T/out"'
run -i "$T/new.fdt" dump
check "dump shows the memory-map placeholder" \
	has "preserved-memory-map = u64:0xfffffffffffff000;" "$T/out"
"$KI" new --abi kho-v4 --mem-map 0x7000 | "$KI" -i - validate >"$T/out" 2>"$T/err"
check "new to a pipe, validate from stdin" \
	eval 'test "$?" = 0 && has "-: valid KHO FDT" "$T/out"'

run -i "$T/new.fdt" -o "$T/a.fdt" add-node /mydata -- \
	set /mydata preserved-data 0x7f000000 -- \
	set /mydata blob-size u64:4096 -- set / note str:hello -- \
	set / cells cells:'<1 2>' -- set / raw hex:0a0b
check "a batch of edits succeeds" test "$rc" = 0
run -i "$T/a.fdt" dump
check "dump shows each typed value" eval '
	has "preserved-data = u64:0x7f000000;	// physical address" "$T/out" &&
	has "blob-size = u64:0x1000;	// 4 KiB" "$T/out" &&
	has "note = \"hello\";" "$T/out" && has "cells = <0x1 0x2>;" "$T/out" &&
	has "raw = [0a 0b];" "$T/out"'
run -i "$T/a.fdt" validate
check "the edited tree is still a valid KHO FDT" test "$rc" = 0
if command -v dtc >/dev/null 2>&1; then
	dtc -I dtb -O dts -o "$T/a.dts" "$T/a.fdt" 2>"$T/err"
	check "dtc reads the output" eval 'test $? = 0 && grep -q "mydata {" "$T/a.dts"'
else
	skip "dtc reads the output" "no dtc"
fi

# ---- atomicity ----
cp "$T/a.fdt" "$T/keep.fdt"
run -i "$T/a.fdt" -o "$T/keep.fdt" add-node /x -- del-prop / missing
check "a failing edit fails the batch with one line naming it" eval '
	test "$rc" = 1 && test "$(lines "$T/err")" = 1 &&
	has "edit 2 (del-prop)" "$T/err" && has "has no property missing" "$T/err"'
check "the failed batch left the output file unchanged" cmp -s "$T/a.fdt" "$T/keep.fdt"
run -i "$T/a.fdt" -o "$T/absent.fdt" add-node /x -- set /x p nonsense
check "a bad value fails the batch and names the value" \
	eval 'test "$rc" = 1 && has "value \"nonsense\" has no type" "$T/err"'
check "the failed batch created no output file" test ! -e "$T/absent.fdt"
check "no temporary file is left behind" \
	test -z "$(ls "$T" | grep -E '\.fdt\.[A-Za-z0-9]{6}$')"
run -i "$T/a.fdt" -o "$T/a.fdt" del-node /mydata
check "-o may be the input file" eval '
	test "$rc" = 0 && ! "$KI" -i "$T/a.fdt" dump | grep -q mydata'

# ---- hostile input ----
head -c 100 "$T/new.fdt" >"$T/trunc.fdt"
run -i "$T/trunc.fdt" dump
check "a truncated file is one error line naming it" eval '
	test "$rc" = 1 && test "$(lines "$T/err")" = 1 &&
	has "$T/trunc.fdt: truncated" "$T/err"'
cp "$T/new.fdt" "$T/magic.fdt"
poke "$T/magic.fdt" 0 '\000\000\000\000'
run -i "$T/magic.fdt" set / a 1
check "wrong magic is refused with exit 1" \
	eval 'test "$rc" = 1 && has "$T/magic.fdt: bad magic 0x00000000" "$T/err"'
cp "$T/new.fdt" "$T/big.fdt"
poke "$T/big.fdt" 4 '\177\377\377\377'
run -i "$T/big.fdt" validate
check "an oversized totalsize is one problem line from validate" eval '
	test "$rc" = 1 && test "$(lines "$T/out")" = 1 && has "truncated" "$T/out"'
cp "$T/new.fdt" "$T/strings.fdt"
poke "$T/strings.fdt" 32 '\000\001\000\000'
run -i "$T/strings.fdt" dump
check "a strings block past the end is refused" \
	eval 'test "$rc" = 1 && has "strings block" "$T/err"'
: >"$T/empty.fdt"
run -i "$T/empty.fdt" dump
check "an empty file is refused" test "$rc" = 1
run -i "$T/nonexistent.fdt" dump
check "a missing input names the file" \
	eval 'test "$rc" = 1 && has "$T/nonexistent.fdt" "$T/err"'
run -i "$T/new.fdt" -o "$T/p.fdt" set relative/path a 1
check "a relative path is refused, named, exit 1" \
	eval 'test "$rc" = 1 && has "bad path \"relative/path\"" "$T/err"'

# ---- validate ----
"$KI" -i "$T/new.fdt" -o "$T/bad.fdt" set / compatible str:kho-vX -- \
	add-node /a -- set /a preserved-data u32:1 -- add-node /b 2>/dev/null
run -i "$T/bad.fdt" validate
check "validate lists every problem, one line each, exit 1" eval '
	test "$rc" = 1 && test "$(lines "$T/out")" = 3 &&
	has "$T/bad.fdt: /: KHO FDT root compatible" "$T/out" &&
	has "$T/bad.fdt: /a: " "$T/out" && has "$T/bad.fdt: /b: " "$T/out"'
run -i "$T/new.fdt" validate --abi kho-v3
check "validate --abi reports a mismatch" \
	eval 'test "$rc" = 1 && has "not \"kho-v3\" (--abi)" "$T/out"'

# ---- diff and merge ----
run diff "$T/new.fdt" "$T/new.fdt"
check "diff of a tree with itself: exit 0, no output" test "$rc" = 0 -a ! -s "$T/out"
"$KI" -i "$T/new.fdt" -o "$T/b.fdt" add-node /x -- \
	set / preserved-memory-map 0x2000 2>/dev/null
run -i "$T/new.fdt" diff "$T/b.fdt"
check "diff lists changes with exit 1" eval '
	test "$rc" = 1 && has "+ /x/ (node)" "$T/out" &&
	has "~ / preserved-memory-map: u64:0xfffffffffffff000 -> u64:0x2000" "$T/out"'
run -i "$T/new.fdt" -o "$T/m.fdt" merge "$T/b.fdt"
check "a merge conflict is reported and refused" eval '
	test "$rc" = 1 && has "conflict: /: property preserved-memory-map" "$T/err" &&
	test ! -e "$T/m.fdt"'
run -i "$T/new.fdt" -o "$T/m.fdt" merge --force "$T/b.fdt"
check "merge --force takes the other values" eval '
	test "$rc" = 0 && has "overridden" "$T/err" &&
	"$KI" diff "$T/m.fdt" "$T/b.fdt" >/dev/null'

# ---- the running kernel's tree, through a fake sysroot ----
R=$T/root
mkdir -p "$R/sys/kernel/debug/kho/out/sub_fdts" "$R/proc"
"$KI" -o "$T/kernel.fdt" new --abi kho-v4 --mem-map 0x1234000 -- \
	add-node /kexec-metadata -- set /kexec-metadata preserved-data 0x2000000 -- \
	set /kexec-metadata blob-size 73
{ le32 1; printf '7.3.4'; head -c 60 /dev/zero; le32 3; } \
	>"$R/sys/kernel/debug/kho/out/sub_fdts/kexec-metadata"
head -c 100 "$T/kernel.fdt" >"$R/sys/kernel/debug/kho/out/fdt"
run --sysroot "$R" dump
check "a truncated debugfs copy is refused, saying so" \
	eval 'test "$rc" = 1 && has "is truncated: 100 of" "$T/err"'
cp "$T/kernel.fdt" "$R/sys/kernel/debug/kho/out/fdt"
KEXEC_KHO_SYSROOT=$R "$KI" dump >"$T/out" 2>"$T/err"
check "dump of the kernel's tree decodes kexec-metadata" eval '
	test $? = 0 && has "previous release: \"7.3.4\"" "$T/out" &&
	has "kexec count: 3" "$T/out"'
run --sysroot "$R" -o "$T/k2.fdt" set /kexec-metadata blob-size 80
check "edits read the kernel's tree when no -i is given" eval '
	test "$rc" = 0 && "$KI" diff "$T/kernel.fdt" "$T/k2.fdt" | grep -q "u64:0x49 -> u64:0x50"'

# After a KHO boot both directories hold a kexec-metadata of the same size:
# in/ is what was received, out/ this kernel's own (count one higher).
mkdir -p "$R/sys/kernel/debug/kho/in/sub_fdts"
cp "$T/kernel.fdt" "$R/sys/kernel/debug/kho/in/fdt"
{ le32 1; printf '7.3.4'; head -c 60 /dev/zero; le32 2; } \
	>"$R/sys/kernel/debug/kho/in/sub_fdts/kexec-metadata"
run --sysroot "$R" -i "$R/sys/kernel/debug/kho/in/fdt" dump
check "dump of kho/in/fdt decodes the blobs it was handed, not out/'s" eval '
	test "$rc" = 0 && has "kexec count: 2" "$T/out" && ! has "kexec count: 3" "$T/out"'

if [ "$n" != 41 ]; then
	echo "# planned 41 tests, ran $n"
	exit 1
fi
[ "$failed" = 0 ]
