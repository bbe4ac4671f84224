#!/usr/bin/env bash
# Build the Debian packages from a fresh release tarball, run lintian and
# check what they hold. Ends with "N passed, N failed".
#
#   tests/pkg/test-deb.sh [TARBALL]
#
# Without TARBALL, configures a scratch tree and runs make dist. Needs
# tests/install-deps.sh's packaging tools (debhelper, lintian,
# bash-completion). KKTEST_PKGDIR: where to work (default: a temp dir).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${KKTEST_PKGDIR:-$(mktemp -d /tmp/kk-pkg.XXXXXX)}
mkdir -p "$work"
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "PASS - $1"; }
ko() { failed=$((failed + 1)); echo "FAIL - $1"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else ko "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

tarball=${1:-}
if [ -z "$tarball" ]; then
	mkdir -p "$work/dist"
	if ! (cd "$top" && ./autogen.sh && cd "$work/dist" && "$top/configure" &&
		make dist) >"$work/dist.log" 2>&1; then
		ko "make dist (log: $work/dist.log)"
		finish
	fi
	tarball=$(ls "$work"/dist/kexec-kho-*.tar.gz)
fi
version=$(basename "$tarball" .tar.gz)
version=${version#kexec-kho-}
rm -rf "$work/src" && mkdir -p "$work/src"
tar -xzf "$tarball" -C "$work/src"
src=$work/src/kexec-kho-$version

# The unit and CLI tests ran in make check already: the package build
# skips them (nocheck) to stay within CI's time.
log=$work/build.log
if (cd "$src" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b from the release tarball"
else
	ko "dpkg-buildpackage (log: $log)"
	tail -n 30 "$log"
	finish
fi
# "No warnings": compiler, autotools and debhelper warnings alike.
warnings=$(grep -iE '(^|[^-])warning:' "$log")
if [ -z "$warnings" ]; then
	ok "the package build prints no warning"
else
	ko "the package build prints warnings:"
	echo "$warnings" | head -n 20
fi

arch=$(dpkg --print-architecture)
changes=$work/src/kexec-kho_${version}_$arch.changes
deb=$work/src/kexec-kho_${version}_$arch.deb
inject=$work/src/kho-inject_${version}_$arch.deb
check "both binary packages built" test -f "$deb" -a -f "$inject"

lint=$(lintian --pedantic --display-info "$changes" 2>&1 | grep -v '^running with root')
if echo "$lint" | grep -qE '^[EW]: '; then
	ko "lintian reports errors or warnings:"
	echo "$lint" | grep -E '^[EW]: '
else
	ok "lintian: no error, no warning"
fi
echo "$lint" | grep -E '^[IPX]: ' | sed 's/^/  lintian: /'

x=$work/x
rm -rf "$x" && mkdir -p "$x/kexec-kho/DEBIAN" "$x/kho-inject/DEBIAN"
dpkg-deb -x "$deb" "$x/kexec-kho" && dpkg-deb -e "$deb" "$x/kexec-kho/DEBIAN"
dpkg-deb -x "$inject" "$x/kho-inject" && dpkg-deb -e "$inject" "$x/kho-inject/DEBIAN"
k=$x/kexec-kho
i=$x/kho-inject

for f in usr/sbin/kexec-kho usr/share/man/man8/kexec-kho.8.gz \
	usr/share/bash-completion/completions/kexec \
	usr/libexec/kexec-kho/kexec-load usr/share/kexec-kho/default-kexec \
	lib/systemd/system/kexec-load.service \
	usr/share/doc/kexec-kho/copyright usr/share/doc/kexec-kho/README.Debian; do
	check "kexec-kho ships /$f" test -e "$k/$f"
done
for f in usr/sbin/kho-inject usr/share/man/man8/kho-inject.8.gz \
	usr/share/bash-completion/completions/kho-inject \
	usr/share/doc/kho-inject/copyright; do
	check "kho-inject ships /$f" test -e "$i/$f"
done
# Coexisting with kexec-tools: none of its paths may be in the package.
for f in sbin/kexec usr/sbin/kexec usr/share/man/man8/kexec.8.gz \
	etc/init.d/kexec-load etc/default/kexec; do
	check "kexec-kho leaves /$f to kexec-tools and the alternative" test ! -e "$k/$f"
done
check "kexec-kho does not claim to provide kexec-tools (no kexec -p)" \
	bash -c "! grep -qiE '^(Provides|Conflicts|Replaces):.*kexec-tools' '$k/DEBIAN/control'"
check "postinst registers the kexec alternative" \
	grep -q 'update-alternatives --install /usr/sbin/kexec kexec /usr/sbin/kexec-kho' "$k/DEBIAN/postinst"
check "prerm removes the kexec alternative" \
	grep -q 'update-alternatives --remove kexec /usr/sbin/kexec-kho' "$k/DEBIAN/prerm"
check "a trigger follows kexec-tools' /sbin/kexec" grep -qx 'interest-noawait /sbin/kexec' "$k/DEBIAN/triggers"
check "postinst enables kexec-load.service" grep -q 'kexec-load.service' "$k/DEBIAN/postinst"
# /etc/default/kexec is shared with kexec-tools, which writes it from its
# postinst too: a conffile would be edited and purged under dpkg's feet.
check "kexec-kho has no conffiles (/etc/default/kexec is written by postinst)" \
	test ! -s "$k/DEBIAN/conffiles"
check "the binaries are stripped" bash -c "file '$k/usr/sbin/kexec-kho' '$i/usr/sbin/kho-inject' | grep -c ', stripped' | grep -qx 2"
check "the binaries are PIE with full RELRO (hardening=+all)" bash -c "
	for b in '$k/usr/sbin/kexec-kho' '$i/usr/sbin/kho-inject'; do
		readelf -h \$b | grep -q 'DYN' && readelf -d \$b | grep -q BIND_NOW || exit 1
	done"

# Man pages: dated from debian/changelog (SOURCE_DATE_EPOCH), versioned.
date=$(cd "$src" && date -u -d "@$(dpkg-parsechangelog -STimestamp)" +%Y-%m-%d)
for m in "$k/usr/share/man/man8/kexec-kho.8.gz" "$i/usr/share/man/man8/kho-inject.8.gz"; do
	th=$(zcat "$m" | grep -m1 '^\.TH')
	check "$(basename "$m") is dated $date and says $version" \
		bash -c "[[ '$th' == *'\"$date\"'*'$version'* ]]"
	check "$(basename "$m") has no unsubstituted @...@" bash -c "! zgrep -q '@[A-Z_]*@' '$m'"
done

# The unit: stopped at shutdown, it runs the load script.
u=$k/lib/systemd/system/kexec-load.service
check "kexec-load.service runs the load script when stopped" \
	grep -qx 'ExecStop=/usr/libexec/kexec-kho/kexec-load stop' "$u"
check "kexec-load.service is wanted by multi-user.target" grep -qx 'WantedBy=multi-user.target' "$u"
if command -v systemd-analyze >/dev/null; then
	# Only complaint allowed: the script is not installed on this host.
	out=$(systemd-analyze verify --man=no "$u" 2>&1 |
		grep -v 'Command /usr/libexec/kexec-kho/kexec-load is not executable')
	if [ -z "$out" ]; then
		ok "systemd-analyze verify accepts kexec-load.service"
	else
		ko "systemd-analyze verify complains about kexec-load.service:"
		echo "$out"
	fi
fi

# The load script reads /etc/default/kexec as kexec-tools does.
d=$work/defaults
cat >"$d" <<'EOD'
LOAD_KEXEC=true
KERNEL_IMAGE="/boot/vmlinuz-test"
INITRD="/boot/initrd-test"
APPEND="root=/dev/vda ro"
KEXEC_ARGS="--kho --kho-blob=x=/tmp/blob"
EOD
got=$(KEXEC_LOAD_DEFAULTS=$d sh "$k/usr/libexec/kexec-kho/kexec-load" print | tr '\n' ' ')
check "kexec-load: KERNEL_IMAGE, INITRD, APPEND and KEXEC_ARGS make the command" \
	test "$got" = "/usr/sbin/kexec-kho -l /boot/vmlinuz-test --initrd=/boot/initrd-test --append=root=/dev/vda ro --kho --kho-blob=x=/tmp/blob "
cat >"$work/grub.cfg" <<'EOD'
set default="2"
menuentry 'Debian GNU/Linux' $menuentry_id_option 'gnulinux-simple' {
	linux	/vmlinuz-a root=/dev/sda1 ro
	initrd	/initrd.img-a
}
submenu 'Advanced options' {
	menuentry 'Debian, older' {
		linux	/vmlinuz-old root=/dev/sda1
	}
}
menuentry 'Third' {
	linux	/vmlinuz-c root=/dev/sda2 quiet
	initrd	/initrd.img-c
}
EOD
printf 'LOAD_KEXEC=true\nUSE_GRUB_CONFIG=true\n' >"$d"
got=$(GRUB_CFG=$work/grub.cfg KEXEC_LOAD_DEFAULTS=$d sh "$k/usr/libexec/kexec-kho/kexec-load" print | tr '\n' ' ')
prefix=
mountpoint -q /boot && prefix=/boot
check "kexec-load: USE_GRUB_CONFIG takes GRUB's default entry (submenus count)" \
	test "$got" = "/usr/sbin/kexec-kho -l $prefix/vmlinuz-c --initrd=$prefix/initrd.img-c --append=root=/dev/sda2 quiet "
check "kexec-load stop does nothing while LOAD_KEXEC=false" \
	env KEXEC_LOAD_DEFAULTS=/dev/null KEXEC_LOAD_KEXEC=/bin/false sh "$k/usr/libexec/kexec-kho/kexec-load" stop
check "the shipped /etc/default/kexec documents KEXEC_ARGS and loads nothing" \
	bash -c "grep -qx 'LOAD_KEXEC=false' '$k/usr/share/kexec-kho/default-kexec' && grep -q '^KEXEC_ARGS=' '$k/usr/share/kexec-kho/default-kexec'"

# Bash completion, as installed, driven as bash does.
complete_words() {
	local file=$1
	shift
	bash -c '
		. /usr/share/bash-completion/bash_completion
		compopt() { :; }
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		fn=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/")
		$fn "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' "$file" "$@" | sort | tr '\n' ' '
}
kc=$k/usr/share/bash-completion/completions/kexec
ic=$i/usr/share/bash-completion/completions/kho-inject
case $(uname -m) in
x86_64) types="bzImage " ;;
aarch64) types="Image Image.gz zboot " ;;
esac
check "completion: kexec --kho<TAB> lists the KHO options" \
	test "$(complete_words "$kc" kexec --kho)" = "--kho --kho-blob= --kho-fdt= --kho-scratch= "
check "completion: kexec -t <TAB> lists this architecture's image types" \
	test "$(complete_words "$kc" kexec -t '')" = "$types"
check "completion: kexec-kho is completed like kexec" \
	test "$(complete_words "$kc" kexec-kho --no-)" = "--no-checksum --no-ifdown --no-kho --no-sync "
mkdir -p "$work/files" && touch "$work/files/initrd.img" "$work/files/vmlinuz"
check "completion: kexec --initrd <TAB> completes files" \
	test "$(cd "$work/files" && complete_words "$kc" kexec --initrd ini)" = "initrd.img "
check "completion: kho-inject <TAB> lists the subcommands" \
	test "$(complete_words "$ic" kho-inject de)" = "del-node del-prop "
check "completion: kho-inject validate --abi <TAB> lists ABI versions" \
	bash -c "[[ '$(complete_words "$ic" kho-inject validate --abi kho-v)' == *kho-v4* ]]"
check "completion: kho-inject new ... -- <TAB> lists the edits" \
	test "$(complete_words "$ic" kho-inject new --abi kho-v4 -- '')" = "add-node del-node del-prop merge set "
if command -v dtc >/dev/null; then
	dtc -I dts -O dtb -o "$work/t.dtb" "$top/tests/fixtures/kho-qemu/kho-fdt.dts" 2>/dev/null
	got=$(PATH=$i/usr/sbin:$PATH complete_words "$ic" kho-inject -i "$work/t.dtb" del-node /k)
	check "completion: kho-inject -i FDT del-node /k<TAB> lists the FDT's node paths" \
		test "$got" = "/kexec-metadata /kho_test "
	got=$(PATH=$i/usr/sbin:$PATH complete_words "$ic" kho-inject -i "$work/t.dtb" del-node /LUO -- del-prop / '')
	check "completion: kho-inject -i FDT ... -- del-prop / <TAB> lists the root's properties" \
		test "$got" = "compatible preserved-memory-map "
fi

finish
