#!/bin/sh
# Smoke test (runs inside the VM): is this a KHO-capable test kernel booted
# with kho=on? Checks the KHO debugfs, test_kho, LUO, and prints the memory
# maps into the log. Argument: stage (unused, always 0).
. /etc/kktest-lib.sh

echo "smoke: stage ${1:-0} on $(uname -r) ($(uname -m))"

case " $(cat /proc/cmdline) " in
	*" kho=on "*) kk_pass "cmdline has kho=on" ;;
	*) kk_fail "cmdline has kho=on ($(cat /proc/cmdline))" ;;
esac

kk_check "debugfs is mounted" grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
kk_check "$KHO_DBG exists" test -d "$KHO_DBG"

for f in scratch_phys scratch_len; do
	if [ -f "$KHO_DBG/out/$f" ]; then
		kk_pass "$KHO_DBG/out/$f exists"
	else
		kk_fail "$KHO_DBG/out/$f exists"
	fi
done

# Scratch regions: one line each in both files, same order.
if [ -f "$KHO_DBG/out/scratch_phys" ] && [ -f "$KHO_DBG/out/scratch_len" ]; then
	np=$(wc -l < "$KHO_DBG/out/scratch_phys")
	nl=$(wc -l < "$KHO_DBG/out/scratch_len")
	echo "KHO scratch regions (phys len):"
	paste "$KHO_DBG/out/scratch_phys" "$KHO_DBG/out/scratch_len" 2>/dev/null |
		while read -r p l; do echo "KHO scratch: $p $l"; done
	if [ "$np" -ge 1 ] && [ "$np" = "$nl" ]; then
		kk_pass "scratch_phys and scratch_len have $np matching lines"
	else
		kk_fail "scratch_phys ($np lines) and scratch_len ($nl lines) match"
	fi
	nonzero=0
	while read -r l; do
		[ $((l)) -gt 0 ] && nonzero=$((nonzero + 1))
	done < "$KHO_DBG/out/scratch_len"
	if [ "$nonzero" -ge 1 ]; then
		kk_pass "$nonzero non-empty scratch region(s)"
	else
		kk_fail "at least one non-empty scratch region"
	fi
fi

# The FDT file and its header totalsize (see KHO-NOTES: the file may be a
# truncated prefix of the live FDT).
if [ -f "$KHO_DBG/out/fdt" ]; then
	size=$(wc -c < "$KHO_DBG/out/fdt")
	hdr=$(head -c 8 "$KHO_DBG/out/fdt" | od -An -tx1 | tr -d ' \n')
	magic=$(echo "$hdr" | cut -c1-8)
	total=$(echo "$hdr" | cut -c9-16)
	echo "KHO out/fdt: file $size bytes, magic 0x$magic, header totalsize 0x${total:-?}"
	if [ "$magic" = d00dfeed ]; then
		kk_pass "kho/out/fdt starts with the FDT magic"
	else
		kk_fail "kho/out/fdt starts with the FDT magic (got $magic)"
	fi
else
	kk_info "no $KHO_DBG/out/fdt (normal after a KHO boot, or with KHO off)"
fi

# test_kho (CONFIG_TEST_KEXEC_HANDOVER) registers its subtree "kho_test" at
# boot when kho=on; it prints nothing on a first boot.
echo "KHO out/sub_fdts: $(ls "$KHO_DBG/out/sub_fdts" 2>/dev/null | tr '\n' ' ')"
if [ -e "$KHO_DBG/out/sub_fdts/kho_test" ]; then
	kk_pass "test_kho registered its kho_test subtree"
elif dmesg | grep -q 'test_kho: KHO restore succeeded'; then
	kk_pass "test_kho restored its data (KHO boot)"
else
	kk_fail "test_kho is active (no $KHO_DBG/out/sub_fdts/kho_test)"
fi
if dmesg | grep -qE 'test_kho: (KHO restore failed|failed)'; then
	kk_fail "test_kho reports an error: $(dmesg | grep -E 'test_kho:' | tail -n1)"
fi

# reserve_mem= regions are preserved through memblock's "memblock" subtree.
case " $(cat /proc/cmdline) " in
	*" reserve_mem="*)
		kk_check "reserve_mem region registered (kho/out/sub_fdts/memblock)" \
			test -e "$KHO_DBG/out/sub_fdts/memblock" ;;
esac

# LUO (liveupdate=on) exposes /dev/liveupdate.
case " $(cat /proc/cmdline) " in
	*" liveupdate=on "*)
		kk_check "/dev/liveupdate exists (LUO enabled)" test -c /dev/liveupdate ;;
	*) kk_info "liveupdate=on not given, /dev/liveupdate not expected" ;;
esac

kk_check "/proc/kcore exists" test -e /proc/kcore
if grep -qw kho_out /proc/kallsyms; then
	kk_pass "kho_out is in /proc/kallsyms"
else
	kk_fail "kho_out is in /proc/kallsyms"
fi

echo "---- dmesg (KHO / LUO / reserve_mem / scratch) ----"
dmesg | grep -iE 'kho|liveupdate|luo|reserve_mem|scratch|test_kho' || true

kk_show /proc/iomem
if [ -d /sys/firmware/memmap ]; then
	echo "---- /sys/firmware/memmap ----"
	for d in /sys/firmware/memmap/*; do
		echo "memmap ${d##*/}: $(cat "$d/start")-$(cat "$d/end") $(cat "$d/type")"
	done
else
	echo "(no /sys/firmware/memmap on this arch)"
fi
if [ -d /sys/devices/system/node ]; then
	echo "NUMA nodes: $(ls -d /sys/devices/system/node/node* 2>/dev/null | sed 's|.*/||' | tr '\n' ' ')"
fi
if [ -d /sys/firmware/efi ]; then
	echo "booted via EFI: yes"
	if [ "$(uname -m)" = x86_64 ]; then
		# kexec on x86 EFI needs the runtime map (CONFIG_EFI_RUNTIME_MAP)
		kk_check "/sys/firmware/efi/runtime-map exists" test -d /sys/firmware/efi/runtime-map
	fi
else
	echo "booted via EFI: no"
fi
[ -d /sys/kernel/debug/kho/in ] && echo "KHO in/: $(ls /sys/kernel/debug/kho/in | tr '\n' ' ')"

kk_done
