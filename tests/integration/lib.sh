# lib.sh - harness for the real-kernel integration tier (sourced by run.sh).
#
# Each test function runs as root inside its own private mount namespace
# (unshare -m --propagation private), set up by fm_setup:
#   $T                 fresh temp dir (0711) on the ext4 root; removed by run.sh
#   $FM                $T/bin/fusermount3: the helper under test, root:root 4755,
#                      also bind-mounted over /usr/bin/fusermount3
#   /dev/fuse          a 0666 node (bind of $T/fuse)
#   /run               a tmpfs with an empty /run/mount/utab (root 0644;
#                      none with FM_TEST_UTAB=absent)
#   /etc/fuse.conf     bind of $T/fuse.conf (empty; see set_fuse_conf)
#   $T/fusectl         fusectl, used by the cleanup to abort connections
#   $H, $H2            fresh, empty homes of $U and $U2 (binds over their homes)
#   $UT                a 1777 scratch dir (ready files etc.)
#   $FM_CLIENT         in a twin run (FM_TWIN=sync-init, see run.sh) a wrapper
#                      around fmclient: see fm_twin_client
# A test reports through fail/skip/the assert_* helpers; a test that returns
# without a single assertion is reported as FAIL.

FM_TEST_USER=${FM_TEST_USER:-fmtest}
FM_TEST_USER2=${FM_TEST_USER2:-fmtest2}
U=$FM_TEST_USER
U2=$FM_TEST_USER2
PATH_MIN=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Any progname (argv[0]) in front of a message, when we do not control it.
ANYP='[^[:space:]:]+'

fm_strict() { [ "${FM_STRICT:-0}" = 1 ] || [ "${CI:-}" = true ]; }

# ---------------------------------------------------------------- verdicts

# First verdict wins; it survives subshells because it is a file.
_verdict() {
	[ -s "$FM_RESULT" ] && return 0
	printf '%s %s\n' "$1" "$2" >"$FM_RESULT"
}
fail() {
	_verdict FAIL "$*"
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	_verdict SKIP "$*"
	echo "SKIP: $*" >&2
	exit 0
}
# A missing package is a SKIP locally but a FAIL in CI (which installs all).
skip_missing() {
	if fm_strict; then
		fail "missing $* (strict mode: CI must install it)"
	fi
	skip "missing $*"
}
need_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || skip_missing "command '$c' (install its package)"
	done
}
# strace, or SKIP (FAIL in CI) without it
need_strace() { need_cmd strace; }
need_client() {
	[ -n "${FM_CLIENT:-}" ] && [ -x "$FM_CLIENT" ] ||
		skip_missing "FM_CLIENT (tests/tools/fmclient not built; FM_CLIENT='${FM_CLIENT:-}')"
}
_asserted() { echo >>"$FM_ASSERTS"; }

# ---------------------------------------------------------------- users

# as_user [VAR=value...] CMD...: run as the test user with HOME and PATH only.
AS_USER=()
AS_USER2=()
_user_cmd() { # USER ARRAY-NAME
	local home
	local -n arr=$2
	home=$(getent passwd "$1" | cut -d: -f6)
	arr=(setpriv --reuid="$1" --regid="$1" --init-groups -- env -i HOME="$home" PATH="$PATH_MIN")
}
as_user() { "${AS_USER[@]}" "$@"; }
as_user2() { "${AS_USER2[@]}" "$@"; }
# Turn a leading as_user/as_user2 into the real argv (so timeout can run it).
_expand() {
	case $1 in
	as_user) shift; EXPANDED=("${AS_USER[@]}" "$@") ;;
	as_user2) shift; EXPANDED=("${AS_USER2[@]}" "$@") ;;
	*) EXPANDED=("$@") ;;
	esac
}
u_mkdir() { as_user mkdir -p "$@" || fail "mkdir -p $* as $U failed"; }
u_write() { # PATH CONTENT (as the test user)
	as_user sh -c 'printf %s "$1" >"$2"' sh "$2" "$1" || fail "cannot write $1 as $U"
}

# ---------------------------------------------------------------- fuse.conf

set_fuse_conf() { printf '%s\n' "$1" >"$T/fuse.conf" || fail "cannot write fuse.conf"; }

