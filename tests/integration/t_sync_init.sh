# t_sync_init.sh - --sync-init: the two-phase mount with an always-correct
# 4-byte status (DESIGN §2, §3; reference §2.4 and quirks Q4-Q8, Q13).
#
# Phase 1 (device, fuse.conf, mount_max, mountpoint, every option) refuses
# with nothing sent; then fd -> proceed -> mount -> int32 status (0 / -errno).
#
# What the library (fmclient --mode sync-init) observes at each fault point,
# as recorded on this machine (Linux 6.18, sync INIT supported). "[ioctl]" is
# the extra `sync-ioctl=ok` line with --sync-ioctl; the helper's line on
# stderr is the one message it prints; "orphan" = the helper outlived fmclient
# and its exit status was taken by the test's subreaper.
#
# | point               | fmclient stdout                                                    | fmclient | helper stderr                                        | mount left | helper exit |
# |---------------------|--------------------------------------------------------------------|----------|------------------------------------------------------|------------|-------------|
# | close-before-fd     | fault=close-before-fd helper-exit=1                                | 3        | sending file descriptor: Broken pipe (*)             | no         | 1           |
# | die-before-fd       | fault=die-before-fd                                                | 3        | sending file descriptor: Broken pipe (*)             | no         | 1 (orphan)  |
# | close-after-fd      | fd-received fault=close-after-fd helper-exit=1                     | 3        | P: connection closed while waiting for signal        | no         | 1           |
# | die-after-fd        | fd-received fault=die-after-fd                                     | 3        | P: connection closed while waiting for signal        | no         | 1 (orphan)  |
# | close-after-proceed | fd-received [ioctl] proceed-sent fault=close-after-proceed         | 3        | async: P: failed to send mount status: Broken pipe   | no (undone)| 1           |
# |                     |   helper-exit=1                                                    |          | ioctl: P: connection closed while the filesystem was |            |             |
# |                     |                                                                    |          |   starting (guard; either line is correct)           |            |             |
# | die-after-proceed   | fd-received [ioctl] proceed-sent fault=die-after-proceed           | 3        | as close-after-proceed                               | no         | 1 (orphan)  |
# | no-proceed          | fd-received [ioctl] fault=no-proceed, then `fmclient: timeout`     | 124      | P: connection closed while waiting for signal        | no mount   | 1 (orphan,  |
# |   (--timeout 3)     |   (the helper keeps waiting until fmclient's end closes the socket)|          |   (after fmclient exited)                            | ever       |  < 1 s)     |
# (*) or, when the helper was quicker than fmclient's close/_exit and the fd
#     was already queued: "P: connection closed while waiting for signal".
#
# The ioctl cannot matter before the fd arrived (before-fd, after-fd: same
# lines); after proceed it decides whether the mount is still blocked in
# FUSE_INIT (guard ends the helper) or already done (status send fails, the
# helper undoes it).
#
# INIT refused by the server (--init-error 71 = EPROTO):
#   sync (ioctl): fd-received sync-ioctl=ok proceed-sent status=-107 helper-exit=1
#     (ENOTCONN from CMD_CREATE; stderr "P: mount failed: Transport endpoint is
#     not connected (...)"), nothing mounted, utab untouched.
#   async: the kernel mounts before INIT: status=0 helper-exit=0 mounted; every
#     access then fails with ECONNREFUSED ("Connection refused"); `$FM -u`
#     works (exit 0) and fmclient ends with served-until=unmount, exit 0.

SI_PROC_TYPE_RE='0x00009fa0( \([a-z]+\))? is forbidden$'
SI_CAP_KEEP=$(((1 << 21) | (1 << 7) | (1 << 6))) # SYS_ADMIN|SETUID|SETGID = 0x2000c0

# --------------------------------------------------------------- helpers

