# shellcheck shell=bash
# Shared helpers for the kexec-kho VM test scripts (tests/vm/*).
# Source it; do not run it:   . "$(dirname "$0")/lib.sh"
#
# General part: messages, cache root, package installation, private apt.
# Test part:    vm_require, assert_log, refute_log, vm_pass, vm_fail,
#               vm_check_guest, vm_summary.

KK_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KK_CACHE=${KEXEC_KHO_CACHE:-/var/cache/kexec-kho}
# Where the VM tests keep their logs, one directory per suite below it.
VM_LOGROOT=${KKTEST_LOGDIR:-${TMPDIR:-/tmp}/kexec-kho-vm-logs}

kk_log()  { printf '[%s] %s\n' "${KK_PROG:-$(basename "$0")}" "$*" >&2; }
kk_die()  { printf '[%s] ERROR: %s\n' "${KK_PROG:-$(basename "$0")}" "$*" >&2; exit 1; }

# kk_need_cmd CMD PKG...: install Debian packages PKG... unless CMD exists.
kk_need_cmd() {
	local cmd=$1; shift
	command -v "$cmd" >/dev/null 2>&1 && return 0
	kk_install_pkgs "$@"
	command -v "$cmd" >/dev/null 2>&1 || kk_die "'$cmd' still missing after installing: $*"
}

# kk_need_pkgs PKG...: install the Debian packages that are not installed.
kk_need_pkgs() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] || kk_install_pkgs "${missing[@]}"
}

KK_APT_UPDATED=0
kk_install_pkgs() {
	[ "$(id -u)" = 0 ] || kk_die "need packages [$*] but not root; install them: apt-get install $*"
	kk_log "installing: $*"
	export DEBIAN_FRONTEND=noninteractive
	if [ "$KK_APT_UPDATED" = 0 ]; then
		apt-get update -qq >&2 || kk_log "warning: apt-get update failed"
		KK_APT_UPDATED=1
	fi
	apt-get install -y -qq --no-install-recommends "$@" >&2 || kk_die "apt-get install $* failed"
}

# kk_apt_private NAME SOURCES_LINE [ARCH]: sets KK_APT_OPTS (array) for apt-get /
# apt-cache, using a private sources list, lists and package cache under
# $KK_CACHE/apt/NAME. /etc/apt and the system lists are never touched.
# The lists are refreshed when older than KEXEC_KHO_APT_MAX_AGE seconds
# (default 6 h); a failed refresh with usable old lists is only a warning.
kk_apt_private() {
	local name=$1 line=$2 arch=${3:-}
	local d=$KK_CACHE/apt/$name
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	printf '%s\n' "$line" > "$d/sources.list.new"
	if ! cmp -s "$d/sources.list.new" "$d/sources.list" 2>/dev/null; then
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/updated"
	else
		rm -f "$d/sources.list.new"
	fi
	KK_APT_OPTS=(-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::Cache=$d/cache"
		-o "APT::Sandbox::User=root")
	if [ -n "$arch" ]; then
		KK_APT_OPTS+=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch")
	fi
	local max_age=${KEXEC_KHO_APT_MAX_AGE:-21600} now stamp=0
	now=$(date +%s)
	[ -f "$d/updated" ] && stamp=$(stat -c %Y "$d/updated")
	if [ $((now - stamp)) -gt "$max_age" ]; then
		kk_log "apt-get update (private list $d/sources.list: $line)"
		# apt-get update exits 0 when a fetch fails (it only warns): check its words.
		local out
		if out=$(apt-get -qq "${KK_APT_OPTS[@]}" update 2>&1) &&
		   ! printf '%s\n' "$out" | grep -qE '^(W|E|Err):? .*(Failed to fetch|not signed|Could not resolve|Temporary failure)'; then
			[ -z "$out" ] || printf '%s\n' "$out" >&2
			touch "$d/updated"
		elif printf '%s\n' "$out" >&2; ls "$d/lists/"*Packages* >/dev/null 2>&1; then
			kk_log "warning: apt-get update failed, using the old lists in $d/lists"
		else
			kk_log "warning: apt-get update failed and no old lists in $d/lists"
			return 1
		fi
	fi
	KK_APT_DIR=$d
}

# Debian architecture name for a kernel ARCH.
kk_debarch() {
	case $1 in
		x86_64) echo amd64 ;;
		arm64)  echo arm64 ;;
		*) kk_die "unknown ARCH '$1' (want x86_64 or arm64)" ;;
	esac
}

# ELF machine string that `readelf -h` prints for a kernel ARCH.
kk_elf_machine() {
	case $1 in
		x86_64) echo 'Advanced Micro Devices X86-64' ;;
		arm64)  echo 'AArch64' ;;
	esac
}

# ---------------------------------------------------------------------------
# Test helpers
# ---------------------------------------------------------------------------
VM_PASS=0
VM_FAIL=0
VM_SKIP=0

# Exit code for "skipped" (automake convention).
VM_SKIP_RC=77

