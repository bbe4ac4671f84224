#!/bin/bash
# build-kernel.sh VARIANT: build (or reuse) the kexec-kho test kernel VARIANT
# and print its image path as the LAST line of stdout. Everything else goes
# to stderr.
#
#   x86_64    -> .../bzImage   config/x86_64.config
#   arm64     -> .../Image     config/arm64.config (4 KiB pages; Image.gz beside it)
#   arm64-64k -> .../Image     config/arm64.config + config/arm64-64k.config
#
# Cache entry: $KEXEC_KHO_CACHE/kernels/VARIANT-DEBVERSION-HASH/ where HASH is
# the sha256 (first 16 hex digits) of the variant's fragments and RECIPE
# below, not of this whole script: an edit here that does not change the
# kernel leaves every cached kernel valid. An entry only appears complete
# (renamed from a temp dir) after a successful build.
#
# Environment:
#   KEXEC_KHO_CACHE           cache root (default /var/cache/kexec-kho)
#   KEXEC_KHO_KERNEL_X86_64   prebuilt x86_64 bzImage: print it, build nothing
#   KEXEC_KHO_KERNEL_ARM64    prebuilt arm64 Image: print it, build nothing
#   KEXEC_KHO_KERNEL_ARM64_64K prebuilt arm64 64 KiB page Image: likewise
#   KEXEC_KHO_JOBS            make -j value (default: nproc)
#   KEXEC_KHO_CLEAN_BUILD=1   wipe the reusable object dir first
#   KEXEC_KHO_KEEP_KERNELS    finished entries kept per variant (default 4, oldest pruned)
set -euo pipefail
KK_PROG=build-kernel
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# RECIPE: how a kernel is made from its fragments (tinyconfig, the
# fragments merged in order, olddefconfig, the make targets, what is copied
# into the entry). Bump the number on purpose whenever a change to this
# script changes what a build produces; that (or a fragment edit) is what
# invalidates the cached kernels.
RECIPE="kexec-kho kernel recipe 1: tinyconfig + fragments, olddefconfig, image + headers_install"

usage() { echo "usage: $0 x86_64|arm64|arm64-64k" >&2; exit 2; }
[ $# -eq 1 ] || usage
VARIANT=$1

case $VARIANT in
	x86_64)
		OVERRIDE=${KEXEC_KHO_KERNEL_X86_64:-}
		ARCH=x86_64; FRAGS=(x86_64) ;;
	arm64)
		OVERRIDE=${KEXEC_KHO_KERNEL_ARM64:-}
		ARCH=arm64; FRAGS=(arm64) ;;
	arm64-64k)
		OVERRIDE=${KEXEC_KHO_KERNEL_ARM64_64K:-}
		ARCH=arm64; FRAGS=(arm64 arm64-64k) ;;
	*) usage ;;
esac
case $ARCH in
	x86_64)
		KARCH=x86_64; CROSS=; TARGETS=(bzImage)
		IMAGE_SRC=arch/x86/boot/bzImage; IMAGE=bzImage ;;
	arm64)
		KARCH=arm64; CROSS=aarch64-linux-gnu-; TARGETS=(Image.gz)
		IMAGE_SRC=arch/arm64/boot/Image; IMAGE=Image ;;
esac

if [ -n "$OVERRIDE" ]; then
	[ -f "$OVERRIDE" ] || kk_die "kernel override for $VARIANT points at a missing file: $OVERRIDE"
	kk_log "using prebuilt $VARIANT kernel from the environment: $OVERRIDE"
	readlink -f "$OVERRIDE"
	exit 0
fi

FRAG_FILES=()
for f in "${FRAGS[@]}"; do
	FRAG_FILES+=("$HERE/config/$f.config")
	[ -f "$HERE/config/$f.config" ] || kk_die "missing config fragment $HERE/config/$f.config"
done

# Host tools the kernel build needs.
kk_need_cmd make make
kk_need_cmd gcc gcc
kk_need_cmd bc bc
kk_need_cmd flex flex
kk_need_cmd bison bison
kk_need_cmd rsync rsync
kk_need_cmd perl perl
kk_need_pkgs libelf-dev libssl-dev
if [ -n "$CROSS" ]; then
	kk_need_cmd "${CROSS}gcc" "gcc-${CROSS%-}"
	"${CROSS}gcc" --version >/dev/null || kk_die "${CROSS}gcc does not run"
fi

SRC=$("$HERE/fetch-kernel-source.sh" | tail -n1)
[ -f "$SRC/Makefile" ] || kk_die "fetch-kernel-source.sh gave no kernel tree ('$SRC')"
DEBVER=$(cat "$(dirname "$SRC")/DEB_VERSION")
SVER=$(printf '%s' "$DEBVER" | tr -c 'A-Za-z0-9._-' '_')

HASH=$( { printf '%s\n' "$RECIPE"; cat "${FRAG_FILES[@]}"; } | sha256sum | cut -c1-16)
KEY=$VARIANT-$SVER-$HASH
ENTRY=$KK_CACHE/kernels/$KEY

if [ -f "$ENTRY/$IMAGE" ]; then
	kk_log "cached: $ENTRY"
	echo "$ENTRY/$IMAGE"
	exit 0
fi

mkdir -p "$KK_CACHE/kernels" "$KK_CACHE/obj" "$KK_CACHE/logs" "$KK_CACHE/locks"
exec 8>"$KK_CACHE/locks/build-$VARIANT.lock"
if ! flock -n 8; then
	kk_log "another $VARIANT build is running, waiting for it"
	flock 8
fi
if [ -f "$ENTRY/$IMAGE" ]; then # built by whoever held the lock
	echo "$ENTRY/$IMAGE"
	exit 0
