#!/usr/bin/env bash
# piuparts on the Debian packages (too slow for CI: run by hand, as root):
#   1. kexec-kho and kho-inject alone: install, remove, purge;
#   2. the same on a base with Debian's kexec-tools installed: both stay
#      installable, kexec-tools' kexec wins, and removing or purging
#      kexec-kho leaves it and /etc/default/kexec alone.
#   3. kexec-tools installed over kexec-kho, then purged (plain chroot).
# piuparts-scripts/ checks which kexec wins after install and removal.
# Ends with "N passed, N failed".
#
#   tests/pkg/piuparts.sh DEB...      (default: build them with test-deb.sh)
# Needs: apt-get install piuparts mmdebstrap (plus test-deb.sh's tools).
# KKTEST_PIUPARTS_BASE: a bookworm base tarball to reuse (made once with
# mmdebstrap when missing; building one takes a few minutes).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${KKTEST_PKGDIR:-/tmp/kk-piuparts}
base=${KKTEST_PIUPARTS_BASE:-$work/bookworm.tar.gz}
base_kt=${base%.tar.gz}-kexec-tools.tar.gz
mirror=${KKTEST_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$work"
passed=0
failed=0

if [ "$(id -u)" != 0 ]; then
	echo "piuparts.sh: run as root (piuparts needs chroots)" >&2
	exit 1
fi
debs=("$@")
if [ ${#debs[@]} = 0 ]; then
	KKTEST_PKGDIR=$work/build bash "$top/tests/pkg/test-deb.sh" >"$work/test-deb.log" 2>&1
	mapfile -t debs < <(ls "$work"/build/src/*.deb | grep -v dbgsym)
fi
make_base() {
	[ -f "$1" ] && return
	mmdebstrap --variant=minbase ${2:+--include=$2} bookworm "$1" \
		"deb $mirror bookworm main" >"$work/mmdebstrap.log" 2>&1 ||
		{ echo "FAIL - mmdebstrap (log: $work/mmdebstrap.log)"; exit 1; }
}
make_base "$base"
make_base "$base_kt" kexec-tools

run() {
	local name=$1 log=$work/$2.log tgz=$3
	shift 3
	if piuparts -d bookworm -m "$mirror" -b "$tgz" \
		--scriptsdir="$top/tests/pkg/piuparts-scripts" "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS - $name"
	else
		failed=$((failed + 1))
		echo "FAIL - $name (log: $log)"
		grep -E 'ERROR|FAIL' "$log" | head -n 20
	fi
}

run "piuparts: install, remove, purge" alone "$base" "${debs[@]}"
run "piuparts: the same beside kexec-tools" with-kexec-tools "$base_kt" "${debs[@]}"
# 3. kexec-tools installed after kexec-kho and removed again: its kexec
#    wins while installed, and the trigger puts the alternative back.
switch_test() {
	local root=$work/chroot
	rm -rf "$root" && mkdir -p "$root" && tar -xzf "$base" -C "$root" &&
		cp "${debs[@]}" "$root/tmp/" && cp /etc/resolv.conf "$root/etc/" &&
		mount -t proc proc "$root/proc" || return 1
	chroot "$root" sh -ec '
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q
		apt-get install -y -q /tmp/*.deb
		kexec --version | grep kexec-kho
		apt-get install -y -q kexec-tools
		test ! -L /usr/sbin/kexec
		kexec --version | grep kexec-tools
		apt-get purge -y -q kexec-tools
		test "$(readlink -f /usr/sbin/kexec)" = /usr/sbin/kexec-kho
		kexec --version | grep kexec-kho'
	local rc=$?
	umount "$root/proc"
	rm -rf "$root"
	return $rc
}
if switch_test >"$work/switch.log" 2>&1; then
	passed=$((passed + 1))
	echo "PASS - kexec-tools installed over kexec-kho wins; removed, kexec is kexec-kho again"
else
	failed=$((failed + 1))
	echo "FAIL - kexec-tools over kexec-kho and back (log: $work/switch.log)"
	tail -n 20 "$work/switch.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
