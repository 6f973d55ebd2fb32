# t_identity.sh - -u, -u -z and the auto_unmount watcher remove the very
# mount they checked, never the one underneath it (issue 11 F1), the
# watcher finds its mount after the parent directory was renamed (F3),
# every unmount holds the unmount lock in a child out of the caller's reach,
# and -u of an unprivileged helper passes UMOUNT_NOFOLLOW (issue 12).
#
# The stack of the issue: root's tmpfs on a directory the user owns, its
# root (0700) the user's, as /run/user/UID is; the user's FUSE mount on top.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18
# mounts)
# fm-twin: test_id_stalled_probe_classic test_id_watcher_parent_renamed_classic

# root's tmpfs "fmtest-rt" on DIR, its root owned by the test user
id_root_tmpfs() { # DIR
	mkdir -p "$1" && chown "$U:$U" "$1" || fail "mkdir $1"
	mount -t tmpfs -o "size=1m,mode=0700,uid=$UID1,gid=$GID1" fmtest-rt "$1" ||
		fail "cannot mount a tmpfs on $1"
	assert_mounted "$1" tmpfs
}
# "type source" of every mount on exactly DIR, bottom first
id_stack() {
	awk -v p="$(mi_escape "$1")" '$5 == p { split($0, a, " - "); split(a[2], b, " "); print b[1], b[2] }' \
		/proc/self/mountinfo | tr '\n' ';'
}
# root's tmpfs is still mounted on DIR, and (with "top") is the topmost mount
assert_root_tmpfs() { # DIR [top]
	local s
	s=$(id_stack "$1")
	_asserted
	case ";$s" in *";tmpfs fmtest-rt;"*) ;; *) fail "root's tmpfs on $1 was removed; mounts there now: '$s'" ;; esac
	[ "${2:-}" != top ] || assert_eq "tmpfs fmtest-rt;" "$s" "mounts on $1 (root's tmpfs alone)"
}

# ------------------------------------------------ F1: the stalled probe

# The issue's deterministic sequence: the watcher checks the mount, then
# probes it with an open that the user's server never answers; meanwhile
# the user detaches its own mount with -u -z; then the server dies, the
# probe fails (ECONNABORTED: "dead"), and a watcher that unmounts by name
# would now detach root's tmpfs.
id_stalled_probe() { # FMCLIENT-MODE
	id_root_tmpfs "$H/rt"
	start_client c --mode "$1" -o auto_unmount --fault close-while-watching --stall-open "$H/rt"
	assert_user_fuse_mount "$H/rt"
	_asserted
	poll_until 10 grep -q '^stalled=' "$T/c.out" || fail "no liveness probe arrived; $(bg_log c)"
	some_helpers || fail "no watcher running"
	assert_exit 0 as_user "$FM" -u -z "$H/rt"
	assert_eq "" "$ERR" "stderr of -u -z"
	assert_root_tmpfs "$H/rt" top
	kill -KILL "${BG[c]}"
	_asserted
	poll_until 10 no_helpers || fail "the watcher did not end: $(helper_pids)"
	assert_root_tmpfs "$H/rt" top
}
test_id_stalled_probe_classic() { id_stalled_probe classic; }
test_id_stalled_probe_sync_init() { id_stalled_probe sync-init; }

# ------------------------------------------------ F1: the race

# Waits (3 s at most) for a helper process of this namespace held in
# umount2 (CAP_SYS_ADMIN is effective only around it), prints its pid;
# fails the test if none gets there.
held_in_umount2() {
	local p
	for _ in $(seq 60); do
		for p in $(helper_pids); do
			grep -qE '^CapEff:\s+0000000000200000$' "/proc/$p/status" 2>/dev/null &&
				{ echo "$p"; return 0; }
		done
		sleep 0.05
	done
	fail "the helper never reached umount2; $(bg_log u)"
}

# A -u that has checked the user's mount and is about to unmount it, while
# the user detaches that mount with -u -z: a -u that unmounts by name then
# removes root's tmpfs underneath.  Made deterministic by strace, which
# holds the helper 1.2 s in umount2 (for the fixed helper: in its locked
# child, within the 2 s it may hold the lock; the -u -z waits for it).
id_race_traced() { # -u ARGS of the held helper
	need_strace
	id_root_tmpfs "$H/rt"
	start_client c --mode classic "$H/rt"
	bg u strace -f -qq -o /dev/null -e trace=umount2 -e inject=umount2:delay_enter=1200000 \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" "$@" "$H/rt"
	_asserted
	held_in_umount2 >/dev/null
	timeout -k 2 20 "${AS_USER[@]}" "$FM" -u -z "$H/rt" >"$T/z.out" 2>&1
	echo "the user's -u -z meanwhile: exit $?: $(cat "$T/z.out")"
	wait_exit u 10
	echo "the held $*: exit $BG_RC: $(cat "$T/u.err")"
	assert_root_tmpfs "$H/rt" top
	wait_exit c 5
}
test_id_race_traced_unmount() { id_race_traced -u; }
test_id_race_traced_lazy() { id_race_traced -u -z; }

# The same without a tracer, as a hostile user can do it: A stops its own
# -u (SIGSTOP) after a busy loop of N steps, detaches its mount with -u -z
# and lets the -u go on (SIGCONT).  N walks towards the moment the -u
# checks the mount: longer after a round where the -u was stopped before
# its check (it is then refused), shorter after one where it unmounted.
# The window between the check and umount2 lies just after that moment.
# 400 rounds or 70 s.
ID_RACE_ROUND='
n=$(cat "$3/n" 2>/dev/null || echo 1500)
"$1" -u "$2" 2>"$3/err" &
p=$!
j=$((n + RANDOM % 200 - 100))
for ((k = 0; k < j; k++)); do :; done
kill -STOP $p 2>/dev/null
"$1" -u -z "$2" 2>/dev/null
kill -CONT $p 2>/dev/null
wait $p
rc=$?
if [ $rc = 0 ]; then n=$((n > 40 ? n - 40 : 0)); else n=$((n + 40)); fi
echo $n >"$3/n"
echo "exit=$rc|$(cat "$3/err")"
'
ID_RACE_MSGS='^exit=(0\||1\|[^ :]+: (entry for .* not found in /etc/mtab|failed to unmount .*: (Device or resource busy|Invalid argument)))$'
# fm-timeout: test_id_race_sigstop 120
test_id_race_sigstop() {
	local i end=$((SECONDS + 70))
	need_client
	id_root_tmpfs "$H/rt"
	mkdir -m 0777 "$T/race" || fail mkdir
	for ((i = 0; i < 400 && SECONDS < end; i++)); do
		start_client "r$i" --mode classic "$H/rt"
		as_user bash -c "$ID_RACE_ROUND" sh "$FM" "$H/rt" "$T/race" >>"$T/race.all" 2>&1
		[[ $(id_stack "$H/rt") == "tmpfs fmtest-rt;" ]] || echo "round $i: $(tail -n 1 "$T/race.all")"
		assert_root_tmpfs "$H/rt" top
		wait_exit "r$i" 5
		rm -f "$T/r$i.out" "$T/r$i.err" "$UT/r$i.ready"
	done
	echo "rounds: $i, last N $(cat "$T/race/n"); the stopped -u: $(grep -c '^exit=0|$' "$T/race.all") unmounted, $(grep -c '^exit=1|' "$T/race.all") refused"
	assert_eq "" "$(grep -vE "$ID_RACE_MSGS" "$T/race.all" | head -n 5)" "unexpected -u results or messages"
	_asserted
	[ "$i" -ge 100 ] || fail "only $i rounds in 70 s"
}

