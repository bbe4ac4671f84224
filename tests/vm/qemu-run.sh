#!/bin/bash
# qemu-run.sh: boot a kernel + initramfs under QEMU (TCG only, never KVM) and
# write the serial console to a log file.
#
# usage: qemu-run.sh --arch ARCH --kernel K --initrd I --append "CMDLINE" --log FILE
#                    [--timeout SEC] [--uefi] [--numa] [--mem 1G] [--smp 2]
#                    [--interactive] [-- extra qemu args...]
#
#   --arch      x86_64 (q35) or arm64 (virt, -cpu max)
#   --timeout   kill QEMU after SEC seconds (default 300) -> exit status 124
#   --uefi      boot through firmware: OVMF on x86_64, QEMU_EFI/AAVMF on arm64
#   --numa      two NUMA nodes, memory split in half, CPUs split in half
#   --interactive  console on the terminal (stdin), still logged
# Exit status: QEMU's (0 after a guest poweroff), 124 on timeout.
# KKTEST_VERBOSE=1 also copies the console to stdout.
# KKTEST_QEMU_MACHINE overrides -M (default: q35 on x86_64, virt,acpi=off on arm64).
# Later "-- -M ..." options merge with ours (e.g. -M virt,dtb-randomness=off).
set -euo pipefail
KK_PROG=qemu-run
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

usage() { sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

ARCH= KERNEL= INITRD= APPEND= LOG= TIMEOUT=300 UEFI=0 NUMA=0 MEM=1G SMP=2 INTERACTIVE=0
EXTRA=()
while [ $# -gt 0 ]; do
	case $1 in
		--arch)    ARCH=${2:?}; shift 2 ;;
		--kernel)  KERNEL=${2:?}; shift 2 ;;
		--initrd)  INITRD=${2:?}; shift 2 ;;
		--append)  APPEND=${2?}; shift 2 ;;
		--log)     LOG=${2:?}; shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--uefi)    UEFI=1; shift ;;
		--numa)    NUMA=1; shift ;;
		--mem)     MEM=${2:?}; shift 2 ;;
		--smp)     SMP=${2:?}; shift 2 ;;
		--interactive) INTERACTIVE=1; shift ;;
		--) shift; EXTRA=("$@"); break ;;
		-h|--help) usage ;;
		*) echo "qemu-run.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$ARCH" ] && [ -n "$KERNEL" ] && [ -n "$LOG" ] || usage
[ -f "$KERNEL" ] || kk_die "kernel $KERNEL not found"
[ -z "$INITRD" ] || [ -f "$INITRD" ] || kk_die "initrd $INITRD not found"
[[ $TIMEOUT =~ ^[0-9]+$ ]] || kk_die "--timeout wants seconds, got '$TIMEOUT'"
[[ $SMP =~ ^[0-9]+$ ]] && [ "$SMP" -ge 1 ] || kk_die "--smp wants a number, got '$SMP'"

# Memory in MiB (accepts 1G, 1024M, 1024).
case $MEM in
	*[Gg]) MEM_MB=$(( ${MEM%[Gg]} * 1024 )) ;;
	*[Mm]) MEM_MB=${MEM%[Mm]} ;;
	*[0-9]) MEM_MB=$MEM ;;
	*) kk_die "--mem wants e.g. 1G or 1536M, got '$MEM'" ;;
esac

