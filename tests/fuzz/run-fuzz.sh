#!/bin/sh
# Run each libFuzzer target for SECONDS on a copy of its seed corpus.
#   run-fuzz.sh SECONDS CORPUS_DIR WORK_DIR TARGET...
# FUZZ_RUNS=N stops a target after N inputs and FUZZ_SEED=S fixes its
# random seed: together they make a run repeatable, so a tree gets the same
# verdict each time (CI); SECONDS then only caps a slow target.
# Prints "PASS: fuzz NAME" or "FAIL: fuzz NAME", and for a failure the
# input that crashed and the first lines of the sanitizer report; exits 1
# when any target failed. The seeds are never written to: new inputs and
# crashes go to WORK_DIR/NAME.
set -u
seconds=$1 corpus=$2 work=$3
shift 3
failed=0
# A fixed seed alone is not enough: libFuzzer also learns from compared
# values, pointers among them, so address randomization changes the run.
norand=
if [ -n "${FUZZ_SEED:-}" ] && setarch "$(uname -m)" -R true 2>/dev/null; then
	norand="setarch $(uname -m) -R"
fi
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	dir=$work/$name
	rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/crash" || exit 1
	if [ ! -d "$corpus/$name" ]; then
		echo "FAIL: fuzz $name: no seed corpus $corpus/$name"
		failed=1
		continue
	fi
	cp "$corpus/$name"/* "$dir/corpus/" || exit 1
	echo "== fuzz $name (${seconds}s${FUZZ_RUNS:+, $FUZZ_RUNS runs}${FUZZ_SEED:+, seed $FUZZ_SEED})"
	# -timeout: an input that takes seconds is a hang worth reporting.
	$norand "$bin" -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" \
		-seed="${FUZZ_SEED:-0}" ${FUZZ_SEED:+-reload=0} -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/crash/" \
		"$dir/corpus" >"$dir/log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "PASS: fuzz $name: $(grep -E '^stat::number_of_executed_units' "$dir/log" | sed 's/.*: *//') runs"
		continue
	fi
	failed=1
	echo "FAIL: fuzz $name (exit $rc, log: $dir/log)"
	for f in "$dir"/crash/*; do
		[ -e "$f" ] && echo "  crashing input: $f"
	done
	# The sanitizer's own report, from its first line.
	sed -n '/^==[0-9]*==ERROR\|runtime error:\|^==[0-9]*== ERROR\|ALARM\|deadly signal/,$p' "$dir/log" |
		head -n 25 | sed 's/^/  /'
done
exit $failed
