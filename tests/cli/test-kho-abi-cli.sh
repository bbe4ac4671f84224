#!/usr/bin/env bash
# Can the next kernel take the handover? kexec --dry-run against fixture
# roots with fake bzImages whose compressed kernel holds kho-v4 (the
# fixture's ABI), another kho-vN, none, or cannot be read. TAP output;
# run by make check.
#   tests/fixtures/kho-qemu    a QEMU guest with kho=on, out/fdt kho-v4
#   tests/fixtures/cli-x86_64  the same guest without KHO
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$srcdir/tests/cli/tap-lib.sh"
cli_setup

# loads DESC PATTERN WARN -- CMD...: exit 0, PATTERN on stdout, and on
# stderr exactly one warning matching WARN, or nothing when WARN is "".
loads() {
	local desc=$1 pat=$2 warn=$3 rc
	shift 4
	"$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
	cat "$work/stdout" "$work/stderr" >"$work/out"
	if [ "$rc" != 0 ]; then
		not_ok "$desc (exit $rc, wanted 0)"
	elif ! grep -qE -- "$pat" "$work/stdout"; then
		not_ok "$desc (no '$pat' in the plan)"
	elif [ -z "$warn" ] && [ -s "$work/stderr" ]; then
		not_ok "$desc (a warning)"
	elif [ -n "$warn" ] && { [ "$(wc -l <"$work/stderr")" != 1 ] ||
		! grep -qE -- "^kexec: warning: .*$warn" "$work/stderr"; }; then
		not_ok "$desc (stderr is not one warning matching '$warn')"
	else
		ok "$desc"
	fi
}

for tool in xz zstd lz4; do
	command -v $tool >/dev/null ||
		{ echo "Bail out! $tool not installed (tests/install-deps.sh installs it)"; exit 1; }
done
[ -x "$inject" ] || { echo "Bail out! no kho-inject at $inject"; exit 1; }
mk() { "$mkbz" "$@" || { echo "Bail out! mkbzimage $* failed"; exit 1; }; }

# Fake vmlinux bytes for the other tools to compress: ABI string or none.
vmlinux() { # OUT [ABI]
	{ head -c 200000 /dev/zero | tr '\0' 'x'
	  [ -n "${2:-}" ] && printf '%s\0' "$2"
	  head -c 100000 /dev/zero | tr '\0' 'y'; } >"$1"
}
vmlinux "$work/v4" kho-v4
vmlinux "$work/v9" kho-v9
vmlinux "$work/none"
# As the kernel build compresses (scripts/Makefile.lib, xz_wrap.sh).
xz --check=crc32 --x86 --lzma2=dict=1MiB -c "$work/v4" >"$work/v4.xz"
xz --format=lzma -9 -c "$work/none" >"$work/none.lzma"
zstd -q -19 -c "$work/v9" >"$work/v9.zst"
lz4 -q -l -c "$work/v4" >"$work/v4.lz4"

mk "$work/bz"			# gzip, kho-v4
mk "$work/bz9" abi=kho-v9
mk "$work/bz0" abi=none
mk "$work/raw" comp=raw
mk "$work/xz" kernel-file="$work/v4.xz"
mk "$work/lzma" kernel-file="$work/none.lzma"
mk "$work/zst" kernel-file="$work/v9.zst"
mk "$work/lz4" kernel-file="$work/v4.lz4"
# A real map: these go to a kernel with KHO (the placeholder is for --kho-scratch).
"$inject" -o "$work/v5map.fdt" new --abi kho-v5 --mem-map 0x2345000 ||
	{ echo "Bail out! kho-inject new failed"; exit 1; }
"$inject" -o "$work/v4map.fdt" new --abi kho-v4 --mem-map 0x2345000 ||
	{ echo "Bail out! kho-inject new failed"; exit 1; }
head -c 4096 /dev/zero >"$work/blob"
"$inject" -o "$work/v4.fdt" new --abi kho-v4 ||
	{ echo "Bail out! kho-inject new failed"; exit 1; }

K=("$bin" --sysroot "$kho" -l --dry-run)
N=("$bin" --sysroot "$nokho" -l --dry-run)

# ---- the same ABI ----
loads "gzip payload with kho-v4: the next kernel takes the handover" \
	'^KHO: the next kernel takes kho-v4$' "" -- "${K[@]}" "$work/bz"