si_prepare() { # [DIR...] (default $H/mnt); snapshot of utab
	u_mkdir "${@:-$H/mnt}"
	snapshot_file /run/mount/utab
}
# nothing of ours left: no mount at MP, no FUSE mount at all, utab as before
si_nothing_left() { # [MP]
	assert_not_mounted "${1:-$H/mnt}"
	assert_eq 0 "$(fuse_mount_count)" "number of FUSE mounts"
	assert_file_unchanged /run/mount/utab
}
si_helpers() {
	if declare -F helper_pids >/dev/null; then
		helper_pids
	else
		pgrep -u "$U" -f fusermount3
	fi
}
si_ps() { # PIDS...: for failure messages
	[ $# -gt 0 ] && ps -o pid=,stat=,wchan:32=,args= -p "$(echo "$@" | tr ' ' ,)" 2>/dev/null | tr '\n' ';'
}
si_no_helper_within() { # SEC
	_asserted
	poll_until "$1" test -z "$(si_helpers)" ||
		fail "helper still running after $1 s: $(si_ps $(si_helpers))"
}
# the one helper process (the auto_unmount watcher); sets SI_PID
si_one_helper() {
	_asserted
	poll_until 5 test -n "$(si_helpers)" || fail "no helper process of $U running"
	SI_PID=$(si_helpers)
	[ "$(wc -w <<<"$SI_PID")" = 1 ] || fail "expected one helper process, got: $(si_ps $SI_PID)"
}
si_lines() { tr '\n' ' ' <"$1" | sed 's/ $//'; } # FILE -> one line

# A root subreaper around fmclient (run as $U): when fmclient dies first the
# helper becomes our child, so its real exit status (or signal) is known.
# Writes "client exit=N ms=T" / "orphan exit=N ms=T" (or signal=N), T in ms
# since the start; ends once fmclient and every orphaned helper are gone.
SI_REAPER='
import ctypes, os, sys, time
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
t0 = time.monotonic()
log = open(sys.argv[1], "w")
child = os.fork()
if child == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
while True:
    try:
        pid, st = os.wait()
    except ChildProcessError:
        break
    how = "exit=%d" % os.WEXITSTATUS(st) if os.WIFEXITED(st) else "signal=%d" % os.WTERMSIG(st)
    log.write("%s %s ms=%d\n" % ("client" if pid == child else "orphan", how, (time.monotonic() - t0) * 1000))
    log.flush()
'
# si_reaped NAME FMCLIENT-ARGS...: fmclient under the subreaper, in the background
si_reaped() {
	local name=$1
	shift
	need_client
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (subreaper for the helper's exit status)"
	bg "$name" /usr/bin/python3 -c "$SI_REAPER" "$T/$name.exits" \
		"${AS_USER[@]}" "$FM_CLIENT" --helper "$FM" "$@"
}
# si_wait_reaper NAME SEC: bounded wait for the subreaper (so for fmclient
# and every orphaned helper); sets BG_RC
si_wait_reaper() {
	_asserted
	poll_until "$2" _not alive "$1" ||
		fail "not over after $2 s: reaped so far [$(si_lines "$T/$1.exits")]" \
			"[stdout: $(si_lines "$T/$1.out")] [stderr: $(si_lines "$T/$1.err")];" \
			"helper still running: $(si_ps $(si_helpers))"
	wait "${BG[$1]}"
	BG_RC=$?
}
si_exits_field() { # NAME WHO(client|orphan) FIELD(exit|ms|how)
	local l
	l=$(grep "^$2 " "$T/$1.exits" | tail -n 1)
	case $3 in
	how) l=${l#* }; echo "${l%% *}" ;;
	exit) [[ $l =~ exit=([0-9]+) ]] && echo "${BASH_REMATCH[1]}" ;;
	ms) echo "${l##*ms=}" ;;
	esac
}

# The basic flow: sync-init mount, read the file, utab, `$FM -u`, utab again.
si_basic_flow() { # FMCLIENT-ARGS...
	local out
	si_prepare
	start_client c --mode sync-init --content "served by si" "$@" "$H/mnt"
	out=$(cat "$T/c.out")
	echo "fmclient: $(si_lines "$T/c.out")"
	assert_user_fuse_mount "$H/mnt"
	if [[ " $* " == *" --sync-ioctl "* ]]; then
		assert_eq "fd-received sync-ioctl=ok proceed-sent status=0" "$(head -n 4 <<<"$out" | tr '\n' ' ' | sed 's/ $//')" \
			"first fmclient lines"
	else
		assert_eq "fd-received proceed-sent status=0" "$(head -n 3 <<<"$out" | tr '\n' ' ' | sed 's/ $//')" \
			"first fmclient lines"
	fi
	assert_match "$out" '^helper-exit=0$' "fmclient stdout (helper exit)"
	assert_match "$out" '^mounted$' "fmclient stdout"
	assert_utab_user "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "served by si" "$OUT" "file read through the sync-init mount"
	assert_eq "" "$(cat "$T/c.err")" "stderr of fmclient and helper"
	unmount_client c "$H/mnt"
	assert_match "$(cat "$T/c.out")" '^served-until=unmount$' "fmclient stdout"
	assert_utab_lacks "$H/mnt"
	si_nothing_left
	si_no_helper_within 2
}

