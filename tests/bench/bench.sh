#!/bin/bash
# make bench: our helper against Debian's packaged fusermount3 (fuse3) and
# against the raw syscall floor (the same mount done by root without a
# helper), side by side in one run.  Usage (as root):
#   tests/bench/bench.sh OUR-HELPER FMCLIENT BENCH-DIR [OUTPUT.md]
# BENCH-DIR holds the built fmbench, stub-libc, stub-capng, stub-linked and
# stub-static.
# Everything runs in a private mount namespace on a temp dir: a 0666
# /dev/fuse node, a private /run (empty /run/mount/utab) and a private
# /etc/fuse.conf ("mount_max = 1000") are bound in there only.  The
# unprivileged side runs as $FM_TEST_USER (default fmtest).  Bounded by
# FM_BENCH_TIMEOUT seconds (default 300).  Knobs (environment):
#   FM_BENCH_PACKAGED  the packaged helper (default: fuse3's, found via dpkg)
#   FM_BENCH_ITERS, FM_BENCH_MANY_ITERS, FM_BENCH_COUNTS, FM_BENCH_START_ITERS,
#   FM_BENCH_MEM_RUNS  sample sizes (300, 150, "0,1000,10000", 400, 5)
#   FM_BENCH_QUICK=1   only the cycles (split into mount and -u) and --version,
#                      printed to stdout (BENCHMARKS.md is not written), with
#   FM_BENCH_ALT       up to two more helper builds (space-separated paths)
#                      measured interleaved with ours and the packaged one
# Exit status: 0 all targets met, 3 some missed, other: the bench failed.
set -euo pipefail
export LC_ALL=C

