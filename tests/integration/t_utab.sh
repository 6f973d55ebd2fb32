# t_utab.sh - the utab record follows the mount (issue 11 F2, issue 17 item 2):
# it names the kernel's mount point of the new mount, stale users' records
# are pruned by every helper that changes utab (records of live mounts and
# of other tools are kept), a record's size is bounded, and a user holding
# libmount's utab lock delays others by a bounded time, with a warning.
# shellcheck disable=SC2016,SC2015 # literal $ in sh -c scripts; fail-or-go chains

UTAB=/run/mount/utab
UTAB_BOUND_MS=1500	# FM_UTAB_TIMEOUT_MS
UTAB_SLACK_MS=2500	# process starts on a loaded machine; < 5000 - 1500
STUB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fmstub.py
# kept_msg PATH: the warning of an unmount whose record had to stay
kept_msg() { echo "failed to remove the record of $1 from $UTAB: Connection timed out"; }
NOTREC_MSG="failed to record the mount in $UTAB: Connection timed out"

# the decoded TARGET of every record, one per line (utab escapes \ooo)
utab_targets() {
	local l t
	while read -r l; do
		t=${l#*TARGET=}
		t=${t%% *}
		printf '%b\n' "${t//\\/\\0}"
	done <"$UTAB"
}
utab_has() { utab_settle; utab_targets | grep -Fxq -- "$1"; }
utab_lines() { utab_settle; grep -c . "$UTAB"; }
assert_utab_has() {
	_asserted
	utab_has "$1" || fail "no record of $1 in $UTAB: '$(head -c 600 "$UTAB")'"
}
assert_utab_hasnt() {
	_asserted
	! utab_has "$1" || fail "a record of $1 stayed in $UTAB: '$(head -c 600 "$UTAB")'"
}
assert_utab_empty() { utab_settle; assert_eq "" "$(cat "$UTAB")" "$UTAB"; }

# milliseconds since boot (the VM's wall clock may jump)
uptime_ms() {
	local u
	read -r u _ </proc/uptime
	echo $((${u%.*} * 1000 + 10#${u#*.} * 10))
}
assert_bounded() { # START-MS WHAT
	local ms=$(($(uptime_ms) - $1))
	echo "$2 took $ms ms"
	_asserted
	[ "$ms" -le $((UTAB_BOUND_MS + UTAB_SLACK_MS)) ] ||
		fail "$2 took $ms ms (bound $UTAB_BOUND_MS ms + $UTAB_SLACK_MS ms slack)"
}

# the helper of a running mount: parent (the caller's uid) and utab child
# (all 0), this one waiting for the helpers' utab lock (fcntl F_OFD_SETLKW:
# the child is started before the mount is made and waits for its job
# first, holding nothing)
helper_with_uid0() {
	local p
	for p in $(helper_pids); do
		grep -qE '^Uid:\s+0\s+0\s+0\s+0$' "/proc/$p/status" 2>/dev/null &&
			[ "$(cat "/proc/$p/wchan" 2>/dev/null)" = fcntl_setlk ] && echo "$p"
	done
}
has_utab_child() { [ -n "$(helper_with_uid0)" ]; }
helper_parent_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# Hold byte 1 of the lock file (FM_LOCK_UTAB_OFF) as root, in the
# background job NAME, for at most 40 s; returns once it is held.
hold_utab_byte() { # NAME
	bg "$1" /usr/bin/python3 -c '
import fcntl, os, sys, time
fd = os.open("/run/fusermount3.lock", os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 1, 0)
open(sys.argv[1], "w").close()
time.sleep(40)' "$UT/$1.ready"
	wait_for_file "$UT/$1.ready" 5 "$(bg_log "$1")"
}

# ---------------------------------------------------------------- the record

# The record names the mount point the kernel gives for the new mount; a
# parent renamed while a --sync-init helper waits for "proceed" moves the
# mount's place, and the record follows it.
test_utab_record_names_kernel_target() {
	need_cmd findmnt
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (fmstub.py)"
	u_mkdir "$H/mnt" "$H/p/m"
	start_client c --mode classic "$H/mnt"
	assert_exit 0 findmnt -n -o TARGET --mountpoint "$H/mnt"
	assert_eq "$H/mnt" "$OUT" "kernel's target"
	assert_utab_user "$H/mnt"
	unmount_client c "$H/mnt"
	assert_utab_empty
	# renamed while the helper waits for proceed (fd sent, nothing mounted)
	bg st /usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode sync-init \
		--hold-file "$UT/go" --timeout 30 -- --sync-init -o '' -- "$H/p/m"
	_asserted
	poll_until 10 grep -qx hold "$T/st.out" || fail "helper not waiting for proceed; $(bg_log st)"
	as_user mv "$H/p" "$H/q" || fail "mv as $U"
	touch "$UT/go"
	wait_exit st 10
	assert_match "$(cat "$T/st.out")" '^status=0$' "status ($(bg_log st))"
	assert_user_fuse_mount "$H/q/m"
	assert_utab_user "$H/q/m"
	assert_utab_hasnt "$H/p/m"
	assert_eq 1 "$(utab_lines)" "records in $UTAB"
	assert_exit 0 as_user "$FM" -u "$H/q/m"
	assert_eq "" "$ERR" "stderr of -u"
	assert_utab_empty
}

# The mount moves (its parent renamed) after it was checked but before its
# record is written: the record would name a place where it is not, so the
# mount is undone and refused.  The test holds the helpers' utab lock so
# that the utab child waits, stops the helper (so its time limit cannot
# end the child), renames, and lets the child go on.  Should the helper's
# 1.5 s run out before the test stops it (a very slow machine: the mount
# stays, unrecorded), the round is done again, at most three times.
moved_round() { # N: 0 done, 2 too slow
	local child parent n=$1
	u_mkdir "$H/p/m"
	hold_utab_byte "lk$n"
	bg "c$n" as_user "$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/c$n.ready" \
		--timeout 30 "$H/p/m"
	poll_until 10 has_utab_child || echo "no utab child waiting; $(bg_log "c$n")"
	child=$(helper_with_uid0)
	parent=$([ -n "$child" ] && helper_parent_of "$child")
	[ -z "$parent" ] || kill -STOP "$parent"
	as_user mv "$H/p" "$H/q" || fail "mv as $U"
	kill "${BG[lk$n]}"
	[ -z "$child" ] || poll_until 10 _not kill -0 "$child" 2>/dev/null
	[ -z "$parent" ] || kill -CONT "$parent"
	poll_until 10 eval "[ -e $UT/c$n.ready ] || ! kill -0 ${BG[c$n]} 2>/dev/null"
	if [ -e "$UT/c$n.ready" ] && grep -qF "$NOTREC_MSG" "$T/c$n.err"; then
		echo "round $n: the helper's time ran out first; $(bg_log "c$n")"
		assert_exit 0 as_user "$FM" -u "$H/q/m"
		wait_exit "c$n" 5
		as_user rm -rf "$H/q" || fail "rm as $U"
		return 2
	fi
	wait_exit "c$n" 10
	echo "round $n: fmclient exit $BG_RC; $(bg_log "c$n")"
	assert_eq 1 "$BG_RC" "fmclient exit status"
	assert_match "$(cat "$T/c$n.err")" "^fusermount3: mountpoint $(re "$H/p/m") moved before the mount was recorded in $(re "$UTAB"); mount undone\$" "helper stderr"
	assert_not_mounted "$H/q/m"
	assert_utab_empty
}
test_utab_moved_before_record_undone() {
	local n
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	for n in 1 2 3; do
		moved_round "$n" && return 0
		[ "$n" = 3 ] && fail "the helper's time limit ran out before the test could stop it, three times"
	done
}

# The same move seen by the child itself: it reports -ESTALE before it has
# read utab, and then must end cleanly, not go on to the pruning with
# nothing read (that used a pruner never set up: a root process walking
# stack garbage; seen as a general protection fault in prune()).  Traced
# by root (strace -p), which sees how it ends.  (A user needs no root to
# get there: its own earlier mount's child, waiting for libmount's utab
# lock that the user holds, keeps byte 1 while the user renames.)
moved_child_round() { # N: 0 done, 2 too slow
	local child parent n=$1 log
	u_mkdir "$H/p/m"
	hold_utab_byte "lk$n"
	bg "c$n" as_user "$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/c$n.ready" \
		--timeout 30 "$H/p/m"
	_asserted
	poll_until 10 has_utab_child || fail "no utab child waiting; $(bg_log "c$n")"
	child=$(helper_with_uid0)
	parent=$(helper_parent_of "$child")
	[ -n "$parent" ] || fail "no parent of the utab child $child"
	kill -STOP "$parent"
	bg "tr$n" strace -p "$child" -e trace=none -o "$T/tr$n.log"
	poll_until 5 eval "! grep -q '^TracerPid:[[:space:]]*0\$' /proc/$child/status" ||
		fail "strace did not attach to $child; $(bg_log "tr$n")"
	as_user mv "$H/p" "$H/q" || fail "mv as $U"
	kill "${BG[lk$n]}"
	wait_exit "tr$n" 10
	kill -CONT "$parent"
	wait_exit "c$n" 10
	log=$(cat "$T/tr$n.log")
	echo "round $n: the child $child: $(tail -n 1 <<<"$log"); fmclient exit $BG_RC; $(bg_log "c$n")"
	if grep -q 'killed by SIGKILL' <<<"$log"; then
		echo "round $n: the child's time ran out first"
		as_user "$FM" -u "$H/q/m" 2>/dev/null
		as_user rm -rf "$H/q" || fail "rm as $U"
		return 2
	fi
	assert_match "$log" '^\+\+\+ exited with [0-9]+ \+\+\+$' "how the utab child ended (strace)"
	assert_match "$(cat "$T/c$n.err")" "moved before the mount was recorded" "helper stderr"
	assert_not_mounted "$H/q/m"
	assert_utab_empty
}
test_utab_moved_child_ends_cleanly() {
	local n
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	need_cmd strace
	need_client
	for n in 1 2 3; do
		moved_child_round "$n" && return 0
		[ "$n" = 3 ] && fail "the child's time limit ran out before the test could let it go, three times"
	done
}

# The same move, made by the user alone (attack-own): the user holds
# libmount's utab lock (any user can: flock needs only a read fd), so the
# record's child waits for it in mnt_update_table, after its own last look
# at the mount (still_at) and before it writes; /proc/locks (world-readable)
# shows that wait; the user renames the parent and lets the lock go.  The
# record must not name the old path: the mount is undone as above.  Should
# the child's 1.5 s run out first (the mount stays, unrecorded: no lie),
# the round is done again, at most three times.
moved_lm_round() { # N: 0 done, 2 too slow
	local n=$1 id
	u_mkdir "$H/p$n/m"
	[ -e "$UTAB.lock" ] || install -m 0644 /dev/null "$UTAB.lock"
	id=$(lock_id "$UTAB.lock") || fail "no lock id of $UTAB.lock"
	bg "lk$n" as_user sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 40' sh "$UTAB.lock"
	_asserted
	poll_until 5 eval "! flock -n -x $UTAB.lock true" || fail "the lock was not taken; $(bg_log "lk$n")"
	bg "c$n" as_user "$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/c$n.ready" \
		--timeout 30 "$H/p$n/m"
	# a waiter (" -> ") on libmount's lock file: the child in mnt_update_table
	poll_until 10 grep -q " -> FLOCK .* $id " /proc/locks ||
		fail "no one waits for $UTAB.lock; $(bg_log "c$n")"
	as_user mv "$H/p$n" "$H/q$n" || fail "mv as $U"
	kill "${BG[lk$n]}"
	poll_until 10 eval "[ -e $UT/c$n.ready ] || ! alive c$n"
	if [ -e "$UT/c$n.ready" ]; then	# mounted: unrecorded, or a lie
		echo "round $n: mounted; $(bg_log "c$n"); utab: '$(head -c 600 "$UTAB")'"
		if grep -qF "$NOTREC_MSG" "$T/c$n.err"; then
			echo "round $n: the child's time ran out first"
			assert_exit 0 as_user "$FM" -u "$H/q$n/m"
			wait_exit "c$n" 5
			return 2
		fi
		assert_utab_hasnt "$H/p$n/m"
	fi
	wait_exit "c$n" 10
	echo "round $n: fmclient exit $BG_RC; $(bg_log "c$n")"
	assert_eq 1 "$BG_RC" "fmclient exit status"
	assert_match "$(cat "$T/c$n.err")" "^fusermount3: mountpoint $(re "$H/p$n/m") moved before the mount was recorded in $(re "$UTAB"); mount undone\$" "helper stderr"
	assert_not_mounted "$H/q$n/m"
	assert_utab_empty
}
test_utab_moved_in_libmount_lock_wait() {
	local n
	need_client
	for n in 1 2 3; do
		moved_lm_round "$n" && return 0
		[ "$n" = 3 ] && fail "the child's time limit ran out before the test could rename, three times"
	done
}

# ---------------------------------------------------------------- timing

# A mount's record is finished by the helper's child after the fd went to
# the library, under byte 1 of the lock file (which the child took before
# the fd was sent): a -u started the moment the client has its mount, with
# no wait for the record, finds the record (its removal waits for byte 1)
# or finds that none was written.  Three mount points at once, 10 rounds.
UTAB_AT_ONCE='
cl=$1 fm=$2 mnt=$3 ready=$4
"$cl" --helper "$fm" --mode classic --ready-file "$ready" --timeout 20 "$mnt" >/dev/null 2>&1 &
c=$!
for ((n = 0; n < 2000; n++)); do [ -e "$ready" ] && break; sleep 0.005; done
"$fm" -u "$mnt" 2>&1
rc=$?
wait $c
echo "rc=$rc client=$?"
'
test_utab_mount_then_unmount_at_once() {
	local i k pids
	need_client
	for k in 1 2 3; do u_mkdir "$H/m$k"; done
	for i in $(seq 10); do
		pids=()
		for k in 1 2 3; do
			timeout -k 2 20 "${AS_USER[@]}" bash -c "$UTAB_AT_ONCE" sh "$FM_CLIENT" "$FM" \
				"$H/m$k" "$UT/r$i.$k" >"$T/at$i.$k" 2>&1 &
			pids+=($!)
		done
		wait "${pids[@]}"
		for k in 1 2 3; do
			assert_eq "rc=0 client=0" "$(cat "$T/at$i.$k")" "round $i, mount point $k"
		done
	done
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	assert_utab_empty
}

# The record's child (all uids 0) holds byte 1 from before the fd is sent
# until its record is written, and goes on while the helper is stopped:
# the user can stop the helper but not the child, and a stopped helper
# holds no part of the lock.  (The test holds byte 1 first, so that the
# child is seen waiting; should the child's 1.5 s run out before the test
# lets it go, on a very slow machine, the round is done again.)
sigstop_round() { # N: 0 done, 2 too slow
	local child parent n=$1
	hold_utab_byte "lk$n"
	bg "c$n" as_user "$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/c$n.ready" \
		--timeout 30 "$H/m"
	_asserted
	poll_until 10 has_utab_child || fail "no utab child waiting; $(bg_log "c$n")"
	child=$(helper_with_uid0)
	parent=$(helper_parent_of "$child")
	[ -n "$parent" ] || fail "no parent of the utab child $child"
	assert_exit 0 as_user kill -STOP "$parent"
	assert_exit 1 as_user kill -STOP "$child"
	assert_match "$ERR" 'Operation not permitted' "kill -STOP of the utab child by $U"
	kill "${BG[lk$n]}"
	utab_settle	# byte 1 free again, the helper still stopped
	assert_match "$(grep ^State: "/proc/$parent/status")" 'stopped' "the helper's state"
	kill -CONT "$parent"
	wait_for_file "$UT/c$n.ready" 10 "$(bg_log "c$n")"
	if grep -qF "$NOTREC_MSG" "$T/c$n.err"; then
		echo "round $n: the child's time ran out first; $(bg_log "c$n")"
		unmount_client "c$n" "$H/m"
		return 2
	fi
	assert_utab_user "$H/m"
	unmount_client "c$n" "$H/m"
	assert_utab_empty
}
test_utab_sigstop_cannot_hold_lock() {
	local n
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	u_mkdir "$H/m"
	for n in 1 2 3; do
		sigstop_round "$n" && return 0
		[ "$n" = 3 ] && fail "the child's time limit ran out before the test could let it go, three times"
	done
}

# The same child is out of reach of the caller's terminal too: a caller
# that runs its library on a pseudo-terminal it holds the master of, in
# the terminal's foreground process group, types ^Z (SIGTSTP) or ^C
# (SIGINT); the kernel sends those to the whole foreground group without
# any permission check.  The child (all uids 0) must not be in that group
# (nor in the caller's session): not stopped, not killed, while it waits
# for byte 1 (held by the test, so that the child is seen).
TTY_SIG=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tty_signal.py
tty_round() { # N KEY
	local n=$1 child states
	hold_utab_byte "lk$n"
	bg "a$n" as_user /usr/bin/python3 "$TTY_SIG" "$UT/child$n.pid" "$UT/states$n" "$2" \
		"$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/c$n.ready" --timeout 30 "$H/m"
	_asserted
	poll_until 10 has_utab_child || fail "no utab child waiting; $(bg_log "a$n")"
	child=$(helper_with_uid0)
	assert_eq "/dev/null /dev/null /dev/null" \
		"$(readlink "/proc/$child/fd/0" "/proc/$child/fd/1" "/proc/$child/fd/2" | tr '\n' ' ' | sed 's/ $//')" \
		"stdin, stdout, stderr of the utab child (none of the caller's)"
	echo "$child" >"$UT/child$n.pid"
	wait_for_file "$UT/states$n" 10 "$(bg_log "a$n")"
	states=$(cat "$UT/states$n")
	echo "round $n ($2): the utab child $child went through: $states"
	kill "${BG[lk$n]}"
	assert_eq "S" "$states" "states of the utab child (pid $child) after $2 on the caller's terminal"
	wait_exit "a$n" 25
	utab_settle
	if grep -qF "$NOTREC_MSG" "$T/a$n.err"; then
		echo "round $n: the child's time ran out first; $(bg_log "a$n")"
	fi
	assert_exit 0 as_user "$FM" -u "$H/m"
}
test_utab_child_out_of_tty_reach() {
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	need_client
	u_mkdir "$H/m"
	tty_round 1 '\x1a'
	tty_round 2 '\x03'
	assert_utab_empty
}

# libmount writes utab as a copy (utab.XXXXXX) renamed over it, under its
# lock; a utab child killed at its 1.5 s inside that section leaves the
# copy, root's, in /run for good.  Any user can time that: hold libmount's
# lock, start a mount, let the lock go just before the child's time runs
# out (utab_copy_leak.py; a big utab, here foreign records, widens the
# section).  The next helpers' children remove such copies (taking
# libmount's lock, never waiting for it).  Whether the attack rounds leave
# a copy depends on the machine's timing, so a copy as a killed writer
# leaves it is also put there by the test; names that are not such a
# copy stay.
COPY_LEAK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/utab_copy_leak.py
copies() { find /run/mount -maxdepth 1 -name 'utab.[[:alnum:]][[:alnum:]][[:alnum:]][[:alnum:]][[:alnum:]][[:alnum:]]' -printf '%f\n' | sort | tr '\n' ' '; }
# fm-timeout: test_utab_leftover_copies_removed 150
test_utab_leftover_copies_removed() {
	local i got
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	need_client
	u_mkdir "$H/m"
	install -m 0644 /dev/null "$UTAB.lock"
	for i in $(seq 300); do
		printf 'SRC=x%d TARGET=/nonexistent/%0400d ROOT=/ OPTS=x-a=%0100d\n' "$i" "$i" "$i"
	done >"$UTAB"
	got=$(timeout 100 "${AS_USER[@]}" /usr/bin/python3 "$COPY_LEAK" "$FM_CLIENT" "$FM" "$H/m" 20 1470 2)
	echo "attack rounds (D ms, R: no record, Ln: copies there): $got"
	echo "copies after the attack: '$(copies)'"
	# as a writer killed in its section leaves it; and names to keep
	printf 'SRC=half' >/run/mount/utab.Ab12Cd && chmod 0600 /run/mount/utab.Ab12Cd
	for i in utab.event utab.act utab.Ab12C utab.Ab12Cd7 utab.Ab-2Cd; do
		: >"/run/mount/$i"
	done
	start_client a --mode classic "$H/m"
	unmount_client a "$H/m"
	utab_settle
	assert_eq "" "$(copies)" "copies of utab left in /run/mount after a mount and its -u"
	assert_eq "utab utab.Ab-2Cd utab.Ab12C utab.Ab12Cd7 utab.act utab.event utab.lock" \
		"$(ls /run/mount | tr '\n' ' ' | sed 's/ $//')" "/run/mount"
	assert_eq 300 "$(grep -c '^SRC=x' "$UTAB")" "foreign records in $UTAB"
}

# The utab child (all uids 0) holds byte 1, which every user's utab change
# waits for, so it must never wait for a FUSE server: it reads the mounts
# from the kernel by ID, never by a path.  With user_allow_other, A serves
# ~/f with allow_other (root's processes may enter it) and never answers a
# LOOKUP from a process whose real uid is 0; A's other mount is on
# ~/f/hello.  A's -u -z of it (a plain -u needs the name validly cached,
# which no entry of this server is): its utab child must not ask A's server (it
# would sit in D, unkillable, byte 1 held until A lets go); V's mount
# right after is recorded with no warning.
test_utab_child_no_lookup_in_user_fs() {
	need_client
	set_fuse_conf user_allow_other
	u_mkdir "$H/f"
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	# (unrecorded, under a file size limit: with no user's record of
	# another target in utab, the child reads only the mounts stacked at
	# the -u's name, which it looked up in the parent)
	printf '#!/bin/sh\nulimit -f 0\nexec %s "$@"\n' "$FM" >"$UT/fsz0" && chmod 0755 "$UT/fsz0" ||
		fail "cannot write $UT/fsz0"
	bg f as_user "$FM_CLIENT" --helper "$UT/fsz0" --mode classic -o allow_other --stall-lookup-root \
		--ready-file "$UT/f.ready" --timeout 50 "$H/f"
	wait_for_file "$UT/f.ready" 10 "$(bg_log f)"
	start_client g --mode classic --root-file "$H/f/hello"
	assert_user_fuse_mount "$H/f/hello"
	assert_eq 1 "$(utab_lines)" "records in $UTAB"
	bg u as_user "$FM" -u -z "$H/f/hello"
	poll_until 10 _not alive u
	echo "A's -u -z: $(alive u && echo running || echo ended); $(bg_log u);" \
		"server: $(grep -c '^stalled=' "$T/f.out") stalled;" \
		"states of helper processes with all uids 0: $(for p in $(helper_pids); do
			grep -qE '^Uid:\s+0\s+0\s+0\s+0$' "/proc/$p/status" && sed -n 's/^State:\s*//p' "/proc/$p/status"; done | tr '\n' ' ')"
	bg v as_user2 "$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/v.ready" --timeout 30 "$H2/m"
	wait_for_file "$UT/v.ready" 10 "$(bg_log v)"
	echo "V's mount: $(bg_log v)"
	assert_eq "" "$(grep '^stalled=' "$T/f.out")" "requests of A's server left unanswered"
	wait_exit u 5
	assert_eq 0 "$BG_RC" "A's -u -z"
	assert_eq "" "$(cat "$T/v.err")" "stderr of V's mount"
	assert_utab_user "$H2/m" "$U2"
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	assert_utab_empty
}

# -u removes the mount and its record in one child (issue 13): the same
# process that calls umount2 loads libmount and changes utab, after it let
# the unmount lock go; it is the only process the helper forks.
test_utab_unmount_one_child() {
	local log pids
	need_cmd strace
	u_mkdir "$H/m"
	start_client c --mode classic "$H/m"
	assert_utab_user "$H/m"
	log=$T/u.strace
	# (root strace: the setuid bit is honoured)
	# (LeakSanitizer cannot work under ptrace: off in the asan-check build)
	assert_exit 0 strace -f -qq -o "$log" -e trace=execve,clone,clone3,fork,vfork,umount2,openat "${AS_USER[@]}" \
		ASAN_OPTIONS=detect_leaks=0 "$FM" -u "$H/m"
	assert_not_mounted "$H/m"
	wait_exit c 5
	assert_utab_empty
	pids=$(grep -E '^[0-9]+ +umount2\(' "$log" | awk '{ print $1 }' | sort -u)
	assert_eq 1 "$(grep -c . <<<"$pids")" "processes calling umount2; $(grep umount2 "$log")"
	assert_match "$(grep -E "^$pids +openat\(" "$log")" 'libmount\.so' "libmount loaded by the unmounting process"
	assert_eq 1 "$(grep -E '(clone|clone3|fork|vfork)\(' "$log" | grep -vE 'execve|= -1' |
		awk -v h="$(grep -E 'execve\("[^"]*fusermount3"' "$log" | awk '{ print $1 }')" '$1 == h' | grep -c .)" \
		"children forked by the helper; $(grep -E 'clone|fork' "$log")"
}

# A -u whose utab holds no user's record (here: another tool's only; the
# mount was made while utab was missing) never loads libmount: the look
# at the file, under byte 1, finds nothing to remove or prune.  The other
# tool's record stays.  Nor does it fork (issue 13): the helper holds the
# unmount lock itself, with the lock file opened once.
test_utab_unmount_no_record_no_libmount() {
	local log h foreign="SRC=other TARGET=/elsewhere ROOT=/ OPTS=x-tool,rw"
	need_cmd strace
	u_mkdir "$H/m"
	rm -f "$UTAB"
	start_client c --mode classic "$H/m"
	printf '%s\n' "$foreign" >"$UTAB"
	chmod 0644 "$UTAB"
	log=$T/u.strace
	assert_exit 0 strace -f -qq -o "$log" -e trace=execve,umount2,openat,clone,clone3,fork,vfork "${AS_USER[@]}" \
		ASAN_OPTIONS=detect_leaks=0 "$FM" -u "$H/m"
	assert_eq "" "$ERR" "stderr of -u"
	assert_not_mounted "$H/m"
	wait_exit c 5
	assert_match "$(cat "$log")" 'openat\(AT_FDCWD, "/run/mount/utab", O_RDONLY' "utab read by -u"
	assert_eq "" "$(grep -E 'libmount\.so' "$log")" "libmount loaded by -u"
	assert_eq "$foreign" "$(cat "$UTAB")" "$UTAB after -u"
	h=$(grep -E 'execve\("[^"]*fusermount3"' "$log" | awk '{ print $1 }')
	assert_eq 0 "$(awk -v h="$h" '$1 == h' "$log" | grep -E '(clone|clone3|fork|vfork)\(' | grep -vc '= -1')" \
		"children forked by the helper; $(grep -E 'clone|fork' "$log")"
	assert_eq 1 "$(grep -c 'openat(.*"/run/fusermount3.lock"' "$log")" \
		"opens of the lock file; $(grep fusermount3.lock "$log")"
}

# A mount's record racing the helper's own unmount (attack-unlock): with
# no user's record in utab, -u decides under byte 1 that there is none to
# remove, lets byte 1 go and unmounts itself, with no child; the record
# of a mount attached just before (its child not yet at byte 1) can be
# written in between, for a mount gone right after: a stale record that
# a -u exiting 0 left.  Positioned by root's strace: the mount's helper
# stopped at its look at utab (after the attach, before its record's
# child exists), A's -u stopped right after it let byte 1 go (its second
# fcntl on the lock file); the mount's helper goes on until the record is
# written (its child's own look at utab is stopped too, and let go), then
# the -u goes on.  Its record must be gone with the mount.
utab_stopped_helpers() { # EXCEPT-PID
	local p
	for p in $(helper_pids); do
		[ "$p" != "$1" ] && grep -qE '^State:\s+[Tt]' "/proc/$p/status" 2>/dev/null && echo "$p"
	done
}
utab_record_written() { # EXCEPT-PID MOUNTPOINT
	local p
	for p in $(utab_stopped_helpers "$1"); do kill -CONT "$p"; done
	grep -qE "(^| )TARGET=$(re "$(mi_escape "$2")")( |\$)" "$UTAB"
}
test_utab_record_racing_unmount_here() {
	local mh uh
	need_strace
	need_client
	[ -e "$UTAB" ] || install -m 0644 /dev/null "$UTAB"	# FM_TEST_UTAB=absent
	u_mkdir "$H/m"
	# (LeakSanitizer cannot work under ptrace: off for the asan-check build)
	bg c strace -f -qq -o /dev/null -P "$UTAB" -e inject=all:signal=SIGSTOP:when=1 \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM_CLIENT" --helper "$FM" --mode classic \
		--ready-file "$UT/c.ready" --timeout 50 "$H/m"
	_asserted
	poll_until 10 eval '[ -n "$(utab_stopped_helpers x)" ]' || fail "the mount's helper never stopped at utab; $(bg_log c)"
	mh=$(utab_stopped_helpers x)
	assert_user_fuse_mount "$H/m"
	assert_eq "" "$(cat "$UTAB")" "$UTAB before the record"
	bg u strace -f -qq -o /dev/null -P /run/fusermount3.lock -e trace=fcntl \
		-e inject=fcntl:signal=SIGSTOP:when=2 "${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM" -u "$H/m"
	poll_until 10 eval '[ -n "$(utab_stopped_helpers "$mh")" ]' || fail "the -u never stopped at the lock file; $(bg_log u)"
	uh=$(utab_stopped_helpers "$mh")
	echo "mount's helper $mh stopped after the attach; -u $uh stopped after its look at utab under byte 1"
	assert_no_match "$(cat /proc/locks)" "OFDLCK +ADVISORY +WRITE .* $(lock_id /run/fusermount3.lock) 1 1\$" "byte 1 held"
	poll_until 10 utab_record_written "$uh" "$H/m" || fail "the record of $H/m was never written; $(bg_log c)"
	wait_for_file "$UT/c.ready" 10 "$(bg_log c)"
	kill -CONT "$uh"
	wait_exit u 10
	echo "-u: exit $BG_RC: $(cat "$T/u.err")"
	assert_eq 0 "$BG_RC" "exit status of -u"
	assert_not_mounted "$H/m"
	assert_utab_hasnt "$H/m"
	wait_exit c 10
}

# While that child waits for the helpers' utab lock (byte 1, held by the
# test), the mount is already gone; its uids are all 0 and the caller
# cannot stop it.  Held past the child's 1.5 s, -u still exits 0 within
# the bound, with the warning; the next change of utab heals the record.
test_utab_unmount_child_out_of_reach_and_bounded() {
	local child t0
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	u_mkdir "$H/m"
	start_client c --mode classic "$H/m"
	assert_utab_user "$H/m"
	hold_utab_byte "lk"
	t0=$(uptime_ms)
	bg u as_user "$FM" -u "$H/m"
	_asserted
	poll_until 5 has_utab_child || fail "no child waiting for byte 1; $(bg_log u)"
	child=$(helper_with_uid0)
	assert_not_mounted "$H/m"
	assert_exit 1 as_user kill -STOP "$child"
	assert_match "$ERR" 'Operation not permitted' "kill -STOP of the unmount's child by $U"
	wait_exit u 10
	assert_bounded "$t0" "-u with byte 1 held"
	assert_eq 0 "$BG_RC" "exit status of -u; $(bg_log u)"
	ERR=$(cat "$T/u.err")
	assert_err_line "$(kept_msg "$H/m")" "$(re "$FM")"
	kill "${BG[lk]}"
	wait_exit lk 5
	assert_utab_has "$H/m"
	wait_exit c 5
	# the next helper that changes utab drops the stale record
	start_client c2 --mode classic "$H/m"
	unmount_client c2 "$H/m"
	assert_utab_empty
}

# ---------------------------------------------------------------- pruning

# -u after the parent was renamed: the record of the old path goes too.
test_utab_rename_then_unmount() {
	u_mkdir "$H/p/m"
	start_client c --mode classic "$H/p/m"
	assert_utab_user "$H/p/m"
	as_user mv "$H/p" "$H/q" || fail "mv as $U"
	assert_exit 0 as_user "$FM" -u "$H/q/m"
	assert_eq "" "$ERR" "stderr of -u"
	assert_not_mounted "$H/q/m"
	wait_exit c 5
	assert_utab_empty
}

# A FUSE mount with a FUSE submount (on the outer one's file), -u -z of
# the outer one detaches both: neither record stays.
test_utab_nested_lazy_unmount() {
	u_mkdir "$H/a"
	start_client outer --mode classic "$H/a"
	start_client inner --mode classic --root-file "$H/a/hello"
	assert_utab_user "$H/a"
	assert_utab_user "$H/a/hello"
	assert_exit 0 as_user "$FM" -u -z "$H/a"
	assert_eq "" "$ERR" "stderr of -u -z"
	assert_not_mounted "$H/a"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts after the lazy unmount"
	assert_utab_empty
}

# The rename loop of the issue (rename, then unmount by the new name), a
# fixed number of rounds: utab never grows.
test_utab_rename_loop_no_growth() {
	local i
	u_mkdir "$H/p/m"
	for i in $(seq 15); do
		start_client "c$i" --mode classic "$H/p/m"
		as_user mv "$H/p" "$H/q" || fail "mv as $U"
		assert_exit 0 as_user "$FM" -u "$H/q/m"
		assert_eq "" "$ERR" "stderr of -u (round $i)"
		wait_exit "c$i" 5
		as_user mv "$H/q" "$H/p" || fail "mv back as $U"
		assert_eq 0 "$(stat -c %s "$UTAB")" "size of $UTAB after round $i"
	done
}

# Planted records: users' records of dead targets go at the next mount and
# at the next -u (whoever's they are); a record describing a live mount and
# another tool's record (no user=) stay, in their order.
test_utab_stale_pruned_live_and_foreign_kept() {
	local live foreign stale1 stale2
	mkdir -p "$T/live" && mount -t tmpfs -o size=1m fmtest-live "$T/live" || fail "tmpfs"
	live="SRC=fmtest-live TARGET=$T/live ROOT=/ OPTS=user=$U2"
	foreign="SRC=other TARGET=$H/gone2 ROOT=/ OPTS=x-tool"
	stale1="SRC=stale TARGET=$H/gone ROOT=/ OPTS=user=$U2"
	stale2="SRC=stale2 TARGET=$H/gone3\\040x ROOT=/ OPTS=user=$U,x-a"
	u_mkdir "$H/mnt"
	printf '%s\n' "$stale1" "$live" "$foreign" "$stale2" >"$UTAB"
	start_client c --mode classic "$H/mnt"
	assert_eq "$live"$'\n'"$foreign" "$(grep -v "TARGET=$H/mnt " "$UTAB")" "$UTAB after a mount"
	assert_utab_user "$H/mnt"
	printf '%s\n' "$stale1" "$stale2" >>"$UTAB"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	assert_eq "" "$ERR" "stderr of -u"
	wait_exit c 5
	assert_eq "$live"$'\n'"$foreign" "$(cat "$UTAB")" "$UTAB after -u"
}

# Two FUSE mounts stacked on one path: -u removes the top one and its
# record only; the live lower mount keeps its own.
test_utab_stacked_mounts() {
	u_mkdir "$H/s"
	start_client low --mode classic -o fsname=low "$H/s"
	start_client top --mode classic -o fsname=top "$H/s"
	assert_eq 2 "$(utab_targets | grep -Fxc "$H/s")" "records of $H/s"
	assert_exit 0 as_user "$FM" -u "$H/s"
	assert_eq "" "$ERR" "stderr of -u"
	wait_exit top 5
	assert_mounted "$H/s"
	assert_match "$(cat "$UTAB")" "^SRC=low TARGET=$(re "$H/s") .*OPTS=user=$U\$" "$UTAB"
	assert_eq 1 "$(utab_lines)" "records in $UTAB"
	unmount_client low "$H/s"
	assert_utab_empty
}

# The user's mount on a path that is another mount's mount point (root's
# tmpfs, given to the user): its record describes no mount once it is gone,
# though the path is still a mount point; the next helper drops it.
test_utab_stale_record_on_a_mounted_path() {
	mkdir -p "$T/shared" && mount -t tmpfs -o size=1m,mode=0755 fmtest-shared "$T/shared" &&
		chown "$U" "$T/shared" || fail "tmpfs for $U"
	start_client a --mode classic "$T/shared"
	assert_utab_user "$T/shared"
	[ -e "$UTAB.lock" ] || install -m 0644 /dev/null "$UTAB.lock"
	bg lock as_user2 sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 40' sh "$UTAB.lock"
	_asserted
	poll_until 5 eval "! flock -n -x $UTAB.lock true" || fail "the lock was not taken; $(bg_log lock)"
	assert_exit 0 as_user "$FM" -u "$T/shared"
	assert_err_line "$(kept_msg "$T/shared")" "$(re "$FM")"
	wait_exit a 5
	assert_mounted "$T/shared" tmpfs
	assert_utab_has "$T/shared"
	kill "${BG[lock]}"
	wait_exit lock 5
	u_mkdir "$H/m"
	start_client b --mode classic "$H/m"
	assert_utab_hasnt "$T/shared"
	unmount_client b "$H/m"
	assert_utab_empty
}

# ---------------------------------------------------------------- bounds

X_MSG="x- options too long (more than 1024 bytes) to record in $UTAB"
path_msg() { printf 'mountpoint %s too long (more than 1024 bytes) to record in %s' "$1" "$UTAB"; }

# a directory of the user whose absolute path has exactly LEN bytes
long_dir() { # LEN
	local p=$H
	while [ $(($1 - ${#p} - 1)) -gt 200 ]; do
		p=$p/$(printf 'd%.0s' $(seq 200))
	done
	p=$p/$(printf 'e%.0s' $(seq $(($1 - ${#p} - 1))))
	u_mkdir "$p"
	echo "$p"
}

# refused before the fd leaves, in both modes, with the message of --check
record_refused() { # MESSAGE FMCLIENT-ARGS... MOUNTPOINT
	local msg=$1 mp=${*: -1} m
	shift
	for m in classic sync-init; do
		run_client --mode "$m" "$@"
		assert_client_failed
		assert_no_match "$OUT" '^fd-received$' "fmclient stdout ($m): no fd sent"
		assert_eq "fusermount3: $msg" "$(grep -v '^fmclient:' <<<"$ERR")" "helper stderr ($m)"
		assert_not_mounted "$mp"
	done
}

test_utab_record_size_bounded() {
	local x1024 p1024 p1025
	u_mkdir "$H/mnt"
	x1024=x-$(printf 'a%.0s' $(seq 1022))
	start_client a --mode sync-init -o "$x1024" "$H/mnt"
	assert_match "$(cat "$UTAB")" "TARGET=$(re "$H/mnt") .*OPTS=user=$U,$x1024\$" "$UTAB"
	unmount_client a "$H/mnt"
	record_refused "$X_MSG" -o "${x1024}b" "$H/mnt"
	record_refused "$X_MSG" -o "x-a,x-b,$(printf 'x-%04d,' $(seq 204))x-c" "$H/mnt"
	assert_exit 1 as_user "$FM" --check -o "${x1024}b" "$H/mnt"
	assert_eq "deny: $X_MSG" "$OUT" "--check stdout"
	# the mount point: 1024 bytes recorded, 1025 refused
	p1024=$(long_dir 1024)
	p1025=$(long_dir 1025)
	assert_eq "1024 1025" "${#p1024} ${#p1025}" "lengths of the test paths"
	start_client b --mode classic "$p1024"
	assert_utab_user "$p1024"
	unmount_client b "$p1024"
	record_refused "$(path_msg "$p1025")" "$p1025"
	assert_utab_empty
}

# ---------------------------------------------------------------- lock

# Another user holds libmount's utab lock (any user can flock it): a -u
# and a mount take at most the bound, and say what they could not do;
# once the lock is free, the next helper heals utab.
test_utab_lock_held_bounded_and_healed() {
	local t0
	u_mkdir "$H/a" "$H/b"
	start_client a --mode classic "$H/a"
	assert_utab_user "$H/a"
	[ -e "$UTAB.lock" ] || install -m 0644 /dev/null "$UTAB.lock"
	# (one process holds it: killing it frees the lock)
	bg lock as_user2 sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 40' sh "$UTAB.lock"
	_asserted
	poll_until 5 eval "! flock -n -x $UTAB.lock true" || fail "the lock was not taken; $(bg_log lock)"
	t0=$(uptime_ms)
	assert_exit 0 as_user "$FM" -u "$H/a"
	assert_bounded "$t0" "-u with the lock held"
	assert_err_line "$(kept_msg "$H/a")" "$(re "$FM")"
	assert_not_mounted "$H/a"
	wait_exit a 5
	assert_utab_has "$H/a"
	t0=$(uptime_ms)
	start_client b --mode sync-init "$H/b"
	assert_bounded "$t0" "a mount with the lock held"
	assert_eq "fusermount3: $NOTREC_MSG" "$(cat "$T/b.err")" "helper stderr of the mount"
	assert_user_fuse_mount "$H/b"
	assert_utab_hasnt "$H/b"
	kill "${BG[lock]}"
	wait_exit lock 5
	# the next helper that changes utab (another user's) heals it
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	start_client v --as2 --mode classic "$H2/m"
	assert_utab_hasnt "$H/a"
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	assert_eq "" "$ERR" "stderr of $U2's -u"
	wait_exit v 5
	# one more cycle of the user's: nothing stays
	unmount_client b "$H/b"
	start_client a2 --mode classic "$H/a"
	unmount_client a2 "$H/a"
	assert_utab_empty
}

# ---------------------------------------------------- libmount not loadable

# LIB_HIDDEN: the files behind every libmount.so.1 the dynamic loader's
# cache names, each with an empty file bound over it in this namespace
# (what the helper's dlopen() meets when libmount is missing or, for the
# static build, when the installed glibc is not the one it was linked
# with: dlopen() fails).  Bound and unbound with python3's ctypes, since
# mount(8) and umount(8) need libmount themselves.
LIB_HIDE_PY='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for p in sys.argv[2:]:
    if sys.argv[1] == "hide":
        r = libc.mount(b"/dev/null", os.fsencode(p), None, 4096, None)  # MS_BIND
    else:
        r = libc.umount2(os.fsencode(p), 2)  # MNT_DETACH
    if r:
        sys.exit("%s %s: %s" % (sys.argv[1], p, os.strerror(ctypes.get_errno())))
'
lib_hide() { # hide|show
	local p
	if [ "$1" = hide ]; then
		LIB_HIDDEN=()
		while read -r p; do
			LIB_HIDDEN+=("$(readlink -f "$p")")
		done < <(ldconfig -p | sed -n 's/^[[:space:]]*libmount\.so\.1 .* => //p')
		[ ${#LIB_HIDDEN[@]} -gt 0 ] || fail "ldconfig -p names no libmount.so.1"
	fi
	/usr/bin/python3 -c "$LIB_HIDE_PY" "$1" "${LIB_HIDDEN[@]}" || fail "lib_hide $1"
}

# The helper cannot load libmount (dlopen fails): mounts and unmounts work
# all the same, only utab is not changed.  A mount's record is written
# after the fd is sent, so its loss is not said (as for any failure of
# that write); a -u says that the record stays whenever utab holds a
# user's record (only libmount can say whose), with the message of any
# utab failure; with libmount back the next helper that changes utab
# removes the stale record.
test_utab_libmount_unloadable() {
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	need_cmd ldconfig
	local m lost="Can not access a needed shared library"
	u_mkdir "$H/a" "$H/b" "$H/c"
	lib_hide hide
	at_cleanup /usr/bin/python3 -c "$LIB_HIDE_PY" show "${LIB_HIDDEN[@]}"
	# (mount(8), umount(8) and findmnt need libmount: nothing here uses them)
	for m in classic sync-init; do
		start_client "b$m" --mode "$m" "$H/b"
		assert_eq "" "$(cat "$T/b$m.err")" "stderr of the mount ($m)"
		assert_user_fuse_mount "$H/b"
		assert_utab_empty
		unmount_client "b$m" "$H/b"
	done
	lib_hide show
	start_client a --mode classic "$H/a"
	assert_utab_has "$H/a"
	lib_hide hide
	start_client b --mode classic "$H/b"
	assert_exit 0 as_user "$FM" -u "$H/b"
	assert_err_line "failed to remove the record of $H/b from $UTAB: $lost" "$(re "$FM")"
	assert_not_mounted "$H/b"
	wait_exit b 5
	assert_exit 0 as_user "$FM" -u "$H/a"
	assert_err_line "failed to remove the record of $H/a from $UTAB: $lost" "$(re "$FM")"
	assert_not_mounted "$H/a"
	wait_exit a 5
	assert_utab_has "$H/a"
	lib_hide show
	start_client c --mode classic "$H/c"
	assert_utab_hasnt "$H/a"
	unmount_client c "$H/c"
	assert_utab_empty
}