# --------------------------------------------------------------- 1, 2: success

test_si_ioctl_basic() { si_basic_flow --sync-ioctl; }
test_si_async_basic() { si_basic_flow; }

# INIT answered after 1 s: the mount waits for it (status >= 1 s after the
# start), nothing deadlocks, and the whole run stays well under 10 s.
test_si_ioctl_init_delay() {
	local t0 ms
	si_prepare
	t0=$(date +%s%N)
	start_client c --mode sync-init --sync-ioctl --init-delay-ms 1000 "$H/mnt"
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "ready after $ms ms; fmclient: $(si_lines "$T/c.out")"
	assert_match "$(cat "$T/c.out")" '^status=0$' "fmclient stdout"
	_asserted
	[ "$ms" -ge 1000 ] || fail "mount ready after $ms ms: the helper did not wait for the delayed FUSE_INIT"
	[ "$ms" -lt 10000 ] || fail "mount took $ms ms (>= 10 s)"
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "hello world" "$OUT"
	unmount_client c "$H/mnt"
	si_nothing_left
}

# --------------------------------------------------------------- 3: INIT refused

test_si_ioctl_init_error() {
	si_prepare
	run_client --mode sync-init --sync-ioctl --init-error 71 "$H/mnt"
	echo "rc=$RC fmclient: $(echo $OUT); stderr: $ERR"
	assert_client_failed
	assert_match "$OUT" '^status=-[1-9][0-9]*$' "fmclient stdout (negative status)"
	assert_no_match "$OUT" '^(status=0|mounted)$' "fmclient stdout"
	assert_match "$OUT" '^helper-exit=[1-9][0-9]*$' "fmclient stdout (helper exit)"
	assert_match "$ERR" "^fusermount3: mount failed: " "stderr"
	si_nothing_left
	si_no_helper_within 2
}

# Async INIT: the kernel mounts before INIT, so the helper reports success;
# the refused INIT shows up as ECONNREFUSED on access. -u cleans up.
test_si_async_init_error() {
	si_prepare
	start_client c --mode sync-init --init-error 71 "$H/mnt"
	echo "fmclient: $(si_lines "$T/c.out")"
	assert_match "$(cat "$T/c.out")" '^status=0$' "fmclient stdout"
	assert_match "$(cat "$T/c.out")" '^helper-exit=0$' "fmclient stdout"
	assert_mounted "$H/mnt" "$FUSE_TYPE_RE"
	assert_utab_user "$H/mnt"
	assert_exit 1 as_user cat "$H/mnt/hello"
	assert_match "$ERR" 'Connection refused' "stderr of cat"
	assert_exit 1 as_user stat "$H/mnt"
	assert_match "$ERR" 'Connection refused' "stderr of stat"
	unmount_client c "$H/mnt"
	assert_match "$(cat "$T/c.out")" '^served-until=unmount$' "fmclient stdout"
	si_nothing_left
	si_no_helper_within 2
}

# --------------------------------------------------------------- 4: faults

