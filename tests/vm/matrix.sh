#!/bin/bash
# matrix.sh [SERIES...]: the KHO VM suites against each Debian kernel
# series (default: 7.3 7.2), the same config fragments for every series.
# One variable selects the series for any VM script:
#
#   KEXEC_KHO_KERNEL_SERIES=7.2 tests/vm/test-kho.sh
#
# (fetch-kernel-source.sh takes linux-source-7.2 from trixie-backports,
# else from sid; build-kernel.sh caches each series under its own key).
# This script builds what is missing, runs the suites, prints one table
# row per series and suite (the table in tests/vm/README-vm.md is its
# output) and ends with "N passed, N failed" over all of them.
#
# Environment:
#   KKTEST_MATRIX_SUITES   suites to run (default: test-kho.sh test-kho-arm64.sh)
#   KKTEST_LOGDIR          log root (default /tmp/kexec-kho-vm-logs); each series
#                          logs under matrix-SERIES/
# Not run by tests/run-all.sh: two more kernels and two more suite runs do
# not fit CI's time budget on a fresh machine (see README-vm.md).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SERIES=${*:-7.3 7.2}
SUITES=${KKTEST_MATRIX_SUITES:-test-kho.sh test-kho-arm64.sh}
LOGROOT=${KKTEST_LOGDIR:-${TMPDIR:-/tmp}/kexec-kho-vm-logs}
mkdir -p "$LOGROOT"

passed=0
failed=0
rows=()

# The kernel variant a suite boots.
variant_of() {
	case $1 in
	*arm64-64k*) echo arm64-64k ;;
	*arm64*) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

for s in $SERIES; do
	dir=$LOGROOT/matrix-$s
	mkdir -p "$dir"
	for t in $SUITES; do
		name=${t%.sh}
		v=$(variant_of "$t")
		log=$dir/$name.log
		if ! img=$(KEXEC_KHO_KERNEL_SERIES=$s bash "$HERE/build-kernel.sh" "$v" 2>"$dir/build-$v.log" | tail -n1) ||
		   [ ! -f "$img" ]; then
			failed=$((failed + 1))
			rows+=("| $s | $name | (no kernel: $dir/build-$v.log) | build failed |")
			continue
		fi
		kver=$(basename "$(dirname "$img")")
		start=$(date +%s)
		KEXEC_KHO_KERNEL_SERIES=$s KKTEST_LOGDIR=$dir bash "$HERE/$t" >"$log" 2>&1
		rc=$?
		secs=$(($(date +%s) - start))
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
		if [ -z "$line" ]; then
			failed=$((failed + 1))
			rows+=("| $s | $name | $kver | no result line, exit $rc ($log) |")
			continue
		fi
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed*}
		passed=$((passed + p))
		failed=$((failed + f))
		[ "$f" = 0 ] && [ $rc = 0 ] || grep -aE '^ *FAIL - ' "$log" | head -n 20
		rows+=("| $s | $name | $kver | $line (${secs} s) |")
	done
done

echo "| series | suite | kernel (cache entry) | result |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