# The same where the helper holds the unmount lock itself (no utab: no
# record to remove; issue 13).
# fm-timeout: test_id_race_sigstop_here 120
test_id_race_sigstop_here() {
	rm -f /run/mount/utab
	test_id_race_sigstop
}

# ------------------------------------------------ F3: the parent renamed

# The watcher pinned the mountpoint's parent before it started waiting: a
# renamed parent does not hide the dead mount, and a new directory under
# the old name, with another mount of the user's, is not touched.
id_parent_renamed() { # FMCLIENT-MODE
	u_mkdir "$H/p/mnt"
	start_client c --mode "$1" -o auto_unmount "$H/p/mnt"
	assert_user_fuse_mount "$H/p/mnt"
	as_user mv "$H/p" "$H/q" || fail "mv $H/p $H/q"
	u_mkdir "$H/p/mnt"
	start_client d --mode classic "$H/p/mnt"
	assert_user_fuse_mount "$H/q/mnt"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/q/mnt" 5
	_asserted
	poll_until 5 no_helpers || fail "the watcher did not end: $(helper_pids)"
	assert_user_fuse_mount "$H/p/mnt"
	assert_exit 0 as_user cat "$H/p/mnt/hello"
	unmount_client d "$H/p/mnt"
}
test_id_watcher_parent_renamed_classic() { id_parent_renamed classic; }
test_id_watcher_parent_renamed_sync_init() { id_parent_renamed sync-init; }

# ------------------------------------------------ F1 in a user namespace

# Inside a user namespace the user is root and may unmount its own mounts
# itself; the setuid bit is not honoured there, so the helper has exactly
# the user's power.  The stalled-probe sequence of above, with the user's
# own tmpfs (made inside the namespace, so not locked) under its FUSE
# mount: the watcher must still detach only the mount it checked.
ID_USERNS='
set -u
FM=$1 CL=$2 D=$3 O=$4
mount -t tmpfs -o size=1m own-rt "$D" || { echo "step=tmpfs"; exit 0; }
"$CL" --helper "$FM" --mode classic -o auto_unmount --fault close-while-watching --stall-open \
	--timeout 40 "$D" >"$O/uc.out" 2>"$O/uc.err" &
c=$!
for i in $(seq 100); do grep -q "^stalled=" "$O/uc.out" && break; sleep 0.1; done
grep -q "^stalled=" "$O/uc.out" || { echo "step=probe"; kill -KILL $c; exit 0; }
"$FM" -u -z "$D" 2>"$O/uz.err"; echo "uz=$?"
kill -KILL $c
for i in $(seq 100); do
	pgrep --ns $$ --nslist mnt -f "^([^ ]*/)?fusermount3( |\$)" >/dev/null || break
	sleep 0.1