# si_fault FAULT [--sync-ioctl]: the library vanishes at FAULT
si_fault() {
	local f=$1 io=${2:-} want how helper_ms
	si_prepare
	si_reaped r --mode sync-init ${io:+"$io"} --fault "$f" --timeout 20 "$H/mnt"
	si_wait_reaper r 20
	echo "fault $f ${io:-(async)}: stdout [$(si_lines "$T/r.out")]" \
		"stderr [$(si_lines "$T/r.err")] reaped [$(si_lines "$T/r.exits")]"
	assert_eq 0 "$BG_RC" "subreaper exit status ($(bg_log r))"
	assert_eq exit=3 "$(si_exits_field r client how)" "fmclient exit (fault fired)"
	case $f in
	*-before-fd) want="fault=$f" ;;
	*-after-fd) want="fd-received fault=$f" ;;
	*-after-proceed) want="fd-received${io:+ sync-ioctl=ok} proceed-sent fault=$f" ;;
	esac
	# close-*: fmclient reaps the helper itself; die-*: the subreaper does
	case $f in
	close-*)
		want="$want helper-exit=1"
		assert_eq "" "$(si_exits_field r orphan how)" "orphaned helper"
		helper_ms=$(si_exits_field r client ms)
		;;
	die-*)
		how=$(si_exits_field r orphan how)
		assert_eq exit=1 "$how" "helper exit status (as seen by the subreaper)"
		helper_ms=$(si_exits_field r orphan ms)
		;;
	esac
	assert_eq "$want" "$(si_lines "$T/r.out")" "fmclient stdout"
	_asserted
	[ "$helper_ms" -lt 10000 ] || fail "helper gone only after $helper_ms ms"
	case $f in
	*-before-fd) # the helper may have sent the fd before fmclient closed/died
		assert_match "$(cat "$T/r.err")" '^(sending file descriptor: (Broken pipe|Connection reset by peer)|fusermount3: connection closed while waiting for signal)$' "helper stderr" ;;
	*-after-fd) assert_match "$(cat "$T/r.err")" "$(msg_re "connection closed while waiting for signal" fusermount3)" "helper stderr" ;;
	*-after-proceed) assert_match "$(cat "$T/r.err")" '^fusermount3: (connection closed while the filesystem was starting|failed to send mount status: (Broken pipe|Connection reset by peer))$' "helper stderr" ;;
	esac
	assert_eq 1 "$(grep -c . "$T/r.err")" "lines on stderr (helper)"
	si_nothing_left
	si_no_helper_within 1
}

# no-proceed: the helper waits (300 s of its own); nothing is mounted while
# it waits, and it ends as soon as fmclient's exit closes the socket.
si_no_proceed() { # [--sync-ioctl]
	local io=${1:-} d
	si_prepare
	si_reaped r --mode sync-init ${io:+"$io"} --fault no-proceed --timeout 3 "$H/mnt"
	_asserted
	poll_until 5 grep -qx 'fault=no-proceed' "$T/r.out" || fail "fmclient never got the fd; $(bg_log r)"
	sleep 1
	alive r || fail "fmclient ended before its 3 s timeout; $(bg_log r)"
	_asserted
	[ -n "$(si_helpers)" ] || fail "the helper stopped waiting for proceed early; $(bg_log r)"
	assert_not_mounted "$H/mnt"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts while the helper waits for proceed"
	si_wait_reaper r 15
	echo "no-proceed ${io:-(async)}: stdout [$(si_lines "$T/r.out")]" \
		"stderr [$(si_lines "$T/r.err")] reaped [$(si_lines "$T/r.exits")]"
	assert_eq exit=124 "$(si_exits_field r client how)" "fmclient exit (its own timeout)"
	assert_eq exit=1 "$(si_exits_field r orphan how)" "helper exit status"
	d=$(($(si_exits_field r orphan ms) - $(si_exits_field r client ms)))
	_asserted
	[ "$d" -lt 5000 ] || fail "helper exited $d ms after fmclient closed the socket (limit 5 s)"
	assert_eq "fd-received${io:+ sync-ioctl=ok} fault=no-proceed" "$(si_lines "$T/r.out")" "fmclient stdout"
	assert_match "$(cat "$T/r.err")" '^fmclient: timeout$' "stderr"
	assert_match "$(cat "$T/r.err")" "$(msg_re "connection closed while waiting for signal" fusermount3)" "helper stderr"
	si_nothing_left
	si_no_helper_within 1
}

test_si_fault_close_before_fd_async() { si_fault close-before-fd; }
test_si_fault_close_before_fd_ioctl() { si_fault close-before-fd --sync-ioctl; }
test_si_fault_die_before_fd_async() { si_fault die-before-fd; }
test_si_fault_die_before_fd_ioctl() { si_fault die-before-fd --sync-ioctl; }
test_si_fault_close_after_fd_async() { si_fault close-after-fd; }
test_si_fault_close_after_fd_ioctl() { si_fault close-after-fd --sync-ioctl; }
test_si_fault_die_after_fd_async() { si_fault die-after-fd; }
test_si_fault_die_after_fd_ioctl() { si_fault die-after-fd --sync-ioctl; }
test_si_fault_close_after_proceed_async() { si_fault close-after-proceed; }
test_si_fault_close_after_proceed_ioctl() { si_fault close-after-proceed --sync-ioctl; }
test_si_fault_die_after_proceed_async() { si_fault die-after-proceed; }
test_si_fault_die_after_proceed_ioctl() { si_fault die-after-proceed --sync-ioctl; }
test_si_fault_no_proceed_async() { si_no_proceed; }
test_si_fault_no_proceed_ioctl() { si_no_proceed --sync-ioctl; }