# vm_skip_or_fail WHY: in CI ($CI set) this is a hard, loud failure
# (exit 1); elsewhere the test is skipped (exit 77).
vm_skip_or_fail() {
	if [ -n "${CI:-}" ]; then
		{
			echo "########################################################################"
			echo "### VM TEST CANNOT RUN IN CI: $*"
			echo "########################################################################"
		} >&2
		exit 1
	fi
	echo "SKIP: $* (exit $VM_SKIP_RC)" >&2
	exit "$VM_SKIP_RC"
}

# vm_require ARCH [VARIANT]: make sure QEMU for ARCH and a test kernel exist:
# build-kernel.sh VARIANT (default ARCH; arm64-64k is the 64 KiB page one).
# Sets VM_KERNEL (image), VM_KDIR (cache entry dir), VM_HEADERS (uapi headers
# include dir, empty if the kernel came from an override without headers).
vm_require() {
	local arch=$1 variant=${2:-$1} qemu
	case $arch in
		x86_64) qemu=qemu-system-x86_64 ;;
		arm64)  qemu=qemu-system-aarch64 ;;
		*) kk_die "vm_require: unknown ARCH '$arch'" ;;
	esac
	if ! command -v "$qemu" >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ]; then
			local pkg=qemu-system-x86; [ "$arch" = arm64 ] && pkg=qemu-system-arm
			(kk_install_pkgs "$pkg") || true
		fi
		command -v "$qemu" >/dev/null 2>&1 || vm_skip_or_fail "$qemu not available"
	fi
	local out
	if ! out=$("$KK_VM_DIR/build-kernel.sh" "$variant"); then
		vm_skip_or_fail "could not obtain a $variant test kernel (build-kernel.sh failed)"
	fi
	VM_KERNEL=$(printf '%s\n' "$out" | tail -n1)
	[ -f "$VM_KERNEL" ] || vm_skip_or_fail "build-kernel.sh $variant gave no kernel image ('$VM_KERNEL')"
	VM_KDIR=$(dirname "$VM_KERNEL")
	VM_HEADERS=
	[ -d "$VM_KDIR/headers/include" ] && VM_HEADERS=$VM_KDIR/headers/include
	return 0
}

# vm_console ARCH: the serial console name for console= (ttyS0 / ttyAMA0).
vm_console() {
	case $1 in
		x86_64) echo ttyS0 ;;
		arm64)  echo ttyAMA0 ;;
		*) kk_die "vm_console: unknown ARCH '$1'" ;;
	esac
}

vm_pass() { VM_PASS=$((VM_PASS + 1)); echo "  ok   - $*"; }
vm_fail() { VM_FAIL=$((VM_FAIL + 1)); echo "  FAIL - $*"; }

# vm_assert_eq DESC GOT WANT: GOT is not empty and is WANT. An empty GOT
# is a failure: the value was not found in the log, which must not pass
# for a match of two missing values.
vm_assert_eq() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		vm_pass "$1 ($2)"
	else
		vm_fail "$1: got '$2', want '$3'"
	fi
}

# vm_qemu_ok NAME RC: QEMU powered the guest off by itself (status 0).
vm_qemu_ok() {
	if [ "$2" -eq 0 ]; then
		vm_pass "$1: QEMU powered off by itself"
	else
		vm_fail "$1: QEMU status $2 (124 = timeout)"
	fi
}

# vm_log_tail LOG: the end of a console log, after a failure.
vm_log_tail() {
	echo "  ---- tail of $1 ----"
	tail -n 40 "$1" | sed 's/^/  | /'
	echo "  ----"
}

# assert_log FILE PATTERN DESC: PATTERN (extended regex) must occur in FILE.
assert_log() {
	local file=$1 pat=$2 desc=${3:-"log matches /$2/"}
	if [ -f "$file" ] && grep -qE -- "$pat" "$file"; then
		vm_pass "$desc"
	else
		vm_fail "$desc (no match for /$pat/ in $file)"
		return 1
	fi
}

# refute_log FILE PATTERN DESC: PATTERN must NOT occur in FILE.
refute_log() {
	local file=$1 pat=$2 desc=${3:-"log has no /$2/"}
	if [ ! -f "$file" ]; then
		vm_fail "$desc (no log file $file)"
		return 1
	fi
	local hit
	if hit=$(grep -m1 -E -- "$pat" "$file"); then
		vm_fail "$desc (found: $hit)"
		return 1
	fi
	vm_pass "$desc"
}

# vm_check_guest LOG NAME: fold the guest's own verdict into the counters:
# every "KKTEST: FAIL" line is a failure, there must be at least one
# "KKTEST: PASS" and a final "KKTEST: DONE", and no kernel panic / oops.
vm_check_guest() {
	local log=$1 name=$2 line
	while IFS= read -r line; do
		vm_fail "$name guest: ${line#*KKTEST: FAIL }"
	done < <(grep -a 'KKTEST: FAIL' "$log" 2>/dev/null | tr -d '\r')
	assert_log "$log" 'KKTEST: PASS' "$name: guest reported at least one PASS" || true
	assert_log "$log" 'KKTEST: DONE' "$name: guest test ran to the end (KKTEST: DONE)" || true
	refute_log "$log" 'Kernel panic|Oops|BUG:|WARNING: CPU' "$name: no kernel panic/oops/BUG/WARNING" || true
}