case $ARCH in
	x86_64)
		QEMU=qemu-system-x86_64
		kk_need_cmd "$QEMU" qemu-system-x86
		CMD=("$QEMU" -accel tcg -M "${KKTEST_QEMU_MACHINE:-q35}" -cpu max)
		if [ "$UEFI" = 1 ]; then
			fw=/usr/share/ovmf/OVMF.fd
			[ -f "$fw" ] || kk_need_pkgs ovmf
			[ -f "$fw" ] || kk_die "no $fw (package ovmf)"
			CMD+=(-bios "$fw")
		fi ;;
	arm64)
		QEMU=qemu-system-aarch64
		kk_need_cmd "$QEMU" qemu-system-arm
		# pauth-impdef: same pointer-auth semantics, much cheaper under TCG.
		# acpi=off: with ACPI tables, UEFI firmware hands the kernel a stub DT
		# (no CPUs, no PL011); our kernel has no ACPI and then crashes silently.
		CMD=("$QEMU" -accel tcg -M "${KKTEST_QEMU_MACHINE:-virt,acpi=off}" -cpu max,pauth-impdef=on)
		if [ "$UEFI" = 1 ]; then
			fw=
			for f in /usr/share/qemu-efi-aarch64/QEMU_EFI.fd /usr/share/AAVMF/AAVMF_CODE.fd; do
				[ -f "$f" ] && { fw=$f; break; }
			done
			if [ -z "$fw" ]; then
				kk_need_pkgs qemu-efi-aarch64
				fw=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
			fi
			[ -f "$fw" ] || kk_die "no arm64 UEFI firmware (package qemu-efi-aarch64)"
			CMD+=(-bios "$fw")
		fi ;;
	*) kk_die "unknown --arch '$ARCH' (want x86_64 or arm64)" ;;
esac

CMD+=(-m "${MEM_MB}M" -smp "$SMP" -nographic -no-reboot -monitor none)
if [ "$INTERACTIVE" = 1 ]; then
	CMD+=(-serial mon:stdio)
else
	CMD+=(-serial stdio)
fi
if [ "$NUMA" = 1 ]; then
	half=$((MEM_MB / 2))
	c0=$(( (SMP + 1) / 2 ))             # node0: cpus 0..c0-1, node1: the rest
	n0=(-object "memory-backend-ram,id=m0,size=${half}M" -numa "node,nodeid=0,memdev=m0,cpus=0-$((c0 - 1))")
	n1=(-object "memory-backend-ram,id=m1,size=$((MEM_MB - half))M" -numa "node,nodeid=1,memdev=m1")
	[ "$SMP" -ge 2 ] && n1[3]="${n1[3]},cpus=$c0-$((SMP - 1))"
	CMD+=("${n0[@]}" "${n1[@]}")
fi
CMD+=(-kernel "$KERNEL")
[ -n "$INITRD" ] && CMD+=(-initrd "$INITRD")
CMD+=(-append "$APPEND")
CMD+=(${EXTRA[@]+"${EXTRA[@]}"})

mkdir -p "$(dirname "$LOG")"
: > "$LOG"
{
	printf '[qemu-run] '; printf '%q ' "${CMD[@]}"; echo
} >&2
[ "${KKTEST_VERBOSE:-0}" = 1 ] && { printf '# '; printf '%q ' "${CMD[@]}"; echo; } >> "$LOG"

start=$(date +%s)
set +e
if [ "$INTERACTIVE" = 1 ]; then
	timeout --foreground -k 10 "$TIMEOUT" "${CMD[@]}" | tee "$LOG"
	rc=${PIPESTATUS[0]}
elif [ "${KKTEST_VERBOSE:-0}" = 1 ]; then
	timeout -k 10 "$TIMEOUT" "${CMD[@]}" < /dev/null 2>&1 | tee -a "$LOG"
	rc=${PIPESTATUS[0]}
else
	timeout -k 10 "$TIMEOUT" "${CMD[@]}" < /dev/null >> "$LOG" 2>&1
	rc=$?
fi
set -e
sed -i 's/\r$//' "$LOG" 2>/dev/null || true # serial lines end in CR LF
secs=$(( $(date +%s) - start ))
case $rc in
	124|137) kk_log "TIMEOUT: QEMU killed after ${TIMEOUT}s (log: $LOG)"; rc=124 ;;
	0) kk_log "QEMU exited normally after ${secs}s (log: $LOG)" ;;
	*) kk_log "QEMU exited with status $rc after ${secs}s (log: $LOG); last lines:"
	   tail -n 5 "$LOG" | sed 's/^/    /' >&2 ;;
esac
exit "$rc"