done
echo "watchers=$(pgrep --ns $$ --nslist mnt -f "^([^ ]*/)?fusermount3( |\$)" | wc -l)"
echo "stack=$(awk -v p="$D" "\$5 == p { split(\$0, a, \" - \"); split(a[2], b, \" \"); print b[1], b[2] }" /proc/self/mountinfo | tr "\n" ";")"
'
test_id_userns_stalled_probe() {
	local r
	need_client
	as_user unshare -Ur true 2>/dev/null || skip "unprivileged user namespaces are not available to $U"
	u_mkdir "$H/urt"
	r=$(as_user timeout -k 2 30 unshare -Urm --propagation private bash -c "$ID_USERNS" sh \
		"$FM" "$FM_CLIENT" "$H/urt" "$UT" 2>&1)
	echo "$r"
	echo "client: $(cat "$UT/uc.out" "$UT/uc.err" 2>/dev/null | tr '\n' ' ')"
	assert_no_match "$r" '^step=' "the sequence in the user namespace"
	assert_match "$r" '^uz=0$' "-u -z of the user's own mount inside the namespace"
	assert_match "$r" '^watchers=0$' "the watcher ended"
	assert_match "$r" '^stack=tmpfs own-rt;$' "mounts on $H/urt inside the namespace (the user's tmpfs alone)"
	assert_eq "" "$(id_stack "$H/urt")" "mounts on $H/urt outside the namespace"
}

# ------------------------------------------------ the unmount lock

# "pid:state" of each helper process that has /run/fusermount3.lock open:
# the one that waits for or holds an unmount byte (the helper itself, or
# its locked child; the helper's own look at the file is only an instant)
id_lock_holders() {
	local p
	for p in $(helper_pids); do
		[ "$(readlink "/proc/$p/fd/"* 2>/dev/null | grep -cx /run/fusermount3.lock)" -gt 0 ] &&
			printf '%s:%s ' "$p" "$(sed -n 's/^State:\s*\(.\).*/\1/p' "/proc/$p/status")"
	done
}
# is PID a helper's child (the locked child), or a helper itself?
id_is_child() { [ "$(ps -o comm= -p "$(ps -o ppid= -p "$1" | tr -d ' ')")" = fusermount3 ]; }

# The lock is held by a process whose real and saved uids are 0: the user
# cannot stop it (which would park every other user's unmount); another
# user's -u waits for it and goes on.  (strace holds the holder 1.2 s in
# umount2, within the 2 s it may hold the lock.)  With no user's record in
# utab the helper holds the lock itself (WHERE=here: utab removed before
# the mounts, which then make no record), else its child does
# (WHERE=child: the mounts' records, and one more user's planted).  The
# holder is found as the helper process with CAP_SYS_ADMIN effective (only
# around umount2) and the lock file open, whatever its uids.
id_lock_holder() { # WHERE
	local p holder="" t0 ms
	need_strace
	need_client
	u_mkdir "$H/mnt"
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	# here: no utab, so no record to remove (the mounts make none)
	[ "$1" = child ] || rm -f /run/mount/utab
	start_client a --mode classic "$H/mnt"
	start_client v --as2 --mode classic "$H2/m"
	[ "$1" = here ] || utab_settle
	[ "$1" = here ] || printf 'SRC=planted TARGET=/nowhere/planted ROOT=/ OPTS=user=%s\n' "$U2" >>/run/mount/utab
	bg u strace -f -qq -o /dev/null -e trace=umount2 -e inject=umount2:delay_enter=1200000 \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u "$H/mnt"
	_asserted
	for _ in $(seq 40); do
		for p in $(helper_pids); do
			grep -qE '^CapEff:\s+0000000000200000$' "/proc/$p/status" 2>/dev/null &&
				[[ " $(id_lock_holders)" == *" $p:"* ]] && holder=$p
		done
		[ -n "$holder" ] && break
		sleep 0.05
	done
	[ -n "$holder" ] || fail "no helper process in umount2 with the lock file open: $(for p in $(helper_pids); do grep ^Uid "/proc/$p/status"; done)"
	if id_is_child "$holder"; then p=child; else p=here; fi
	echo "PHASE unmount lock held by the $p (pid $holder):"
	grep -E '^(Uid|Gid|Cap|NoNewPrivs)' "/proc/$holder/status" | sed 's/^/  /'
	assert_eq "$1" "$p" "who holds the lock (the helper itself: here)"
	assert_exit 1 as_user kill -STOP "$holder"
	assert_match "$ERR" 'Operation not permitted' "kill -STOP of the lock holder by $U"
	assert_match "$(grep ^Uid "/proc/$holder/status")" "^Uid:\s+0\s+$UID1\s+0\s+$UID1$" "uids of the lock holder"
	assert_match "$(grep ^CapEff "/proc/$holder/status")" '^CapEff:\s+0000000000200000$' "CapEff of the holder in umount2"
	t0=$(date +%s%N)
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "V's -u took $ms ms while A's $p held the unmount lock"
	assert_not_mounted "$H2/m"
	wait_exit u 10
	assert_eq 0 "$BG_RC" "A's -u under strace ($(bg_log u))"
	assert_not_mounted "$H/mnt"
	wait_exit a 5
	wait_exit v 5
}
# fm-timeout: test_id_lock_holder_out_of_reach 60
test_id_lock_holder_out_of_reach() { id_lock_holder here; }
# fm-timeout: test_id_lock_holder_out_of_reach_child 60
test_id_lock_holder_out_of_reach_child() { id_lock_holder child; }

# The wait for the lock is bounded: with the user's unmount byte held
# (here by root), -u fails after 5 s with a clear message and nothing is
# unmounted.
ID_HOLD='
import fcntl, os, sys, time
fd = os.open("/run/fusermount3.lock", os.O_RDWR | os.O_CREAT, 0o600)
# FM_LOCK_UNMOUNT_UID_OFF (2^33) + the owner of the mounts
fcntl.lockf(fd, fcntl.LOCK_EX, 1, (1 << 33) + int(sys.argv[2]))
open(sys.argv[1], "w").close()
time.sleep(30)
'
test_id_lock_wait_bounded() {
	local t0 ms
	need_client
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (holds the lock byte)"
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	bg hold /usr/bin/python3 -c "$ID_HOLD" "$T/held" "$UID1"
	wait_for_file "$T/held" 5 "$(bg_log hold)"
	t0=$(date +%s%N)
	assert_exit 1 as_user "$FM" -u "$H/mnt"
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "-u gave up after $ms ms"
	assert_err_line "failed to unmount $H/mnt: timed out waiting for /run/fusermount3.lock"
	assert_user_fuse_mount "$H/mnt"
	assert_exit 1 as_user "$FM" -u -z "$H/mnt"
	assert_err_line "failed to unmount $H/mnt: timed out waiting for /run/fusermount3.lock"
	assert_exit 1 as_user "$FM" -q -u "$H/mnt"
	assert_eq "" "$ERR" "stderr of -q -u"
	assert_user_fuse_mount "$H/mnt"
	kill "${BG[hold]}"
	unmount_client c "$H/mnt"
}

# The holder frozen right after it took the byte (attack-unlock).  A user
# whose session has a cgroup v2 subtree delegated to it (systemd's
# user@UID.service, Delegate=yes; here a cgroup chowned to A) may move any
# process of that subtree into a child cgroup and freeze it, the holder
# of real uid 0 too (cgroup v2 checks only the cgroup files' permissions),
# at any moment, and thaw it: its uids keep A's signals out, not the
# freezer.  (A alone can step a frozen task: each thaw and freeze again
# lets it run to a later return to user space; with /proc/locks, world-
# readable, A sees when its byte is taken.  Done so by hand, A's own
# steps reached a frozen child holding the byte with no alarm.)  Only
# the holder's own SIGALRM (default action) ends a frozen task, so every
# moment it holds the byte must be under one.  To land the freeze in that
# moment every time, root's strace stops the holder (an injected SIGSTOP)
# right after its first fcntl on the lock file, the take of A's byte,
# then detaches; A moves it to its own cgroup and freezes that; root lets
# the stop go (the task stays frozen).  The holder must end by itself,
# and root's -u of A's other mount then goes on.
id_cgroup_remove() { # DIR
	local d p i
	for d in "$1"/*/ "$1"/; do
		[ -e "$d/cgroup.freeze" ] && echo 0 >"$d/cgroup.freeze"
		while read -r p; do kill -KILL "$p"; done <"$d/cgroup.procs"
	done
	for i in $(seq 50); do
		rmdir "$1"/*/ "$1" 2>/dev/null
		[ -e "$1" ] || return 0
		sleep 0.1
	done
}
id_lock_frozen() { # WHERE
	local root cg holder="" p byte
	need_strace
	need_client
	root=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
	[ -n "$root" ] || skip "no cgroup2 hierarchy mounted"
	cg=$root/fmtest-frozen.$$
	mkdir "$cg" || fail "mkdir $cg"
	at_cleanup id_cgroup_remove "$cg"
	[ -e "$cg/cgroup.freeze" ] || skip "no cgroup.freeze in $cg (Linux < 5.2)"
	chown -R "$U:$U" "$cg" || fail "chown $cg"
	u_mkdir "$H/m1" "$H/m2"
	[ "$1" = child ] || rm -f /run/mount/utab
	start_client a --mode classic "$H/m1"
	start_client b --mode classic "$H/m2"
	# child: a user's record in utab (also where the mounts make none)
	[ "$1" = here ] || printf 'SRC=planted TARGET=/nowhere/planted ROOT=/ OPTS=user=%s\n' "$U2" >>/run/mount/utab
	# A's -u, started in A's cgroup
	bg u sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
		strace -f -qq -o /dev/null -P /run/fusermount3.lock -e trace=fcntl \
		-e inject=fcntl:signal=SIGSTOP:when=1 \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u "$H/m1"
	_asserted
	for _ in $(seq 100); do
		for p in $(id_lock_holders); do
			case ${p#*:} in [Tt]) holder=${p%%:*} ;; esac
		done
		[ -n "$holder" ] && break
		sleep 0.05
	done
	[ -n "$holder" ] || fail "no stopped helper with the lock file open: $(id_lock_holders); $(bg_log u)"
	if id_is_child "$holder"; then p=child; else p=here; fi
	assert_eq "$1" "$p" "who holds the lock (the helper itself: here)"
	byte=$(((1 << 33) + UID1))
	assert_match "$(cat /proc/locks)" "OFDLCK +ADVISORY +WRITE .* $(lock_id /run/fusermount3.lock) $byte $byte\$" "A's unmount byte held"
	assert_match "$(grep ^Uid "/proc/$holder/status")" "^Uid:\s+0\s+$UID1\s+0\s+$UID1$" "uids of the holder"
	kill -KILL "${BG[u]}"	# strace gone: the holder detached, still stopped
	wait_exit u 10
	as_user sh -c 'mkdir "$1/h" && echo "$2" >"$1/h/cgroup.procs" && echo 1 >"$1/h/cgroup.freeze"' \
		sh "$cg" "$holder" || fail "A could not move and freeze its holder (pid $holder)"
	kill -CONT "$holder"
	poll_until 5 grep -qx 'frozen 1' "$cg/h/cgroup.events" || fail "$cg/h not frozen: $(cat "$cg/h/cgroup.events")"
	echo "the holder $holder (the $p) frozen by A: $(grep ^State "/proc/$holder/status")"
	# nor can A read it (not dumpable, real uid 0)
	assert_exit 1 as_user cat "/proc/$holder/environ"
	assert_match "$ERR" 'Permission denied' "A's read of the holder's environ"
	_asserted
	if ! poll_until 20 _not kill -0 "$holder" 2>/dev/null; then
		timeout -k 2 20 "$FM" -u "$H/m2" >"$T/r.out" 2>&1
		p=$?
		fail "the frozen holder (pid $holder) still holds A's unmount byte after 20 s ($(grep -c " $(lock_id /run/fusermount3.lock) $byte $byte\$" /proc/locks) lock at $byte); root's -u of A's other mount: exit $p: $(cat "$T/r.out")"
	fi
	assert_exit 0 "$FM" -u "$H/m2"
	assert_not_mounted "$H/m2"
	assert_user_fuse_mount "$H/m1"
	unmount_client a "$H/m1"
	wait_exit b 5
}
# fm-timeout: test_id_lock_holder_frozen 90
test_id_lock_holder_frozen() { id_lock_frozen here; }
# fm-timeout: test_id_lock_holder_frozen_child 90
test_id_lock_holder_frozen_child() { id_lock_frozen child; }

# The lock holder is out of reach of the caller's terminal too: A runs
# -u as a job in the foreground of a pseudo-terminal it holds the master
# of (as an interactive shell does) and types ^Z, then ^C; the kernel
# sends SIGTSTP/SIGINT to the terminal's whole foreground group with no
# permission check.  The process that waits for A's unmount byte (held by
# the test, so that it is seen; found by the lock file it has open): the
# helper itself (no utab, no record), which blocks those signals
# from before it goes for the lock, or its locked child (WHERE=child, a
# user's record planted), which left the group.  It must go on polling,
# neither stopped nor killed, and unmount once the byte is let go.
ID_TTY_SIG=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tty_signal.py
id_tty_round() { # N KEY WHERE
	local n=$1 holder="" states i p
	u_mkdir "$H/m$n"
	[ "$3" = child ] || rm -f /run/mount/utab
	start_client "c$n" --mode classic "$H/m$n"
	[ "$3" = here ] || utab_settle
	[ "$3" = here ] || printf 'SRC=planted TARGET=/nowhere/planted ROOT=/ OPTS=user=%s\n' "$U2" >>/run/mount/utab
	bg "hold$n" /usr/bin/python3 -c "$ID_HOLD" "$T/held$n" "$UID1"
	wait_for_file "$T/held$n" 5 "$(bg_log "hold$n")"
	bg "a$n" as_user /usr/bin/python3 "$ID_TTY_SIG" "$UT/child$n.pid" "$UT/states$n" "$2" \
		"$FM" -u "$H/m$n"
	for i in $(seq 100); do
		holder=$(id_lock_holders)
		[ -n "$holder" ] && break
		sleep 0.05
	done
	[ -n "$holder" ] || fail "no process of A's -u seen with the lock file open; $(bg_log "a$n")"
	holder=${holder%%:*}
	if id_is_child "$holder"; then p=child; else p=here; fi
	assert_eq "$3" "$p" "who waits for the lock (the helper itself: here)"
	echo "$holder" >"$UT/child$n.pid"
	wait_for_file "$UT/states$n" 10 "$(bg_log "a$n")"
	states=$(cat "$UT/states$n")
	echo "round $n ($2): the lock's waiter ($p, pid $holder) went through: $states"
	kill "${BG[hold$n]}"
	# it polls for the lock (S and R); stopped (T) or killed (Z, gone): in reach
	case " $states " in
	*" T "* | *" Z "* | *" gone "*)
		fail "the lock's waiter (pid $holder) went through '$states' after $2 on the caller's terminal" ;;
	esac
	_asserted
	wait_exit "a$n" 25
	# whatever became of the helper, the unmount was done
	poll_until 10 eval '! is_mounted "$H/m$n"' || fail "$H/m$n still mounted; $(bg_log "a$n")"
	wait_exit "c$n" 10
}
test_id_lock_child_out_of_tty_reach() {
	need_client
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	id_tty_round 1 '\x1a' here
	id_tty_round 2 '\x03' here
}
test_id_lock_child_out_of_tty_reach_child() {
	need_client
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	id_tty_round 1 '\x1a' child
	id_tty_round 2 '\x03' child
}

# ------------------------------------------------ the unmount lock: starvation

# Can one user keep every other user's -u waiting for the lock?  A serves
# $H/f with allow_other (user_allow_other) and has its own mount on
# $H/f/hello inside it; A's server never answers ACCESS from a process
# whose real uid is 0.  A locked child that entered $H/f to unmount by
# name (fchdir: FUSE_ACCESS) stayed in D with A's lock for as long as A
# liked (no signal ends a request the server has read).  Since every
# unmount goes through the checked mount's fd (attack-own: a name can be
# redirected by a rename from another mount namespace), nothing enters
# the parent: A's plain -u ends at once, no locked child waits in A's
# server, and B's -u of its own mounts work.
# "pid:state" of each helper child with real and saved uid 0 and A's
# effective uid (the child that takes the unmount lock)
id_locked_children() {
	local p
	for p in $(helper_pids); do
		grep -qE "^Uid:\s+0\s+$UID1\s+0\s+$UID1$" "/proc/$p/status" 2>/dev/null &&
			printf '%s:%s ' "$p" "$(sed -n 's/^State:\s*\(.\).*/\1/p' "/proc/$p/status")"
	done
}
ID_STARVE_B=5
test_id_lock_starvation() {
	local i ok=0
	need_client
	set_fuse_conf user_allow_other
	u_mkdir "$H/f"
	start_client f --mode classic -o allow_other --stall-access-root "$H/f"
	start_client g --mode classic --root-file "$H/f/hello"
	assert_user_fuse_mount "$H/f/hello"
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	assert_exit 0 as_user "$FM" -u "$H/f/hello"
	assert_eq "" "$ERR" "stderr of A's -u"
	assert_not_mounted "$H/f/hello"
	assert_no_match "$(cat "$T/f.out")" '^stalled=access' "A's server output (asked ACCESS by real uid 0)"
	assert_eq "" "$(id_locked_children)" "A's locked children left"
	for ((i = 0; i < ID_STARVE_B; i++)); do
		start_client "v$i" --as2 --mode classic "$H2/m"
		as_user2 "$FM" -u "$H2/m" >"$T/v.out" 2>"$T/v.err" && ok=$((ok + 1))
		if is_mounted "$H2/m"; then
			abort_fuse "$H2/m"; umount -l "$H2/m"
		fi
		wait_exit "v$i" 10
	done
	assert_eq "$ID_STARVE_B" "$ok" "B's -u that worked"
	wait_exit g 5
}

# ------------------------------------------------ the unmount lock: a stack

# Two users' mounts stacked on a mount of root's.  Root's tmpfs (its root
# 0777, not sticky: a shared scratch mount) on $H/x; B's FUSE mount with
# allow_other and a 0777 root on it; A's FUSE mount on top of B's.  B runs
# -u -z twice; each checks B's mount while it is the top one and is held
# (B stops its own helper: here strace, at the lock file) before it
# detaches it.  A mounts on top meanwhile, and A's -u checks A's mount and
# is held in umount2 (strace, 1.5 s, within the 2 s its child may hold the
# lock).  B's two -u -z go on.  umount2("/proc/self/fd/N") does not act on
# the mount N is open on but on the top of what is stacked on that
# mount's root (the kernel follows the mounts on the last component of an
# unmount, also after /proc's link): B's first -u -z removed A's mount,
# B's second its own, and A's -u, under A's byte only, then root's tmpfs.
# Every mount must go only by its owner's helper: A's only by A's -u (it
# is still on top while that is held), root's stays, B's may go by B's.
ID_STACK_HOLD_US=1500000
# fm-timeout: test_id_lock_stack_detach_on_top 60
test_id_lock_stack_detach_on_top() {
	local p bpids="" child="" k
	need_cmd strace
	need_client
	set_fuse_conf user_allow_other
	u_mkdir "$H/x"
	mount -t tmpfs -o size=1m,mode=0777 fmtest-rt "$H/x" || fail "cannot mount a tmpfs on $H/x"
	at_cleanup umount -l "$H/x"
	start_client b --as2 --mode classic -o allow_other --dir-mode 0777 "$H/x"
	assert_user_fuse_mount "$H/x" '' "$UID2"
	# B's -u -z, each stopped after its check, before its child (which
	# opens the lock file itself)
	for k in 1 2; do
		bg "bz$k" strace -qq -o /dev/null -P /run/fusermount3.lock -e trace=openat \
			-e inject=openat:signal=SIGSTOP:when=1 \
			"${AS_USER2[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u -z "$H/x"
	done
	_asserted
	poll_until 10 eval '[ "$(for p in $(helper_pids); do grep -lE "^State:\s+[tT]" /proc/$p/status; done 2>/dev/null | wc -l)" -ge 2 ]' ||
		fail "B's -u -z never stopped after their check; $(bg_log bz1)"
	for p in $(helper_pids); do
		grep -qE '^State:\s+[tT]' "/proc/$p/status" 2>/dev/null && bpids+="$p "
	done
	start_client a --mode classic "$H/x"
	assert_user_fuse_mount "$H/x"
	bg u strace -f -qq -o /dev/null -e trace=umount2 -e inject=umount2:delay_enter=$ID_STACK_HOLD_US \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u "$H/x"
	for _ in $(seq 60); do
		for p in $(helper_pids); do
			grep -qE "^Uid:\s+0\s+$UID1\s+0\s+$UID1$" "/proc/$p/status" 2>/dev/null &&
				grep -qE '^CapEff:\s+0000000000200000$' "/proc/$p/status" && child=$p
		done
		[ -n "$child" ] && break
		sleep 0.05
	done
	[ -n "$child" ] || fail "A's -u never reached umount2; $(bg_log u)"
	echo "stack while A's -u is held: $(id_stack "$H/x")"
	# shellcheck disable=SC2086
	kill -CONT $bpids
	wait_exit bz1 10
	echo "B's first -u -z: exit $BG_RC: $(cat "$T/bz1.err")"
	wait_exit bz2 10
	echo "B's second -u -z: exit $BG_RC: $(cat "$T/bz2.err")"
	echo "stack after B's: $(id_stack "$H/x")"
	# A's mount goes only by A's -u: while that is held, it is on top
	# (a single lock for all would have B's wait for A's -u instead)
	if alive u; then
		assert_user_fuse_mount "$H/x"
	fi
	wait_exit u 10
	echo "A's held -u: exit $BG_RC: $(cat "$T/u.err")"
	echo "stack at the end: $(id_stack "$H/x")"
	assert_root_tmpfs "$H/x"
	case $(id_stack "$H/x") in
	"tmpfs fmtest-rt;") ;;
	"tmpfs fmtest-rt;fuse /dev/fuse;") assert_user_fuse_mount "$H/x" '' "$UID2" ;;
	*) fail "mounts on $H/x at the end: '$(id_stack "$H/x")'" ;;
	esac
	while is_mounted "$H/x" && [ "$(id_stack "$H/x")" != "tmpfs fmtest-rt;" ]; do
		abort_fuse "$H/x"; umount -l "$H/x" || break
	done
	wait_exit a 5
	wait_exit b 5
}