loads "xz payload (x86 BCJ) with kho-v4: taken" \
	'^KHO: the next kernel takes kho-v4$' "" -- "${K[@]}" --kho "$work/xz"
loads "  -d without --dry-run shows the verdict too" \
	'^KHO: the next kernel takes kho-v4$' "" -- \
	"$bin" --sysroot "$kho" -l -d --dry-run "$work/bz"

# ---- another ABI, or none ----
refuse "gzip payload with kho-v9: refused" \
	"/bz9: its KHO ABI is kho-v9, the running kernel hands over kho-v4; .*--kho-accept-loss" -- \
	"${K[@]}" "$work/bz9"
refuse "zstd payload with kho-v9: refused" "/zst: its KHO ABI is kho-v9" -- \
	"${K[@]}" "$work/zst"
refuse "no kho-vN at all: the next kernel has no KHO" \
	"/bz0: it has no KHO .*CONFIG_KEXEC_HANDOVER" -- "${K[@]}" "$work/bz0"
refuse "lzma payload without kho-vN: no KHO" "/lzma: it has no KHO" -- \
	"${K[@]}" "$work/lzma"
refuse "--kho-fdt kho-v5 onto a kho-v4 kernel: refused, naming the file's ABI" \
	"its KHO ABI is kho-v4, the --kho-fdt file hands over kho-v5" -- \
	"${K[@]}" --kho-fdt "$work/v5map.fdt" "$work/bz"
loads "--kho-accept-loss: kho-v9 loads, with one warning" \
	'^KHO: the next kernel cannot take kho-v4: its KHO ABI is kho-v9$' \
	"its KHO ABI is kho-v9, .*will drop the preserved state \\(--kho-accept-loss\\)" -- \
	"${K[@]}" --kho-accept-loss "$work/bz9"
loads "--kho-accept-loss: no KHO loads, with one warning" \
	'^KHO: handing over kho-v4' "it has no KHO" -- \
	"${K[@]}" --kho --kho-accept-loss "$work/bz0"

# ---- could not tell ----
loads "unknown compression, KHO by default: loads with one 'could not tell' warning" \
	'^KHO: could not tell whether the next kernel takes kho-v4: .*no compression kexec-kho knows' \
	"could not tell whether it can take the KHO handover .*--kho makes this an error" -- \
	"${K[@]}" "$work/raw"
refuse "unknown compression with --kho: refused" \
	"/raw: could not tell whether it can take the KHO handover \\(its bzImage payload starts with .*--kho-accept-loss" -- \
	"${K[@]}" --kho "$work/raw"
refuse "lz4 payload with --kho: refused, naming lz4" \
	"compressed with lz4, which kexec-kho cannot read" -- \
	"${K[@]}" --kho "$work/lz4"
refuse "  --kho-fdt asks for the handover as --kho does" "could not tell" -- \
	"${K[@]}" --kho-fdt "$work/v4map.fdt" "$work/raw"
refuse "  and so does --kho-blob" "could not tell" -- \
	"${K[@]}" --kho-blob mine="$work/blob" "$work/raw"
loads "unknown compression, --kho --kho-accept-loss: loads with a warning" \
	'could not tell' "could not tell .*\\(--kho-accept-loss\\)" -- \
	"${K[@]}" --kho --kho-accept-loss "$work/raw"

# ---- no handover: no check ----
loads "--no-kho: a kernel without KHO loads, unchecked" \
	'^KHO: not handing over$' "" -- "${K[@]}" --no-kho "$work/bz0"
loads "a running kernel without KHO: nothing to hand over, unchecked" \
	'^KHO: not handing over$' "" -- "${N[@]}" "$work/bz0"

# ---- --kho-scratch: a handover from a kernel without KHO ----
refuse "--kho-scratch to a kho-v9 kernel: refused" \
	"its KHO ABI is kho-v9, the --kho-fdt file hands over kho-v4" -- \
	"${N[@]}" --kho-fdt "$work/v4.fdt" --kho-scratch auto "$work/bz9"
loads "--kho-scratch to a kho-v4 kernel: taken" \
	'^KHO: the next kernel takes kho-v4$' "" -- \
	"${N[@]}" --kho-fdt "$work/v4.fdt" --kho-scratch auto "$work/bz"

tap_end
