#!/bin/bash
# mkinitramfs.sh: build a gzip'd newc cpio initramfs for the kexec-kho VM tests.
#
# usage: mkinitramfs.sh --arch ARCH --out FILE [--bin PATH]... [--file SRC:DEST]...
#                       [--init FILE] [--no-tests]
#
#   --arch ARCH       x86_64 or arm64 (selects the busybox-static build)
#   --out FILE        output file (.cpio.gz)
#   --bin PATH        copy a program into /bin (static binaries; a dynamic
#                     x86_64 binary on an x86_64 host gets its libraries too)
#   --file SRC:DEST   copy a file or directory SRC to DEST (absolute path in the image)
#   --init FILE       the /init to use (default: tests/vm/init)
#   --no-tests        do not add tests/vm/tests/* as /tests/*
#
# Contents: busybox + one symlink per applet in /bin, /dev /proc /sys /tmp /run
# (and /dev/console), /etc/kktest-lib.sh (guest helpers), /tests/*.sh, the
# --bin and --file items, /init.
set -euo pipefail
KK_PROG=mkinitramfs
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

usage() { sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

ARCH= OUT= INIT=$HERE/init ADD_TESTS=1
BINS=() FILES=()
while [ $# -gt 0 ]; do
	case $1 in
		--arch) ARCH=${2:?}; shift 2 ;;
		--out)  OUT=${2:?}; shift 2 ;;
		--bin)  BINS+=("${2:?}"); shift 2 ;;
		--file) FILES+=("${2:?}"); shift 2 ;;
		--init) INIT=${2:?}; shift 2 ;;
		--no-tests) ADD_TESTS=0; shift ;;
		-h|--help) usage ;;
		*) echo "mkinitramfs.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$ARCH" ] && [ -n "$OUT" ] || usage
DEBARCH=$(kk_debarch "$ARCH")
MACHINE=$(kk_elf_machine "$ARCH")
[ -f "$INIT" ] || kk_die "init script $INIT not found"

kk_need_cmd cpio cpio
kk_need_cmd gzip gzip
kk_need_cmd readelf binutils

HOSTARCH=$(uname -m); [ "$HOSTARCH" = aarch64 ] && HOSTARCH=arm64

# elf_machine FILE: prints the ELF machine, or nothing if FILE is not ELF.
elf_machine() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }
is_static() { ! readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }

# get_busybox: path of a static busybox for ARCH. Host /bin/busybox if it is
# the right arch and static (busybox-static on this arch), otherwise the
# busybox-static .deb of that arch, downloaded with a private apt list and
# unpacked into $KK_CACHE/busybox/ARCH (never installed: it would conflict).
get_busybox() {
	local bb
	for bb in /bin/busybox /usr/bin/busybox; do
		if [ -x "$bb" ] && [ "$(elf_machine "$bb")" = "$MACHINE" ] && is_static "$bb"; then
			echo "$bb"; return 0
		fi
	done
	local dir=$KK_CACHE/busybox/$ARCH
	if [ ! -x "$dir/busybox" ]; then
		mkdir -p "$KK_CACHE/busybox" "$KK_CACHE/locks"
		(
			flock 7
			[ -x "$dir/busybox" ] && exit 0
			local codename=bookworm
			if [ -r /etc/os-release ] && grep -q '^ID=debian' /etc/os-release; then
				codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
			fi
			kk_apt_private "busybox-$DEBARCH" \
				"deb [arch=$DEBARCH signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $codename main" \
				"$DEBARCH" || kk_die "cannot reach the Debian archive for busybox-static:$DEBARCH"
			local tmp
			tmp=$(mktemp -d "$KK_CACHE/busybox/.tmp.XXXXXX")
			(cd "$tmp" && apt-get -q "${KK_APT_OPTS[@]}" download "busybox-static:$DEBARCH" >&2) ||
				{ rm -rf "$tmp"; kk_die "apt-get download busybox-static:$DEBARCH failed"; }
			dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/x"
			local f
			for f in "$tmp/x/bin/busybox" "$tmp/x/usr/bin/busybox"; do
				[ -f "$f" ] && break
			done
			[ -f "$f" ] || kk_die "busybox-static:$DEBARCH .deb has no busybox binary"
			[ "$(elf_machine "$f")" = "$MACHINE" ] || kk_die "busybox-static:$DEBARCH is not a $MACHINE binary"
			mkdir -p "$tmp/out"
			cp "$f" "$tmp/out/busybox"
			cp "$tmp"/busybox-static_*.deb "$tmp/out/"
			rm -rf "$dir"
			mv -T "$tmp/out" "$dir"
			rm -rf "$tmp"
			kk_log "cached busybox-static:$DEBARCH in $dir"
		) 7>"$KK_CACHE/locks/busybox.lock" || exit 1
	fi
	[ -x "$dir/busybox" ] || kk_die "no busybox for $ARCH"
	echo "$dir/busybox"
}

