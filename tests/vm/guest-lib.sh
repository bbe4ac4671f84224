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

# kk_done: final line; returns nonzero if anything failed.
kk_done() {
	echo "KKTEST: SUMMARY $KK_NPASS passed, $KK_NFAIL failed"
	echo "KKTEST: DONE"
	[ "$KK_NFAIL" -eq 0 ]
}
