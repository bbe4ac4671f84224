#!/usr/bin/env bash
# Cross-build the arm64 Debian packages (dpkg-buildpackage -a arm64) in a
# throw-away bookworm chroot made by mmdebstrap: Debian 12's libfdt-dev
# cannot be installed for amd64 and arm64 side by side, so the host's
# own build dependencies stay untouched. As root. Ends with
# "N passed, N failed".
#
#   tests/pkg/cross-arm64.sh [TARBALL]   (default: make dist in a scratch tree)
# Needs: apt-get install mmdebstrap; about 5 minutes, mostly downloads.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${KKTEST_PKGDIR:-/tmp/kk-cross-arm64}
mirror=${KKTEST_MIRROR:-http://deb.debian.org/debian}
rm -rf "$work/out" && mkdir -p "$work/out"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS - $1"; }
ko() { failed=$((failed + 1)); echo "FAIL - $1"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

tarball=${1:-}
if [ -z "$tarball" ]; then
	rm -rf "$work/dist" && mkdir -p "$work/dist"
	(cd "$top" && ./autogen.sh && cd "$work/dist" && "$top/configure" && make dist) \
		>"$work/dist.log" 2>&1 || { ko "make dist (log: $work/dist.log)"; finish; }
	tarball=$(ls "$work"/dist/kexec-kho-*.tar.gz)
fi
name=$(basename "$tarball" .tar.gz)

# The build runs as a customize hook; its packages are copied out.
log=$work/build.log
if mmdebstrap --variant=apt --architectures=amd64,arm64 \
	--include=build-essential,crossbuild-essential-arm64,debhelper,pkgconf,pkgconf:arm64,libfdt-dev:arm64,zlib1g-dev:arm64,file \
	--customize-hook="copy-in '$tarball' /tmp" \
	--customize-hook="chroot \"\$1\" sh -ec 'cd /tmp && tar xzf $name.tar.gz && cd $name && CC=aarch64-linux-gnu-gcc DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -a arm64 -Pnocheck -us -uc -b'" \
	--customize-hook="sync-out /tmp '$work/out'" \
	bookworm /dev/null "deb $mirror bookworm main" >"$log" 2>&1; then
	ok "dpkg-buildpackage -a arm64 in a bookworm chroot"
else
	ko "cross build (log: $log)"
	tail -n 30 "$log"
	finish
fi
warnings=$(grep -iE '(^|[^-])warning:' "$log")
if [ -z "$warnings" ]; then
	ok "the cross build prints no warning"
else
	ko "the cross build prints warnings:"
	echo "$warnings" | head -n 20
fi
for p in kexec-kho kho-inject; do
	deb=$(ls "$work"/out/${p}_*_arm64.deb 2>/dev/null)
	if [ -z "$deb" ]; then
		ko "$p arm64 package built"
		continue
	fi
	ok "$p arm64 package built"
	rm -rf "$work/x" && mkdir -p "$work/x" && dpkg-deb -x "$deb" "$work/x"
	bin=$work/x/usr/sbin/$p
	if file "$bin" | grep -q 'ARM aarch64'; then
		ok "$p: /usr/sbin/$p is an aarch64 binary"
	else
		ko "$p: /usr/sbin/$p is an aarch64 binary ($(file -b "$bin"))"
	fi
done
finish
