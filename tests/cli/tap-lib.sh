# shellcheck shell=bash
# TAP helpers for the CLI tests. Source it after setting $work (a scratch
# directory); each check prints "ok N - ..." or "not ok N - ..." and the
# script ends with tap_end, which prints the plan and sets the status.

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -f "$work/out" ] && sed 's/^/# /' "$work/out" | head -n 30
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

tap_end() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
