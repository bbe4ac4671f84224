#!/bin/bash
# fetch-kernel-source.sh: get the newest Debian linux-source-7.x package from
# trixie-backports and unpack it into the kexec-kho cache.
#
# Prints (last line of stdout) the path of the unpacked kernel tree.
# The directory above it holds DEB_VERSION (the Debian package version).
#
# Uses a private apt sources list under $KEXEC_KHO_CACHE/apt/ (never /etc/apt).
# Environment:
#   KEXEC_KHO_CACHE            cache root (default /var/cache/kexec-kho)
#   KEXEC_KHO_KERNEL_SERIES    a kernel series, e.g. 7.2: linux-source-7.2 from
#                              trixie-backports, else from sid (the kernel matrix)
#   KEXEC_KHO_SOURCE_PKG       pin a package, e.g. linux-source-7.3 (default: newest 7.x)
#   KEXEC_KHO_SOURCE_DEB       use this .deb file, skip apt entirely
#   KEXEC_KHO_APT_MAX_AGE      seconds before the private apt lists are refreshed (21600)
set -euo pipefail
KK_PROG=fetch-kernel-source
. "$(dirname "$0")/lib.sh"

SUITE_LINE='deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main'
# Only a pinned series may come from sid: the default stays the newest
# release in trixie-backports even when sid moves to a newer series.
SID_LINE='deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main'
if [ -n "${KEXEC_KHO_KERNEL_SERIES:-}" ]; then
	case $KEXEC_KHO_KERNEL_SERIES in
	7.[0-9] | 7.[0-9][0-9]) ;;
	*) kk_die "KEXEC_KHO_KERNEL_SERIES=$KEXEC_KHO_KERNEL_SERIES is not a 7.x series (e.g. 7.2)" ;;
	esac
	if [ -n "${KEXEC_KHO_SOURCE_PKG:-}" ] &&
	   [ "$KEXEC_KHO_SOURCE_PKG" != "linux-source-$KEXEC_KHO_KERNEL_SERIES" ]; then
		kk_die "KEXEC_KHO_KERNEL_SERIES=$KEXEC_KHO_KERNEL_SERIES conflicts with KEXEC_KHO_SOURCE_PKG=$KEXEC_KHO_SOURCE_PKG"
	fi
	KEXEC_KHO_SOURCE_PKG=linux-source-$KEXEC_KHO_KERNEL_SERIES
fi
DEBDIR=$KK_CACHE/debs
SRCROOT=$KK_CACHE/src
# Extra places where an already downloaded .deb may sit (speeds up a dev box).
EXTRA_DEB_DIRS=${KEXEC_KHO_EXTRA_DEB_DIRS-/tmp/tbp} # set it empty to disable

mkdir -p "$DEBDIR" "$SRCROOT" "$KK_CACHE/locks"
exec 9>"$KK_CACHE/locks/source.lock"
flock 9

kk_need_cmd dpkg-deb dpkg
kk_need_cmd xz xz-utils
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || kk_need_pkgs debian-archive-keyring

# newest_local_deb: newest linux-source-7.*_all.deb we already have.
newest_local_deb() {
	local d f
	for d in "$DEBDIR" $EXTRA_DEB_DIRS; do
		[ -d "$d" ] || continue
		for f in "$d"/linux-source-7.*_all.deb; do
			[ -f "$f" ] || continue
			if [ -n "${KEXEC_KHO_SOURCE_PKG:-}" ] &&
			   [ "$(dpkg-deb -f "$f" Package)" != "$KEXEC_KHO_SOURCE_PKG" ]; then
				continue
			fi
			printf '%s %s\n' "$(dpkg-deb -f "$f" Version)" "$f"
		done
	done | sort -V -k1,1 | tail -n1 | cut -d' ' -f2-
}

# find_local_deb PKG VERSION: path of that exact .deb if we have it.
find_local_deb() {
	local pkg=$1 ver=$2 d f
	for d in "$DEBDIR" $EXTRA_DEB_DIRS; do
		for f in "$d/${pkg}_${ver}_all.deb" "$d/${pkg}_${ver//:/%3a}_all.deb"; do
			if [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version 2>/dev/null)" = "$ver" ]; then
				echo "$f"; return 0
			fi
		done
	done
	return 1
}