# ------------------------------------------- the stacked-mount check: long path

# Can B make the check fail with an error, so that umount2 decides as it did
# before the check?  statmount reads mount points into a buffer of at most
# 1 MiB; B renames the directory above its mount into a tree of ~1.1 MB of
# path (4300 names of 250 bytes) after its -u -z opened the mount: the
# check's statmount fails with EOVERFLOW, and a check that then lets umount2
# decide detaches what is on top of B's mount, A's.  B's -u -z must be
# refused and A's mount stay.
ID_DEEP_N=4300
# deep DIR N: (as B) DIR/deep/<N names>: the tree; "in" moves DIR/p into it,
# "out" moves it back
id_deep() { # build|in|out DIR
	"${AS_USER2[@]}" /usr/bin/perl -e '
		my ($op, $d, $n) = @ARGV; my $name = "d" x 250;
		chdir $d or die "chdir $d: $!";
		if ($op eq "build") { mkdir "deep" or die "mkdir: $!"; }
		chdir "deep" or die "chdir deep: $!";
		for (1 .. $n) {
			if ($op eq "build") { mkdir $name or die "mkdir $_: $!"; }
			chdir $name or die "chdir $_: $!";
		}
		if ($op eq "in") { rename "$d/p", "p" or die "rename in: $!"; }
		if ($op eq "out") { exit 0 unless -e "p"; rename "p", "$d/p" or die "rename out: $!"; }
	' "$1" "$2" "$ID_DEEP_N"
}
# fm-timeout: test_id_stack_check_long_path 120
test_id_stack_check_long_path() {
	local p bpid="" st=""
	need_cmd strace
	need_client
	set_fuse_conf user_allow_other
	id_deep build "$H2" || fail "cannot build the deep tree as $U2"
	as_user2 mkdir -p "$H2/p/x" || fail "mkdir $H2/p/x as $U2"
	start_client b --as2 --mode classic -o allow_other --dir-mode 0777 "$H2/p/x"
	assert_user_fuse_mount "$H2/p/x" '' "$UID2"
	at_cleanup id_deep out "$H2"
	# B's -u -z, stopped after it opened its mount, before its child; then
	# A mounts on B's mount
	bg bz strace -qq -o /dev/null -P /run/fusermount3.lock -e trace=openat \
		-e inject=openat:signal=SIGSTOP:when=1 \
		"${AS_USER2[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u -z "$H2/p/x"
	poll_until 10 eval '[ -n "$(for p in $(helper_pids); do grep -lE "^State:\s+[tT]" /proc/$p/status; done 2>/dev/null)" ]' ||
		fail "B's -u -z never stopped after opening its mount; $(bg_log bz)"
	for p in $(helper_pids); do
		grep -qE '^State:\s+[tT]' "/proc/$p/status" 2>/dev/null && bpid=$p
	done
	start_client a --mode classic "$H2/p/x"
	assert_user_fuse_mount "$H2/p/x"
	id_deep in "$H2" || fail "cannot move $H2/p into the deep tree"
	kill -CONT "$bpid"
	wait_exit bz 20
	echo "B's -u -z: exit $BG_RC: $(cat "$T/bz.err")"
	id_deep out "$H2" || fail "cannot move $H2/p back"
	st=$(id_stack "$H2/p/x")
	echo "stack at the end: $st"
	case $st in
	*"fuse /dev/fuse;fuse /dev/fuse;") ;;
	*) fail "A's mount on B's was removed by B's -u -z; mounts on $H2/p/x: '$st'" ;;
	esac
	assert_user_fuse_mount "$H2/p/x"
	while is_mounted "$H2/p/x"; do
		abort_fuse "$H2/p/x"; umount -l "$H2/p/x" || break
	done
	wait_exit a 5
	wait_exit b 5
}

