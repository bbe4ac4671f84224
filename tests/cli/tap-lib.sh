# shellcheck shell=bash
# TAP helpers for the shell tests of tests/cli and tests/kho-inject.
# Source it; each check prints "ok N - ..." or "not ok N - ...". A script
# either prints its plan up front (echo "1..N", then compares $n with N
# at the end) or ends with tap_end, which prints the plan. $failed counts
# the failures.
#
# After a failure not_ok shows, as TAP comments, what the failed command
# printed: the first 30 lines of each file named in $tap_diag (default
# $work/out, the file expect writes), each line prefixed with the file's
# name.

# cli_setup: what every kexec CLI script starts from (after setting
# $srcdir and sourcing this file): the programs under test, as make check
# passes them or from the build dir, the fixture roots, and a scratch
# directory $work removed on exit.
cli_setup() {
	bin=${KEXEC_BIN:-./kexec/kexec}
	tbin=${KEXEC_TEST_BIN:-$bin-test}
	inject=${KHO_INJECT_BIN:-$(dirname "$bin")/../kho-inject/kho-inject}
	mkbz=${MKBZIMAGE:-./tests/cli/mkbzimage}
	fx=$srcdir/tests/fixtures
	kho=$fx/kho-qemu
	nokho=$fx/cli-x86_64
	work=$(mktemp -d)
	# shellcheck disable=SC2064 # $work is fixed from here on
	trap "rm -rf '$work'" EXIT
}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	local f
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	for f in ${tap_diag-"$work/out"}; do
		[ -s "$f" ] && head -n 30 "$f" | sed "s|^|# ${f##*/}: |"
	done
	return 0
}
# skip DESC WHY: a test that cannot run here, counted as TAP's SKIP.
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# check DESC CMD...: a test of its own made of a shell condition.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect DESC STATUS PATTERN -- CMD...: exit status and a line matching PATTERN.
expect() {
	local desc=$1 want=$2 pat=$3 rc
	shift 4
	"$@" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "$desc (exit $rc, wanted $want)"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$work/out"; then
		not_ok "$desc (no line matching '$pat')"
	else
		ok "$desc"
	fi
}

# An awk function hex(s) for "0x..." strings: mawk has no strtonum.
# Addresses here stay below 2^53.
HEX='function hex(s,   i, v) {
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}'

# plan_inside "S-E S-E ...": every destination in the plan printed to
# $work/out lies inside one of the [start, end] ranges, and there is one.
plan_inside() {
	local ranges=$1
	awk -v ranges="$ranges" "$HEX"'
	BEGIN { nr = split(ranges, r, " ") }
	/^  [0-9]+ +0x/ {
		split($2, d, "-"); s = hex(d[1]); e = hex(d[2]); found = 0
		for (i = 1; i <= nr; i++) {
			split(r[i], b, "-")
			if (s >= hex(b[1]) && e <= hex(b[2])) found = 1
		}
		if (!found) { print "outside: " $0; bad = 1 }
		seen++
	}
	END { exit (bad || !seen) }' "$work/out"
}

# refuse DESC PATTERN -- CMD...: exit 1, exactly one "kexec: " line on
# stderr matching PATTERN, nothing on stdout.
refuse() {
	local desc=$1 pat=$2 rc
	shift 3
	"$@" >"$work/stdout" 2>"$work/out"
	rc=$?
	if [ "$rc" != 1 ]; then
		not_ok "$desc (exit $rc, wanted 1)"
	elif [ "$(wc -l <"$work/out")" != 1 ] || ! grep -q '^kexec: ' "$work/out"; then
		not_ok "$desc (stderr is not one 'kexec:' line)"
	elif ! grep -qE -- "$pat" "$work/out"; then
		not_ok "$desc (no '$pat' in the error)"
	elif [ -s "$work/stdout" ]; then
		not_ok "$desc (printed something on stdout)"
	else
		ok "$desc"
	fi
}

tap_end() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