# from_apt: set DEB to the newest linux-source-7.x from trixie-backports
# (downloaded unless we already have that exact version). Fails softly.
# A pinned series that trixie-backports lacks is looked up in sid.
from_apt() {
	from_suite trixie-backports "$SUITE_LINE" && return 0
	[ -n "${KEXEC_KHO_KERNEL_SERIES:-}" ] || return 1
	kk_log "trying sid for $KEXEC_KHO_SOURCE_PKG"
	from_suite sid "$SID_LINE"
}

# from_suite NAME SOURCES_LINE: from_apt's work for one suite.
from_suite() {
	local suite=$1
	kk_apt_private "$suite" "$2" || return 1
	local pkg=${KEXEC_KHO_SOURCE_PKG:-} ver tmpdl f
	if [ -z "$pkg" ]; then
		pkg=$(apt-cache "${KK_APT_OPTS[@]}" search --names-only '^linux-source-7\.[0-9]+$' |
			awk '{print $1}' | sort -V | tail -n1)
	fi
	[ -n "$pkg" ] || { kk_log "no linux-source-7.* package in the $suite lists"; return 1; }
	ver=$(apt-cache "${KK_APT_OPTS[@]}" policy "$pkg" | awk '/Candidate:/ {print $2}')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || { kk_log "$suite has no candidate version for $pkg"; return 1; }
	kk_log "newest kernel source package: $pkg $ver"
	if DEB=$(find_local_deb "$pkg" "$ver"); then
		kk_log "reusing $DEB"
		return 0
	fi
	kk_log "downloading $pkg=$ver (about 170 MB)"
	tmpdl=$(mktemp -d "$DEBDIR/.dl.XXXXXX")
	if ! (cd "$tmpdl" && apt-get -q "${KK_APT_OPTS[@]}" download "$pkg=$ver" >&2); then
		rm -rf "$tmpdl"
		kk_log "apt-get download $pkg=$ver failed"
		return 1
	fi
	f=$(ls "$tmpdl"/*.deb)
	DEB=$DEBDIR/${pkg}_${ver//:/%3a}_all.deb
	mv "$f" "$DEB"
	rm -rf "$tmpdl"
}

DEB=
if [ -n "${KEXEC_KHO_SOURCE_DEB:-}" ]; then
	[ -f "$KEXEC_KHO_SOURCE_DEB" ] || kk_die "KEXEC_KHO_SOURCE_DEB=$KEXEC_KHO_SOURCE_DEB does not exist"
	DEB=$KEXEC_KHO_SOURCE_DEB
elif ! from_apt; then
	DEB=$(newest_local_deb)
	[ -n "$DEB" ] || kk_die "cannot get linux-source-7.x from trixie-backports and no linux-source-7.*.deb in $DEBDIR $EXTRA_DEB_DIRS"
	kk_log "apt unavailable, using the newest local package $DEB"
fi

VER=$(dpkg-deb -f "$DEB" Version)
PKG=$(dpkg-deb -f "$DEB" Package)
# A file-name friendly version (no ~ + :) for directory names.
SVER=$(printf '%s' "$VER" | tr -c 'A-Za-z0-9._-' '_')
DEST=$SRCROOT/$SVER

if [ ! -f "$DEST/.complete" ]; then
	kk_log "unpacking $DEB into $DEST"
	rm -rf "$DEST"
	tmp=$(mktemp -d "$SRCROOT/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg-deb -x "$DEB" "$tmp/deb"
	tarball=$(ls "$tmp"/deb/usr/src/linux-source-*.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || kk_die "$DEB has no usr/src/linux-source-*.tar.*"
	tar -xf "$tarball" -C "$tmp"
	rm -rf "$tmp/deb"
	tree=$(cd "$tmp" && ls -d linux-source-* | head -n1)
	[ -f "$tmp/$tree/Makefile" ] || kk_die "unpacked tree has no Makefile"
	printf '%s\n' "$VER" > "$tmp/DEB_VERSION"
	printf '%s\n' "$PKG" > "$tmp/DEB_PACKAGE"
	touch "$tmp/.complete"
	mv -T "$tmp" "$DEST"
	trap - EXIT
fi

tree=$(cd "$DEST" && ls -d linux-source-* | head -n1)
kk_log "kernel source: $PKG $VER"
echo "$DEST/$tree"