fi

# One reusable object dir per variant and source version: a changed fragment
# or recipe then rebuilds incrementally instead of from scratch, and the
# 64 KiB page arm64 kernel never recompiles the 4 KiB one's objects.
OBJ=$KK_CACHE/obj/$VARIANT-$SVER
LOG=$KK_CACHE/logs/build-$KEY.log
[ "${KEXEC_KHO_CLEAN_BUILD:-0}" = 1 ] && rm -rf "$OBJ"
TMP=$(mktemp -d "$KK_CACHE/kernels/.tmp-$KEY.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
JOBS=${KEXEC_KHO_JOBS:-$(nproc)}

kmake() {
	nice -n 10 make -C "$SRC" O="$OBJ" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE=$CROSS} "$@"
}

configure() {
	mkdir -p "$OBJ"
	kmake tinyconfig
	# merge_config.sh -m only merges; olddefconfig then resolves dependencies.
	ARCH=$KARCH CROSS_COMPILE=$CROSS "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "${FRAG_FILES[@]}"
	kmake olddefconfig
}

# check_config: every CONFIG_X=y of the fragments must be =y in .config, and
# every "# CONFIG_X is not set" must not be set. A later fragment may turn
# off what an earlier one asked for (arm64-64k drops KHO's debugfs files).
check_config() {
	local opt bad=0 off
	off=" $(sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "${FRAG_FILES[@]}" | tr '\n' ' ') "
	for opt in $(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y[[:space:]]*$/\1/p' "${FRAG_FILES[@]}"); do
		case $off in *" $opt "*) continue ;; esac
		if ! grep -qx "$opt=y" "$OBJ/.config"; then
			kk_log "config: $opt=y requested but final .config has: $(grep -E "^(# )?$opt[= ]" "$OBJ/.config" || echo 'nothing (unmet dependencies)')"
			bad=1
		fi
	done
	for opt in $(sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "${FRAG_FILES[@]}"); do
		if grep -q "^$opt=" "$OBJ/.config"; then
			kk_log "config: $opt requested off but final .config has $(grep "^$opt=" "$OBJ/.config")"
			bad=1
		fi
	done
	return $bad
}

build() {
	kmake -j"$JOBS" "${TARGETS[@]}"
	rm -rf "$TMP/headers"
	kmake headers_install INSTALL_HDR_PATH="$TMP/headers"
}

kk_log "building $VARIANT kernel $DEBVER (key $KEY), log: $LOG"
start=$(date +%s)
: > "$LOG"
if ! configure >>"$LOG" 2>&1; then
	tail -n 40 "$LOG" >&2
	kk_die "kernel configuration failed (full log: $LOG)"
fi
if ! check_config 2>>"$LOG"; then
	grep '^\[build-kernel\] config:' "$LOG" >&2 || true
	kk_die "config fragments ${FRAG_FILES[*]}: requested options missing from $OBJ/.config (fix dependencies in the fragment)"
fi
kk_log "config OK: all $(cat "${FRAG_FILES[@]}" | grep -c '^CONFIG_.*=y') requested options are =y; compiling with -j$JOBS (from scratch 7-15 min on 2 cores, a rebuild in $OBJ much less)"
if ! build >>"$LOG" 2>&1; then
	tail -n 60 "$LOG" >&2
	kk_die "kernel build failed (full log: $LOG; object dir: $OBJ; KEXEC_KHO_CLEAN_BUILD=1 starts from scratch)"
fi
secs=$(( $(date +%s) - start ))

cp "$OBJ/$IMAGE_SRC" "$TMP/$IMAGE"
[ "$ARCH" = arm64 ] && cp "$OBJ/arch/arm64/boot/Image.gz" "$TMP/Image.gz"
cp "$OBJ/.config" "$TMP/config"
cp "$OBJ/System.map" "$TMP/System.map"
kmake -s kernelrelease > "$TMP/KERNELRELEASE" 2>/dev/null
cat "${FRAG_FILES[@]}" > "$TMP/fragment.config"
{
	echo "variant=$VARIANT"
	echo "arch=$ARCH"
	echo "deb_version=$DEBVER"
	echo "source=$SRC"
	echo "hash=$HASH"
	echo "build_seconds=$secs"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$TMP/INFO"
cp "$LOG" "$TMP/build.log"
[ -f "$TMP/headers/include/linux/liveupdate.h" ] || kk_die "headers_install produced no linux/liveupdate.h"
chmod 755 "$TMP"
mv -T "$TMP" "$ENTRY"
trap - EXIT
kk_log "built $VARIANT kernel in ${secs}s: $ENTRY"

# entry_variant DIR: the variant a finished entry was built as. Names cannot
# tell (arm64-* also matches arm64-64k-*); entries from before variants
# existed only say arch=.
entry_variant() {
	local v
	v=$(sed -n 's/^variant=//p' "$1/INFO" 2>/dev/null)
	[ -n "$v" ] || v=$(sed -n 's/^arch=//p' "$1/INFO" 2>/dev/null)
	echo "$v"
}

# Keep the newest KEXEC_KHO_KEEP_KERNELS (default 4) entries of this variant.
keep=${KEXEC_KHO_KEEP_KERNELS:-4}
ls -1dt "$KK_CACHE/kernels/$VARIANT-"* 2>/dev/null | while read -r old; do
	if [ "$(entry_variant "$old")" = "$VARIANT" ]; then echo "$old"; fi
done | tail -n +$((keep + 1)) | while read -r old; do
	kk_log "pruning old cache entry $old"
	rm -rf "$old" "$KK_CACHE/logs/build-${old##*/}.log"
done
echo "$ENTRY/$IMAGE"
