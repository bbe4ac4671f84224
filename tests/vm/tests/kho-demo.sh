#!/bin/sh
# The demo, guest side (tests/demo.sh is the host side). Stage 0, kernel A:
# preserve a memfd holding the message of /etc/kk-demo-message in a Live
# Update session, load this same kernel and initramfs with our kexec
# (kexec_load, KHO on by default) and kexec. Stage 1, kernel B: get the
# memfd back and print the message. "DEMO:" lines are what the host shows.
# The kernel to load is /boot/bzImage (x86_64) or /boot/Image.gz (arm64).
. /etc/kktest-lib.sh

STAGE=${1:-0}
MSGFILE=/etc/kk-demo-message
KERNEL=
for k in /boot/bzImage /boot/Image.gz /boot/Image; do
	[ -f "$k" ] && { KERNEL=$k; break; }
done

demo() { echo "DEMO: $*"; }

stage_a() {
	local msg
	msg=$(cat "$MSGFILE")
	demo "A: preserving a memfd holding the message in LUO session 'demo' (kernel $(uname -r), kho=on)"
	if ! luo-memfd put demo "$msg"; then
		kk_fail "preserve the message in a memfd"
		return 1
	fi
	kk_pass "memfd preserved in LUO session 'demo'"
	make_initrd || return 1	# the library's: FAILs itself
	demo "A: loading kernel B ($KERNEL, $(uname -m)) with kexec_load (kexec -l), handing over KHO"
	if ! kexec -d -l "$KERNEL" --initrd="$INITRD" \
		--append="$(sed 's/kktest.stage=0/kktest.stage=1/' /proc/cmdline)" > /tmp/kexec.out 2>&1; then
		sed 's/^/  kexec| /' /tmp/kexec.out
		kk_fail "kexec -l"
		return 1
	fi
	grep -E '^KHO: handing over|^KHO scratch left free' /tmp/kexec.out |
		while read -r l; do demo "A: kexec says: $l"; done
	kk_pass "kexec -l with KHO"
	demo "A: kexec -e"
	kk_loud_console
	kexec -e 2> /dev/kmsg
	kk_fail "kexec -e returned"
	return 1
}

stage_b() {
	local got want
	want=$(cat "$MSGFILE")
	dmesg | grep -E 'KHO: found kexec handover data|KHO: exec from' |
		while read -r l; do demo "B: dmesg: ${l#\[*\] }"; done
	dmesg | grep -q 'KHO: found kexec handover data' ||
		demo "B: dmesg has no 'KHO: found kexec handover data': the handover was lost"
	if ! got=$(luo-memfd get demo 2> /tmp/luo.err); then
		demo "B: no message came back: $(cat /tmp/luo.err)"
		kk_fail "the memfd came back"
		return 1
	fi
	demo "B: got back: $got"
	if [ "$got" = "$want" ]; then
		kk_pass "the message came back unchanged"
	else
		kk_fail "the message came back unchanged (expected: $want)"
	fi
}

case $STAGE in
	0) stage_a ;;
	1) stage_b ;;
	*) kk_fail "no stage $STAGE" ;;
esac
kk_done