# ----------------------------------- the stacked-mount check: ABA renames

# Can B make a child on its mount's root read as one below it?  The check
# takes the strings as they are: its mount's point (read 1), each child's
# (read 2), its mount's again (read 3); equal 1 and 3 and a child reading
# as "1/..." count as "not on the root".  B's racer moves the directory p
# above its mount, ~300 KB deep (each statmount walks and copies it, so
# the reads are far apart), round q/x/z and back, for ever:
#   S1 p/x (the mount) -> q/x/z/x -> S2 p/x/z/x (q now at p) -> q/x/z/x -> S1
# A child read in S2 between two reads of S1 reads "below"; any other mix
# is "unclear" and the check looks again (16 times).  ID_ABA_ROUNDS times,
# ID_ABA_N of B's -u -z are held after they opened B's mount, A mounts on
# top, all are let go while the racer runs; A's mount must stay.  (On
# 2e855ff a round removed A's mount in about half of the runs.)
ID_ABA_N=30
ID_ABA_ROUNDS=4
ID_ABA_DEPTH=1200
id_aba() { # build|race|out DIR STOPFILE
	"${AS_USER2[@]}" /usr/bin/perl -e '
		my ($op, $d, $stop, $n) = @ARGV; my $name = "d" x 250;
		chdir $d or die "chdir $d: $!";
		if ($op eq "build") { mkdir "deep" or die "mkdir: $!"; }
		chdir "deep" or die "chdir deep: $!";
		for (1 .. $n) {
			if ($op eq "build") { mkdir $name or die "mkdir $_: $!"; }
			chdir $name or die "chdir $_: $!";
		}
		if ($op eq "build") { mkdir "q"; mkdir "q/x"; exit 0; }
		if ($op eq "out") { exit 0 unless -d "p"; rename "p", "$d/p" or die "out: $!"; exit 0; }
		rename "$d/p", "p" or die "rename in: $!";
		my $c = 0;
		while (!-e $stop && $c < 5000000) {
			rename "p", "q/x/z" or die "1: $!"; rename "q", "p" or die "2: $!";
			rename "p", "q" or die "3: $!"; rename "q/x/z", "p" or die "4: $!";
			$c++;
		}
		print "$c\n";
	' "$1" "$2" "${3:-}" "$ID_ABA_DEPTH"
}
# one round: B's -u -z held, A's mount on top, all let go while the racer
# runs; A's mount stays, or the test fails
id_aba_round() { # ROUND
	local p bpids="" k st out=0 refused=0 other=0
	for k in $(seq "$ID_ABA_N"); do
		bg "bz$1.$k" strace -qq -o /dev/null -P /run/fusermount3.lock -e trace=openat \
			-e inject=openat:signal=SIGSTOP:when=1 \
			"${AS_USER2[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u -z "$H2/p/x"
	done
	_asserted
	poll_until 20 eval '[ "$(for p in $(helper_pids); do grep -lE "^State:\s+[tT]" /proc/$p/status; done 2>/dev/null | wc -l)" -ge $ID_ABA_N ]' ||
		fail "B's -u -z never all stopped; $(bg_log "bz$1.1")"
	for p in $(helper_pids); do
		grep -qE '^State:\s+[tT]' "/proc/$p/status" 2>/dev/null && bpids+="$p "
	done
	start_client "a$1" --mode classic "$H2/p/x"
	assert_user_fuse_mount "$H2/p/x"
	rm -f "$T/stop"
	bg "racer$1" id_aba race "$H2" "$T/stop"
	poll_until 10 test ! -e "$H2/p" || fail "the racer never moved $H2/p; $(bg_log "racer$1")"
	# shellcheck disable=SC2086
	kill -CONT $bpids
	for k in $(seq "$ID_ABA_N"); do
		wait_exit "bz$1.$k" 60
		case $BG_RC:$(cat "$T/bz$1.$k.err") in
		0:*) out=$((out + 1)) ;;
		1:*"not found in /etc/mtab"*) refused=$((refused + 1)) ;;
		*) other=$((other + 1)); echo "bz$1.$k: $BG_RC $(cat "$T/bz$1.$k.err")" ;;
		esac
	done
	touch "$T/stop"
	wait_exit "racer$1" 30
	echo "round $1: racer $(cat "$T/racer$1.out") cycles, rc $BG_RC $(cat "$T/racer$1.err")"
	id_aba out "$H2" || fail "cannot move $H2/p back"
	st=$(id_stack "$H2/p/x")
	echo "round $1: B's -u -z: $out exit 0, $refused refused, $other other; stack: $st"
	case $st in
	*"fuse /dev/fuse;fuse /dev/fuse;") ;;
	*) fail "round $1: A's mount on B's was removed by B's -u -z; mounts on $H2/p/x: '$st'" ;;
	esac
	assert_user_fuse_mount "$H2/p/x"
	abort_fuse "$H2/p/x"
	umount -l "$H2/p/x" || fail "cannot remove A's mount"
	wait_exit "a$1" 5
	assert_user_fuse_mount "$H2/p/x" '' "$UID2"
}
# fm-timeout: test_id_stack_check_aba 300
test_id_stack_check_aba() {
	local r
	need_cmd strace
	need_client
	set_fuse_conf user_allow_other
	id_aba build "$H2" || fail "cannot build the deep tree as $U2"
	as_user2 mkdir -p "$H2/p/x" || fail "mkdir $H2/p/x as $U2"
	start_client b --as2 --mode classic -o allow_other --dir-mode 0777 "$H2/p/x"
	assert_user_fuse_mount "$H2/p/x" '' "$UID2"
	at_cleanup id_aba out "$H2"
	for r in $(seq "$ID_ABA_ROUNDS"); do
		id_aba_round "$r"
	done
	while is_mounted "$H2/p/x"; do
		abort_fuse "$H2/p/x"; umount -l "$H2/p/x" || break
	done
	wait_exit b 5
}
# ------------------------------------------------ the unmount lock: pile-up

