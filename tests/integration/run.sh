#!/bin/bash
# run.sh [TEST-NAME-GLOB...] - real-kernel integration tests of the setuid helper.
#
# Run as root (make check does). Environment:
#   FM_BIN           absolute path of the built helper (required)
#   FM_BIN_LEGACY    helper built without the new mount API (optional; else SKIP)
#   FM_CLIENT        tests/tools/fmclient (tests that need it SKIP without it)
#   FM_LINK          dynamic (default) or static (a static-PIE link made by
#                    hand, not a supported build): how FM_BIN and FM_BIN_LEGACY are linked
#   FM_TEST_USER     unprivileged test user (default fmtest; fmtest2 is the other one)
#   FM_TEST_TIMEOUT  seconds per test (default 60; a test file may raise it for
#                    one test with a line "# fm-timeout: test_NAME SECONDS")
#   FM_TEST_UTAB     "absent": no /run/mount/utab in the test namespaces (for
#                    the unmount tests: -u then unmounts with no child; the
#                    tests that snapshot utab or look for records fail so)
# A test file may list tests to run twice with a line "# fm-twin: test_A
# test_B ...": each such test runs once as written (NAME) and once more as
# NAME@sync_init with FM_TWIN=sync-init, where every fmclient mount of
# mode classic or sync-init goes the way libfuse after 3.18 takes (probe
# --help and --features, then --sync-init; see lib.sh fm_twin_client).
#   FM_CMD_TIMEOUT   seconds per command run by assert_exit (default 30)
#   FM_STRICT=1 / CI=true   a SKIP for a missing package counts as FAIL
#   FM_VERBOSE=1     print every test's log, not only the failing ones'
#   FM_KEEP_TMP=1    keep the per-test temp dirs
# Output: one "PASS name" / "FAIL name: reason" / "SKIP name: reason" line per
# test and finally exactly one line "N passed, N failed, N skipped".
# Exit status: non-zero iff a test failed.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${1:-}" = --inner ]; then
	shift
	# shellcheck source=lib.sh
	. "$HERE/lib.sh"
	fm_inner "$@"
	exit 0
fi

TIMEOUT=${FM_TEST_TIMEOUT:-60}
npass=0 nfail=0 nskip=0

report() { # KIND NAME [REASON]
	case $1 in
	PASS) npass=$((npass + 1)); echo "PASS $2" ;;
	FAIL) nfail=$((nfail + 1)); echo "FAIL $2: ${3:-}" ;;
	SKIP) nskip=$((nskip + 1)); echo "SKIP $2: ${3:-}" ;;
	esac
}
finish() {
	echo "$npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" = 0 ]
	exit $?
}
setup_fail() { report FAIL setup "$*"; finish; }

