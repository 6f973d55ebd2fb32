# t_limits.sh - mount_max from fuse.conf.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18 mounts)
# fm-twin: test_mount_max_one test_mount_max_counts_other_users
# fm-twin: test_mount_max_zero test_mount_max_counts_only_fuse

MAX_MSG="too many FUSE filesystems mounted; mount_max=N can be set in /etc/fuse.conf"

test_mount_max_one() {
	set_fuse_conf "mount_max = 1"
	u_mkdir "$H/mnt1" "$H/mnt2"
	start_client a --mode classic "$H/mnt1"
	assert_mounted "$H/mnt1"
	local mode
	for mode in classic sync-init; do
		run_client --mode "$mode" "$H/mnt2"
		assert_client_failed
		assert_match "$ERR" "$(msg_re "$MAX_MSG")" "stderr ($mode)"
		assert_not_mounted "$H/mnt2"
	done
	assert_eq 1 "$(fuse_mount_count)" "number of FUSE mounts"
	unmount_client a "$H/mnt1"
	# the slot is free again
	start_client b --mode classic "$H/mnt2"
	assert_mounted "$H/mnt2"
}

# the count is global, not per user
test_mount_max_counts_other_users() {
	set_fuse_conf "mount_max = 1"
	as_user2 mkdir -p "$H2/mnt" || fail "mkdir as $U2"
	u_mkdir "$H/mnt"
	start_client c2 --as2 --mode classic "$H2/mnt"
	run_client --mode classic "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$MAX_MSG")"
	assert_not_mounted "$H/mnt"
}

test_mount_max_zero() {
	set_fuse_conf "mount_max = 0"
	u_mkdir "$H/mnt"
	run_client --mode classic "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$MAX_MSG")"
	assert_not_mounted "$H/mnt"
	assert_eq 0 "$(fuse_mount_count)" "number of FUSE mounts"
}

# Only FUSE mounts count: a crowd of other mounts does not fill mount_max,
# and a FUSE mount of another kind (root's own, direct) does.
test_mount_max_counts_only_fuse() {
	local i
	set_fuse_conf "mount_max = 2"
	mkdir "$T/crowd" || fail "mkdir crowd"
	for i in $(seq 50); do
		mkdir "$T/crowd/$i" && mount -t tmpfs -o size=4k crowd "$T/crowd/$i" ||
			fail "cannot mount tmpfs $i"
	done
	u_mkdir "$H/mnt1" "$H/mnt2" "$H/mnt3"
	start_client a --mode classic "$H/mnt1"
	mkdir "$T/rootmnt" || fail "mkdir rootmnt"
	bg direct "$FM_CLIENT" --mode direct --ready-file "$UT/direct.ready" --timeout 50 "$T/rootmnt"
	wait_for_file "$UT/direct.ready" 10 "$(bg_log direct)"
	assert_eq 2 "$(fuse_mount_count)" "number of FUSE mounts"
	run_client --mode classic "$H/mnt2"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$MAX_MSG")"
	assert_not_mounted "$H/mnt2"
	set_fuse_conf "mount_max = 3"
	start_client b --mode classic "$H/mnt3"
	assert_user_fuse_mount "$H/mnt3"
}