# Can one user pile up root's processes that never end?  A's server (with
# allow_other) gives its entries for 0 s and never answers a LOOKUP from a
# process whose real uid is 0: the locked child's lookup of the name (the
# one outside the dcache, looked up again before the lock) waits for ever,
# and once the server has read it no signal ends the child.  Its real uid
# is 0, so it does not count against A's RLIMIT_NPROC; A kills each of its
# own helpers (same uid) as soon as it waits for its child.  With
# `ulimit -u ID_PILE_NPROC`, A starts ID_PILE_N such -u.  At most one
# child of A's may be left (the one waiting for the server); on main they
# piled up, one per -u, beyond A's RLIMIT_NPROC (pid_max is the only
# bound, for everyone).
ID_PILE_N=60
ID_PILE_NPROC=30
# fm-timeout: test_id_lock_children_pile_up 120
test_id_lock_children_pile_up() {
	local n kb0 kb1
	need_client
	set_fuse_conf user_allow_other
	u_mkdir "$H/f"
	start_client f --mode classic -o allow_other --stall-lookup-root --timeout 110 "$H/f"
	start_client g --mode classic --root-file "$H/f/hello"
	assert_user_fuse_mount "$H/f/hello"
	kb0=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	as_user bash -c '
		ulimit -u "$4" || exit 9
		for ((i = 0; i < $3; i++)); do
			"$1" -u "$2" 2>/dev/null &
			p=$!
			# its locked child is there (and asking the server), or
			# the helper ended
			for ((k = 0; k < 100; k++)); do
				[ -n "$(pgrep -P $p)" ] && break
				kill -0 $p 2>/dev/null || break
				sleep 0.02
			done
			sleep 0.2
			kill -KILL $p 2>/dev/null
			wait $p 2>/dev/null
		done
		echo "attack loop done"' sh "$FM" "$H/f/hello" "$ID_PILE_N" "$ID_PILE_NPROC" ||
		fail "the attack loop failed"
	_asserted
	# children still waiting for the lock give up after 5 s (A's server
	# lives on: fmclient's --timeout is longer than this test)
	poll_until 8 eval '[ "$(id_locked_children | wc -w)" -le 1 ]'
	n=$(id_locked_children | wc -w)
	kb1=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	echo "stalled LOOKUPs: $(grep -c '^stalled=lookup' "$T/f.out"); A's root children left: $n" \
		"(ulimit -u $ID_PILE_NPROC, $ID_PILE_N -u); MemAvailable change $((kb1 - kb0)) kB"
	abort_fuse "$H/f"
	poll_until 10 eval '[ -z "$(id_locked_children)" ]' || fail "A's children did not end after the abort: $(id_locked_children)"
	umount -l "$H/f/hello" 2>/dev/null
	umount -l "$H/f" 2>/dev/null
	assert_eq 1 "$((n <= 1))" "A's root children left in the server ($n, A's RLIMIT_NPROC $ID_PILE_NPROC)"
}