# Replace the helper (in place: the bind over /usr/bin/fusermount3 follows).
install_helper() {
	cat "$1" >"$T/bin/fusermount3" && chown root:root "$T/bin/fusermount3" &&
		chmod 4755 "$T/bin/fusermount3" || fail "cannot install $1 as setuid helper"
}
use_legacy_helper() {
	[ -n "${FM_BIN_LEGACY:-}" ] ||
		skip "FM_BIN_LEGACY unset (no build with the new mount API compiled out)"
	[ -x "$FM_BIN_LEGACY" ] || fail "FM_BIN_LEGACY=$FM_BIN_LEGACY is not executable"
	install_helper "$FM_BIN_LEGACY"
}

# ---------------------------------------------------------------- regexes

re() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }
# ^<progname>: <message>$ with the message given literally
msg_re() { printf '^%s: %s$' "${2:-$ANYP}" "$(re "$1")"; }

# ---------------------------------------------------------------- mountinfo

mi_escape() { printf '%s' "$1" | sed -e 's/\\/\\134/g' -e 's/ /\\040/g' -e 's/\t/\\011/g'; }
mi_unescape() { printf '%b' "$1"; }
_mi_line() { # PATH -> the topmost mountinfo line mounted exactly on PATH
	awk -v p="$(mi_escape "$1")" '$5 == p { l = $0 } END { if (l != "") print l }' \
		/proc/self/mountinfo
}
# mi_get PATH: sets MI_LINE MI_DEV MI_OPTS MI_TYPE MI_SRC MI_SUPER; 1 if no mount
mi_get() {
	MI_LINE=$(_mi_line "$1")
	MI_DEV= MI_OPTS= MI_TYPE= MI_SRC= MI_SUPER=
	[ -n "$MI_LINE" ] || return 1
	read -r _ _ MI_DEV _ _ MI_OPTS _ <<<"${MI_LINE%% - *}"
	read -r MI_TYPE MI_SRC MI_SUPER <<<"${MI_LINE#* - }"
}
FUSE_TYPE_RE='fuse(blk)?(\..+)?'
# "DEV MOUNTPOINT" of every FUSE mount in this namespace, in mount order
fuse_mounts() {
	awk '{ split($0, a, " - "); split(a[2], b, " ");
	       if (b[1] ~ /^fuse(blk)?(\.|$)/) print $3, $5 }' /proc/self/mountinfo
}
fuse_mount_count() { fuse_mounts | wc -l; }
abort_fuse() { # PATH: abort the FUSE connection mounted there
	mi_get "$1" && echo 1 >"$T/fusectl/${MI_DEV#*:}/abort"
}
is_mounted() { [ -n "$(_mi_line "$1")" ]; }

# ---------------------------------------------------------------- asserts

