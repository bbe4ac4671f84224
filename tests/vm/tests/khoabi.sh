#!/bin/sh
# Can the next kernel take the handover? Guest side of tests/vm/
# test-kho-abi.sh. Argument: the stage (kktest.stage, 0 in the first
# kernel). The host ships /boot/Image-v9, a copy of this kernel whose
# KHO ABI string kho-v4 is patched to kho-v9 (kkabi=kho-v4 names the
# original), and /boot/Image.gz, this kernel unchanged.
#   0 (A, kho=on): --dry-run of Image.gz takes the handover; Image-v9 is
#     refused in one line naming both ABIs, nothing loaded; with
#     --kho-accept-loss it loads with one warning, and A kexecs into it.
#   1 (B, the kho-v9 kernel): its dmesg shows the handover refused as
#     incompatible with kho-v9 and "disabling KHO revival".
. /etc/kktest-lib.sh

STAGE=${1:-0}
CMDLINE=$(cat /proc/cmdline)
ABI=kho-v4
for w in $CMDLINE; do
	case $w in
		kkabi=*) ABI=${w#kkabi=} ;;
	esac
done
KEXEC=/bin/kexec
KERNEL=/boot/Image-v9
INITRD=/tmp/initrd.cpio

say() { echo "khoabi[$STAGE]: $*"; }

next_cmdline() {
	echo "$CMDLINE" | sed -e "s/kktest.stage=$STAGE\( \|\$\)/kktest.stage=$((STAGE + 1))\1/"
}

stage_a() {
	make_initrd || return
	if run_log same $KEXEC -l --dry-run --kho /boot/Image.gz; then
		out_has same "the unpatched Image.gz takes the handover" "^KHO: the next kernel takes $ABI\$"
	else
		kk_fail "kexec --dry-run --kho of the unpatched Image.gz failed"
	fi
	expect_error "the kho-v9 Image refused" \
		"/boot/Image-v9: its KHO ABI is kho-v9, the running kernel hands over $ABI; .*--kho-accept-loss" \
		$KEXEC -l "$KERNEL" --initrd="$INITRD" --append="$(next_cmdline)"
	load_next load --kho-accept-loss || return
	out_has load "one warning that the state will be dropped" \
		"^kexec: warning: /boot/Image-v9: its KHO ABI is kho-v9, the running kernel hands over $ABI: the next kernel will drop the preserved state \\(--kho-accept-loss\\)\$"
	out_has load "the verdict in the plan" "^KHO: the next kernel cannot take $ABI: its KHO ABI is kho-v9\$"
	kk_info "SUMMARY so far $KK_NPASS passed, $KK_NFAIL failed"
	say "\$ $KEXEC -e"
	kk_loud_console
	$KEXEC -e 2> /dev/kmsg
	kk_fail "kexec -e returned (status $?)"
}

stage_b() {
	dmesg_has "B refused the handover as incompatible with its kho-v9" \
		"handover FDT \\(0x[0-9a-f]+\\) is incompatible with 'kho-v9'"
	dmesg_has "B disabled KHO revival" 'disabling KHO revival'
	if dmesg | grep -q 'KHO: found kexec handover data'; then
		kk_fail "B took the handover it cannot read"
	else
		kk_pass "B did not take the handover"
	fi
}

say "stage $STAGE: $CMDLINE"
case $STAGE in
	0) stage_a ;;
	1) stage_b ;;
	*) kk_fail "unexpected stage $STAGE" ;;
esac
kk_done
