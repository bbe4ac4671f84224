#!/usr/bin/env bash
# kexec's command line against fixture roots: plans, exit codes and the
# one-line errors users see. TAP output; run by make check.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$srcdir/tests/cli/tap-lib.sh"
cli_setup
fixture=$nokho
# Errors are one line on stderr, starting "kexec: ".
one_line_error() {
	local desc=$1
	shift
	"$@" >"$work/stdout" 2>"$work/out"
	if [ $? = 0 ]; then
		not_ok "$desc (exit 0)"
	elif [ "$(wc -l <"$work/out")" != 1 ] || ! grep -q '^kexec: ' "$work/out"; then
		not_ok "$desc (stderr is not one 'kexec:' line)"
	else
		ok "$desc"
	fi
}

"$mkbz" "$work/bz" || { echo "Bail out! mkbzimage failed"; exit 1; }
head -c 3000000 /dev/urandom >"$work/initrd"

K=("$bin" --sysroot "$fixture")

expect "dry run prints a plan and loads nothing" 0 "dry run: nothing loaded" -- \
	"${K[@]}" -l --dry-run "$work/bz" --initrd "$work/initrd" --append "console=ttyS0"
for seg in kernel initrd purgatory; do
	if grep -qE "^  [0-9]+ +0x.* $seg" "$work/out"; then ok "plan has a $seg segment"
	else not_ok "plan has a $seg segment"; fi
done
"${K[@]}" -l --dry-run "$work/bz" --initrd "$work/initrd" >"$work/out" 2>&1
if plan_inside "0x1000-0x9fbff 0x100000-0x3ffdffff"; then ok "every segment lies in RAM"
else not_ok "every segment lies in RAM"; fi

"${K[@]}" -l --dry-run --mem-min=0x10000000 --mem-max=0x20000000 "$work/bz" \
	--initrd "$work/initrd" >"$work/out" 2>&1
if plan_inside "0x10000000-0x1fffffff"; then ok "--mem-min and --mem-max bound every segment"
else not_ok "--mem-min and --mem-max bound every segment"; fi

expect "--reuse-cmdline with -l loads" 0 "" -- \
	"${K[@]}" -l --dry-run -d --reuse-cmdline --append extra=1 "$work/bz"
# kexec-tools' meaning: only BOOT_IMAGE= goes; crashkernel= stays for -l.
expect "--reuse-cmdline drops BOOT_IMAGE, keeps crashkernel, then --append" 0 \
	'"root=/dev/vda1 ro crashkernel=256M console=ttyS0 quiet extra=1"' -- \
	"${K[@]}" -s -l --dry-run --reuse-cmdline --append extra=1 "$work/bz"

one_line_error "missing kernel file" "${K[@]}" -l --dry-run "$work/nope"
expect "missing kernel file is named" 1 "nope" -- "${K[@]}" -l --dry-run "$work/nope"
head -c 100000 /dev/urandom >"$work/garbage"
expect "garbage is not a kernel image" 1 "garbage.*not a kernel image|not a kernel image" -- \
	"${K[@]}" -l --dry-run "$work/garbage"
one_line_error "garbage image: one error line" "${K[@]}" -l --dry-run "$work/garbage"
"$mkbz" "$work/old" version=0x20a
expect "boot protocol older than 2.12 rejected" 1 "2\\.12" -- "${K[@]}" -l --dry-run "$work/old"
"$mkbz" "$work/nomagic" magic=XXXX
expect "bzImage without HdrS rejected" 1 "^kexec: " -- "${K[@]}" -l --dry-run "$work/nomagic"
"$mkbz" "$work/trunc" truncate=4000
expect "truncated bzImage rejected" 1 "trunc" -- "${K[@]}" -l --dry-run "$work/trunc"
"$mkbz" "$work/no64" xloadflags=0
expect "kernel without 64-bit entry rejected" 1 "64" -- "${K[@]}" -l --dry-run "$work/no64"
"$mkbz" "$work/norel" relocatable=0
expect "non-relocatable kernel rejected" 1 "relocatable" -- "${K[@]}" -l --dry-run "$work/norel"
"$mkbz" "$work/short" cmdline_size=16
expect "command line longer than cmdline_size rejected" 1 "command line" -- \
	"${K[@]}" -l --dry-run "$work/short" --append "console=ttyS0 loglevel=8 extra=words"
expect "missing initrd is named" 1 "missing-initrd" -- \
	"${K[@]}" -l --dry-run "$work/bz" --initrd "$work/missing-initrd"
expect "forced unknown type rejected" 1 "type" -- "${K[@]}" -l --dry-run -t zImage "$work/bz"
# -S and -e read the fixture root only in the test build (--sysroot goes
# with --dry-run in kexec itself); no syscall may reach the kernel here.
expect "-l -S with nothing loaded says so, exit 0" 0 "not loaded" -- \
	env KEXEC_TEST_SYSCALLS= "${KEXEC_TEST_BIN:-$bin-test}" --sysroot "$fixture" -l -S
