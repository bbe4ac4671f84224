#!/usr/bin/env bash
# Every test tier in one run: build, unit and CLI tests (make check), the
# arm64 cross build, make distcheck, the Debian packages and the QEMU VM
# tests. Ends with one line "N passed, N failed"; exits non-zero when
# anything failed.
#
#   tests/run-all.sh            all tiers
#   tests/run-all.sh --no-vm    skip the QEMU tier (said loudly; refused in CI)
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
logdir=$top/tests/out
mkdir -p "$logdir"

passed=0
failed=0
failures=()
run_vm=1
[ "${1:-}" = "--no-vm" ] && run_vm=0

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"; }

# One tier that is a single pass/fail step; its log is kept for reading.
step() {
	local name=$1 log=$logdir/$2.log
	shift 2
	echo "== $name"
	if ( "$@" ) >"$log" 2>&1; then
		pass "$name"
	else
		fail "$name (log: $log)"
		tail -n 40 "$log"
		return 1
	fi
}

# Add the counts from a log's "N passed, N failed" line (the last one).
add_counts() {
	local log=$1 name=$2 line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail "$name: printed no result line (log: $log)"
		tail -n 40 "$log"
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" = 0 ] || failures+=("$name: $f failed (log: $log)")
	echo "$name: $line"
}

# Out-of-tree builds, so the native and the cross build share one source
# tree; an in-tree configure would make automake refuse both.
build_dir=$logdir/build-$(uname -m)
build() {
	./autogen.sh || return 1
	if [ -f config.status ]; then make distclean || return 1; fi
	rm -rf "$build_dir" && mkdir -p "$build_dir" && cd "$build_dir" &&
		"$top/configure" --enable-static-binaries && make -j"$(nproc)" &&
		make -j"$(nproc)" kexec/kexec-test	# the VM tests' test build
}

if ! step "build (static)" build build; then
	echo "$passed passed, $failed failed"
	exit 1
fi
export KEXEC_KHO_BUILD_X86_64=$build_dir

# make check: every cmocka case and CLI check counts on its own (TAP).
echo "== make check"
make -C "$build_dir" -j"$(nproc)" check >"$logdir/check.log" 2>&1
check_rc=$?
p=$(sed -n 's/^# PASS: *//p' "$logdir/check.log" | tail -n 1)
f=0
for k in FAIL XPASS ERROR; do
	n=$(sed -n "s/^# $k: *//p" "$logdir/check.log" | tail -n 1)
	f=$((f + ${n:-0}))
done
if [ -z "$p" ]; then
	fail "make check printed no summary (log: $logdir/check.log)"
	tail -n 40 "$logdir/check.log"
else
	passed=$((passed + p))
	failed=$((failed + f))
	echo "make check: $p passed, $f failed"
	if [ "$f" != 0 ] || [ $check_rc != 0 ]; then
		[ "$f" != 0 ] || fail "make check exited $check_rc"
		failures+=("make check (see $logdir/check.log and test-suite.log)")
		grep -E '^(not ok|FAIL|ERROR)' "$logdir/check.log" | head -n 40
		grep -rh -B2 -A8 '^not ok' "$build_dir"/tests 2>/dev/null | head -n 80
	fi
fi

# Fuzz targets under libFuzzer, ASan and UBSan (tests/fuzz/README.md):
# a separate clang build, every target for 50000 inputs from a fixed seed
# (at most 60 s), so a tree always gets the same verdict and a crash found
# here can be replayed; `make fuzz` explores further. Each target counts.
fuzz_dir=$logdir/build-fuzz
fuzz_build() {
	rm -rf "$fuzz_dir" && mkdir -p "$fuzz_dir" && cd "$fuzz_dir" &&
		"$top/configure" --enable-fuzzing CC=clang && make -j"$(nproc)"
}
echo "== fuzz"
if ! command -v clang >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		fail "fuzz: clang is not installed (tests/install-deps.sh installs it)"
	else
		echo "SKIP: fuzz: clang is not installed (tests/install-deps.sh installs it)"
	fi
elif step "fuzz build (clang, --enable-fuzzing)" build-fuzz fuzz_build; then
	make -C "$fuzz_dir" fuzz FUZZ_SECONDS=60 FUZZ_RUNS=50000 FUZZ_SEED=1 \
		>"$logdir/fuzz.log" 2>&1
	fuzz_rc=$?
	fuzz_seen=0
	while IFS= read -r line; do
		case $line in
		"PASS: fuzz "*) pass "${line#PASS: }"; fuzz_seen=1 ;;
		"FAIL: fuzz "*) fail "${line#FAIL: }"; fuzz_seen=1 ;;
		"  "*) echo "$line" ;;
		esac
	done <"$logdir/fuzz.log"
	if [ $fuzz_seen = 0 ] || { [ $fuzz_rc != 0 ] && ! grep -q '^FAIL: fuzz ' "$logdir/fuzz.log"; }; then
		fail "make fuzz exited $fuzz_rc (log: $logdir/fuzz.log)"
		tail -n 40 "$logdir/fuzz.log"
	fi
fi

fdt_sysroot=${KEXEC_KHO_CACHE:-/var/cache/kexec-kho}/sysroot-arm64
cross_build() {
	rm -rf "$logdir/build-arm64" && mkdir -p "$logdir/build-arm64" &&
		cd "$logdir/build-arm64" &&
		"$top/configure" --host=aarch64-linux-gnu --enable-static-binaries \
			LIBFDT_CFLAGS="-I$fdt_sysroot/usr/include" \
			LIBFDT_LIBS="-L$fdt_sysroot/usr/lib/aarch64-linux-gnu -lfdt" &&
		make -j"$(nproc)" && make -j"$(nproc)" kexec/kexec-test &&
		file kexec/kexec | grep -q 'ARM aarch64' &&
		file kexec/kexec | grep -q 'statically linked'
}
step "cross build for arm64 (static)" build-arm64 cross_build &&
	export KEXEC_KHO_BUILD_ARM64=$logdir/build-arm64

step "make distcheck" distcheck make -C "$build_dir" -j"$(nproc)" distcheck

# The Debian packages, built from the tarball distcheck just checked:
# lintian and their contents (tests/pkg/test-deb.sh; each check counts).
echo "== Debian packages"
pkg_tarball=$(ls "$build_dir"/kexec-kho-*.tar.gz 2>/dev/null | head -n 1)
KKTEST_PKGDIR=$logdir/pkg bash tests/pkg/test-deb.sh $pkg_tarball >"$logdir/pkg.log" 2>&1
add_counts "$logdir/pkg.log" "Debian packages"
grep -aE '^FAIL - ' "$logdir/pkg.log" | head -n 40

if [ $run_vm = 1 ]; then
	for t in tests/vm/test-*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		echo "== VM: $name"
		log=$logdir/vm-$name.log
		bash "$t" >"$log" 2>&1
		rc=$?
		if [ $rc = 77 ] && [ -z "${CI:-}" ]; then
			echo "SKIP: $name: $(tail -n 1 "$log")"
			continue
		fi
		add_counts "$log" "$name"
		# CI shows only this output: name each failed check here.
		grep -aE '^ *FAIL - ' "$log" | head -n 40
		if [ $rc != 0 ] && ! grep -qE '^[0-9]+ passed, [1-9][0-9]* failed' "$log"; then
			fail "$name exited $rc"
		fi
	done
elif [ -n "${CI:-}" ]; then
	fail "the VM tier may not be skipped in CI"
else
	echo "SKIP: VM tests (--no-vm)"
fi

if [ ${#failures[@]} != 0 ]; then
	echo "== failures"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