# The count by all mounts (1fde21b): below every limit by the number of
# mounts of any type, no FUSE mount is looked at; at a limit they are
# counted and decide.  With more than one listmount page (512) of other
# mounts, each limit is set exactly at the number of all mounts, one
# above, one below, so that both counts (prepare's and the locked one at
# attach) decide by each way at least once, in both modes.
mm_all() { wc -l </proc/self/mountinfo; }	# what listmount sees from /
test_mount_max_all_mounts_boundary() {
	local i m mode
	mkdir "$T/crowd" || fail "mkdir crowd"
	for i in $(seq 600); do
		mkdir "$T/crowd/$i" && mount -t tmpfs -o size=4k crowd "$T/crowd/$i" ||
			fail "cannot mount tmpfs $i"
	done
	u_mkdir "$H/m1" "$H/m2" "$H/m3" "$H/m4"
	m=$(mm_all)
	[ "$m" -gt 600 ] || fail "only $m mounts"
	# all mounts one below both limits: decided by the number of all mounts
	set_fuse_conf "mount_max = $((m + 1))
user_mount_max = $((m + 1))"
	start_client a --mode classic "$H/m1"
	assert_user_fuse_mount "$H/m1"
	# all mounts exactly at both limits: the FUSE mounts are counted (1)
	assert_eq $((m + 1)) "$(mm_all)" "mounts after the first FUSE mount"
	start_client b --mode sync-init "$H/m2"
	assert_user_fuse_mount "$H/m2"
	# 2 FUSE mounts, all mounts far above: mount_max = 2 refuses
	for mode in classic sync-init; do
		set_fuse_conf "mount_max = 2"
		run_client --mode "$mode" "$H/m3"
		assert_client_failed
		assert_match "$ERR" "$(msg_re "$MAX_MSG")" "stderr (mount_max = 2, $mode)"
		assert_not_mounted "$H/m3"
		# user_mount_max = 2 refuses, mount_max above all mounts
		m=$(mm_all)
		set_fuse_conf "mount_max = $((m + 1))
user_mount_max = 2"
		run_client --mode "$mode" "$H/m3"
		assert_client_failed
		assert_match "$ERR" "$(msg_re "$(umax_text 2)")" "stderr (user_mount_max = 2, $mode)"
		assert_not_mounted "$H/m3"
	done
	# 3 and all + 1: allowed (the user's count decides), then all at the limit
	set_fuse_conf "mount_max = $((m + 1))
user_mount_max = 3"
	start_client c --mode classic "$H/m3"
	assert_user_fuse_mount "$H/m3"
	assert_eq $((m + 1)) "$(mm_all)" "mounts after the third FUSE mount"
	run_client --mode classic "$H/m4"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$(umax_text 3)")" "stderr (user_mount_max = 3 reached)"
	assert_not_mounted "$H/m4"
	assert_eq 3 "$(fuse_mount_count)" "number of FUSE mounts"
}

# ---------------------------------------------------------------- races
#
# Helpers started at the same moment (a FIFO barrier releases them all at
# once) against mount_max and user_mount_max, in both modes and with both
# backends, while a sampler counts the FUSE mounts in the namespace every
# 2 ms.  The limits must hold at every sample, exactly the limit must be
# mounted at the end, every refused helper must exit 1 with its message
# alone on stderr (in --sync-init mode a refusal at finish, after the fd
# was sent, also sends its status: -ENOSPC for mount_max, -EDQUOT for
# user_mount_max), and nothing may be left behind.

LIMITS_SAMPLER=$(dirname "${BASH_SOURCE[0]}")/mount_sampler.py
umax_text() { printf 'too many FUSE filesystems mounted by this user; user_mount_max=%s is set in /etc/fuse.conf' "$1"; }

declare -A RACE_MP=() RACE_UID=()
RACE_NAMES=()

race_setup() {
	need_client
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (mount_sampler.py)"
	mkfifo -m 0666 "$UT/go" || fail "mkfifo $UT/go"
}

# race_client NAME 1|2 FMCLIENT-ARGS...: an fmclient of $U (1) or $U2 (2)
# waiting at the barrier; its mountpoint is $H/NAME or $H2/NAME
race_client() {
	local n=$1 who=as_user dir=$H uid=$UID1
	[ "$2" = 1 ] || { who=as_user2 dir=$H2 uid=$UID2; }
	shift 2
	"$who" mkdir -p "$dir/$n" || fail "mkdir $dir/$n"
	bg "$n" "$who" sh -c 'touch "$1.wait"; read -r _ <"$2"; touch "$1.go"; shift 2; exec "$@"' \
		sh "$UT/$n" "$UT/go" "$FM_CLIENT" --helper "$FM" --ready-file "$UT/$n.ready" --timeout 50 \
		"$@" "$dir/$n"
	RACE_NAMES+=("$n")
	RACE_MP[$n]=$dir/$n
	RACE_UID[$n]=$uid
}

_race_all() { # SUFFIX: every client has $UT/NAME.SUFFIX
	local n
	for n in "${RACE_NAMES[@]}"; do [ -e "$UT/$n.$1" ] || return 1; done
}
_race_settled() { # every client mounted or gone
	local n
	for n in "${RACE_NAMES[@]}"; do
		[ -e "$UT/$n.ready" ] || ! alive "$n" || return 1
	done
}
# opening the FIFO wakes every reader blocked in open(2) at once; a reader
# that was not blocked yet is released by the next round
_race_release() {
	exec 3<>"$UT/go" && exec 3>&-
	_race_all go
}

