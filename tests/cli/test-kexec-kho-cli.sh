#!/usr/bin/env bash
# kexec's KHO extras on the command line, against fixture roots (dry runs
# only): --kho-blob on a KHO kernel, and --kho-scratch with a kho-inject
# FDT on a kernel without KHO. TAP output; run by make check.
#   tests/fixtures/cli-x86_64  a QEMU guest with 1 GiB, no KHO
#   tests/fixtures/kho-qemu    the same guest with kho=on (scratch, out/fdt)
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$srcdir/tests/cli/tap-lib.sh"
cli_setup
# The non-empty scratch regions -d/--dry-run listed, as "start-end" (inclusive).
scratch_ranges() {
	awk "$HEX"'
	/^KHO: scratch\[[0-9]+\] 0x/ {
		s = hex($3); z = hex($5)
		if (z > 0) printf "%s0x%x-0x%x", sep, s, s + z - 1
		sep = " "
	}' "$work/out"
}

"$mkbz" "$work/bz" || { echo "Bail out! mkbzimage failed"; exit 1; }
[ -x "$inject" ] || { echo "Bail out! no kho-inject at $inject"; exit 1; }
"$inject" -o "$work/new.fdt" new --abi kho-v4 || { echo "Bail out! kho-inject new failed"; exit 1; }
"$inject" -o "$work/node.fdt" new --abi kho-v4 -- add-node /LUO -- \
	set /LUO preserved-data u64:0x2348000 -- set /LUO blob-size u64:0x1000 ||
	{ echo "Bail out! kho-inject new with a node failed"; exit 1; }
"$inject" -o "$work/realmap.fdt" new --abi kho-v4 --mem-map 0x2345000 ||
	{ echo "Bail out! kho-inject new --mem-map failed"; exit 1; }
head -c 300000 /dev/urandom >"$work/blob"
head -c 1000000 /dev/urandom >"$work/initrd"
: >"$work/empty"

N=("$bin" --sysroot "$nokho" -l --dry-run)
K=("$bin" --sysroot "$kho" -l --dry-run)

# ---- a kernel without KHO: --kho-scratch ----

expect "--kho-scratch 256M: the plan hands over from a kernel without KHO" 0 \
	"scratch chosen by --kho-scratch" -- \
	"${N[@]}" -d --kho-fdt "$work/new.fdt" --kho-scratch 256M \
	--kho-blob mine="$work/blob" "$work/bz" --initrd "$work/initrd"
cp "$work/out" "$work/plan256"
check "  one scratch region of 256 MiB below 4 GiB" \
	grep -qE '^KHO: scratch\[0\] 0x00000000[0-3][0-9a-f]{7} size 0x10000000$' "$work/plan256"
check "  an empty preserved-memory map, page aligned" \
	grep -qE '^KHO: empty preserved-memory map at 0x[0-9a-f]+000$' "$work/plan256"
check "  the blob is placed, with its size" \
	grep -qE '^KHO: blob mine: 300000 bytes at 0x[0-9a-f]+000$' "$work/plan256"
check "  the blob has a segment of its own" \
	grep -qE '^  [0-9]+ +0x.* kho-blob mine$' "$work/plan256"
cp "$work/plan256" "$work/out"
if plan_inside "$(scratch_ranges)"; then ok "  every segment lies inside the chosen scratch"
else not_ok "  every segment lies inside the chosen scratch"; fi

expect "--kho-scratch auto: the loader's sizing rule, low and global regions" 0 \
	"scratch chosen by the loader's sizing rule" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch auto "$work/bz" \
	--initrd "$work/initrd"
check "  two regions, [0] below 4 GiB" grep -qE '^KHO: scratch\[1\] ' "$work/out"
if plan_inside "$(scratch_ranges)"; then ok "  every segment lies inside the chosen scratch"
else not_ok "  every segment lies inside the chosen scratch"; fi

expect "--kho-scratch with addresses: kept as given" 0 \
	'^KHO: scratch\[1\] 0x0000000020000000 size 0x4000000$' -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" \
	--kho-scratch 64M@0x10000000,64M@0x20000000 "$work/bz"
check "  [0] as given too" grep -qE '^KHO: scratch\[0\] 0x0000000010000000 size 0x4000000$' "$work/out"
if plan_inside "0x10000000-0x13ffffff 0x20000000-0x23ffffff"; then
	ok "  every segment lies inside the given scratch"
else
	not_ok "  every segment lies inside the given scratch"
fi

