# Helpers for test scripts INSIDE the VM (busybox sh). Installed as
# /etc/kktest-lib.sh by mkinitramfs.sh:   . /etc/kktest-lib.sh
#
# Every check prints one console line the host side greps for:
#   KKTEST: PASS <what>   KKTEST: FAIL <what>   KKTEST: DONE

KK_NPASS=0
KK_NFAIL=0
KHO_DBG=/sys/kernel/debug/kho

kk_pass() { KK_NPASS=$((KK_NPASS + 1)); echo "KKTEST: PASS $*"; }
kk_fail() { KK_NFAIL=$((KK_NFAIL + 1)); echo "KKTEST: FAIL $*"; }
kk_info() { echo "KKTEST: INFO $*"; }

# kk_check DESC CMD...: PASS if CMD succeeds, FAIL otherwise.
kk_check() {
	local desc=$1; shift
	if "$@"; then kk_pass "$desc"; else kk_fail "$desc"; fi
}

# kk_show FILE...: print files with a header (for the log).
kk_show() {
	local f
	for f in "$@"; do
		echo "---- $f ----"
		cat "$f" 2>&1
	done
}

# The host parses our lines, and a late kernel message (on x86 the TSC
# calibration, about a second after boot) can land in the middle of one.
# So init runs every test with the console showing KERN_EMERG only;
# kk_problems prints from dmesg the complaints the console then misses,
# and kk_loud_console lets the kexec itself, and what we write to
# /dev/kmsg just before it, be seen.
kk_problems() {
	dmesg | grep -E 'Kernel panic|Oops|BUG:|WARNING: CPU|Call Trace' |
		sed 's/^/kkdmesg: /'
}
kk_loud_console() {
	kk_problems
	echo 7 > /proc/sys/kernel/printk
}

# kk_done: final line; returns nonzero if anything failed.
kk_done() {
	kk_problems
	echo "KKTEST: SUMMARY $KK_NPASS passed, $KK_NFAIL failed"
	echo "KKTEST: DONE"
	[ "$KK_NFAIL" -eq 0 ]
}

# ---------------------------------------------------------------------------
# The command line and the machine, for every guest test.
# ---------------------------------------------------------------------------

CMDLINE=$(cat /proc/cmdline)

# kk_arg NAME: the value of NAME=... on the command line, commas turned
# into spaces (a command line word cannot hold a space); fails when absent.
kk_arg() {
	local w
	for w in $CMDLINE; do
		case $w in "$1"=*) echo "${w#*=}" | tr , ' '; return 0 ;; esac
	done
	return 1
}

# has_cmdline WORD: WORD is a whole word of the command line.
has_cmdline() { case " $CMDLINE " in *" $1 "*) return 0 ;; esac; return 1; }

# kk_expect_eq WHAT GOT WANT: PASS "WHAT (GOT)" when equal, else FAIL with both.
kk_expect_eq() {
	if [ "$2" = "$3" ]; then
		kk_pass "$1 ($2)"
	else
		kk_fail "$1: got '$2', want '$3'"
	fi
}