# kexec-tools' -S: exit 1 when loaded, 0 when not; alone it asks about the
# crash kernel, with -l about the normal one.
status_root() { # NORMAL CRASH (a value, or "none" for no file)
	rm -rf "$work/st" && mkdir -p "$work/st/sys/kernel"
	echo "$1" >"$work/st/sys/kernel/kexec_loaded"
	[ "$2" = none ] || echo "$2" >"$work/st/sys/kernel/kexec_crash_loaded"
}
S=(env KEXEC_TEST_SYSCALLS= "${KEXEC_TEST_BIN:-$bin-test}" --sysroot "$work/st")
status_root 1 0
expect "-l -S: the normal kernel is loaded, exit 1" 1 "^loaded" -- "${S[@]}" -l -S
expect "-S: the crash kernel is not, exit 0" 0 "not loaded" -- "${S[@]}" -S
status_root 0 1
expect "-S: the crash kernel is loaded, exit 1" 1 "^loaded" -- "${S[@]}" -S
expect "-S -l (either order): the normal one is not, exit 0" 0 "not loaded" -- "${S[@]}" -S -l
status_root 0 none
expect "-S on a kernel without crash support: exit 255, names CONFIG_CRASH_DUMP" 255 \
	"kexec_crash_loaded does not exist.*CONFIG_CRASH_DUMP" -- "${S[@]}" -S
expect "-S with -e conflicts" 1 "conflicting actions" -- "${S[@]}" -S -e
# kdump's call: named as not supported yet, not as an unknown option.
for p in -p --load-panic; do
	expect "$p is refused as not supported, not unknown" 1 \
		"^kexec: -p \(--load-panic\) is not supported by kexec-kho yet" -- \
		"$bin" $p --initrd "$work/bz" "$work/bz"
done
expect "-e with nothing loaded fails before rebooting" 1 "nothing is loaded" -- \
	env KEXEC_TEST_SYSCALLS= "${KEXEC_TEST_BIN:-$bin-test}" --sysroot "$fixture" -e -x -y
expect "--kho without KHO in the running kernel fails" 1 "kho|KHO" -- \
	"${K[@]}" -l --dry-run --kho "$work/bz"
expect "no KHO: plan says it is not handing over" 0 "not handing over" -- \
	"${K[@]}" -l --dry-run "$work/bz"
expect "--help shows usage" 0 "Usage: kexec" -- "$bin" --help
expect "--version names the project" 0 "kexec-kho" -- "$bin" --version
expect "unknown option is refused" 1 "--bogus" -- "$bin" -l --bogus "$work/bz"

# KHO from a root whose debugfs FDT is complete (no kcore there): 320 MiB
# of scratch in a 1 GiB guest.
kho=$srcdir/tests/fixtures/kho-qemu
KK=("$bin" --sysroot "$kho")
expect "KHO root: plan hands over the complete debugfs copy" 0 "handing over kho-v4, complete debugfs copy" -- \
	"${KK[@]}" -l --dry-run "$work/bz" --initrd "$work/initrd"
if plan_inside "0x29c00000-0x38bfffff 0x38c00000-0x3dbfffff"; then ok "with KHO every segment lies in scratch"
else not_ok "with KHO every segment lies in scratch"; fi
expect "with KHO the plan shows the scratch left free" 0 "KHO scratch left free for the next kernel: [0-9]+ MiB of 320 MiB" -- \
	"${KK[@]}" -l --dry-run "$work/bz"
head -c 300000000 /dev/zero >"$work/big-initrd"
expect "an initrd that fills scratch is refused" 1 "leave [0-9]+ MiB of KHO scratch free.*needs at least [0-9]+ MiB" -- \
	"${KK[@]}" -l --dry-run "$work/bz" --initrd "$work/big-initrd"
expect "... unless --force, which still warns" 0 "warning: the segments leave" -- \
	"${KK[@]}" -l --dry-run -f "$work/bz" --initrd "$work/big-initrd"
head -c 340000000 /dev/zero >"$work/huge-initrd"
expect "an initrd larger than scratch names the scratch" 1 "cannot place initrd.*scratch regions: 320 MiB in all" -- \
	"${KK[@]}" -l --dry-run "$work/bz" --initrd "$work/huge-initrd"
head -c 250000000 /dev/zero >"$work/mid-initrd"
expect "a load leaving less than the estimated need warns" 0 "warning: the segments leave [0-9]+ MiB of KHO scratch free; the next kernel may need about 84 MiB" -- \
	"${KK[@]}" -l --dry-run "$work/bz" --initrd "$work/mid-initrd"
head -c 100000000 /dev/zero >"$work/mid-initrd"
"${KK[@]}" -l --dry-run "$work/bz" --initrd "$work/mid-initrd" >"$work/out" 2>&1
if grep -q warning "$work/out"; then not_ok "a load leaving enough scratch does not warn"
else ok "a load leaving enough scratch does not warn"; fi
# A kernel with less scratch (128 MiB): half of it, 64 MiB, is the estimate.
cp -r "$kho" "$work/small-kho"
chmod -R u+w "$work/small-kho"
printf '0x5000000\n0x0\n0x3000000\n' >"$work/small-kho/sys/kernel/debug/kho/out/scratch_len"
head -c 70000000 /dev/zero >"$work/mid-initrd"
expect "the estimate is half of a small kernel scratch" 0 "may need about 64 MiB" -- \
	"$bin" --sysroot "$work/small-kho" -l --dry-run "$work/bz" --initrd "$work/mid-initrd"
rm -f "$work/big-initrd" "$work/huge-initrd" "$work/mid-initrd"
expect "--no-kho on a KHO root does not hand over" 0 "not handing over" -- \
	"${KK[@]}" -l --dry-run --no-kho "$work/bz"
expect "a truncated debugfs FDT and no kcore: clear error" 1 "truncated.*kexec -s" -- \
	"$bin" --sysroot "$srcdir/tests/fixtures/kho-qemu-truncated" -l --dry-run "$work/bz"

tap_end