assert_eq() { # EXPECTED GOT [WHAT]
	_asserted
	[ "$2" = "$1" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_match() { # STRING REGEX [WHAT]   (grep -E, any line)
	_asserted
	grep -Eq -- "$2" <<<"$1" || fail "${3:-output} does not match /$2/; got: '$(head -c 800 <<<"$1")'"
}
assert_no_match() { # STRING REGEX [WHAT]
	_asserted
	! grep -Eq -- "$2" <<<"$1" || fail "${3:-output} unexpectedly matches /$2/; got: '$(head -c 800 <<<"$1")'"
}
# assert_exit CODE CMD...: run (bounded) with stdout/stderr captured into OUT/ERR; RC set.
assert_exit() {
	local want=$1
	shift
	_expand "$@"
	timeout -k 2 "${FM_CMD_TIMEOUT:-30}" "${EXPANDED[@]}" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	_asserted
	[ "$RC" = 124 ] && [ "$want" != 124 ] && fail "'$*' timed out after ${FM_CMD_TIMEOUT:-30}s; stderr: '$(head -c 600 <<<"$ERR")'"
	[ "$RC" = "$want" ] ||
		fail "exit status of '$*': expected $want, got $RC; stderr: '$(head -c 600 <<<"$ERR")'"
}
# exactly one line on stderr, equal to "<progname>: MESSAGE" (progname regex opt.)
assert_err_line() { # MESSAGE [PROGNAME-REGEX]
	_asserted
	[ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ] ||
		fail "expected exactly one line on stderr, got: '$(head -c 800 <<<"$ERR")'"
	assert_match "$ERR" "$(msg_re "$1" "${2:-}")" "stderr"
}
assert_mounted() { # PATH [TYPE-REGEX]
	_asserted
	mi_get "$1" || fail "$1 is not mounted (expected a mount${2:+ of type /$2/})"
	[ -z "${2:-}" ] || [[ $MI_TYPE =~ ^($2)$ ]] ||
		fail "$1 is mounted with type '$MI_TYPE', expected /$2/: $MI_LINE"
}
assert_not_mounted() {
	_asserted
	! mi_get "$1" || fail "$1 should not be mounted, but mountinfo has: $MI_LINE"
}
assert_mountinfo_has() { # PATH REGEX
	_asserted
	mi_get "$1" || fail "$1 is not mounted (wanted mountinfo /$2/)"
	grep -Eq -- "$2" <<<"$MI_LINE" || fail "mountinfo line of $1 does not match /$2/: $MI_LINE"
}
# The usual properties of a FUSE mount made for the test user.
assert_user_fuse_mount() { # PATH [TYPE-REGEX] [UID]
	assert_mounted "$1" "${2:-$FUSE_TYPE_RE}"
	assert_match "$MI_OPTS" '(^|,)nosuid(,|$)' "per-mount options of $1"
	assert_match "$MI_OPTS" '(^|,)nodev(,|$)' "per-mount options of $1"
	assert_match "$MI_SUPER" "(^|,)user_id=${3:-$UID1}(,|$)" "superblock options of $1"
}
declare -A FM_SUMS=()
snapshot_file() { local f; for f; do FM_SUMS[$f]=$(sha256sum <"$f"); done; }
assert_file_unchanged() {
	local f
	for f; do
		_asserted
		[ -n "${FM_SUMS[$f]:-}" ] || fail "internal: no snapshot of $f"
		[ "$(sha256sum <"$f")" = "${FM_SUMS[$f]}" ] || fail "$f changed: now '$(head -c 400 "$f")'"
	done
}
# A mount's utab record may still be on its way when the library has the
# fd: the helper's child writes it while it holds byte 1 (FM_LOCK_UTAB_OFF)
# of /run/fusermount3.lock, and ends itself within 1.5 s.  Waits (5 s at
# most) until no open file holds that byte.
UTAB_SETTLED_PY='
import fcntl, os, sys, time
try:
    fd = os.open("/run/fusermount3.lock", os.O_RDWR)
except FileNotFoundError:
    sys.exit(0)
end = time.monotonic() + 5
while True:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1)
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 1)
        sys.exit(0)
    except OSError:
        if time.monotonic() > end:
            sys.exit(1)
        time.sleep(0.005)
'
utab_settle() {
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (waits for a utab record)"
	_asserted
	/usr/bin/python3 -c "$UTAB_SETTLED_PY" || fail "byte 1 of /run/fusermount3.lock still held after 5 s"
}
# utab records (libmount: SRC= TARGET= ROOT= OPTS=)
assert_utab_user() { # MOUNTPOINT [USER]
	utab_settle
	assert_match "$(cat /run/mount/utab)" \
		"(^| )TARGET=$(re "$(mi_escape "$1")")( .*)? OPTS=([^ ]*,)?user=${2:-$U}(,| |$)" \
		"/run/mount/utab"
}
_utab_lacks() { ! grep -qE "(^| )TARGET=$(re "$(mi_escape "$1")")( |\$)" /run/mount/utab; }
# A watcher removes the entry just after its unmount: allow it 5 s.
assert_utab_lacks() { # MOUNTPOINT
	poll_until 5 _utab_lacks "$1"
	assert_no_match "$(cat /run/mount/utab)" "(^| )TARGET=$(re "$(mi_escape "$1")")( |$)" \
		"/run/mount/utab"
}

# ---------------------------------------------------------------- waiting

# poll_until SEC CMD...: true as soon as CMD succeeds; 50 ms steps; bounded.
poll_until() {
	local n=$(($1 * 20))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.05
	done
}
_not() { ! "$@"; }
# lock_id FILE: FILE as /proc/locks names it (MAJ:MIN:INODE; that list is
# the whole machine's, other namespaces' lock files included)
lock_id() {
	local dev
	dev=$((0x$(stat -c %D "$1"))) || return 1
	printf '%02x:%02x:%s' $(((dev >> 8) & 0xfff)) $(((dev & 0xff) | ((dev >> 12) & 0xfff00))) "$(stat -c %i "$1")"
}
owned_by() { [ "$(stat -c %U "$1" 2>/dev/null)" = "$2" ]; }
cwd_is() { [ "$(readlink "/proc/$1/cwd" 2>/dev/null)" = "$2" ]; }
wait_for_file() {
	_asserted
	poll_until "$2" test -e "$1" || fail "$1 did not appear within $2 s${3:+; $3}"
}
wait_mounted() {
	_asserted
	poll_until "$2" is_mounted "$1" || fail "$1 not mounted within $2 s${3:+; $3}"
}
wait_unmounted() {
	_asserted
	poll_until "$2" _not is_mounted "$1" || fail "$1 still mounted after $2 s: $(_mi_line "$1")"
}