# race_run: release the barrier with the sampler running; wait (bounded)
# until every client is mounted or gone; RACE_MAX, RACE_MAX1, RACE_MAX2:
# the most FUSE mounts seen at once (all, $U's, $U2's)
race_run() {
	local out
	poll_until 20 _race_all wait || fail "clients not at the barrier within 20 s"
	bg sampler /usr/bin/python3 "$LIMITS_SAMPLER" "$T/sampler.stop" "$UID1" "$UID2"
	poll_until 10 grep -qsx sampling "$T/sampler.out" || fail "sampler did not start; $(bg_log sampler)"
	poll_until 10 _race_release || fail "clients not released from the barrier"
	poll_until 40 _race_settled || fail "clients neither mounted nor ended within 40 s"
	touch "$T/sampler.stop"
	wait_exit sampler 5
	assert_eq 0 "$BG_RC" "sampler exit ($(bg_log sampler))"
	out=$(tail -n 1 "$T/sampler.out")
	echo "sampler: $out"
	RACE_MAX=$(sed -n 's/.* max=\([0-9]*\).*/\1/p' <<<"$out")
	RACE_MAX1=$(sed -n "s/.* max_$UID1=\([0-9]*\).*/\1/p" <<<"$out")
	RACE_MAX2=$(sed -n "s/.* max_$UID2=\([0-9]*\).*/\1/p" <<<"$out")
	[ -n "$RACE_MAX" ] && [ -n "$RACE_MAX1" ] && [ -n "$RACE_MAX2" ] || fail "sampler output: $out"
}

# race_check MOUNT_MAX USER_MOUNT_MAX EXPECTED_MOUNTS: -1 = no such limit
race_check() {
	local mmax=$1 umax=$2 want=$3 n err st ok=0 early=0 late=0 mine1=0 mine2=0
	local mmsg umsg
	mmsg="fusermount3: $MAX_MSG"
	umsg="fusermount3: $(umax_text "$umax")"
	_asserted
	[ "$mmax" -lt 0 ] || [ "$RACE_MAX" -le "$mmax" ] ||
		fail "$RACE_MAX FUSE mounts seen at once (mount_max = $mmax)"
	[ "$umax" -lt 0 ] || [ "$RACE_MAX1" -le "$umax" ] ||
		fail "$RACE_MAX1 FUSE mounts of $U seen at once (user_mount_max = $umax)"
	[ "$umax" -lt 0 ] || [ "$RACE_MAX2" -le "$umax" ] ||
		fail "$RACE_MAX2 FUSE mounts of $U2 seen at once (user_mount_max = $umax)"
	for n in "${RACE_NAMES[@]}"; do
		if [ -e "$UT/$n.ready" ]; then
			ok=$((ok + 1))
			if [ "${RACE_UID[$n]}" = "$UID1" ]; then mine1=$((mine1 + 1)); else mine2=$((mine2 + 1)); fi
			assert_user_fuse_mount "${RACE_MP[$n]}" "$FUSE_TYPE_RE" "${RACE_UID[$n]}"
			continue
		fi
		wait_exit "$n" 5
		assert_eq 1 "$BG_RC" "exit status of refused client $n ($(bg_log "$n"))"
		err=$(cat "$T/$n.err")
		case $err in
		"$mmsg") st=-28 ;;
		"$umsg") st=-122 ;;
		*) fail "stderr of refused client $n: '$err' (want '$mmsg' or '$umsg')" ;;
		esac
		assert_not_mounted "${RACE_MP[$n]}"
		# refused in prepare (nothing sent), or in sync-init mode at
		# finish, with its status; classic runs cannot tell
		if grep -qx fd-received "$T/$n.out"; then
			late=$((late + 1))
			grep -qx "status=$st" "$T/$n.out" || fail "$n got its fd but no status $st: $(bg_log "$n")"
		else
			early=$((early + 1))
		fi
	done
	echo "mounted $ok ($U $mine1, $U2 $mine2) of ${#RACE_NAMES[@]}; refused without an fd: $early, at finish: $late"
	assert_eq "$want" "$ok" "clients mounted"
	assert_eq "$ok" "$(fuse_mount_count)" "FUSE mounts in the namespace"
	[ "$umax" -lt 0 ] || [ "$mine1" -le "$umax" ] || fail "$mine1 mounts of $U (user_mount_max = $umax)"
	[ "$umax" -lt 0 ] || [ "$mine2" -le "$umax" ] || fail "$mine2 mounts of $U2 (user_mount_max = $umax)"
	assert_eq "$ok" "$(grep -c 'OPTS=user=' /run/mount/utab)" "utab records"
	assert_eq "0:0 600" "$(stat -c '%u:%g %a' /run/fusermount3.lock)" "owner and mode of /run/fusermount3.lock"
	# no process (daemons, watchers) holds the lock file
	assert_eq "" "$(lock_fds)" "fds on the lock file"
	poll_until 5 no_helpers || fail "helpers still running: $(helper_pids | tr '\n' ' ')"
}

