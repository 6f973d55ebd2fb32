#!/bin/bash
# deb-roundtrip.sh - the Debian package, for real, and back (make deb-check).
#
#  1. builds the .deb with dpkg-buildpackage from a copy of this tree in a
#     temp dir (the checkout stays clean);
#  2. records the machine's fusermount3 state: checksum, mode and owner of
#     /usr/bin/fusermount3 (and /bin/fusermount3), the man page, all
#     diversions and stat overrides, fuse3's status;
#  3. installs the .deb: /usr/bin/fusermount3 must now be ours (--version,
#     the packaged bytes), setuid root; fuse3's helper parked unchanged and
#     not executable for users; installs it once more (upgrade path);
#  4. as the unprivileged user fmtest, in a private mount namespace (0666
#     /dev/fuse node, private /run with utab), mounts with bindfs through
#     it, reads through the mount and unmounts with `fusermount3 -u`;
#  5. removes, then purges the package: the original file must be back,
#     byte-identical, same mode and owner, and the diversions as before.
# Run as root on Debian/Ubuntu with fuse3 installed.  Every step is bounded;
# whatever happens, the package is purged again before exit.  Exit status
# non-zero on any failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
PKG=fusermount3-ng
PARK=/usr/lib/fusermount3-ng
USER_=${FM_TEST_USER:-fmtest}
BINS=(/usr/bin/fusermount3 /bin/fusermount3)
MAN=/usr/share/man/man1/fusermount3.1.gz
OURS_VERSION_RE='^fusermount3 version: 3\.19\.0$'

say() { printf 'deb-roundtrip: %s\n' "$*"; }
die() { printf 'deb-roundtrip: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
for c in dpkg dpkg-buildpackage dpkg-divert dpkg-statoverride dh bindfs unshare \
	setpriv timeout sha256sum mknod; do
	command -v "$c" >/dev/null || die "'$c' not found (tests/install-deps.sh installs it)"
done
[ -e /usr/bin/fusermount3 ] || die "/usr/bin/fusermount3 missing (install fuse3)"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q ' installed$'; then
	die "$PKG is installed already: this test needs the machine without it"
fi
[ ! -e "$PARK" ] || die "$PARK exists already"
id "$USER_" >/dev/null 2>&1 || useradd -m "$USER_"

T=$(mktemp -d /tmp/deb-roundtrip.XXXXXX)
chmod 711 "$T"
INSTALLED=0

# ------------------------------------------------------------ state
# One line per fact; compared verbatim before and after.
state() {
	local f
	for f in "${BINS[@]}" "$MAN" /usr/share/man/man5/fuse.conf.5.gz; do
		if [ -e "$f" ] || [ -L "$f" ]; then
			printf '%s %s %s\n' "$f" "$(stat -L -c '%a %U:%G %s' "$f")" \
				"$(sha256sum <"$f" | cut -d' ' -f1)"
		else
			printf '%s absent\n' "$f"
		fi
	done
	printf 'park %s\n' "$([ -e "$PARK" ] && echo present || echo absent)"
	echo "diversions:"
	dpkg-divert --list | sort
	echo "statoverrides:"
	dpkg-statoverride --list | sort
	echo "fuse3: $(dpkg-query -W -f='${Status} ${Version}' fuse3 2>/dev/null || echo none)"
}
pkg_status() { dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -v 'not-installed$' || echo none; }

compare_state() { # WHEN
	state >"$T/state.$1"
	if ! diff -u "$T/state.before" "$T/state.$1" >"$T/state.diff"; then
		cat "$T/state.diff" >&2
		die "machine state after $1 differs from before (diff above)"
	fi
	say "state after $1 identical to before ($(grep -c . "$T/state.before") facts)"
}

cleanup() {
	local rc=$?
	set +e
	if [ "$INSTALLED" = 1 ]; then
		say "cleanup: purging $PKG"
		timeout 120 dpkg --purge "$PKG" >"$T/purge-cleanup.log" 2>&1 ||
			cat "$T/purge-cleanup.log" >&2
		if [ -s "$T/state.before" ] && ! diff -q <(state) "$T/state.before" >/dev/null; then
			echo "deb-roundtrip: WARNING: state differs from before after cleanup:" >&2
			diff -u "$T/state.before" <(state) >&2
			rc=1
		fi
	fi
	rm -rf --one-file-system "$T"
	[ $rc = 0 ] && say "PASS" || echo "deb-roundtrip: FAILED (status $rc)" >&2
	exit $rc
}
trap cleanup EXIT

state >"$T/state.before"
[ "$(pkg_status)" = none ] || die "$PKG is known to dpkg already: '$(pkg_status)'"
ORIG_SUM=$(sha256sum </usr/bin/fusermount3 | cut -d' ' -f1)
ORIG_MODE=$(stat -L -c '%a %U:%G' /usr/bin/fusermount3)
say "before: /usr/bin/fusermount3 $ORIG_MODE sha256 ${ORIG_SUM:0:16}… ($(/usr/bin/fusermount3 --version 2>&1))"

# ------------------------------------------------------------ build
say "building the .deb from a copy of $SRC"
mkdir "$T/build" "$T/build/src"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$SRC" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC" && tar --null -T - -c) | tar -x -C "$T/build/src"
else
	tar -C "$SRC" --exclude=./build --exclude=./.git -c . | tar -x -C "$T/build/src"
