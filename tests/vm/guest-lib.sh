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
# Helpers shared by the KHO guest tests (tests/kho.sh, tests/khoinj.sh).
# The sourcing script defines say() (its log prefix), KEXEC (the loader),
# INITRD (where make_initrd repacks the root for the next kernel), KERNEL
# (the image to load) and next_cmdline() (the next kernel's command line).
# ---------------------------------------------------------------------------

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

not_loaded() { # DESC
	local s
	s=$($KEXEC -S 2>&1)
	if [ "$s" = "not loaded" ]; then
		kk_pass "$1: kexec -S says not loaded"
	else
		kk_fail "$1: kexec -S says '$s', expected 'not loaded'"
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
	[ "$($KEXEC -S 2>&1)" = "not loaded" ] || $KEXEC -u
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
# kexec -S; the -d output is in /tmp/out.TAG.
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
	if [ "$($KEXEC -S 2>&1)" = loaded ]; then
		kk_pass "$tag: kexec -S says loaded"
	else
		kk_fail "$tag: kexec -S does not say loaded"
		return 1
	fi
}
