#!/bin/sh
# kexec load benchmark, guest side (bench/kexec-bench.sh is the host side;
# it packs this file as /tests/bench.sh and boots with kktest=bench).
#
# Command line (set by the host):
#   kkbench.mode=kho|nokho   which comparison this boot runs (see VARIANTS)
#   kkbench.iter=N           timed loads per variant and initrd size
#   kkbench.sizes=16,64      initrd sizes in MiB
#
# Every load is `kkbench-run -- kexec ... -l KERNEL --initrd=I`, followed by
# `kexec -u`; the variants run interleaved (the order rotates each round)
# so drift in the emulator hits all of them alike. One line per load:
#   KKBENCH: R mode=.. var=.. size=.. iter=.. rc=.. wall_ns=.. ... unl_kb=..
# then one load per variant with free-memory polling (-m, not timed):
#   KKBENCH: M mode=.. var=.. size=.. ... minfree_kb=..
# then a few component timings (KKBENCH: C ...), and KKBENCH: DONE.
# A load that fails prints KKBENCH: FAIL and its output; the host fails then.
KEXEC=/bin/kexec
RUN=/bin/kkbench-run
case $(uname -m) in
aarch64) KERNEL=/boot/Image ;;	# the one format both loaders take on arm64
*) KERNEL=/boot/bzImage ;;
esac
APPEND="console=ttyS0 kkbench.next=1"
MODE=kho ITER=5 SIZES=16,64
for w in $(cat /proc/cmdline); do
	case $w in
	kkbench.mode=*) MODE=${w#*=} ;;
	kkbench.iter=*) ITER=${w#*=} ;;
	kkbench.sizes=*) SIZES=${w#*=} ;;
	esac
done
SIZES=$(echo "$SIZES" | tr ',' ' ')
NFAIL=0

# Variants: NAME:PROGRAM:OPTION. "ours" is kexec_load through our loader,
# "file" the kernel's kexec_file_load (the same program with -s), "ourscs"
# ours with the purgatory checksum forced on. With /bin/kexec-cand in the
# image (kexec-bench.sh --candidate), "cand" and "candcs" run that build
# the same way, to try a change to the loader against the same kernel.
# arm64's kexec_file_load has no purgatory and never digests: there the
# no-KHO boot also runs ours without a digest, the like-for-like pair.
case $MODE in
kho)	VARIANTS="ours:kexec: file:kexec:-s ourscs:kexec:--checksum" ;;
nokho)	VARIANTS="ourscs:kexec:--checksum file:kexec:-s"
	[ "$KERNEL" = /boot/Image ] && VARIANTS="ours:kexec:--no-checksum $VARIANTS" ;;
*)	echo "KKBENCH: FAIL unknown kkbench.mode=$MODE"; echo "KKBENCH: DONE"; exit 1 ;;
esac
if [ -x /bin/kexec-cand ]; then
	[ "$MODE" = kho ] && VARIANTS="$VARIANTS cand:kexec-cand:"
	VARIANTS="$VARIANTS candcs:kexec-cand:--checksum"
fi

# Free memory in kB the way kkbench-run counts it: free pages plus the
# per-CPU free lists, which MemFree leaves out.
memfree() { awk '/pages free/ || /count:/ { s += $NF } END { print s * 4 }' /proc/zoneinfo; }
info() { echo "KKBENCH: INFO [$MODE] $*"; }

unload() {
	$KEXEC -u > /tmp/unload.out 2>&1 || {
		echo "KKBENCH: FAIL kexec -u: $(cat /tmp/unload.out)"
		NFAIL=$((NFAIL + 1))
	}
}