# vm_summary: prints "N passed, N failed" and returns 1 if anything failed.
vm_summary() {
	echo
	if [ "$VM_SKIP" -gt 0 ]; then
		echo "$VM_PASS passed, $VM_FAIL failed, $VM_SKIP skipped"
	else
		echo "$VM_PASS passed, $VM_FAIL failed"
	fi
	[ "$VM_FAIL" -eq 0 ]
}

# ---------------------------------------------------------------------------
# Chains of kernels in one QEMU run (the KHO tiers). The caller sets HERE
# (tests/vm), ARCH, VM_KERNEL, INITRD, LOGDIR, TIMEOUT and CASE_NAME.
# ---------------------------------------------------------------------------

# vm_boot NAME APPEND [qemu-run options]: boots case NAME; sets LOG. The
# array VM_QEMU_OPTS, when the caller sets it, goes to every boot (e.g.
# --mem for a kernel that needs more memory).
vm_boot() {
	local name=$1 append=$2 rc start
	shift 2
	LOG=$LOGDIR/$name.log
	echo "== $name: $append"
	start=$(date +%s)
	set +e
	"$HERE/qemu-run.sh" --arch "$ARCH" --kernel "$VM_KERNEL" --initrd "$INITRD" \
		--append "$append" --log "$LOG" --timeout "$TIMEOUT" \
		${VM_QEMU_OPTS[@]+"${VM_QEMU_OPTS[@]}"} "$@" 2> "$LOG.qemu"
	rc=$?
	set -e
	echo "   ($(( $(date +%s) - start )) s, log $LOG)"
	vm_qemu_ok "$name" $rc
	[ -f "$LOG" ] || : > "$LOG"
}

# vm_kernels LOG N: exactly N kernels booted one after the other in LOG.
vm_kernels() {
	local n
	n=$(grep -c 'Linux version [0-9]' "$1" || true)
	if [ "$n" = "$2" ]; then
		vm_pass "$CASE_NAME: $2 kernels booted in a row"
	else
		vm_fail "$CASE_NAME: $2 kernels booted in a row (saw $n)"
	fi
}

# vm_section LOG N: the part of LOG that kernel N (0 = A) printed, as a
# file beside LOG; prints its name. Checks on one kernel then cannot be
# satisfied by another kernel's lines.
vm_section() {
	local log=$1 n=$2 out=$1.k$2
	awk -v want="$n" '/Linux version [0-9]/ { k++ } k == want + 1' "$log" > "$out" 2>/dev/null || true
	echo "$out"
}

# vm_scratch SECTION: the KHO scratch list the guest's show_kernel printed
# (its KK-SCRATCH lines "PHYS LEN"), on one line.
vm_scratch() { sed -n 's/^KK-SCRATCH: //p' "$1" | tr '\n' ' '; }

# arm64: the FDT address in the next kernel's /chosen/linux,kho-fdt is the
# one the previous kernel's loader reported (run_log TAG of `kexec -d`).
chosen_fdt_ok() { # PREV_SECTION TAG NEXT_SECTION WHO [WHAT]
	local said got
	[ "$ARCH" = arm64 ] || return 0
	said=$(sed -n "s/^  $2| KHO: FDT at \(0x[0-9a-f]*\), \([0-9]*\) bytes.*/\1 \2/p" "$1" | head -n1)
	got=$(sed -n 's/^KK-CHOSEN-KHO-FDT: //p' "$3" | head -n1)
	if [ -n "$said" ] && [ -n "$got" ] &&
		[ $((${said% *})) = $((${got% *})) ] && [ $((${said#* })) = $((${got#* })) ]; then
		vm_pass "$CASE_NAME $4: /chosen/linux,kho-fdt <$got> is ${5:-what kexec -d said} ($said bytes)"
	else
		vm_fail "$CASE_NAME $4: /chosen/linux,kho-fdt <$got> is ${5:-what kexec -d said} ('$said')"
	fi
}

# vm_kho_abi: the KHO ABI of the test kernel vm_require found
# (KHO_FDT_COMPATIBLE in its source, include/linux/kho/abi/
# kexec_handover.h), for tests that need the number without a running
# KHO kernel to read it from; kho-v4 (Linux 7.2/7.3) without the source.
vm_kho_abi() {
	local src abi
	src=$(sed -n 's/^source=//p' "$VM_KDIR/INFO" 2>/dev/null || true)
	abi=$(sed -n 's/^#define KHO_FDT_COMPATIBLE "\(kho-v[0-9]*\)".*/\1/p' \
		"$src/include/linux/kho/abi/kexec_handover.h" 2>/dev/null || true)
	if [ -z "$abi" ]; then
		abi=kho-v4
		kk_log "no kernel source for KHO_FDT_COMPATIBLE; assuming $abi (Linux 7.2/7.3)"
	fi
	echo "$abi"
}