# race_end: unmount every mounted client; nothing left
race_end() {
	local n
	for n in "${RACE_NAMES[@]}"; do
		[ -e "$UT/$n.ready" ] || continue
		if [ "${RACE_UID[$n]}" = "$UID1" ]; then
			assert_exit 0 as_user "$FM" -u "${RACE_MP[$n]}"
		else
			assert_exit 0 as_user2 "$FM" -u "${RACE_MP[$n]}"
		fi
		wait_exit "$n" 5
		assert_eq 0 "$BG_RC" "exit status of $n after its unmount ($(bg_log "$n"))"
	done
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts after the unmounts"
	assert_eq "" "$(grep 'OPTS=user=' /run/mount/utab)" "utab records after the unmounts"
	poll_until 5 no_helpers || fail "helpers still running: $(helper_pids | tr '\n' ' ')"
}

# the three ways a mount can go: classic, sync-init with the kernel's sync
# INIT (the mount waits for the daemon), sync-init without it
race_mode() {
	case $(($1 % 3)) in
	0) RACE_ARGS=(--mode classic) ;;
	1) RACE_ARGS=(--mode sync-init --sync-ioctl --init-delay-ms 100) ;;
	2) RACE_ARGS=(--mode sync-init) ;;
	esac
}

# race_many MODE COUNT WHO...: COUNT clients per WHO (1, 2), MODE classic,
# sync-init (with and without the kernel's sync INIT) or mixed
race_many() {
	local mode=$1 count=$2 who i
	shift 2
	for who; do
		for i in $(seq 1 "$count"); do
			case $mode in
			classic) RACE_ARGS=(--mode classic) ;;
			sync-init) race_mode $((i % 2 + 1)) ;;
			mixed) race_mode "$i" ;;
			esac
			race_client "r${who}_$i" "$who" "${RACE_ARGS[@]}"
		done
	done
}

# fm-timeout: test_limits_race_mount_max_classic 120
test_limits_race_mount_max_classic() {
	set_fuse_conf "mount_max = 6"
	race_setup
	race_many classic 14 1
	race_run
	race_check 6 -1 6
	race_end
}

# fm-timeout: test_limits_race_mount_max_sync_init 120
test_limits_race_mount_max_sync_init() {
	set_fuse_conf "mount_max = 6"
	race_setup
	race_many sync-init 14 1
	race_run
	race_check 6 -1 6
	race_end
}

# two users, both modes, one global limit
# fm-timeout: test_limits_race_mount_max_two_users 120
test_limits_race_mount_max_two_users() {
	set_fuse_conf "mount_max = 6"
	race_setup
	race_many mixed 8 1 2
	race_run
	race_check 6 -1 6
	race_end
}

# fm-timeout: test_limits_race_user_mount_max 120
test_limits_race_user_mount_max() {
	set_fuse_conf "user_mount_max = 4"
	race_setup
	race_many mixed 12 1
	race_many mixed 6 2
	race_run
	race_check -1 4 8
	race_end
}

# both limits: 4 + 4 would be 8, the global 6 decides the total
# fm-timeout: test_limits_race_both_limits 120
test_limits_race_both_limits() {
	set_fuse_conf "mount_max = 6
user_mount_max = 4"
	race_setup
	race_many mixed 8 1 2
	race_run
	race_check 6 4 6
	race_end
}

# mount(2) instead of the new API: classic (the fd never left the helper,
# so mount(2) cannot wait for the daemon) and sync-init with the kernel's
# sync INIT (mount(2) waits for the daemon's answer)
# fm-timeout: test_limits_race_legacy_classic 120
test_limits_race_legacy_classic() {
	use_legacy_helper
	set_fuse_conf "mount_max = 6"
	race_setup
	race_many classic 7 1 2
	race_run
	race_check 6 -1 6
	race_end
}

# fm-timeout: test_limits_race_legacy_sync_init 120
test_limits_race_legacy_sync_init() {
	use_legacy_helper
	set_fuse_conf "mount_max = 6
user_mount_max = 4"
	race_setup
	race_many sync-init 7 1 2
	race_run
	race_check 6 4 6
	race_end
}