# 1 GiB: the sizing rule wants 64 MiB + 2% free, about 84 MiB.
expect "--kho-scratch below the sizing rule: a warning, the user's choice stands" 0 \
	"warning: --kho-scratch leaves [0-9]+ MiB free .* about 84 MiB" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M "$work/bz"
expect "an FDT with a real map: replaced by the empty one, with a warning" 0 \
	"warning: .*empty map replaces it" -- \
	"${N[@]}" --kho-fdt "$work/realmap.fdt" --kho-scratch auto "$work/bz"
expect "a dry run loads nothing" 0 "not loaded" -- \
	env KEXEC_TEST_SYSCALLS= "${KEXEC_TEST_BIN:-$bin-test}" --sysroot "$nokho" -l -S

refuse "--kho-scratch needs --kho-fdt" "needs --kho-fdt" -- \
	"${N[@]}" --kho-scratch auto "$work/bz"
refuse "--kho-fdt without --kho-scratch on a kernel without KHO" "give --kho-scratch" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" "$work/bz"
refuse "--kho-blob on a kernel without KHO, no --kho-scratch" "no KHO" -- \
	"${N[@]}" --kho-blob mine="$work/blob" "$work/bz"
refuse "--kho-scratch with -s" "kexec_load" -- \
	"$bin" --sysroot "$nokho" -l -s --dry-run --kho-fdt "$work/new.fdt" \
	--kho-scratch 64M "$work/bz"
refuse "--kho-scratch with --no-kho" "conflicts" -- \
	"${N[@]}" --no-kho --kho-fdt "$work/new.fdt" --kho-scratch 64M "$work/bz"
refuse "an unaligned scratch address" "not aligned to 4 MiB" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M@0x1234000 "$work/bz"
refuse "scratch outside RAM" "not inside System RAM" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M@0x80000000 "$work/bz"
refuse "overlapping scratch regions" "overlaps" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M@0x10000000,64M@0x12000000 "$work/bz"
refuse "scratch [0] above 4 GiB" "below 4 GiB" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M@0x100000000 "$work/bz"
refuse "more scratch than RAM" "no room in RAM" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 2G "$work/bz"
refuse "a scratch region of size 0" "size 0" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M,0 "$work/bz"
refuse "too many scratch regions" "at most 8" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 4M,4M,4M,4M,4M,4M,4M,4M,4M "$work/bz"
refuse "scratch that is not SIZE[@ADDR]" "not a number" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch 64M@here "$work/bz"
refuse "an FDT with a node nothing preserves" "\"LUO\".*--kho-blob" -- \
	"${N[@]}" --kho-fdt "$work/node.fdt" --kho-scratch auto "$work/bz"
refuse "an empty blob" "is empty" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch auto --kho-blob e="$work/empty" "$work/bz"
refuse "a blob name with a slash" "NAME must be" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch auto --kho-blob a/b="$work/blob" "$work/bz"
refuse "the same blob name twice" "already has a node \"x\"" -- \
	"${N[@]}" --kho-fdt "$work/new.fdt" --kho-scratch auto --kho-blob x="$work/blob" \
	--kho-blob x="$work/blob" "$work/bz"

# ---- a kernel with KHO: --kho-blob ----

expect "--kho-blob on a KHO kernel: a copy of its FDT with the node" 0 \
	"^KHO: blob mine: 300000 bytes at 0x" -- \
	"${K[@]}" --kho-blob mine="$work/blob" "$work/bz" --initrd "$work/initrd"
check "  its source is still the kernel's FDT" grep -q '^KHO: handing over kho-v4, complete debugfs copy' "$work/out"
if plan_inside "0x38c00000-0x3dbfffff 0x29c00000-0x38bfffff"; then
	ok "  every segment, the blob's too, lies inside the kernel's scratch"
else
	not_ok "  every segment, the blob's too, lies inside the kernel's scratch"
fi
refuse "--kho-blob named like a subsystem's node" "already has a node \"kho_test\"" -- \
	"${K[@]}" --kho-blob kho_test="$work/blob" "$work/bz"
refuse "kho-inject's placeholder on a KHO kernel" "placeholder" -- \
	"${K[@]}" --kho-fdt "$work/new.fdt" "$work/bz"
refuse "--kho-scratch on a KHO kernel" "has KHO on" -- \
	"${K[@]}" --kho-fdt "$work/new.fdt" --kho-scratch auto "$work/bz"
expect "--help shows --kho-scratch" 0 "--kho-scratch=SIZE\\[@ADDR\\]" -- "$bin" --help

tap_end