fi
(cd "$T/build/src" && timeout 900 dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 || {
	tail -n 40 "$T/build.log" >&2
	die "dpkg-buildpackage failed"
}
DEB=$(ls "$T/build/${PKG}"_*.deb 2>/dev/null | grep -v -- -dbgsym_ | head -n1)
[ -n "$DEB" ] || die "no .deb produced"
say "built $(basename "$DEB")"
mkdir "$T/x"
dpkg-deb -x "$DEB" "$T/x"
DEB_SUM=$(sha256sum <"$T/x/usr/bin/fusermount3" | cut -d' ' -f1)

# ------------------------------------------------------------ install
say "installing"
INSTALLED=1
timeout 120 dpkg -i "$DEB" >"$T/install.log" 2>&1 || { cat "$T/install.log" >&2; die "dpkg -i failed"; }
grep -E 'diversion' "$T/install.log" | sed 's/^/    /' || true

v=$(timeout 10 /usr/bin/fusermount3 --version 2>&1) || die "installed --version failed: $v"
grep -Eq "$OURS_VERSION_RE" <<<"$v" || die "/usr/bin/fusermount3 --version says '$v', not ours"
[ "$(sha256sum </usr/bin/fusermount3 | cut -d' ' -f1)" = "$DEB_SUM" ] ||
	die "/usr/bin/fusermount3 is not the file from the .deb"
[ "$(stat -c '%a %U:%G' /usr/bin/fusermount3)" = "4755 root:root" ] ||
	die "/usr/bin/fusermount3 is $(stat -c '%a %U:%G' /usr/bin/fusermount3), not 4755 root:root"
[ "$(sha256sum </bin/fusermount3 | cut -d' ' -f1)" = "$DEB_SUM" ] ||
	die "/bin/fusermount3 is not ours"
[ "$(dpkg-query -S /usr/bin/fusermount3 | grep -v '^diversion' | cut -d: -f1)" = "$PKG" ] ||
	die "dpkg does not say $PKG owns /usr/bin/fusermount3"
# fuse3's helper: parked unchanged, unreachable for users
parked=""
for b in "${BINS[@]}"; do
	p=$(dpkg-divert --truename "$b")
	[ "$p" != "$b" ] || die "$b is not diverted"
	[ -f "$p" ] && parked=$p
done
[ -n "$parked" ] || die "fuse3's helper is not parked anywhere"
[ "$(sha256sum <"$parked" | cut -d' ' -f1)" = "$ORIG_SUM" ] || die "parked $parked differs from the original"
[ "$(stat -c '%a %U:%G' "$parked")" = "$ORIG_MODE" ] || die "parked $parked has mode $(stat -c '%a %U:%G' "$parked")"
[ "$(stat -c '%a' "$PARK")" = 700 ] || die "$PARK is $(stat -c '%a' "$PARK"), not 0700"
# (through sh: setpriv itself still holds root's capabilities until its exec)
if setpriv --reuid="$USER_" --regid="$USER_" --init-groups sh -c 'exec "$0" --version' "$parked" \
	>/dev/null 2>&1; then
	die "$USER_ can still run fuse3's helper as $parked"
fi
if [ -e "$MAN" ]; then
	# (all of it read: with pipefail, grep -q quitting early fails zcat by SIGPIPE)
	zcat "$MAN" | grep 'mount ID' >/dev/null || die "$MAN is not our manual page"
fi
say "installed: ours at /usr/bin/fusermount3 (4755 root:root), fuse3's parked as $parked"

# the same version again: the upgrade path of the maintainer scripts
# must keep every diversion as it is
dpkg-divert --list | sort >"$T/div.installed"
timeout 120 dpkg -i "$DEB" >"$T/reinstall.log" 2>&1 || { cat "$T/reinstall.log" >&2; die "reinstalling failed"; }
diff -u "$T/div.installed" <(dpkg-divert --list | sort) >&2 || die "reinstalling changed the diversions"
[ "$(sha256sum </usr/bin/fusermount3 | cut -d' ' -f1)" = "$DEB_SUM" ] || die "not ours after reinstalling"
[ "$(sha256sum <"$parked" | cut -d' ' -f1)" = "$ORIG_SUM" ] || die "parked helper changed by reinstalling"
say "reinstalled: diversions and parked helper unchanged"

# ------------------------------------------------------------ use it
say "bindfs as $USER_ through /usr/bin/fusermount3, in a private mount namespace"
mkdir "$T/data" "$T/mnt" "$T/fusectl"
echo "round trip" >"$T/data/hello"
chown -R "$USER_:" "$T/data" "$T/mnt"
timeout -k 5 60 unshare -m --propagation private -- bash -s "$T" "$USER_" <<'INNER' || die "bindfs mount/unmount through the package failed"
set -euo pipefail
T=$1 U=$2
as_user() { setpriv --reuid="$U" --regid="$U" --init-groups -- env -i PATH=/usr/bin:/bin HOME=/ "$@"; }
mounted() { awk -v p="$T/mnt" '$5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo; }
cleanup() {
	set +e
	local dev
	# the bindfs daemon, if still there (only those in this namespace)
	pkill -KILL --ns $$ --nslist mnt -x bindfs 2>/dev/null
	dev=$(awk -v p="$T/mnt" '$5 == p { print $3 }' /proc/self/mountinfo | tail -n1)
	if [ -n "$dev" ]; then
		mountpoint -q "$T/fusectl" || mount -t fusectl fusectl "$T/fusectl"
		echo 1 >"$T/fusectl/${dev#*:}/abort" 2>/dev/null
		umount -l "$T/mnt" 2>/dev/null
	fi
}
trap cleanup EXIT
mknod "$T/fuse" c 10 229 && chmod 666 "$T/fuse" && mount --bind "$T/fuse" /dev/fuse
mount -t tmpfs -o mode=0755 rt-run /run && mkdir -m 0755 /run/mount && install -m 0644 /dev/null /run/mount/utab
mount -t fusectl fusectl "$T/fusectl"
# bindfs (libfuse2 here) daemonizes once mounted; the library runs
# fusermount (fuse3's compat symlink to fusermount3) or fusermount3
timeout 20 setpriv --reuid="$U" --regid="$U" --init-groups -- env -i PATH=/usr/bin:/bin HOME=/ \
	bindfs --no-allow-other "$T/data" "$T/mnt"
for _ in $(seq 100); do mounted && break; sleep 0.05; done
mounted || { echo "not mounted" >&2; exit 1; }
line=$(awk -v p="$T/mnt" '$5 == p' /proc/self/mountinfo)
echo "    $line"
opts=$(awk '{ print $6 }' <<<"$line")
grep -Eq '(^|,)nosuid(,|$)' <<<"$opts" && grep -Eq '(^|,)nodev(,|$)' <<<"$opts" &&
	grep -Eq ' - fuse(\.bindfs)? .*user_id='"$(id -u "$U")"'(,|$)' <<<"$line" ||
	{ echo "unexpected mount: $line" >&2; exit 1; }
# only ours records in utab (fuse3 3.14's helper does not)
grep -q "TARGET=$T/mnt .*user=$U" /run/mount/utab || { echo "no utab record: $(cat /run/mount/utab)" >&2; exit 1; }
[ "$(timeout 10 setpriv --reuid="$U" --regid="$U" --init-groups cat "$T/mnt/hello")" = "round trip" ] ||
	{ echo "cannot read through the mount" >&2; exit 1; }
as_user timeout 20 fusermount3 -u "$T/mnt"
for _ in $(seq 100); do mounted || break; sleep 0.05; done
! mounted || { echo "still mounted after fusermount3 -u" >&2; exit 1; }
! grep -q "TARGET=$T/mnt " /run/mount/utab || { echo "utab record left" >&2; exit 1; }
for _ in $(seq 100); do pgrep --ns $$ --nslist mnt -x bindfs >/dev/null || break; sleep 0.05; done
! pgrep --ns $$ --nslist mnt -x bindfs >/dev/null || { echo "bindfs still running after the unmount" >&2; exit 1; }
echo "    mounted, read, unmounted with fusermount3 -u as $U"
INNER

# ------------------------------------------------------------ remove, purge
say "removing"
timeout 120 dpkg --remove "$PKG" >"$T/remove.log" 2>&1 || { cat "$T/remove.log" >&2; die "dpkg --remove failed"; }
grep -E 'diversion' "$T/remove.log" | sed 's/^/    /' || true
compare_state remove
timeout 10 /usr/bin/fusermount3 --version >/dev/null 2>&1 || die "the original helper does not run after removal"
[ "$(pkg_status)" = "deinstall ok config-files" ] || die "$PKG after removal: '$(pkg_status)'"
say "purging"
timeout 120 dpkg --purge "$PKG" >"$T/purge.log" 2>&1 || { cat "$T/purge.log" >&2; die "dpkg --purge failed"; }
INSTALLED=0
compare_state purge
[ "$(pkg_status)" = none ] || die "$PKG after purge: '$(pkg_status)'"
[ "$(sha256sum </usr/bin/fusermount3 | cut -d' ' -f1)" = "$ORIG_SUM" ] || die "checksum differs after purge"
[ "$(stat -L -c '%a %U:%G' /usr/bin/fusermount3)" = "$ORIG_MODE" ] || die "mode differs after purge"
! dpkg-divert --list | grep -q " by $PKG\$" || die "diversions left: $(dpkg-divert --list | grep " by $PKG\$")"
[ ! -e "$PARK" ] || die "$PARK left behind"
say "after purge: /usr/bin/fusermount3 $ORIG_MODE sha256 ${ORIG_SUM:0:16}… ($(/usr/bin/fusermount3 --version 2>&1)), no diversion left"