# --------------------------------------------------------------- 5: refusals

# Refused in phase 1: exit 1, the reference message, no fd ever sent.
si_refused() { # MOUNTS-LEFT MESSAGE-REGEX FMCLIENT-ARGS... MOUNTPOINT
	local n=$1 re=$2 mp=${*: -1}
	shift 2
	snapshot_file /run/mount/utab
	run_client --mode sync-init "$@"
	echo "refused: rc=$RC fmclient: $(echo $OUT); stderr: $ERR"
	assert_client_failed
	assert_match "$OUT" '^helper-eof$' "fmclient stdout"
	assert_no_match "$OUT" '^(fd-received|proceed-sent|status=.*)$' "fmclient stdout (nothing sent)"
	assert_match "$OUT" '^helper-exit=1$' "fmclient stdout (helper exit)"
	assert_eq 1 "$(grep -c . <<<"$ERR")" "lines on stderr"
	assert_match "$ERR" "$re" "stderr"
	assert_not_mounted "$mp"
	assert_eq "$n" "$(fuse_mount_count)" "number of FUSE mounts"
	assert_file_unchanged /run/mount/utab
}

test_si_refused_allow_other() {
	u_mkdir "$H/mnt"
	si_refused 0 "$(msg_re "option allow_other only allowed if 'user_allow_other' is set in /etc/fuse.conf" fusermount3)" \
		-o allow_other "$H/mnt"
}
test_si_refused_blkdev() {
	u_mkdir "$H/mnt"
	si_refused 0 "$(msg_re "option blkdev is privileged" fusermount3)" -o blkdev "$H/mnt"
}
test_si_refused_unknown_option() {
	u_mkdir "$H/mnt"
	si_refused 0 "$(msg_re "unknown option 'bogus'" fusermount3)" --sync-ioctl -o rw,bogus "$H/mnt"
}
test_si_refused_mount_max() {
	set_fuse_conf "mount_max = 1"
	u_mkdir "$H/mnt1" "$H/mnt2"
	start_client a --mode sync-init "$H/mnt1"
	assert_mounted "$H/mnt1"
	si_refused 1 "$(msg_re "too many FUSE filesystems mounted; mount_max=N can be set in /etc/fuse.conf" fusermount3)" \
		"$H/mnt2"
	unmount_client a "$H/mnt1"
}
test_si_refused_sticky_dir_of_other_user() {
	mkdir "$UT/sticky" && chown "$U2:$U2" "$UT/sticky" && chmod 1777 "$UT/sticky" || fail "mkdir"
	si_refused 0 "$(msg_re "mountpoint $UT/sticky not owned by user" fusermount3)" "$UT/sticky"
}
# /proc/PID/comm: a regular file the user owns and may write
test_si_refused_proc() {
	bg victim as_user sleep 40
	poll_until 5 owned_by "/proc/${BG[victim]}/comm" "$U" || fail "/proc/${BG[victim]}/comm is not owned by $U"
	si_refused 0 "^fusermount3: mounting over filesystem type $SI_PROC_TYPE_RE" \
		--root-file "/proc/${BG[victim]}/comm"
}

# --------------------------------------------------------------- 6: auto_unmount

test_si_auto_unmount_kill9() {
	si_prepare
	start_client c --mode sync-init --sync-ioctl -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$(cat "$T/c.out")" '^status=0$' "fmclient stdout"
	si_one_helper
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/mnt" 5
	assert_utab_lacks "$H/mnt"
	si_nothing_left
	si_no_helper_within 5
}