# ---------------------------------------------------------------- background

declare -A BG=()  # name -> pid
# bg NAME CMD...: start in the background, output in $T/NAME.out/.err
bg() {
	local name=$1
	shift
	_expand "$@"
	"${EXPANDED[@]}" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
	BG[$name]=$!
}
alive() { kill -0 "${BG[$1]}" 2>/dev/null; }
# wait_exit NAME SEC: bounded wait for a bg process; sets BG_RC (fails on timeout)
wait_exit() {
	_asserted
	poll_until "$2" _not alive "$1" || fail "$1 (pid ${BG[$1]}) still running after $2 s; $(bg_log "$1")"
	wait "${BG[$1]}"
	BG_RC=$?
}
bg_log() { echo "[$1 stdout: $(head -c 500 "$T/$1.out" 2>/dev/null)] [stderr: $(head -c 700 "$T/$1.err" 2>/dev/null)]"; }

# ---------------------------------------------------------------- fmclient

# _client_argv [--as2] ARGS...: CLIENT = argv of fmclient spawning our helper,
# run as the test user (or as $U2 with --as2)
_client_argv() {
	local who=as_user
	if [ "${1:-}" = --as2 ]; then who=as_user2; shift; fi
	CLIENT=("$who" "$FM_CLIENT" --helper "$FM")
}
# start_client NAME [--as2] FMCLIENT-ARGS... MOUNTPOINT: background, wait until ready
start_client() {
	need_client
	local name=$1
	shift
	_client_argv "$@"
	[ "${1:-}" = --as2 ] && shift
	bg "$name" "${CLIENT[@]}" --ready-file "$UT/$name.ready" --timeout 50 "$@"
	poll_until 10 test -e "$UT/$name.ready" ||
		fail "fmclient '$name' ($*) not ready within 10 s; $(bg_log "$name")"
	_asserted
	[ ! -e /run/mount/utab ] || utab_settle
}
# run_client [--as2] FMCLIENT-ARGS... MOUNTPOINT: foreground, bounded; sets RC/OUT/ERR
run_client() {
	need_client
	_client_argv "$@"
	[ "${1:-}" = --as2 ] && shift
	_expand "${CLIENT[@]}" --timeout 10 "$@"
	timeout -k 2 20 "${EXPANDED[@]}" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}
# the fmclient exited 1 because the helper failed, and reported the helper's exit
assert_client_failed() {
	_asserted
	[ "$RC" = 1 ] || fail "fmclient: expected exit 1 (helper failed), got $RC; stdout '$OUT' stderr '$(head -c 600 <<<"$ERR")'"
}

