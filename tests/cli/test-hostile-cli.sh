#!/usr/bin/env bash
# Hostile input and failing syscalls, round two (issue 10): messages that
# name the real problem, bounded reads of streamed inputs, test hooks kept
# out of kexec itself, and every errno of kexec_load, kexec_file_load and
# reboot through the test build's seam (kexec/sysfault.h), with the KHO
# staleness record unchanged after each failure. TAP; run by make check.
#   $KEXEC_BIN       kexec as installed: no hooks
#   $KEXEC_TEST_BIN  kexec-test: --sysroot with any action, the hooks, and
#                    KEXEC_TEST_SYSCALLS deciding what each syscall returns
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$srcdir/tests/cli/tap-lib.sh"
cli_setup

# check DESC CMD...: a test of its own made of a shell condition.
check() {
	local desc=$1
	shift
	if "$@" >"$work/out" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

[ -x "$tbin" ] || { echo "Bail out! no test build at $tbin (make kexec/kexec-test)"; exit 1; }
"$mkbz" "$work/bz" || { echo "Bail out! mkbzimage failed"; exit 1; }
head -c 1000000 /dev/urandom >"$work/initrd"
echo blob >"$work/blob"
nokho=$fx/cli-x86_64
D=("$bin" --sysroot "$nokho" -l --dry-run)

# ---- item 4: messages that name the real problem ----

refuse "-Zl names -Z, not the word before it" "unknown option '-Z'" -- "$bin" -Zl "$work/bz"
refuse "-l -Zd names -Z, not -l" "unknown option '-Z'" -- "$bin" -l -Zd "$work/bz"
refuse "--mem-max=0 is refused, not taken as no limit" "--mem-max '0'" -- \
	"${D[@]}" --mem-max=0 "$work/bz"
refuse "--kho-blob ..=F names the option and the name" "--kho-blob '\.\.=\.\.\.': NAME must be" -- \
	"$bin" --sysroot "$fx/kho-qemu" -l --dry-run --kho-blob ..="$work/blob" "$work/bz"
mkdir -p "$work/top/proc"
{ cat "$fx/iomem-only/proc/iomem"; echo "ffffffffffffffff-ffffffffffffffff : System RAM"; } \
	>"$work/top/proc/iomem"
refuse "a range at the last address in /proc/iomem is named, not out of memory" \
	"/proc/iomem: line [0-9]+: a range at ffffffffffffffff, the last 64-bit address" -- \
	"$bin" --sysroot "$work/top" -l --dry-run "$work/bz"
cp -r "$nokho" "$work/fwtop"
chmod -R u+w "$work/fwtop"
mkdir "$work/fwtop/sys/firmware/memmap/99"
echo 0xffffffffffffffff >"$work/fwtop/sys/firmware/memmap/99/start"
echo 0xffffffffffffffff >"$work/fwtop/sys/firmware/memmap/99/end"
echo "System RAM" >"$work/fwtop/sys/firmware/memmap/99/type"
refuse "... and in /sys/firmware/memmap" "memmap/99: a range at ffffffffffffffff" -- \
	"$bin" --sysroot "$work/fwtop" -l --dry-run "$work/bz"

# ---- item 5: bounded reads ----

refuse "/dev/zero as initrd stops at the KHO scratch it would need" \
	"initrd /dev/zero: more than 320 MiB, all the KHO scratch segments may use" -- \
	"$bin" --sysroot "$fx/kho-qemu" -l --dry-run "$work/bz" --initrd /dev/zero
refuse "/dev/zero as kernel stops at the kernel limit" \
	"kernel /dev/zero: more than 512 MiB, the most kexec reads" -- \
	"${D[@]}" /dev/zero
refuse "a limit from --mem-max bounds the read too" \
	"initrd /dev/zero: more than 16 MiB, all the memory segments may use" -- \
	"${D[@]}" --mem-min=16M --mem-max=32M "$work/bz" --initrd /dev/zero
expect "an initrd from a pipe within the limit is loaded" 0 " initrd$" -- \
	sh -c 'head -c 2000000 /dev/urandom | "$@" --initrd /dev/stdin' sh "${D[@]}" "$work/bz"

# ---- item 6: test hooks only in the test build ----

# Should the refusal break, none of these may reach the kernel: the kernel
# file does not exist and the fixture says nothing is loaded (-u is left
# to the unit tests: it would unload whatever this machine has loaded).
refuse "kexec refuses --sysroot with a real -l" "--sysroot goes with --dry-run only" -- \
	"$bin" --sysroot "$nokho" -l "$work/none"
refuse "kexec refuses --sysroot with a real -e" "--sysroot goes with --dry-run only" -- \
	"$bin" --sysroot "$nokho" -e
refuse "kexec refuses --sysroot with -S" "--sysroot goes with --dry-run only" -- \
	"$bin" --sysroot "$nokho" -S
refuse "kexec refuses --sysroot with load-and-exec" "--sysroot goes with --dry-run only" -- \
	"$bin" --sysroot "$nokho" "$work/none"
refuse "kexec has no --test-corrupt-segment" "unknown option '--test-corrupt-segment=initrd'" -- \
	"${D[@]}" --checksum --test-corrupt-segment=initrd "$work/bz" --initrd "$work/initrd"
refuse "... not even with a real -l" "unknown option '--test-corrupt-segment" -- \
	"$bin" -l --test-corrupt-segment=initrd "$work/none"
# A root with a kexec_loaded kexec could only fail on: if the environment
# picked the root, the error would name it.
mkdir -p "$work/envroot/sys/kernel"
echo garbage >"$work/envroot/sys/kernel/kexec_loaded"
KEXEC_KHO_SYSROOT=$work/envroot "$bin" -S >"$work/out" 2>&1
if grep -q "$work" "$work/out"; then not_ok "kexec -S never takes its root from KEXEC_KHO_SYSROOT"
else ok "kexec -S never takes its root from KEXEC_KHO_SYSROOT"; fi
expect "the test build has the corrupt-segment hook" 1 "cannot corrupt segment 'nope'" -- \
	"$tbin" --sysroot "$nokho" -l --dry-run --test-corrupt-segment=nope "$work/bz"

# ---- item 7: every errno of each syscall, and the state after it ----

# A KHO root (complete debugfs FDT) of our own: loads write its record.
root=$work/kho
cp -r "$fx/kho-qemu" "$root"
chmod -R u+w "$root"
echo 1 >"$root/sys/kernel/kexec_loaded"
rec=$root/run/kexec-kho/loaded
T=(env KEXEC_TEST_SYSCALLS= "$tbin" --sysroot "$root" -x -y)

# sys CALLS -- ARGS...: the test build with these syscall outcomes.
sys() {
	local calls=$1
	shift 2
	env KEXEC_TEST_SYSCALLS="$calls" "$tbin" --sysroot "$root" -x -y "$@"
}

refuse "an unnamed syscall never reaches the kernel (ENOSYS)" "kexec_load: not implemented" -- \
	"${T[@]}" -l "$work/bz"
[ ! -e "$rec" ] && ok "... and writes no record" || not_ok "... and writes no record"
sys kexec_load=0 -- -l "$work/bz" --initrd "$work/initrd" >"$work/out" 2>&1
check "a load that succeeds writes the staleness record" test -s "$rec"
cp "$rec" "$work/rec0"
touch -d @1000000000 "$rec"

# same_record DESC: the record is byte for byte and by mtime what it was.
same_record() {
	if [ -f "$rec" ] && cmp -s "$rec" "$work/rec0" &&
		[ "$(stat -c %Y "$rec")" = 1000000000 ]; then
		ok "$1"
	else
		not_ok "$1"
	fi
}

# fails CALL ERRNO PATTERN -- ARGS...: one line naming the call and the
# advice for ERRNO, and the record untouched.
fails() {
	local call=$1 errno=$2 pat=$3
	shift 4
	refuse "$call $errno: $pat" "^kexec: $pat" -- sys "$call=$errno" -- "$@"
	same_record "  $call $errno leaves the record as it was"
}

L=(-l "$work/bz" --initrd "$work/initrd")
fails kexec_load EBUSY "kexec_load: busy: .*wait for it and run kexec again" -- "${L[@]}"
fails kexec_load EINVAL "kexec_load: invalid argument: .*overlapping segments.*--dry-run -d" -- "${L[@]}"
fails kexec_load ENOMEM "kexec_load: out of memory: .*free memory" -- "${L[@]}"
fails kexec_load EPERM "kexec_load: not permitted: run as root.*kexec_load_disabled.*kexec -s" -- "${L[@]}"
fails kexec_load EADDRNOTAVAIL "kexec_load: address not available: .*page aligned.*report it" -- "${L[@]}"
fails kexec_load EACCES "kexec_load: permission denied by a security policy" -- "${L[@]}"
fails kexec_load EFAULT "kexec_load: bad address: .*loader bug" -- "${L[@]}"
fails kexec_load ENOSYS "kexec_load: not implemented: .*CONFIG_KEXEC.*kexec -s" -- "${L[@]}"
fails kexec_load ENOEXEC "kexec_load: exec format error" -- "${L[@]}"

F=(-l -s "$work/bz" --initrd "$work/initrd")
fails kexec_file_load EPERM "kexec_file_load: not permitted: run as root.*signed" -- "${F[@]}"
fails kexec_file_load EBUSY "kexec_file_load: busy: .*run kexec again" -- "${F[@]}"
fails kexec_file_load EINVAL "kexec_file_load: invalid argument: .*kexec_load \(-c\)" -- "${F[@]}"
fails kexec_file_load ENOEXEC "kexec_file_load: exec format error: .*kexec_load \(-c" -- "${F[@]}"
fails kexec_file_load EKEYREJECTED "kexec_file_load: signature rejected: .*sign it" -- "${F[@]}"
fails kexec_file_load EBADMSG "kexec_file_load: bad signature: .*sign the image again" -- "${F[@]}"
fails kexec_file_load ENOKEY "kexec_file_load: unknown key: " -- "${F[@]}"
fails kexec_file_load ENOMEM "kexec_file_load: out of memory: " -- "${F[@]}"
fails kexec_file_load ENOSYS "kexec_file_load: not implemented: .*CONFIG_KEXEC_FILE" -- "${F[@]}"
# -a falls back to kexec_load, which fails too: still nothing changes.
refuse "-a: kexec_file_load ENOEXEC, then kexec_load EBUSY: the second error" \
	"^kexec: kexec_load: busy" -- sys kexec_file_load=ENOEXEC,kexec_load=EBUSY -- -l -a "$work/bz"
same_record "  ... and the record is as it was"

fails reboot EINVAL "reboot into the loaded kernel: no kernel is loaded; load one with kexec -l" -- -e
fails reboot EBUSY "reboot into the loaded kernel: busy: .*run kexec -e again" -- -e
fails reboot EPERM "reboot into the loaded kernel: not permitted: run as root" -- -e
fails reboot EIO "reboot into the loaded kernel: the kernel could not prepare the handover" -- -e
# kexec -e takes the network down before the jump; a reboot that fails
# brings up again what was up (and only that), in a namespace of our own.
unshare -rn sh -c 'ip link add v0 type veth peer name v1 && ip link set v0 up &&
	env KEXEC_TEST_SYSCALLS=reboot=EBUSY "$1" --sysroot "$2" -y -e 2>/dev/null
	ip -o link show v0; ip -o link show v1' sh "$tbin" "$root" >"$work/out" 2>&1
if grep -qE '^[0-9]+: v0@v1: <([^>]*,)?UP[,>]' "$work/out" &&
	! grep -qE '^[0-9]+: v1@v0: <([^>]*,)?UP[,>]' "$work/out"; then
	ok "a failed reboot brings the interfaces it took down up again"
else
	not_ok "a failed reboot brings the interfaces it took down up again"
fi
fails kexec_unload EBUSY "unload: busy: " -- -u
fails kexec_unload EPERM "unload: not permitted: " -- -u

# A load that succeeds but cannot write its record unloads again.
mv "$root/run/kexec-kho" "$work/recdir"
echo "not a directory" >"$root/run/kexec-kho"
refuse "a record that cannot be written: the load is undone" \
	"cannot record the KHO state for kexec -e, so nothing was loaded" -- \
	sys kexec_load=0,kexec_unload=0 -- "${L[@]}"
rm "$root/run/kexec-kho"
mv "$work/recdir" "$root/run/kexec-kho"

# The successes change what the failures did not: the checks above can fail.
sys kexec_file_load=0 -- "${F[@]}" >"$work/out" 2>&1
check "kexec_file_load that succeeds clears the record (the kernel's own FDT)" test ! -e "$rec"
sys kexec_load=0 -- "${L[@]}" >"$work/out" 2>&1
sys kexec_unload=0 -- -u >"$work/out" 2>&1
check "an unload that succeeds clears the record" test ! -e "$rec"

tap_end