# Q6: the proceed wait's timeout must not leak into the watcher's wait.
# The reference's 300 s SO_RCVTIMEO cannot be waited out here (and neither
# ss nor /proc shows a socket's receive timeout), so: the watcher is still
# there after an idle period and still does its job afterwards.
test_si_auto_unmount_watcher_idle() {
	si_prepare
	start_client c --mode sync-init --sync-ioctl -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	si_one_helper
	local w=$SI_PID
	sleep 3
	_asserted
	kill -0 "$w" 2>/dev/null || fail "the watcher (pid $w) gave up after 3 s idle"
	assert_eq "$w" "$(si_helpers)" "helper processes after 3 s idle"
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "hello world" "$OUT" "the mount after 3 s idle"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/mnt" 5
	assert_utab_lacks "$H/mnt"
	si_no_helper_within 5
	si_nothing_left
}

# --------------------------------------------------------------- 7: legacy backend

test_si_legacy_ioctl_basic() {
	use_legacy_helper
	si_basic_flow --sync-ioctl
}
test_si_legacy_async_basic() {
	use_legacy_helper
	si_basic_flow
}
# mount(2) with a sync-init fd blocks in FUSE_INIT too: a library that dies
# after proceed must not leave the helper stuck there.
test_si_legacy_fault_die_after_proceed_ioctl() {
	use_legacy_helper
	si_fault die-after-proceed --sync-ioctl
}
test_si_legacy_fault_close_after_proceed_ioctl() {
	use_legacy_helper
	si_fault close-after-proceed --sync-ioctl
}
test_si_legacy_fault_die_after_proceed_async() {
	use_legacy_helper
	si_fault die-after-proceed
}

# --------------------------------------------------------------- 8: watcher hygiene

test_si_watcher_fds_and_privileges() {
	local fds fd l ino peer cap st
	si_prepare
	start_client c --mode sync-init --sync-ioctl -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	si_one_helper
	local w=$SI_PID
	# the watcher closes what it does not need right after the status
	poll_until 5 test "$(ls "/proc/$w/fd" | wc -l)" = 4 ||
		fail "watcher fds: $(ls -l "/proc/$w/fd" | tail -n +2 | awk '{print $9 $10 $11}' | tr '\n' ' ')"
	fds=$(ls "/proc/$w/fd" | sort -n | tr '\n' ' ')
	echo "watcher $w fds: $fds"
	for fd in 0 1 2; do
		assert_eq /dev/null "$(readlink "/proc/$w/fd/$fd")" "watcher fd $fd"
	done
	fd=$(ls "/proc/$w/fd" | grep -vxE '[012]')
	l=$(readlink "/proc/$w/fd/$fd")
	assert_match "$l" '^socket:\[[0-9]+\]$' "watcher fd $fd"
	# ... and it is the comm socket: its peer is held by fmclient
	ino=${l//[^0-9]/}
	peer=$(ss -xaH | awk -v i="$ino" '$6 == i { print $8 }')
	assert_match "$peer" '^[0-9]+$' "peer inode of the watcher's socket (ss -xa)"
	assert_match "$(ls -l "/proc/${BG[c]}/fd")" "socket:\[$peer\]" "fmclient's fds (peer of the watcher's socket)"
	st=$(cat "/proc/$w/status")
	echo "$st" | grep -E '^(Uid|Gid|Cap|NoNewPrivs)'
	assert_match "$st" '^CapEff:[[:space:]]+0000000000000000$' "watcher CapEff"
	cap=$(awk '/^CapPrm:/ { print $2 }' <<<"$st")
	_asserted
	[ -n "$cap" ] && [ $((0x$cap & ~SI_CAP_KEEP)) = 0 ] ||
		fail "watcher CapPrm $cap exceeds CAP_SYS_ADMIN|CAP_SETUID|CAP_SETGID ($(printf '%016x' $SI_CAP_KEEP))"
	assert_match "$st" '^NoNewPrivs:[[:space:]]+1$' "watcher NoNewPrivs"
	assert_match "$st" "^Uid:[[:space:]]+$UID1[[:space:]]+$UID1[[:space:]]+$UID1[[:space:]]+$UID1\$" "watcher Uid"
	assert_match "$st" "^Gid:[[:space:]]+$GID1[[:space:]]+$GID1[[:space:]]+$GID1[[:space:]]+$GID1\$" "watcher Gid"
	assert_eq / "$(readlink "/proc/$w/cwd")" "watcher cwd"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/mnt" 5
	si_no_helper_within 5
}