# helper processes (our setuid copy) alive in this namespace
# live helpers only: an orphaned helper may stay a zombie until init reaps it
helper_pids() { pgrep --ns $$ --nslist mnt -r R,S,D,T,t -f '^([^ ]*/)?fusermount3?( |$)' 2>/dev/null; }
# for poll_until, which must re-evaluate the condition on every try
no_helpers() { [ -z "$(helper_pids)" ]; }
some_helpers() { [ -n "$(helper_pids)" ]; }
# stop_server PID: SIGSTOP, and wait until every thread of PID is stopped
# (kill returns before a running thread has stopped: a request sent at once
# could still be answered)
all_stopped() {
	local t st
	for t in /proc/"$1"/task/*/stat; do
		st=$(sed 's/.*) //' "$t" 2>/dev/null | cut -d' ' -f1)
		[ "$st" = T ] || [ "$st" = t ] || return 1
	done
}
stop_server() {
	kill -STOP "$1" || fail "cannot stop $1"
	poll_until 5 all_stopped "$1" || fail "$1 did not stop"
}

# ---------------------------------------------------------------- setup/cleanup

# at_cleanup CMD...: run CMD (as root) at the end of the test, after its FUSE
# connections were aborted and its processes killed; last registered first.
# For what a test creates outside its namespace and temp dir (a cgroup, a
# loop device, a directory in the shared devtmpfs).
FM_CLEANUP_CMDS=()
at_cleanup() { FM_CLEANUP_CMDS+=("$(printf '%q ' "$@")"); }

_ns_id() { stat -L -c %i /proc/self/ns/mnt; }
_ppid() { # PID -> its parent's pid (nothing if it is gone)
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	s=${s#* }
	echo "${s%% *}"
}

# The sync-init twin of a test (run.sh "# fm-twin:"): FM_CLIENT becomes a
# wrapper that turns every `--mode classic` and `--mode sync-init` into
# what a libfuse after 3.18 does for an unprivileged caller: probe
# `--help`, then `--features`, then `--sync-init` (the sync-init ioctl
# only with --sync-ioctl, i.e. when the server wants it). The probe must
# choose sync-init (else fmclient exits 4) and a failed sync-init mount
# is not retried classically, so each refusal is seen once, as in the
# classic run. Each such call is logged in $FM_TWIN_LOG: a twin that made
# none fails (fm_inner).
FM_TWIN_LOG=
fm_twin_client() {
	[ -n "${FM_CLIENT:-}" ] && [ -x "$FM_CLIENT" ] || return 0
	FM_TWIN_LOG=$UT/.twin.log
	install -m 0666 /dev/null "$FM_TWIN_LOG" || fail "setup: cannot create $FM_TWIN_LOG"
	cat >"$T/bin/fmclient-twin" <<-EOF || fail "setup: cannot write the twin wrapper"
		#!/bin/bash
		args=()
		while [ \$# -gt 0 ]; do
			if [ "\$1" = --mode ] && { [ "\${2:-}" = classic ] || [ "\${2:-}" = sync-init ]; }; then
				args+=(--mode libfuse --expect-path sync-init --no-fallback)
				echo "\$2" >>$(printf '%q' "$FM_TWIN_LOG")
				shift 2
			else
				args+=("\$1")
				shift
			fi
		done
		exec $(printf '%q' "$FM_CLIENT") "\${args[@]}"
	EOF
	chmod 0755 "$T/bin/fmclient-twin" || fail "setup: chmod"
	FM_CLIENT=$T/bin/fmclient-twin
}

fm_setup() {
	local u home
	mkdir -p "$T/bin" "$T/u" "$T/fusectl" && chmod 711 "$T" && chmod 1777 "$T/u" ||
		fail "setup: cannot create $T"
	UT=$T/u
	cd / || fail "setup: cd /"
	# FUSE mounts copied from the host namespace: drop our copies (no abort!)
	INHERITED_FUSE=$(fuse_mounts | cut -d' ' -f1 | sort -u | tr '\n' ' ')
	fuse_mounts | tac | while read -r _ mp; do umount -l "$(mi_unescape "$mp")"; done
	[ -c /dev/fuse ] || fail "setup: no /dev/fuse (FUSE not available in this kernel?)"
	mknod "$T/fuse" c 10 229 && chmod 666 "$T/fuse" && mount --bind "$T/fuse" /dev/fuse ||
		fail "setup: cannot bind a 0666 node over /dev/fuse"
	[ -e /usr/bin/fusermount3 ] || skip_missing "/usr/bin/fusermount3 to bind over (install fuse3)"
	install_helper "$FM_BIN"
	FM=$T/bin/fusermount3
	mount --bind "$FM" /usr/bin/fusermount3 || fail "setup: cannot bind $FM over /usr/bin/fusermount3"
	# FM_TEST_UTAB=absent: no utab (no records; -u then unmounts in the
	# helper itself, with no child: run the unmount tests so too)
	mount -t tmpfs -o mode=0755 fmtest-run /run && mkdir -m 0755 /run/mount &&
		{ [ "${FM_TEST_UTAB:-}" = absent ] || install -m 0644 /dev/null /run/mount/utab; } ||
		fail "setup: cannot make /run/mount/utab"
	[ -e /etc/fuse.conf ] || skip_missing "no /etc/fuse.conf to bind over (install fuse3)"
	install -m 0644 /dev/null "$T/fuse.conf" && mount --bind "$T/fuse.conf" /etc/fuse.conf ||
		fail "setup: cannot bind $T/fuse.conf over /etc/fuse.conf"
	mount -t fusectl -o nosuid,nodev,noexec fusectl "$T/fusectl" || fail "setup: cannot mount fusectl"
	for u in "$U" "$U2"; do
		home=$(getent passwd "$u" | cut -d: -f6)
		[ -n "$home" ] && [ -d "$home" ] || fail "setup: user $u has no home directory"
		mkdir -p "$T/home/$u" && chown "$u:$u" "$T/home/$u" && chmod 755 "$T/home/$u" &&
			mount --bind "$T/home/$u" "$home" || fail "setup: cannot bind a fresh home over $home"
	done
	H=$(getent passwd "$U" | cut -d: -f6)
	H2=$(getent passwd "$U2" | cut -d: -f6)
	UID1=$(id -u "$U") GID1=$(id -g "$U") UID2=$(id -u "$U2")
	_user_cmd "$U" AS_USER
	_user_cmd "$U2" AS_USER2
	case ${FM_TWIN:-} in
	'') ;;
	sync-init) fm_twin_client ;;
	*) fail "setup: unknown FM_TWIN='$FM_TWIN'" ;;
	esac
}

fm_cleanup() {
	local rc=$? dev mp minor pid ns p procs
	set +u
	[ -s "$FM_RESULT" ] || _verdict FAIL "test aborted by a shell error (status $rc; see its log)"
	# abort every FUSE connection made in here, then detach the mounts
	while read -r dev mp; do
		minor=${dev#*:}
		case " $INHERITED_FUSE " in *" $dev "*) ;; *)
			[ -e "$T/fusectl/$minor/abort" ] && echo 1 >"$T/fusectl/$minor/abort" 2>/dev/null ;;
		esac
		umount -l "$(mi_unescape "$mp")" 2>/dev/null
	done < <(fuse_mounts | tac)
	# (only those still our children: the pid of one that ended may belong
	# to anybody by now, e.g. to a process of a test run beside this one)
	for pid in "${BG[@]}"; do
		[ "$(_ppid "$pid")" = $$ ] && kill -KILL "$pid" 2>/dev/null
	done
	# anything else still living in this namespace (daemons, watchers, sshd)
	ns=$(_ns_id)
	mapfile -t procs < <(stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null)
	for p in "${procs[@]}"; do
		pid=${p#* /proc/}
		pid=${pid%%/*}
		[ "${p%% *}" = "$ns" ] && [ "$pid" != $$ ] && [ "$pid" != "${FM_ANCHOR:-}" ] &&
			kill -KILL "$pid" 2>/dev/null
	done
	for ((p = ${#FM_CLEANUP_CMDS[@]} - 1; p >= 0; p--)); do
		eval "${FM_CLEANUP_CMDS[p]}" >/dev/null 2>&1
	done
	return 0
}

# run one test function: fm_inner FILE FUNCTION TMPDIR RESULTFILE
fm_inner() {
	local file=$1 fn=$2 rc
	T=$3
	FM_RESULT=$4
	FM_ASSERTS=$4.asserts
	: >"$FM_ASSERTS"
	INHERITED_FUSE=
	_ns_id >"$FM_RESULT.ns"
	# An anchor keeps this namespace (and so its inode number) alive until
	# run.sh has reaped it, even after a hard timeout: see run.sh.
	setsid sh -c 'echo $$ >"$1"; exec sleep 1000000' sh "$FM_RESULT.anchor" </dev/null >/dev/null 2>&1 &
	poll_until 5 test -s "$FM_RESULT.anchor" || fail "setup: no namespace anchor"
	FM_ANCHOR=$(cat "$FM_RESULT.anchor")
	trap fm_cleanup EXIT
	trap 'fail "timed out (SIGTERM after ${FM_TEST_TIMEOUT:-60} s)"' TERM
	set -u
	fm_setup
	# shellcheck disable=SC1090
	. "$file"
	"$fn"
	rc=$?
	if [ ! -s "$FM_RESULT" ] && [ -n "${FM_TWIN:-}" ] && [ ! -s "$FM_TWIN_LOG" ]; then
		_verdict FAIL "$FM_TWIN twin: no fmclient mount went the libfuse way (lib.sh fm_twin_client)"
	fi
	if [ ! -s "$FM_RESULT" ]; then
		if [ "$rc" != 0 ]; then
			_verdict FAIL "test function returned status $rc"
		elif [ ! -s "$FM_ASSERTS" ]; then
			_verdict FAIL "test made no assertions"
		else
			_verdict PASS ""
		fi
	fi
	exit 0
}

# unmount_client NAME MOUNTPOINT: `$FM -u` as the user; the fmclient then exits 0
unmount_client() {
	assert_exit 0 as_user "$FM" -u "$2"
	assert_eq "" "$ERR" "stderr of $FM -u"
	assert_not_mounted "$2"
	wait_exit "$1" 5
	assert_eq 0 "$BG_RC" "exit status of fmclient '$1' after unmount ($(bg_log "$1"))"
}
