# shellcheck shell=bash
# Static kexec and kho-inject for the VM tests. Source it after lib.sh:
#     . "$HERE/lib.sh"; . "$HERE/bins.sh"
#     dir=$(kk_static_bins x86_64)   # $dir/kexec, $dir/kho-inject
#
# The binaries come from $KEXEC_KHO_BUILD_X86_64 / $KEXEC_KHO_BUILD_ARM64
# (an out-of-tree build dir, as tests/run-all.sh makes: kexec/kexec,
# kexec/kexec-test and kho-inject/kho-inject inside) when set, else from a build made here:
#   tests/out/src-vm/          copy of the sources (git ls-files -co
#                              --exclude-standard, so never build outputs;
#                              outside git: every file, then distclean)
#   tests/out/build-ARCH-vm/   out-of-tree build of that copy, configured
#                              --enable-static-binaries; rebuilt incrementally
# The source tree itself may be configured in-tree by someone, which makes
# automake refuse an out-of-tree build from it; the copy never is.
# The binaries are copied into tests/out/vm-bin-ARCH/, the directory echoed,
# after `file` confirmed they are static programs of ARCH.

KK_BINS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KK_BINS_OUT=$KK_BINS_TOP/tests/out

# kk_bins_sync_src DIR: mirror the source files (tracked + untracked, not
# ignored) into DIR, deleting the ones that left the tree since last time.
# rsync keeps the mtimes, so make rebuilds only what changed.
# Outside a git checkout (a release tarball, a git archive) every file but
# tests/out is taken, and an in-tree configure is undone in the copy.
kk_bins_list_src() {
	cd "$KK_BINS_TOP" || return 1
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -co --exclude-standard -z |
			while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\n' "$f"; done
	else
		find . \( -path ./tests/out -o -path ./.git -o -name autom4te.cache \) -prune \
			-o -type f -print | sed 's|^\./||'
	fi
}

kk_bins_sync_src() {
	local src=$1 list old
	list=$(mktemp)
	kk_bins_list_src > "$list" || { rm -f "$list"; return 1; }
	mkdir -p "$src"
	if [ -f "$src/.kk-files" ]; then
		while IFS= read -r old; do
			rm -f "$src/$old"
		done < <(LC_ALL=C comm -23 <(LC_ALL=C sort "$src/.kk-files") <(LC_ALL=C sort "$list"))
	fi
	rsync -a --files-from="$list" "$KK_BINS_TOP/" "$src/" || { rm -f "$list"; return 1; }
	mv "$list" "$src/.kk-files"
	if [ -f "$src/config.status" ]; then
		make -C "$src" distclean >/dev/null || return 1
	fi
}

# kk_bins_build ARCH: build both programs of ARCH here; echoes the build dir.
kk_bins_build() {
	local arch=$1 src=$KK_BINS_OUT/src-vm build=$KK_BINS_OUT/build-$1-vm
	local log=$KK_BINS_OUT/build-$1-vm.log sysroot=$KK_CACHE/sysroot-arm64
	local conf=(--enable-static-binaries)

	if [ "$arch" = arm64 ]; then
		command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 ||
			vm_skip_or_fail "no aarch64-linux-gnu-gcc for the arm64 binaries (tests/install-deps.sh)"
		[ -f "$sysroot/usr/lib/aarch64-linux-gnu/libfdt.a" ] ||
			vm_skip_or_fail "no arm64 libfdt in $sysroot (tests/install-deps.sh)"
		conf+=(--host=aarch64-linux-gnu
			"LIBFDT_CFLAGS=-I$sysroot/usr/include"
			"LIBFDT_LIBS=-L$sysroot/usr/lib/aarch64-linux-gnu -lfdt")
	fi
	mkdir -p "$KK_BINS_OUT"
	(
		flock 8
		kk_log "building static $arch kexec and kho-inject in $build (log $log)"
		{
			kk_bins_sync_src "$src" || exit 1
			if [ ! -x "$src/configure" ] || [ "$src/configure.ac" -nt "$src/configure" ]; then
				(cd "$src" && ./autogen.sh) || exit 1
			fi
			# A configure with other options than ours is redone from scratch.
			if [ -f "$build/config.status" ] &&
				! grep -q -- "--enable-static-binaries" "$build/config.status"; then
				rm -rf "$build"
			fi
			mkdir -p "$build"
			if [ ! -f "$build/config.status" ]; then
				(cd "$build" && "$src/configure" "${conf[@]}") || exit 1
			fi
			make -C "$build" -j2 kexec/kexec kexec/kexec-test kho-inject/kho-inject
		} > "$log" 2>&1
	) 8> "$KK_BINS_OUT/.vm-build.lock" || {
		tail -n 30 "$log" >&2
		kk_die "static $arch build failed (log: $log)"
	}
	echo "$build"
}

# kk_static_bins ARCH: echoes a directory holding static `kexec`,
# `kexec-test` (the test build, with the hooks some VM cases use) and
# `kho-inject` for ARCH (x86_64 or arm64).
kk_static_bins() {
	local arch=$1 build machine b dir tmp
	case $arch in
		x86_64) build=${KEXEC_KHO_BUILD_X86_64:-}; machine='x86-64' ;;
		arm64)  build=${KEXEC_KHO_BUILD_ARM64:-}; machine='ARM aarch64' ;;
		*) kk_die "kk_static_bins: unknown ARCH '$arch' (want x86_64 or arm64)" ;;
	esac
	[ -n "$build" ] || build=$(kk_bins_build "$arch") || return $?
	dir=$KK_BINS_OUT/vm-bin-$arch
	mkdir -p "$dir"
	for b in kexec/kexec kexec/kexec-test kho-inject/kho-inject; do
		[ -x "$build/$b" ] || kk_die "no $build/$b (a build of kexec-kho for $arch? make kexec/kexec-test builds the test build)"
		file -L "$build/$b" | grep -q "$machine" ||
			kk_die "$build/$b is not a $arch program: $(file -L "$build/$b")"
		file -L "$build/$b" | grep -q 'statically linked' ||
			kk_die "$build/$b is not statically linked (configure --enable-static-binaries): $(file -L "$build/$b")"
		# Parallel callers may copy at once: each rename is atomic.
		tmp=$(mktemp "$dir/.${b##*/}.XXXXXX")
		if ! { cp "$build/$b" "$tmp" && chmod 0755 "$tmp" && mv -f "$tmp" "$dir/${b##*/}"; }; then
			rm -f "$tmp"
			kk_die "cannot copy $build/$b to $dir"
		fi
	done
	echo "$dir"
}