# kk_ram_bytes: bytes of top-level "System RAM" in /proc/iomem.
kk_ram_bytes() {
	local total=0 r
	for r in $(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\1-\2/p' /proc/iomem); do
		total=$((total + 0x${r#*-} - 0x${r%-*} + 1))
	done
	echo "$total"
}

# The programs and files the loading tests use. KERNEL is the image
# kexec_load takes: the bzImage, on arm64 the gzip'd Image.
KEXEC=/bin/kexec
INJECT=/bin/kho-inject
LUO=/bin/luo-memfd
case $(uname -m) in
aarch64)
	ARCH=arm64
	KERNEL=/boot/Image.gz
	;;
*)
	ARCH=x86_64
	KERNEL=/boot/bzImage
	;;
esac
INITRD=/tmp/initrd.cpio
PMSG=/sys/fs/pstore/pmsg-ramoops-0
SEED=0x6b686f2d74657374

# say MSG: a log line; a test that kexecs redefines it to name its stage.
say() { echo "kktest: $*"; }

# not_loaded WHEN: kexec -l -S (the normal image; kexec-tools' exit 0 for
# "not loaded") and the kernel both say nothing is loaded.
not_loaded() {
	local s rc
	s=$($KEXEC -l -S 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ "$s" = "not loaded" ]; then
		kk_pass "$1: kexec -l -S says not loaded, status 0"
	else
		kk_fail "$1: kexec -l -S says '$s' status $rc, expected 'not loaded' status 0"
	fi
	kk_check "$1: /sys/kernel/kexec_loaded is 0" grep -qx 0 /sys/kernel/kexec_loaded
}

# ---------------------------------------------------------------------------
# Helpers shared by the KHO guest tests (tests/kho.sh, tests/khoinj.sh).
# The sourcing script sets STAGE (its argument), redefines say() to name
# its case and stage, and may change KERNEL (the image to load).
# ---------------------------------------------------------------------------

# next_cmdline: the next kernel's command line: this one with the stage
# counted up, plus $NEXT_EXTRA; with NEXT_KHO_ON=1, kho=off becomes
# kho=on liveupdate=on (the next kernel must take the handover).
NEXT_EXTRA=
NEXT_KHO_ON=0
next_cmdline() {
	local on=
	[ "$NEXT_KHO_ON" = 1 ] && on='s/\(^\| \)kho=off\( \|$\)/\1kho=on liveupdate=on\2/'
	echo "$CMDLINE${NEXT_EXTRA:+ $NEXT_EXTRA}" |
		sed -e "s/kktest.stage=$STAGE\( \|\$\)/kktest.stage=$((STAGE + 1))\1/" ${on:+-e "$on"}
}

# exec_next [KEXEC-OPTIONS]: kexec -e into the next stage; returns only
# when that failed, after a FAIL line.
exec_next() {
	say "kexec -e into stage $((STAGE + 1))"
	kk_info "SUMMARY so far $KK_NPASS passed, $KK_NFAIL failed"
	[ "$KK_NFAIL" = 0 ] || kk_info "failures above: continuing into the next kernel anyway"
	# stderr to /dev/kmsg: a printk reaches the console before the jump,
	# a pipe's reader may never run.
	say "\$ $KEXEC -e${*:+ $*}"
	kk_loud_console
	$KEXEC -e "$@" 2> /dev/kmsg
	kk_fail "kexec -e${*:+ $*} returned (status $?)"
}

# show_kernel: facts about this kernel for the log and the host: where it
# runs (KK-TEXT), its KHO scratch (KK-SCRATCH), sub-FDTs and debugfs FDT.
show_kernel() {
	local text code
	text=$(grep -m1 ' _text$' /proc/kallsyms | cut -d' ' -f1)
	code=$(grep -m1 'Kernel code' /proc/iomem | sed 's/^ *//; s/ .*//')
	say "kernel $(uname -r): _text=0x$text code=$code kaslr=$(has_cmdline nokaslr && echo off || echo on)"
	echo "KK-TEXT: $text"
	if [ -f "$KHO_DBG/out/scratch_phys" ]; then
		paste "$KHO_DBG/out/scratch_phys" "$KHO_DBG/out/scratch_len" |
			while read -r p l; do echo "KK-SCRATCH: $p $l"; done
	fi
	echo "KK-SUBFDTS: $(ls "$KHO_DBG/out/sub_fdts" 2>/dev/null | tr '\n' ' ')"
	if [ -f "$KHO_DBG/out/fdt" ]; then
		echo "KK-DEBUGFS-FDT: file $(wc -c < "$KHO_DBG/out/fdt") totalsize $(fdt_totalsize "$KHO_DBG/out/fdt")"
	fi
}

# be_hex FILE OFFSET LEN: LEN big-endian bytes at OFFSET of FILE, as hex
# digits without 0x.
be_hex() {
	dd if="$1" bs=1 skip="$2" count="$3" 2>/dev/null | od -An -tx1 -v | tr -d ' \n'
}

# Big-endian u32 at byte 4 of an FDT: the header's totalsize.
fdt_totalsize() {
	local hex
	hex=$(be_hex "$1" 4 4)
	echo $((0x${hex:-0}))
}

# memreserve_table: "ADDR SIZE" (decimal) for each /memreserve/ entry of
# the DTB this kernel booted with (/sys/firmware/fdt), read from its
# bytes; status 2 when there is no such file.
memreserve_table() {
	local f=/sys/firmware/fdt off i=0 a l
	[ -r "$f" ] || return 2
	off=$((0x$(be_hex $f 16 4)))
	while [ $i -lt 64 ]; do
		a=$((0x$(be_hex $f $off 8)))
		l=$((0x$(be_hex $f $((off + 8)) 8)))
		[ $a = 0 ] && [ $l = 0 ] && return 0
		echo "$a $l"
		off=$((off + 16))
		i=$((i + 1))
	done
}

# memreserved ADDR SIZE: [ADDR, ADDR + SIZE) lies inside one /memreserve/
# entry of the DTB this kernel booted with; status 1 when it does not, 2
# when there is no DTB to read.
memreserved() {
	local t a l
	t=$(memreserve_table) || return 2
	while read -r a l; do
		[ -n "$a" ] || continue
		[ $(($1)) -ge $a ] && [ $(($1 + $2)) -le $((a + l)) ] && return 0
	done <<EOF
$t
EOF
	return 1
}

# check_chosen_kho GETTER: on arm64 the handover came through /chosen:
# linux,kho-fdt and linux,kho-scratch are <addr size> pairs (GETTER PROP
# prints "0xADDR 0xSIZE" or fails), the scratch array one 16-byte entry
# per scratch region. Sets CHOSEN_FDT; fails when there is no FDT pair.
# The host compares the KK-CHOSEN lines with what the loader said.
check_chosen_kho() {
	local scr n
	if CHOSEN_FDT=$($1 linux,kho-fdt); then
		kk_pass "/chosen/linux,kho-fdt = <$CHOSEN_FDT>"
		echo "KK-CHOSEN-KHO-FDT: $CHOSEN_FDT"
	else
		kk_fail "/chosen/linux,kho-fdt is an <addr size> pair"
		return 1
	fi
	if scr=$($1 linux,kho-scratch); then
		n=$(grep -c . "$KHO_DBG/out/scratch_len")
		echo "KK-CHOSEN-KHO-SCRATCH: $scr"
		if [ $((${scr#* })) = $((n * 16)) ]; then
			kk_pass "/chosen/linux,kho-scratch = <$scr>: $n entries of 16 bytes"
		else
			kk_fail "/chosen/linux,kho-scratch = <$scr>, expected $n entries of 16 bytes"
		fi
	else
		kk_fail "/chosen/linux,kho-scratch is an <addr size> pair"
	fi
}

# handover_found COUNT: this kernel took a KHO handover, from the COUNTth
# kexec of the chain (the kexec-metadata's count).
handover_found() {
	dmesg_has "handover found" 'KHO: found kexec handover data'
	dmesg_has "kexec count $1" "KHO: exec from: .* \\(count $1\\)"
}

check_test_kho() {
	dmesg_has "test_kho restored its data" 'test_kho: KHO restore succeeded'
}

# write_pmsg TEXT: into ramoops' pmsg, which lives in reserve_mem 'kkr'.
write_pmsg() {
	if [ -c /dev/pmsg0 ] && echo "$1" > /dev/pmsg0; then
		kk_pass "wrote '$1' to /dev/pmsg0 (ramoops on reserve_mem 'kkr')"
	else
		kk_fail "write /dev/pmsg0 (ramoops on reserve_mem 'kkr')"
	fi
}

# check_pmsg TEXT: reserve_mem 'kkr' came back through KHO, TEXT in it.
check_pmsg() {
	dmesg_has "reserve_mem region revived" "Revived memory reservation 'kkr' from KHO"
	if [ -f "$PMSG" ] && grep -qF "$1" "$PMSG"; then
		kk_pass "reserve_mem content came back: '$1' in $PMSG"
	else
		kk_fail "reserve_mem content came back: '$1' not in $PMSG ($(ls /sys/fs/pstore 2>&1 | tr '\n' ' '))"
		[ -f "$PMSG" ] && head -c 200 "$PMSG"
	fi
}

# luo_save SESSION MB: a memfd of MB MiB made from $SEED, preserved in
# the Live Update session SESSION.
luo_save() {
	if run_log luo "$LUO" save "$1" "$2" "$SEED"; then
		kk_pass "LUO: $2 MiB memfd preserved in session '$1'"
	else
		kk_fail "LUO: preserve $2 MiB memfd in session '$1'"
	fi
}

# luo_restore SESSION MB [--keep NEW]: that memfd came back byte for byte
# (with --keep preserved again, in session NEW).
luo_restore() {
	local s=$1 mb=$2
	shift 2
	if run_log luo "$LUO" restore "$s" "$mb" "$SEED" "$@"; then
		kk_pass "LUO: session '$s' memfd of $mb MiB came back byte-exact"
	else
		kk_fail "LUO: session '$s' memfd of $mb MiB came back byte-exact"
	fi
}

# run_log TAG CMD...: run CMD, its output prefixed with TAG in the log;
# the output is also kept in /tmp/out.TAG, the status is returned.
run_log() {
	local tag=$1 rc
	shift
	say "\$ $*"
	"$@" > "/tmp/out.$tag" 2>&1
	rc=$?
	sed "s/^/  $tag| /" "/tmp/out.$tag"
	say "(exit $rc)"
	return $rc
}

# out_has TAG DESC REGEX: the output of run_log TAG matches.
out_has() {
	if grep -qE "$3" "/tmp/out.$1"; then
		kk_pass "$2: $(grep -E "$3" "/tmp/out.$1" | head -n1)"
	else
		kk_fail "$2 (no /$3/ in the kexec output)"
	fi
}

dmesg_has() { # DESC REGEX
	if dmesg | grep -qE "$2"; then
		kk_pass "$1: $(dmesg | grep -E "$2" | head -n1 | sed 's/^\[[^]]*\] //')"
	else
		kk_fail "$1 (no /$2/ in dmesg)"
	fi
}

# dmesg_lacks DESC REGEX: no kernel message matches REGEX. DESC is the
# PASS line: the host's refute_log patterns must not match it.
dmesg_lacks() {
	if dmesg | grep -qE "$2"; then
		kk_fail "$1: dmesg has $(dmesg | grep -E "$2" | head -n1 | sed 's/^\[[^]]*\] //')"
	else
		kk_pass "$1"
	fi
}

# expect_error DESC REGEX CMD...: CMD must fail with exactly one line on
# stderr matching REGEX (extended, case-insensitive), and load nothing.
expect_error() {
	local desc=$1 re=$2 rc n
	shift 2
	say "\$ $* (must fail)"
	"$@" > /tmp/out.neg 2> /tmp/err.neg
	rc=$?
	sed 's/^/  stdout| /' /tmp/out.neg
	sed 's/^/  stderr| /' /tmp/err.neg
	n=$(wc -l < /tmp/err.neg)
	if [ $rc = 0 ]; then
		kk_fail "$desc: exit 0, expected an error"
	elif [ "$n" != 1 ]; then
		kk_fail "$desc: $n lines on stderr, expected one"
	elif ! grep -qiE "$re" /tmp/err.neg; then
		kk_fail "$desc: error does not match /$re/"
	else
		kk_pass "$desc: exit $rc, one-line error"
	fi
	not_loaded "$desc"
	# Keep the next check independent of this one.
	[ "$($KEXEC -l -S 2>&1)" = "not loaded" ] || $KEXEC -u
}

# A KHO boot put this kernel inside the scratch regions the previous
# kernel listed (x86 KASLR picks only inside them): check its code range.
kernel_in_scratch() {
	local code s e p l ok=0
	code=$(grep -m1 'Kernel code' /proc/iomem | sed 's/^ *//; s/ .*//')
	s=$((0x${code%-*}))
	e=$((0x${code#*-}))
	while read -r p l; do
		[ $((l)) -gt 0 ] || continue
		[ "$s" -ge $((p)) ] && [ "$e" -lt $((p + l)) ] && ok=1
	done <<EOF
$(paste "$KHO_DBG/out/scratch_phys" "$KHO_DBG/out/scratch_len")
EOF
	if [ $ok = 1 ]; then
		kk_pass "kernel code $code lies inside a KHO scratch region"
	else
		kk_fail "kernel code $code lies inside a KHO scratch region"
	fi
}

# The next kernel's initramfs is this one: repack the root file system
# (an initramfs is the root) without the mounted /proc /sys /dev /run /tmp.
make_initrd() {
	[ -f "$INITRD" ] && return 0
	(
		cd / &&
		{
			find . -xdev \( -path ./tmp -o -path ./run -o -path ./proc -o \
				-path ./sys -o -path ./dev \) -prune -o -print
			printf '%s\n' ./tmp ./run ./proc ./sys ./dev ./dev/console ./dev/null
		} | cpio -o -H newc > "$INITRD" 2> /tmp/cpio.err
	) || { kk_fail "repack the initramfs: $(cat /tmp/cpio.err)"; return 1; }
	say "initramfs for the next kernel: $(wc -c < "$INITRD") bytes"
}

# load TAG KEXEC-OPTIONS...: load the next kernel (this image) and check
# kexec -l -S; the -d output is in /tmp/out.TAG.
load_next() {
	local tag=$1
	shift
	make_initrd || return 1
	if run_log "$tag" $KEXEC -d -l "$@" "$KERNEL" --initrd="$INITRD" \
		--append="$(next_cmdline)"; then
		kk_pass "$tag: kexec${*:+ $*} -l exit 0"
	else
		kk_fail "$tag: kexec${*:+ $*} -l failed: $(tail -n1 "/tmp/out.$tag")"
		return 1
	fi
	if [ "$($KEXEC -l -S 2>&1)" = loaded ]; then
		kk_pass "$tag: kexec -l -S says loaded"
	else
		kk_fail "$tag: kexec -l -S does not say loaded"
		return 1
	fi
}
