#!/bin/bash
# make bench: our helper against Debian's packaged fusermount3 (fuse3) and
# against the raw syscall floor (the same mount done by root without a
# helper), side by side in one run.  Usage (as root):
#   tests/bench/bench.sh OUR-HELPER FMCLIENT BENCH-DIR [OUTPUT.md]
# BENCH-DIR holds the built fmbench, stub-libc, stub-linked and stub-capng.
# Everything runs in a private mount namespace on a temp dir: a 0666
# /dev/fuse node, a private /run (empty /run/mount/utab) and a private
# /etc/fuse.conf ("mount_max = 1000") are bound in there only.  The
# unprivileged side runs as $FM_TEST_USER (default fmtest).  Bounded by
# FM_BENCH_TIMEOUT seconds (default 300).  Knobs (environment):
#   FM_BENCH_PACKAGED  the packaged helper (default: fuse3's, found via dpkg)
#   FM_BENCH_ITERS, FM_BENCH_MANY_ITERS, FM_BENCH_COUNTS, FM_BENCH_START_ITERS,
#   FM_BENCH_MEM_RUNS  sample sizes (200, 150, "0,1000,10000", 300, 5)
# Exit status: 0 all targets met, 3 some missed, other: the bench failed.
set -euo pipefail

if [ "${1:-}" = --inner ]; then
	shift
	T=$1 DRIVER=$2
	shift 2
	cleanup() {
		local dev mp minor
		set +e
		# abort whatever FUSE connection is left, then detach it
		awk '{ split($0, a, " - "); split(a[2], b, " ");
		       if (b[1] ~ /^fuse(blk)?(\.|$)/) print $3, $5 }' /proc/self/mountinfo |
			tac | while read -r dev mp; do
				minor=${dev#*:}
				[ -e "$T/fusectl/$minor/abort" ] && echo 1 >"$T/fusectl/$minor/abort"
				umount -l "$(printf '%b' "$mp")" 2>/dev/null || true
			done
	}
	trap cleanup EXIT
	# FUSE mounts inherited from the host namespace are only copies: drop them
	awk '{ split($0, a, " - "); split(a[2], b, " ");
	       if (b[1] ~ /^fuse(blk)?(\.|$)/) print $5 }' /proc/self/mountinfo | tac |
		while read -r mp; do umount -l "$(printf '%b' "$mp")"; done
	mknod "$T/fuse" c 10 229 && chmod 666 "$T/fuse" && mount --bind "$T/fuse" /dev/fuse
	mount -t tmpfs -o mode=0755 fmbench-run /run && mkdir -m 0755 /run/mount &&
		install -m 0644 /dev/null /run/mount/utab
	printf 'mount_max = 1000\n' >"$T/fuse.conf"
	chmod 644 "$T/fuse.conf"
	[ -e /etc/fuse.conf ] || { echo "bench: no /etc/fuse.conf to bind over" >&2; exit 1; }
	mount --bind "$T/fuse.conf" /etc/fuse.conf
	mount -t fusectl -o nosuid,nodev,noexec fusectl "$T/fusectl"
	cd /
	"$DRIVER" "$@"
	exit $?
fi

OURS=$1 CLIENT=$2 BDIR=$3 OUT=${4:-}
DRIVER=$BDIR/fmbench
USER_=${FM_TEST_USER:-fmtest}
LIMIT=${FM_BENCH_TIMEOUT:-300}

[ "$(id -u)" = 0 ] || { echo "make bench needs root (setuid copies, namespaces)" >&2; exit 1; }
for c in unshare setpriv timeout mknod dpkg-query md5sum; do
	command -v "$c" >/dev/null || { echo "bench: '$c' not found" >&2; exit 1; }
done

# The packaged helper: fuse3's file, proven by dpkg's own checksum.  With
# our .deb installed the packaged one is the diverted copy; dpkg-divert says where.
find_packaged() {
	local rel sum p true_
	rel=$(dpkg-query -L fuse3 2>/dev/null | grep -E '^(/usr)?/bin/fusermount3$' | head -n1) || true
	[ -n "$rel" ] || return 1
	sum=$(awk -v f="${rel#/}" '$2 == f { print $1 }' "$(dpkg-query --control-path fuse3 md5sums)")
	for p in "$rel" /usr/bin/fusermount3 /bin/fusermount3; do
		true_=$(dpkg-divert --truename "$p" 2>/dev/null || echo "$p")
		if [ -f "$true_" ] && [ "$(md5sum <"$true_" | cut -d' ' -f1)" = "$sum" ]; then
			echo "$true_"
			return 0
		fi
	done
	return 1
}
PKG=${FM_BENCH_PACKAGED:-}
if [ -z "$PKG" ]; then
	PKG=$(find_packaged) || { echo "bench: Debian's fuse3 fusermount3 not found (apt-get install fuse3, or set FM_BENCH_PACKAGED)" >&2; exit 1; }