# ------------------------------------------------------------- preconditions
[ "$(id -u)" = 0 ] || setup_fail "run.sh must run as root"
[ -n "${FM_BIN:-}" ] && [ -x "$FM_BIN" ] || setup_fail "FM_BIN='${FM_BIN:-}' is not an executable helper"
case $FM_BIN in /*) ;; *) setup_fail "FM_BIN must be an absolute path" ;; esac
for c in unshare setpriv timeout mknod stat pgrep sha256sum getent; do
	command -v "$c" >/dev/null || setup_fail "required command '$c' not found"
done
for u in "${FM_TEST_USER:-fmtest}" "${FM_TEST_USER2:-fmtest2}"; do
	id "$u" >/dev/null 2>&1 || useradd -m "$u" || setup_fail "cannot create user $u"
done

# FUSE mounts of this (host) namespace: "id mountpoint type" lines
host_fuse() {
	awk '{ split($0, a, " - "); split(a[2], b, " ");
	       if (b[1] ~ /^fuse(blk)?(\.|$)/) print $1, $3, $5, b[1] }' /proc/self/mountinfo | sort
}
HOST_BEFORE=$(host_fuse)

# ------------------------------------------------------------- discovery
TESTS=() # "file function name limit twin"
declare -A seen=()
wanted() { # NAME FUNCTION GLOB...
	local n=$1 fn=$2 g
	shift 2
	[ $# -gt 0 ] || return 0
	for g; do
		# shellcheck disable=SC2053
		[[ $n == $g || $fn == $g ]] && return 0
	done
	return 1
}
for f in "$HERE"/t_*.sh; do
	[ -e "$f" ] || continue
	fns=$(grep -oE '^test_[A-Za-z0-9_]+ *\(\)' "$f" | tr -d '() ')
	twins=" $(sed -n 's/^# fm-twin: //p' "$f" | tr '\n' ' ') "
	for fn in $twins; do
		grep -qx "$fn" <<<"$fns" || setup_fail "$f: fm-twin names '$fn', which is not a test there"
	done
	for fn in $fns; do
		name=${fn#test_}
		[ -z "${seen[$name]:-}" ] || setup_fail "test name '$name' defined twice (${seen[$name]} and $f)"
		seen[$name]=$f
		limit=$(sed -n "s/^# fm-timeout: $fn \([0-9][0-9]*\)\$/\1/p" "$f" | tail -n 1)
		! wanted "$name" "$fn" "$@" || TESTS+=("$f $fn $name ${limit:-$TIMEOUT} -")
		[[ $twins == *" $fn "* ]] && wanted "$name@sync_init" "$fn@sync_init" "$@" &&
			TESTS+=("$f $fn $name@sync_init ${limit:-$TIMEOUT} sync-init")
	done
done
[ ${#TESTS[@]} -gt 0 ] || setup_fail "no test matches: $*"

RUNDIR=$(mktemp -d /tmp/fmit-run.XXXXXX) || setup_fail "mktemp failed"
trap 'rm -rf "$RUNDIR"' EXIT

# Kill what survived in a test's namespace and then its anchor. The anchor
# (started first by the test, spared by the test's own cleanup) keeps the
# namespace alive, so its inode number cannot have been reused by another
# namespace while we match processes against it. After a hard timeout this
# also aborts the test's FUSE connections (not the host's) via the host's
# fusectl, which frees processes stuck on a dead server.
reap_ns() { # RESULT-FILE
	local ns anchor i p pid dev minor ctl=/sys/fs/fuse/connections
	ns=$(cat "$1.ns" 2>/dev/null)
	anchor=$(cat "$1.anchor" 2>/dev/null)
	[ -n "$ns" ] && [ -n "$anchor" ] || return 0
	[ "$(stat -L -c %i "/proc/$anchor/ns/mnt" 2>/dev/null)" = "$ns" ] || return 0
	stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null | while read -r i p; do
		pid=${p#/proc/}
		pid=${pid%%/*}
		[ "$i" = "$ns" ] && [ "$pid" != "$anchor" ] || continue
		awk '{ split($0, a, " - "); split(a[2], b, " ");
		       if (b[1] ~ /^fuse(blk)?(\.|$)/) print $3 }' "/proc/$pid/mountinfo" 2>/dev/null |
			while read -r dev; do
				grep -q " $dev " <<<"$HOST_BEFORE" && continue
				minor=${dev#*:}
				[ -e "$ctl/$minor/abort" ] && echo 1 >"$ctl/$minor/abort" 2>/dev/null
			done
		kill -KILL "$pid" 2>/dev/null
	done
	kill -KILL "$anchor" 2>/dev/null
}

# ------------------------------------------------------------- run
for t in "${TESTS[@]}"; do
	read -r file fn name limit twin <<<"$t"
	tmp=$(mktemp -d /tmp/fmit.XXXXXX) || setup_fail "mktemp failed"
	res=$RUNDIR/$name.result
	log=$RUNDIR/$name.log
	: >"$res"
	start=$SECONDS
	# (in a subshell: no "Killed" job notice from this shell after a hard timeout)
	[ "$twin" = - ] && twin=
	(FM_TWIN=$twin FM_TEST_TIMEOUT=$limit timeout -k 5 "$limit" unshare -m --propagation private -- \
		bash "$HERE/run.sh" --inner "$file" "$fn" "$tmp" "$res" >"$log" 2>&1) 2>/dev/null
	rc=$?
	reap_ns "$res"
	if [ -s "$res" ]; then
		read -r kind reason <"$res"
	elif [ $rc = 124 ] || [ $rc = 137 ] && [ $((SECONDS - start)) -ge "$limit" ]; then
		kind=FAIL reason="timed out after $limit s (killed)"
	elif [ $rc -gt 128 ]; then
		kind=FAIL reason="killed by signal $((rc - 128)) after $((SECONDS - start)) s"
	else
		kind=FAIL reason="no verdict recorded (status $rc)"
	fi
	report "$kind" "$name" "$reason"
	if [ "$kind" = FAIL ] || [ "${FM_VERBOSE:-0}" = 1 ]; then
		tail -n 40 "$log" | sed 's/^/    | /'
	fi
	[ "${FM_KEEP_TMP:-0}" = 1 ] || rm -rf --one-file-system "$tmp"
done

# ------------------------------------------------------------- host check
HOST_AFTER=$(host_fuse)
# (only mounts where ours could be: other FUSE users may share the machine)
homes=$(for u in "${FM_TEST_USER:-fmtest}" "${FM_TEST_USER2:-fmtest2}"; do getent passwd "$u" | cut -d: -f6; done)
new=$(comm -13 <(echo "$HOST_BEFORE") <(echo "$HOST_AFTER") |
	awk -v h="$(echo $homes)" '{ n = split(h, hs, " "); ok = ($3 ~ /^\/tmp\/fmit/);
	     for (i = 1; i <= n; i++) if (index($3, hs[i]) == 1) ok = 1; if (ok) print }')
[ -z "$new" ] || report FAIL host_namespace_clean "new FUSE mounts in the host namespace: $(echo $new)"
finish