# ---- syscall counts (strace -ff: one file per process), as the user
# The calls of helper $2 in trace set $1 (files set.PID): of each process
# that exec'ed it, from that execve on (the client's fork before it does
# not count), and all of every process it forked (the utab child); one
# "PID<tab>call line" each.  Exits and signals are not calls.
helper_calls() {
	local set=$1 helper=$2 f pid todo=() seen=" "
	for f in "$set".*; do
		grep -q "^execve(\"$helper\"" "$f" && todo+=("x${f##*.}")
	done
	while [ ${#todo[@]} -gt 0 ]; do
		pid=${todo[0]}
		todo=("${todo[@]:1}")
		f=$set.${pid#x}
		case $seen in *" ${pid#x} "*) continue ;; esac
		seen+="${pid#x} "
		if [ "${pid:0:1}" = x ]; then
			sed -n "/^execve(\"${helper//\//\\/}\"/,\$p" "$f"
		else
			cat "$f"
		fi | grep -v '^\(+++\|---\)' | sed "s/^/${pid#x}\t/"
		while read -r pid; do
			todo+=("$pid")
		done < <(sed -n 's/^\(clone\|clone3\|fork\|vfork\)(.*) = \([0-9][0-9]*\)$/\2/p' "$f")
	done
}
# "N (P processes)"
count_cell() {
	local calls
	calls=$(helper_calls "$1" "$2")
	local n p
	n=$(grep -c . <<<"$calls")
	p=$(cut -f1 <<<"$calls" | sort -u | grep -c .)
	echo "$n ($p process$([ "$p" = 1 ] || echo es))"
}
# one --version, one mount, its -u, per helper, traced into DIR/{v,m,u}.KIND.PID
trace_runs() {
	local d=$1 user=$2 client=$3 kind h cl_out
	mkdir -p "$d"
	for kind in ours pkg; do
		h=$T/bin/$kind/fusermount3
		strace -qq -ff -o "$d/v.$kind" -u "$user" "$h" --version >/dev/null
		cl_out=$d/client.$kind
		strace -qq -ff -o "$d/m.$kind" -u "$user" "$client" --helper "$h" --mode classic \
			-o fsname=fmbench,subtype=fmbench --timeout 20 "$T/mnt" >"$cl_out" 2>&1 &
		for _ in $(seq 200); do grep -qx mounted "$cl_out" && break; sleep 0.05; done
		grep -qx mounted "$cl_out" || { echo "bench: strace'd mount failed: $(cat "$cl_out")" >&2; return 1; }
		strace -qq -ff -o "$d/u.$kind" -u "$user" "$h" -u "$T/mnt"
		wait
	done
}
# row TEXT SET: ours and packaged counts of trace set $T/strace/SET.*
row() {
	local d=$T/strace
	echo "| $1 | $(count_cell "$d/$2.ours" "$T/bin/ours/fusermount3") | $(count_cell "$d/$2.pkg" "$T/bin/pkg/fusermount3") |"
}
syscall_table() {
	local d=$T/strace
	local user=$FM_BENCH_USER client=$FM_BENCH_CLIENT
	echo "| syscalls (strace -f, the helper and its children) | ours | packaged 3.14 |"
	echo "|---|---:|---:|"
	trace_runs "$d" "$user" "$client"
	row "\`fusermount3 --version\`" v
	row "mount, classic, utab present (the helper the client started)" m
	row "\`fusermount3 -u\` of that mount, utab present" u
	mv /run/mount/utab /run/mount/utab.off
	trace_runs "$d/n" "$user" "$client"
	mv /run/mount/utab.off /run/mount/utab
	row "mount, classic, no utab" n/m
	row "\`fusermount3 -u\` of that mount, no utab" n/u
	echo
	echo
	echo "The three runs with utab present, by system call, ours (helper and children) and packaged:"
	echo
	echo '```'
	by_name ours >"$d/names.ours"
	by_name pkg >"$d/names.pkg"
	join -a1 -a2 -e0 -o 0,1.2,2.2 "$d/names.ours" "$d/names.pkg" | sort -k2,2nr -k3,3nr |
		awk 'BEGIN { printf "%-18s %6s %9s\n", "syscall", "ours", "packaged" }
		     { printf "%-18s %6d %9d\n", $1, $2, $3 }'
	echo '```'
}
# syscall names and counts of one helper over the three runs, sorted by name
by_name() {
	local t
	for t in v m u; do
		helper_calls "$T/strace/$t.$1" "$T/bin/$1/fusermount3"
	done | cut -f2- | sed -n 's/^\([a-z_0-9]*\)(.*/\1/p' | sort | uniq -c | awk '{ print $2, $1 }' | sort
}

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
	set +e
	"$DRIVER" "$@"
	rc=$?
	set -e
	[ $rc = 0 ] || [ $rc = 3 ] || exit $rc
	[ -n "${FM_BENCH_QUICK:-}" ] && exit $rc
	syscall_table >"$T/syscalls.md"
	exit $rc
fi

OURS=$1 CLIENT=$2 BDIR=$3 OUT=${4:-}
DRIVER=$BDIR/fmbench
USER_=${FM_TEST_USER:-fmtest}
LIMIT=${FM_BENCH_TIMEOUT:-300}

[ "$(id -u)" = 0 ] || { echo "make bench needs root (setuid copies, namespaces)" >&2; exit 1; }
for c in unshare setpriv timeout mknod dpkg-query md5sum strace join; do
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
# the empty programs (not run by FM_BENCH_QUICK)
for s in stub-libc stub-capng stub-linked stub-static; do
	[ -n "${FM_BENCH_QUICK:-}" ] || install -o root -g root -m 4755 "$BDIR/$s" "$T/bin/$s"
done
QUICK=()
if [ -n "${FM_BENCH_QUICK:-}" ]; then
	QUICK=(--quick)
	n=0
	for a in ${FM_BENCH_ALT:-}; do
		n=$((n + 1))
		mkdir -p "$T/bin/alt$n"
		install -o root -g root -m 4755 "$a" "$T/bin/alt$n/fusermount3"
		QUICK+=(--alt "$T/bin/alt$n/fusermount3")
	done
fi
id "$USER_" >/dev/null 2>&1 || useradd -m "$USER_"
chown "$USER_:$(id -gn "$USER_")" "$T/mnt"

PKG_VERSION=$("$T/bin/pkg/fusermount3" --version 2>&1 | head -n1)
OUR_VERSION=$("$T/bin/ours/fusermount3" --version 2>&1 | head -n1)
DEB_VERSION=$(dpkg-query -W -f='${Version}' fuse3 2>/dev/null || echo unknown)
REV=$(git -C "$(dirname "$0")/.." describe --always --dirty 2>/dev/null || echo unknown)
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

echo "bench: ours $OURS ($OUR_VERSION, $REV) vs packaged $PKG ($PKG_VERSION, fuse3 $DEB_VERSION)" >&2
set +e
FM_BENCH_USER=$USER_ FM_BENCH_CLIENT=$CLIENT \
timeout -k 10 "$LIMIT" unshare -m --propagation private -- "$0" --inner "$T" "$DRIVER" \
	--ours "$T/bin/ours/fusermount3" --pkg "$T/bin/pkg/fusermount3" --client "$CLIENT" \
	--stub-libc "$T/bin/stub-libc" --stub-capng "$T/bin/stub-capng" \
	--stub-linked "$T/bin/stub-linked" --stub-static "$T/bin/stub-static" \
	--uid "$(id -u "$USER_")" --gid "$(id -g "$USER_")" --dir "$T" \
	--iters "${FM_BENCH_ITERS:-300}" --many-iters "${FM_BENCH_MANY_ITERS:-150}" \
	--counts "${FM_BENCH_COUNTS:-0,1000,10000}" --start-iters "${FM_BENCH_START_ITERS:-400}" \
	--mem-runs "${FM_BENCH_MEM_RUNS:-5}" --timeout "$((LIMIT - 15))" "${QUICK[@]}" >"$T/table.md"
rc=$?
set -e
if [ $rc != 0 ] && [ $rc != 3 ]; then
	echo "bench: failed (status $rc); last lines of the log:" >&2
	tail -n 20 "$T/bench.log" >&2 2>/dev/null || true
	exit $rc
fi
if [ -n "${FM_BENCH_QUICK:-}" ]; then
	cat "$T/table.md"
	exit 0
fi

report() {
	cat <<EOF
# Benchmarks

Produced by \`make bench\` (tests/bench/bench.sh, tests/bench/fmbench.c) in one run; do not edit by hand.

* machine: $(nproc) CPU ($CPU), Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")
* ours: \`$OUR_VERSION\` (commit $REV); packaged: \`$PKG_VERSION\` from Debian fuse3 $DEB_VERSION
* date: $(date -u +%Y-%m-%d)

## How each figure is taken

Everything runs as root in a private mount namespace (a 0666 \`/dev/fuse\`,
a tmpfs \`/run\` with an empty \`/run/mount/utab\`, an \`/etc/fuse.conf\` saying
\`mount_max = 1000\`, so both helpers count FUSE mounts on every mount); the
unprivileged side is user \`$USER_\`.  Both helpers are setuid-root copies
in a temp dir, driven by the same client (tests/tools/fmclient, classic
protocol unless noted): it spawns the helper with \`_FUSE_COMMFD\`, receives
the fd, reaps the helper (as libfuse does), answers FUSE_INIT and serves.

* **Times** are medians of CLOCK_MONOTONIC samples taken by
  tests/bench/fmbench.c around fork … reap of the measured processes (no
  shell in between); the variants of a row alternate, in an order rotated
  every round (A B, B A, … for two), so a slow spell of the machine hits
  all alike.  **CPU** is user + system time from \`wait4\`'s rusage (of
  the reaped process and the children it reaped: a mount's utab child,
  which finishes the record after the helper has exited, is not in it;
  its work shows in the wall times of the cycle rows).
* A **cycle** is: start the client, mount, wait until it serves,
  \`fusermount3 -u\` (floor: \`umount2\`), client exits.  The **raw floor** is
  the same mount made by root with \`fmclient --mode direct\` (\`fsopen\` …
  \`move_mount\`, no helper).  The cycle rows are taken with
  \`/run/mount/utab\` present (ours then records each mount and removes the
  record at \`-u\`; the packaged 3.14 writes no utab) and without it (as on
  hosts where nothing created the file).
* **\`--version\`**: fork to reap, the helper started as the user with stdout
  on /dev/null; **peak RSS** is \`ru_maxrss\` from \`wait4\`.
* **\`-u\`** and **mount** with unrelated mounts: tmpfs mounts, one
  namespace per count, all alive at once, the counts measured interleaved
  too; *mount* is start of the client until it serves (the helper has
  exited by then).
* **Watcher**: \`auto_unmount\` mount; VmRSS/VmHWM/RssAnon read from
  \`/proc/PID/status\` of the waiting helper.
* **Syscalls**: one \`--version\`, one classic mount and its \`-u\` per helper
  under \`strace -f\` (as root, \`-u $USER_\`, so the setuid bit is honoured),
  utab present; counted are the helper's calls and those of every process
  it forked (ours: the utab child, and at \`-u\` the unmount lock's child),
  not the client's; a mount's utab child may still be writing after the
  helper has exited: it is counted all the same.

## What the helper loads, and when

The helper links libc only (a static PIE, which links nothing, was
measured and rejected: glibc's static \`dlopen\` cannot run libcap-ng
or nss_systemd, README); what dynamic linking costs per start
is the difference between the static-PIE and the libc-only empty
programs below.  The capability sets are set by privs.c with
one raw \`capset\` each, from what the helper knows, never read back from
the process: no \`/proc/PID/status\` is read.  libcap-ng is loaded with
\`dlopen\` only to ask a root caller, a file-capability install or one
without privilege what it holds (when its first \`capset\` is refused);
a setuid mount or \`-u\` never maps it, nor do \`--version\`,
\`--help\` and \`--features\` (one \`capset\` of their own).  What
linking it would cost per start (mapping, relocation, and its
constructor: a read of \`/proc/sys/kernel/cap_last_cap\` and four
\`prctl\` probes) is the
difference between the two first empty programs below.  The bounding set
is left as it is (no_new_privs already makes every \`execve\` give
nothing; emptying it cost 42 \`prctl\` calls per mount and \`-u\`: see
tests/ATTACKS.md, "Capabilities per phase").  argv is parsed
before the privilege reduction: \`--version\` is answered there, as the
caller, with one \`write(2)\`.  libmount, which brings libblkid,
libselinux and libpcre2, is loaded with \`dlopen\` only where it is used
(libmount_dl.c, include/lm.h): by the children that update utab, and by
the mountinfo fallback on kernels before 6.8.  So \`--version\`,
\`--help\`, \`--check\`, refusals, the prepare phase and the auto_unmount
watcher never map it; the empty program linked with libmount below shows
what every start paid before.  With \`/run/mount/utab\` present, a
mount's record is written by its child just after the fd is sent (the
child holds the helpers' utab lock from before, so the \`-u\` that follows
waits for it); \`-u\` removes the record after the unmount, in the
child that held the unmount lock (once it has let it go), complete when
\`-u\` returns.  README.md (*Design*) says how.

EOF
	cat "$T/table.md"
	echo
	echo "### System calls"
	echo
	cat "$T/syscalls.md"
}
report
if [ -n "$OUT" ]; then
	report >"$OUT"
	echo "bench: table written to $OUT" >&2
fi
exit $rc