# ---------------------------------------------------------------- the lock

LOCK_BUSY_MSG="cannot enforce mount_max: timed out after 5 seconds waiting for /run/fusermount3.lock"

# hold_user_byte NAME UID: root holds that user's byte of the lock file
# (2^32 + UID, an OFD lock as the helpers take it) until $T/NAME.stop exists
hold_user_byte() {
	bg "$1" /usr/bin/python3 -c '
import fcntl, os, struct, sys, time
fd = os.open("/run/fusermount3.lock", os.O_RDWR)
fcntl.fcntl(fd, 37, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, (1 << 32) + int(sys.argv[2]), 1, 0))
print("held", flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
' "$T/$1.stop" "$2"
	poll_until 10 grep -qsx held "$T/$1.out" || fail "could not hold the lock; $(bg_log "$1")"
}

# The lock file is root's alone.  A helper that cannot get its user's byte
# within its bound refuses with one line (fail closed), in both modes
# (sync-init: status -ETIMEDOUT after the fd was sent), nothing mounted;
# another user is not concerned.  Neither the daemon nor the auto-unmount
# watcher gets the descriptor.
test_limits_lock_busy_refuses() {
	local m
	need_client
	[ -x /usr/bin/python3 ] || skip_missing /usr/bin/python3
	set_fuse_conf "mount_max = 10"
	u_mkdir "$H/m" "$H/w"
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	start_client a --mode sync-init "$H/m"
	unmount_client a "$H/m"
	assert_eq "0:0 600" "$(stat -c '%u:%g %a' /run/fusermount3.lock)" "owner and mode of /run/fusermount3.lock"
	assert_exit 2 as_user sh -c 'exec 3</run/fusermount3.lock'
	assert_match "$ERR" 'Permission denied' "opening the lock file as $U"
	assert_exit 2 as_user2 sh -c 'exec 3</run/fusermount3.lock'
	assert_match "$ERR" 'Permission denied' "opening the lock file as $U2"
	hold_user_byte holder "$UID1"
	assert_match "$(lock_fds)" '/fd/[0-9]+$' "the holder's descriptor, as lock_fds sees it"
	for m in classic sync-init; do
		run_client --mode "$m" "$H/m"
		echo "$m: rc=$RC ${OUT//$'\n'/ } / $ERR"
		assert_client_failed
		assert_eq "fusermount3: $LOCK_BUSY_MSG" "$ERR" "stderr ($m)"
		[ "$m" = classic ] || assert_match "$OUT" '^status=-110$' "status (sync-init)"
		assert_not_mounted "$H/m"
		# another user's helpers do not wait for that byte
		start_client "o$m" --as2 --mode "$m" "$H2/m"
		assert_user_fuse_mount "$H2/m" "$FUSE_TYPE_RE" "$UID2"
		assert_exit 0 as_user2 "$FM" -u "$H2/m"
		wait_exit "o$m" 5
	done
	touch "$T/holder.stop"
	wait_exit holder 5
	start_client b --mode classic -o auto_unmount "$H/m"
	start_client w --mode sync-init -o auto_unmount "$H/w"
	poll_until 5 some_helpers || fail "no auto-unmount watcher"
	assert_eq "" "$(lock_fds)" "fds on the lock file (daemons, watchers)"
	unmount_client b "$H/m"
	unmount_client w "$H/w"
	poll_until 5 no_helpers || fail "watchers left: $(helper_pids)"
	assert_eq "" "$(grep 'OPTS=user=' /run/mount/utab)" "utab records"
}

