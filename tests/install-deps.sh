#!/usr/bin/env bash
# Install everything the build, the tests and the demo need on Debian 12,
# including arm64 multiarch libraries for the cross build. Needs root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root (it calls apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
fi
apt-get update -q
apt-get install -y -q --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	libfdt-dev zlib1g-dev libcmocka-dev device-tree-compiler \
	liblzma-dev libzstd-dev zstd lz4 \
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross \
	zlib1g-dev:arm64 \
	qemu-system-x86 qemu-system-arm ovmf busybox-static cpio \
	rsync bc flex bison libelf-dev libssl-dev xz-utils kmod \
	groff-base man-db file ca-certificates \
	clang \
	debhelper lintian bash-completion

# libfdt-dev is not Multi-Arch: same on Debian 12, so the arm64 one cannot
# sit beside the amd64 one. Unpack it (headers are the same) into a private
# sysroot that the cross build is pointed at with LIBFDT_CFLAGS/LIBFDT_LIBS.
sysroot=${KEXEC_KHO_CACHE:-/var/cache/kexec-kho}/sysroot-arm64
if [ ! -f "$sysroot/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q libfdt-dev:arm64 libfdt1:arm64)
	mkdir -p "$sysroot"
	for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
	rm -rf "$tmp"
fi
echo "install-deps: arm64 libfdt in $sysroot"