fi

T=$(mktemp -d /tmp/fmbench.XXXXXX)
trap 'rm -rf --one-file-system "$T"' EXIT
chmod 711 "$T"
mkdir -p "$T/bin/pkg" "$T/bin/ours" "$T/many" "$T/fusectl" "$T/mnt"
# the packaged helper first, before anything else touches the machine's state
install -o root -g root -m 4755 "$PKG" "$T/bin/pkg/fusermount3"
install -o root -g root -m 4755 "$OURS" "$T/bin/ours/fusermount3"
install -o root -g root -m 4755 "$BDIR/stub-libc" "$T/bin/stub-libc"
install -o root -g root -m 4755 "$BDIR/stub-linked" "$T/bin/stub-linked"
install -o root -g root -m 4755 "$BDIR/stub-capng" "$T/bin/stub-capng"
id "$USER_" >/dev/null 2>&1 || useradd -m "$USER_"
chown "$USER_:$(id -gn "$USER_")" "$T/mnt"

PKG_VERSION=$("$T/bin/pkg/fusermount3" --version 2>&1 | head -n1)
OUR_VERSION=$("$T/bin/ours/fusermount3" --version 2>&1 | head -n1)
DEB_VERSION=$(dpkg-query -W -f='${Version}' fuse3 2>/dev/null || echo unknown)
REV=$(git -C "$(dirname "$0")/.." describe --always --dirty 2>/dev/null || echo unknown)
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

echo "bench: ours $OURS ($OUR_VERSION, $REV) vs packaged $PKG ($PKG_VERSION, fuse3 $DEB_VERSION)" >&2
set +e
timeout -k 10 "$LIMIT" unshare -m --propagation private -- "$0" --inner "$T" "$DRIVER" \
	--ours "$T/bin/ours/fusermount3" --pkg "$T/bin/pkg/fusermount3" --client "$CLIENT" \
	--stub-libc "$T/bin/stub-libc" --stub-linked "$T/bin/stub-linked" --stub-capng "$T/bin/stub-capng" \
	--uid "$(id -u "$USER_")" --gid "$(id -g "$USER_")" --dir "$T" \
	--iters "${FM_BENCH_ITERS:-200}" --many-iters "${FM_BENCH_MANY_ITERS:-150}" \
	--counts "${FM_BENCH_COUNTS:-0,1000,10000}" --start-iters "${FM_BENCH_START_ITERS:-300}" \
	--mem-runs "${FM_BENCH_MEM_RUNS:-5}" --timeout "$((LIMIT - 15))" >"$T/table.md"
rc=$?
set -e
if [ $rc != 0 ] && [ $rc != 3 ]; then
	echo "bench: failed (status $rc); last lines of the log:" >&2
	tail -n 20 "$T/bench.log" >&2 2>/dev/null || true
	exit $rc
fi

report() {
	cat <<EOF
# Benchmarks

Produced by \`make bench\` (tests/bench/bench.sh, tests/bench/fmbench.c); do not edit by hand.

* machine: $(nproc) CPU ($CPU), Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")
* ours: \`$OUR_VERSION\` (commit $REV); packaged: \`$PKG_VERSION\` from Debian fuse3 $DEB_VERSION
* date: $(date -u +%Y-%m-%d)

Method: one run, in a private mount namespace, the unprivileged side as
user \`$USER_\`; both helpers are setuid-root copies in a temp dir, driven by the
same client (tests/tools/fmclient, classic protocol unless noted).  The raw
floor is the same mount made by root with \`fmclient --mode direct\`
(\`fsopen\` … \`move_mount\`, no helper) and removed with \`umount2(2)\`.
Times are medians of CLOCK_MONOTONIC samples taken in tests/bench/fmbench.c around
fork … reap; variants alternate in a rotating order.  A *cycle* is: start the
client, mount, wait until it serves, \`fusermount3 -u\` (floor: \`umount2\`),
client exits.  *mount* is start of the client until it serves (the helper
has exited by then).  Unrelated mounts are tmpfs mounts, one namespace
per count, all alive at once: the counts are measured interleaved too.
\`/etc/fuse.conf\` says \`mount_max = 1000\`, so both helpers count FUSE
mounts on every mount.  \`/run/mount/utab\` exists (empty), so
ours also records each mount there; the packaged 3.14 writes no utab.

EOF
	cat "$T/table.md"
}
report
if [ -n "$OUT" ]; then
	report >"$OUT"
	echo "bench: table written to $OUT" >&2
fi
exit $rc