# applet_list BUSYBOX: the applets. A foreign-arch busybox cannot run here,
# so use qemu-user if present, else the host busybox's list (same Debian
# package, same configuration), else a built-in minimal list.
applet_list() {
	local bb=$1 q
	if [ "$(elf_machine "$bb")" = "$(kk_elf_machine "$HOSTARCH" 2>/dev/null)" ] && "$bb" --list 2>/dev/null; then
		return 0
	fi
	for q in qemu-aarch64-static qemu-aarch64; do
		if [ "$ARCH" = arm64 ] && command -v "$q" >/dev/null 2>&1 && "$q" "$bb" --list 2>/dev/null; then
			return 0
		fi
	done
	if command -v busybox >/dev/null 2>&1 && busybox --list 2>/dev/null; then
		return 0
	fi
	kk_log "warning: cannot list busybox applets; using a minimal list (init also runs busybox --install)"
	printf '%s\n' sh ash cat echo ls mkdir mount umount grep sed awk dmesg poweroff reboot \
		sleep head tail cut tr wc sort uniq find xargs test [ [[ printf hexdump od dd cp mv rm ln \
		chmod stat readlink setsid cttyhack uname true false date env id kill ps
}

BUSYBOX=$(get_busybox)
kk_log "busybox: $BUSYBOX"

ORIGPWD=$PWD
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/kk-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cd "$STAGE"
mkdir -p bin sbin usr/bin usr/sbin etc dev proc sys tmp run root lib tests mnt var/log
chmod 1777 tmp
install -m 0755 "$BUSYBOX" bin/busybox
n=0
while read -r applet; do
	applet=${applet##*/}
	case $applet in ''|busybox) continue ;; esac # never link busybox onto itself
	[ -e "bin/$applet" ] || [ -L "bin/$applet" ] || { ln -s busybox "bin/$applet"; n=$((n + 1)); }
done < <(applet_list "$BUSYBOX" | sort -u)
kk_log "$n applet links"

# /dev/console must exist before /init runs (the kernel opens it for init's
# stdio). We are root in CI; without root the kernel's built-in initramfs
# still provides one.
if ! mknod -m 600 dev/console c 5 1 2>/dev/null; then
	kk_log "note: not root, no /dev/console node (the kernel's default one is used)"
fi
mknod -m 666 dev/null c 1 3 2>/dev/null || true

install -m 0755 "$INIT" init
install -m 0644 "$HERE/guest-lib.sh" etc/kktest-lib.sh
cat > etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
EOF
cat > etc/group <<'EOF'
root:x:0:
EOF

if [ "$ADD_TESTS" = 1 ]; then
	for t in "$HERE"/tests/*; do
		[ -f "$t" ] && install -m 0755 "$t" "tests/${t##*/}"
	done
fi

add_binary() {
	local src=$1 dest=$2 m
	m=$(elf_machine "$src")
	if [ -n "$m" ]; then
		[ "$m" = "$MACHINE" ] || kk_die "$src is a '$m' binary, not $ARCH ('$MACHINE')"
		if ! is_static "$src"; then
			[ "$ARCH" = "$HOSTARCH" ] || kk_die "$src is dynamically linked; build it static (-static) for $ARCH"
			kk_log "note: $src is dynamically linked; copying its libraries"
			local lib
			for lib in $(ldd "$src" | grep -oE '/[^ ]+'); do
				[ -f "$lib" ] || continue
				mkdir -p ".$(dirname "$lib")"
				cp -L "$lib" ".$lib"
			done
		fi
	fi
	mkdir -p ".$(dirname "$dest")"
	install -m 0755 "$src" ".$dest"
}

for b in ${BINS[@]+"${BINS[@]}"}; do
	[ -f "$b" ] || kk_die "--bin $b: no such file"
	add_binary "$b" "/bin/${b##*/}"
done

for spec in ${FILES[@]+"${FILES[@]}"}; do
	src=${spec%%:*} dest=${spec#*:}
	[ "$src" != "$spec" ] && [ -n "$dest" ] || kk_die "--file wants SRC:DEST, got '$spec'"
	case $dest in /*) ;; *) kk_die "--file $spec: DEST must be an absolute path" ;; esac
	case $src in /*) ;; *) src=$ORIGPWD/$src ;; esac
	[ -e "$src" ] || kk_die "--file $spec: $src does not exist"
	mkdir -p ".$(dirname "$dest")"
	if [ -d "$src" ]; then
		mkdir -p ".$dest"
		cp -a "$src/." ".$dest/"
	else
		cp -L "$src" ".$dest"
	fi
done

case $OUT in /*) ;; *) OUT=$ORIGPWD/$OUT ;; esac
mkdir -p "$(dirname "$OUT")"
# Owner root:root for everything (-R 0:0), stable order, newc format.
find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -9n > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
kk_log "wrote $OUT ($(du -h "$OUT" | cut -f1), $ARCH)"