# The utab child (all uids 0) after A's -u -z looks the name up again in
# the directory it was in, holding the helpers' utab lock (byte 1, one for
# all users).  A's server, as above, never answers a LOOKUP from real uid
# 0: that child then waits for good with the lock.  B's mount and -u
# elsewhere must still record and forget their utab entries, without a
# warning; A's -u -z itself has done its unmount.
# fm-timeout: test_id_utab_child_parked 90
test_id_utab_child_parked() {
	local p n=0 rc
	need_client
	set_fuse_conf user_allow_other
	[ -e /run/mount/utab ] || skip "no /run/mount/utab"
	u_mkdir "$H/f"
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	start_client f --mode classic -o allow_other --stall-lookup-root --timeout 80 "$H/f"
	# A's server mount without its record (as after a utab update that
	# timed out, t29_utab_lock_held_by_a_user; /run is the test's own):
	# then A's -u -z of the mount in it is the only user record, and its
	# utab child looks the name up
	: >/run/mount/utab
	start_client g --mode classic --root-file "$H/f/hello"
	assert_user_fuse_mount "$H/f/hello"
	bg az as_user "$FM" -u -z "$H/f/hello"
	sleep 2	# the utab child's 1.5 s are over
	echo "LOOKUPs of real uid 0 stalled in A's server: $(grep -c '^stalled=lookup' "$T/f.out")"
	echo "A's -u -z still running: $(alive az && echo yes || echo no); mounts on $H/f/hello: $(id_stack "$H/f/hello")"
	assert_not_mounted "$H/f/hello"
	for p in $(helper_pids); do
		grep -qE "^Uid:\s+0\s+0\s+0\s+0$" "/proc/$p/status" 2>/dev/null && n=$((n + 1))
	done
	echo "helper processes with all uids 0 left: $n"
	start_client v --as2 --mode classic "$H2/m"
	echo "B's mount: $(cat "$T/v.err")"
	assert_utab_user "$H2/m" "$U2"
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	assert_eq "" "$ERR" "stderr of B's -u"
	assert_utab_lacks "$H2/m"
	wait_exit v 5
	alive az && rc=running || { wait_exit az 1; rc=$BG_RC; }
	abort_fuse "$H/f"
	wait_exit az 10
	echo "A's -u -z: exit $BG_RC: $(cat "$T/az.err")"
	umount -l "$H/f" 2>/dev/null
	assert_eq 0 "$rc" "A's -u -z, before its server was aborted"
}