# A caller can stop its own helpers (they run with the caller's ids) at any
# moment, whatever they hold then: 300 helpers run directly by the user and
# stopped (SIGSTOP) 0 to 3 ms after they start, left stopped.  Another
# user's mounts must still go through at once, in both modes: no lock is
# shared by all users.  (With a global lock, some stopped helper held it and
# the other user's mount was refused after the bounded wait.)
# fm-timeout: test_limits_stopped_helpers_stop_no_one_else 120
test_limits_stopped_helpers_stop_no_one_else() {
	local m states
	need_client
	[ -x /usr/bin/python3 ] || skip_missing /usr/bin/python3
	set_fuse_conf "user_mount_max = 500"
	u_mkdir "$H/s"
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	bg stopper as_user /usr/bin/python3 -c '
import os, random, signal, socket, sys, time
fm, top, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
keep = []
for i in range(n):
    mp = "%s/%d" % (top, i)
    os.mkdir(mp)
    a, b = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        a.close()
        os.set_inheritable(b.fileno(), True)
        os.execve(fm, ["fusermount3", "-o", "", "--", mp],
                  {"_FUSE_COMMFD": str(b.fileno())})
    b.close()
    keep.append(a)
    time.sleep(random.uniform(0, 0.003))
    os.kill(pid, signal.SIGSTOP)
    print(pid, flush=True)
print("done", flush=True)
time.sleep(100)
' "$FM" "$H/s" 300
	poll_until 60 grep -qsx done "$T/stopper.out" || fail "stopper did not finish; $(bg_log stopper)"
	states=$(for p in $(grep -x '[0-9]*' "$T/stopper.out"); do awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null; done |
		sort | uniq -c | tr -s ' \n' ' ')
	echo "the user's 300 helpers: $states(T = stopped, Z = ended)"
	assert_match "$states" '[0-9]+ T' "some helpers stopped"
	for m in classic sync-init; do
		start_client "o$m" --as2 --mode "$m" "$H2/m"
		assert_user_fuse_mount "$H2/m" "$FUSE_TYPE_RE" "$UID2"
		assert_exit 0 as_user2 "$FM" -u "$H2/m"
		wait_exit "o$m" 5
	done
}

# fds on /run/fusermount3.lock of the processes in this mount namespace
# (other namespaces have files of that name too)
lock_fds() {
	local ns p
	ns=$(_ns_id)
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/mnt" 2>/dev/null)" = "$ns" ] || continue
		find "$p/fd" -lname /run/fusermount3.lock 2>/dev/null
	done
}

# A caller's own FUSE server can stall the attach of the caller's next
# mount: it leaves a LOOKUP under the mountpoint unanswered while mkdir(1)
# holds the mountpoint directory's lock, and move_mount waits for that
# lock.  The stalled helper then holds its attach slot (a mount of its
# user in flight) but nothing other helpers wait for: another user mounts
# meanwhile; a mount that would reach mount_max only with the one in flight
# is refused with the limit's message once the bounded wait is over.
# fm-timeout: test_limits_stalled_attach_holds_no_lock 90
test_limits_stalled_attach_holds_no_lock() {
	local pid p
	need_client
	set_fuse_conf "mount_max = 3"
	u_mkdir "$H/f"
	as_user2 mkdir -p "$H2/a" "$H2/b" || fail "mkdir as $U2"
	start_client f --mode classic --stall-lookup stuck "$H/f"
	bg mkdir as_user mkdir "$H/f/stuck"
	poll_until 10 grep -q 'LOOKUP stuck stalled' "$T/f.err" || fail "no stalled LOOKUP; $(bg_log f)"
	# the caller's next mount, onto the root of its stalled filesystem
	_client_argv --mode classic
	bg s "${CLIENT[@]}" --ready-file "$UT/s.ready" --timeout 80 "$H/f"
	_stalled() {
		for p in $(helper_pids); do
			grep -q lock_mount "/proc/$p/wchan" 2>/dev/null && pid=$p && return 0
		done
		return 1
	}
	poll_until 10 _stalled || fail "helper not waiting in move_mount; $(bg_log s)"
	echo "helper $pid waits in $(cat "/proc/$pid/wchan"), state $(awk '{print $3}' "/proc/$pid/stat")"
	start_client a --as2 --mode sync-init "$H2/a"
	assert_user_fuse_mount "$H2/a" "$FUSE_TYPE_RE" "$UID2"
	# 2 mounts + 1 in flight = mount_max
	run_client --as2 --mode classic "$H2/b"
	assert_client_failed
	assert_eq "fusermount3: $MAX_MSG" "$ERR" "stderr of the mount over the limit"
	assert_not_mounted "$H2/b"
	# the stall ends with the connection: the helper goes on, bounded
	abort_fuse "$H/f" || fail "cannot abort the stalled filesystem"
	poll_until 20 eval 'test -e "$UT/s.ready" || ! alive s' || fail "stalled helper did not finish; $(bg_log s)"
	wait_exit mkdir 5
	echo "after the abort: $(bg_log s)"
	if [ -e "$UT/s.ready" ]; then
		assert_user_fuse_mount "$H/f"
		assert_eq 3 "$(fuse_mount_count)" "FUSE mounts"
	else
		assert_eq 2 "$(fuse_mount_count)" "FUSE mounts"
	fi
	poll_until 5 no_helpers || fail "helpers still running: $(helper_pids | tr '\n' ' ')"
}