# cmd_of VARIANT: the program and option of a variant.
cmd_of() {
	local v rest
	for v in $VARIANTS; do
		[ "${v%%:*}" = "$1" ] || continue
		rest=${v#*:}
		echo "/bin/${rest%%:*} ${rest#*:}"
		return 0
	done
}

# measure TAG VARIANT SIZE ITER [kkbench-run options]: one load + unload.
measure() {
	local tag=$1 var=$2 size=$3 iter=$4 rc unl
	shift 4
	if [ "$($KEXEC -l -S 2>&1)" != "not loaded" ]; then
		unload
	fi
	$RUN -o /tmp/res "$@" -- $(cmd_of "$var") -l "$KERNEL" \
		--initrd="/tmp/initrd-$size" --append="$APPEND" > /tmp/load.out 2>&1
	rc=$?
	if [ $rc != 0 ] || [ "$($KEXEC -l -S 2>&1)" != loaded ]; then
		echo "KKBENCH: FAIL mode=$MODE var=$var size=$size iter=$iter: exit $rc, $($KEXEC -l -S 2>&1)"
		sed 's/^/KKBENCH:   | /' /tmp/load.out
		NFAIL=$((NFAIL + 1))
	fi
	unload
	unl=$(memfree)
	echo "KKBENCH: $tag mode=$MODE var=$var size=$size iter=$iter $(cat /tmp/res 2>/dev/null) unl_kb=$unl"
}

# rotate N WORDS...: the words rotated left by N.
rotate() {
	local n=$1 i
	shift
	i=$((n % $#))
	while [ $i -gt 0 ]; do
		set -- "$@" "$1"
		shift
		i=$((i - 1))
	done
	echo "$@"
}

# component NAME CMD...: time a piece of the work on its own (3 runs).
component() {
	local name=$1 i
	shift
	for i in 1 2 3; do
		$RUN -o /tmp/res -- "$@" > /dev/null 2>&1
		echo "KKBENCH: C mode=$MODE comp=$name iter=$i $(cat /tmp/res)"
	done
}

echo "KKBENCH: START mode=$MODE iter=$ITER sizes=$SIZES"
info "kernel $(uname -r) $(uname -m), $(grep -c ^processor /proc/cpuinfo) cpus, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM"
for f in sha_ni avx2 sha2; do
	grep -qw $f /proc/cpuinfo && flags="$flags $f"
done
info "cpu flags the kernel's SHA-256 may use:${flags:- none}"
if [ -f /sys/kernel/debug/kho/out/scratch_len ]; then
	info "KHO on; scratch: $(paste /sys/kernel/debug/kho/out/scratch_phys /sys/kernel/debug/kho/out/scratch_len | tr '\t\n' '/ ')"
	info "KHO sub_fdts: $(ls /sys/kernel/debug/kho/out/sub_fdts 2>/dev/null | tr '\n' ' ')"
else
	info "KHO off"
fi
info "MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo); zoneinfo free + per-cpu lists: $(memfree) kB"
info "kernel image $KERNEL: $(wc -c < "$KERNEL") bytes"

for s in $SIZES; do
	dd if=/dev/urandom of="/tmp/initrd-$s" bs=1M count="$s" 2> /dev/null ||
		{ echo "KKBENCH: FAIL cannot make a $s MiB initrd"; NFAIL=$((NFAIL + 1)); }
	info "initrd /tmp/initrd-$s: $(wc -c < "/tmp/initrd-$s") bytes (random, tmpfs)"
done

# What our loader does here, once, for the log.
s1=${SIZES%% *}
$KEXEC -d -l --dry-run "$KERNEL" --initrd="/tmp/initrd-$s1" --append="$APPEND" > /tmp/dry.out 2>&1
sed 's/^/KKBENCH:   dry| /' /tmp/dry.out

# Warm-up: one unrecorded load of each variant.
for v in $VARIANTS; do
	measure W "${v%%:*}" "$s1" 0
done

names=
for v in $VARIANTS; do names="$names ${v%%:*}"; done
i=1
while [ $i -le "$ITER" ]; do
	for s in $SIZES; do
		for v in $(rotate $((i - 1)) $names); do
			measure R "$v" "$s" "$i"
		done
	done
	i=$((i + 1))
done

# Peak memory while loading: MemFree polled every 1 ms (not timed).
for s in $SIZES; do
	for v in $names; do
		measure M "$v" "$s" 1 -m -i 1000
	done
done

# Pieces of our loader's work, to explain the totals: all of it but the
# system call (--dry-run), the same without KHO discovery, reading the
# initrd into one fresh buffer as read_file does, the kallsyms scan the
# live-FDT lookup needs, and starting the program at all.
for s in $SIZES; do
	component "dry-run-$s" $KEXEC -l --dry-run "$KERNEL" --initrd="/tmp/initrd-$s" --append="$APPEND"
	component "read-initrd-$s" dd if="/tmp/initrd-$s" of=/dev/null bs="${s}M" count=1
done
[ "$MODE" = kho ] && component "dry-run-no-kho-$s1" $KEXEC -l --no-kho --no-checksum --dry-run "$KERNEL" --initrd="/tmp/initrd-$s1" --append="$APPEND"
component kallsyms cat /proc/kallsyms
component "kexec-S" $KEXEC -l -S

echo "KKBENCH: SUMMARY $NFAIL failures"
echo "KKBENCH: DONE"
[ "$NFAIL" = 0 ]