# ------------------------------------------------ issue 12: UMOUNT_NOFOLLOW

# Installed without any privilege the helper only asks the kernel, which
# then refuses the user; it asks without following a symbolic link.
test_id_unprivileged_nofollow() {
	local log=$T/plain.strace
	need_strace
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	as_user ln -s mnt "$H/link" || fail "ln -s"
	mkdir "$T/plain" && install -m 0755 "$FM_BIN" "$T/plain/fusermount3" || fail "install"
	for z in "" -z; do
		_asserted
		strace -f -qq -e trace=umount2 -o "$log" "${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$T/plain/fusermount3" -u $z "$H/link" \
			>"$T/.out" 2>"$T/.err"
		RC=$?
		ERR=$(cat "$T/.err")
		assert_eq 1 "$RC" "exit status of the unprivileged -u $z"
		assert_err_line "failed to unmount $H/link: Operation not permitted"
		assert_match "$(cat "$log")" "umount2\(\"$(re "$H/link")\", ${z:+MNT_DETACH\|}UMOUNT_NOFOLLOW\)" \
			"strace of the unprivileged -u $z"
		assert_user_fuse_mount "$H/mnt"
	done
	unmount_client c "$H/mnt"
}

# ------------------------------------------------ rename from another namespace

# A directory that is a mount point in this namespace cannot be renamed
# here (EBUSY), but it can be from a mount namespace where it is not one
# (the kernel checks only the renamer's namespace), and the mounts on it
# follow it.  The user keeps a process in a user+mount namespace of its own
# made before the mounts (private propagation: they never show there), and
# swaps (RENAME_EXCHANGE) the name of its FUSE mount's mount point with the
# directory root's tmpfs is mounted on, while a plain -u that has checked
# the user's mount is about to unmount it by name.  strace holds that -u in
# umount2 (before the kernel looks the name up): deterministic.
ID_SWAP_PY='
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b, go, done = sys.argv[1:5]
open(done + ".ns", "w").close()
end = time.monotonic() + 30
while not os.path.exists(go):
    if time.monotonic() > end:
        sys.exit(3)
    time.sleep(0.01)
r = libc.syscall(316, -100, a.encode(), -100, b.encode(), 2)   # renameat2, RENAME_EXCHANGE
with open(done, "w") as f:
    f.write("%d %d\n" % (r, ctypes.get_errno()))
'
id_swap_round() { # -u ARGS
	need_strace
	u_mkdir "$H/m" "$H/rt"
	bg sw as_user unshare -Urm --propagation private /usr/bin/python3 -c "$ID_SWAP_PY" \
		"$H/m" "$H/rt" "$UT/go" "$UT/swapped"
	wait_for_file "$UT/swapped.ns" 10 "$(bg_log sw)"
	id_root_tmpfs "$H/rt"
	start_client c --mode classic "$H/m"
	bg u strace -f -qq -o /dev/null -e trace=umount2 -e inject=umount2:delay_enter=1200000 \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" "$@" "$H/m"
	_asserted
	held_in_umount2 >/dev/null
	touch "$UT/go"
	wait_exit sw 10
	echo "swap (renameat2 result, errno): $(cat "$UT/swapped")"
	assert_eq "0 0" "$(cat "$UT/swapped")" "the user's RENAME_EXCHANGE from its namespace"
	wait_exit u 10
	echo "the held $*: exit $BG_RC: $(cat "$T/u.err"); on $H/m: '$(id_stack "$H/m")'; on $H/rt: '$(id_stack "$H/rt")'"
	# the names are swapped: root's tmpfs is now on $H/m
	assert_root_tmpfs "$H/m" top
	abort_fuse "$H/rt" 2>/dev/null
	umount -l "$H/rt" 2>/dev/null
	wait_exit c 5
}
test_id_rename_exchange_unmount() { id_swap_round -u; }
test_id_rename_exchange_lazy() { id_swap_round -u -z; }
