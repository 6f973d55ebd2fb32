# t_reattach.sh - auto_unmount,reattach: the watcher keeps the connection
# when the server dies and hands it to the restarted server (--reattach).

# the socket names of the watchers listening in this network namespace
reattach_names() { grep -o '@fusermount3-reattach-[uo][0-9a-f]*' /proc/net/unix; }

# a reader blocked in READ while the server is SIGKILLed gets its data
# from the next server, which reattaches and asks for a resend
test_reattach_reader_survives_kill9() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach=20 --stall-read "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	bg r as_user cat "$H/mnt/hello"
	poll_until 5 grep -qx 'stalled=read' "$T/c.out" || fail "READ not stalled; $(bg_log c)"
	kill -KILL "${BG[c]}"
	wait_exit c 5
	assert_user_fuse_mount "$H/mnt"
	# the orphaned watcher waits with nothing effective; it keeps 5 fds
	# (null 0-2, socket, parent, device, listening socket) and the
	# waiting name for --list
	local pid
	pid=$(helper_pids)
	[ "$(grep -c . <<<"$pid")" = 1 ] || fail "expected one watcher, got '$pid'"
	assert_match "$(cat "/proc/$pid/status")" '^CapEff:[[:space:]]+0+$' "the watcher's status"
	assert_eq "0 1 2 3 4 5 6 7" "$(find "/proc/$pid/fd" -mindepth 1 -printf '%f\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" "the watcher's fds"
	assert_eq /dev/fuse "$(readlink "/proc/$pid/fd/5")" "the kept fd"
	assert_match "$(readlink "/proc/$pid/fd/7")" '^socket:' "the waiting name"
	start_client d --mode reattach "$H/mnt"
	wait_exit r 10
	assert_eq 0 "$BG_RC" "exit status of the blocked reader ($(bg_log r))"
	assert_eq "hello world" "$(cat "$T/r.out")" "what the blocked reader read"
	assert_match "$(cat "$T/d.out")" '^resent$' "the new server's output"
	assert_eq "hello world" "$(as_user cat "$H/mnt/hello")" "a new read"
	unmount_client d "$H/mnt"
	poll_until 5 no_helpers || fail "watcher still running: $(helper_pids)"
}

# nobody reattaches: the grace period ends, the connection is aborted (the
# blocked reader gets an error) and the mount and its record are gone
test_reattach_grace_expires() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach=2 --stall-read "$H/mnt"
	assert_utab_user "$H/mnt"
	bg r as_user cat "$H/mnt/hello"
	poll_until 5 grep -qx 'stalled=read' "$T/c.out" || fail "READ not stalled; $(bg_log c)"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/mnt" 15
	assert_utab_lacks "$H/mnt"
	wait_exit r 5
	[ "$BG_RC" != 0 ] || fail "the blocked reader succeeded without a server: $(bg_log r)"
	poll_until 5 no_helpers || fail "watcher still running: $(helper_pids)"
	assert_eq "" "$(reattach_names)" "reattach sockets left"
}

# --reattach of another user's mount is refused like -u of it
test_reattach_other_user_refused() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach "$H/mnt"
	run_client --as2 --mode reattach "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$H/mnt is not a FUSE mount of the caller")" "stderr"
	assert_eq "hello world" "$(as_user cat "$H/mnt/hello")" "the mount still serves"
	unmount_client c "$H/mnt"
}

# while a server is attached (the first one, or a reattached one), a
# further --reattach is refused and changes nothing
test_reattach_second_refused() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach=20 "$H/mnt"
	run_client --mode reattach "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$H/mnt has a server attached")" "stderr"
	kill -KILL "${BG[c]}"
	wait_exit c 5
	start_client d --mode reattach "$H/mnt"
	run_client --mode reattach "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$H/mnt has a server attached")" "stderr"
	assert_eq "hello world" "$(as_user cat "$H/mnt/hello")" "the reattached server serves"
	unmount_client d "$H/mnt"
}

test_reattach_without_option_refused() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount "$H/mnt"
	run_client --mode reattach "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "$H/mnt was not mounted with reattach")" "stderr"
	unmount_client c "$H/mnt"
}

test_reattach_bad_options() {
	u_mkdir "$H/mnt"
	assert_exit 1 as_user "$FM" --check -o reattach "$H/mnt"
	assert_eq "deny: option reattach needs auto_unmount" "$OUT" "--check"
	for v in 0 3601 x ''; do
		assert_exit 1 as_user "$FM" --check -o "auto_unmount,reattach=$v" "$H/mnt"
		assert_eq "deny: invalid value in option 'reattach=$v'" "$OUT" "--check"
	done
	run_client --mode classic -o reattach "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "option reattach needs auto_unmount")" "stderr"
	assert_not_mounted "$H/mnt"
	assert_exit 0 as_user "$FM" --check -o auto_unmount,reattach=3600 "$H/mnt"
	assert_exit 1 as_user "$FM" --reattach -o auto_unmount "$H/mnt"
	assert_err_line "--reattach takes no other option"
}

# the watcher's socket gives nothing to a process that did not come
# through the helper, not even to the mount's owner: it must have made
# its connect() with effective uid 0
test_reattach_socket_direct_refused() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach=20 "$H/mnt"
	kill -KILL "${BG[c]}"
	wait_exit c 5
	local name
	name=$(reattach_names)
	[ "$(grep -c . <<<"$name")" = 1 ] || fail "expected one reattach socket, got '$name'"
	cat >"$UT/direct.py" <<-'PY'
		import array, socket, struct, sys
		s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		s.settimeout(5)
		s.connect("\0" + sys.argv[1])
		a, b = socket.socketpair()
		req = b"FMREATT1" + struct.pack("=QII", int(sys.argv[1][22:], 16), 1, 0)
		try:
		    s.sendmsg([req], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [b.fileno()]))])
		    data, anc, _, _ = s.recvmsg(16, socket.CMSG_SPACE(16))
		except (ConnectionResetError, BrokenPipeError):
		    data, anc = b"", []
		print("got-fd" if anc else "no-fd")
		sys.exit(3 if anc else 0)
	PY
	chmod 0644 "$UT/direct.py" || fail "chmod"
	for who in as_user as_user2; do
		assert_exit 0 "$who" python3 "$UT/direct.py" "${name#@}"
		assert_eq no-fd "$OUT" "what $who got from the watcher's socket"
	done
	start_client d --mode reattach "$H/mnt"
	assert_eq "hello world" "$(as_user cat "$H/mnt/hello")" "the reattached server serves"
	unmount_client d "$H/mnt"
}

# ------------------------------------------------ fuse.conf reattach_grace_max

# reattach=N above the admin's cap is refused, at or below it allowed;
# --check names the line that decided
test_reattach_grace_cap_refuses() {
	set_fuse_conf 'reattach_grace_max = 5'
	u_mkdir "$H/mnt"
	assert_exit 1 as_user "$FM" --check -o auto_unmount,reattach=6 "$H/mnt"
	assert_eq "deny: option reattach=6 is more than reattach_grace_max=5 set in /etc/fuse.conf"$'\n'"decided by /etc/fuse.conf line 1" "$OUT" "--check"
	assert_exit 0 as_user "$FM" --check -o auto_unmount,reattach=5 "$H/mnt"
	assert_eq "allow: $H/mnt"$'\n'"decided by /etc/fuse.conf line 1" "$OUT" "--check"
	run_client --mode classic -o auto_unmount,reattach=6 "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "option reattach=6 is more than reattach_grace_max=5 set in /etc/fuse.conf")" "stderr"
	assert_not_mounted "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach=5 "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	unmount_client c "$H/mnt"
}

# a cap of 0: no reattach for non-root mounts; plain auto_unmount is fine
test_reattach_grace_cap_zero() {
	set_fuse_conf 'reattach_grace_max = 0'
	u_mkdir "$H/mnt"
	run_client --mode classic -o auto_unmount,reattach "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "option reattach is not allowed: reattach_grace_max=0 is set in /etc/fuse.conf")" "stderr"
	assert_not_mounted "$H/mnt"
	start_client c --mode classic -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	unmount_client c "$H/mnt"
}

# a bare "reattach" (30 s) gets the cap: with a cap of 2 the orphaned mount
# is gone well before 30 s, as in test_reattach_grace_expires
test_reattach_grace_cap_lowers_default() {
	set_fuse_conf 'reattach_grace_max = 2'
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount,reattach "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	kill -KILL "${BG[c]}"
	wait_exit c 5
	wait_unmounted "$H/mnt" 15
	assert_utab_lacks "$H/mnt"
	poll_until 5 no_helpers || fail "watcher still running: $(helper_pids)"
}

# a malformed cap fails closed like every policy key
test_reattach_grace_cap_malformed() {
	set_fuse_conf 'reattach_grace_max = 5s'
	u_mkdir "$H/mnt"
	run_client --mode classic -o auto_unmount "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "/etc/fuse.conf line 1: reattach_grace_max takes a number of seconds from 0 to 3600; non-root mounts are refused")" "stderr"
	assert_not_mounted "$H/mnt"
}

# ------------------------------------------------------------------ --list

# the state --list gives MOUNTPOINT, text and JSON
reattach_list_state() { # MOUNTPOINT WANT
	FM_CMD_TIMEOUT=10 assert_exit 0 as_user "$FM" --list
	assert_eq "$2" "$(P=$1 awk '$1 == ENVIRON["P"] { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' <<<"$OUT")" "--list state of $1"
	FM_CMD_TIMEOUT=10 assert_exit 0 as_user "$FM" --list --json
	assert_match "$OUT" "\"mountpoint\": \"$1\".*\"state\": \"$2\"" "--list --json"
}

# orphaned: "waiting for server"; reattached: alive again; a stalled
# server that is attached stays "not answering"
test_reattach_list_waiting() {
	u_mkdir "$H/mnt" "$H/hung"
	start_client c --mode classic -o auto_unmount,reattach=20 "$H/mnt"
	reattach_list_state "$H/mnt" alive
	kill -KILL "${BG[c]}"
	wait_exit c 5
	reattach_list_state "$H/mnt" "waiting for server"
	start_client d --mode reattach "$H/mnt"
	assert_eq "hello world" "$(as_user cat "$H/mnt/hello")" "the reattached server serves"
	reattach_list_state "$H/mnt" alive
	start_client h --mode classic -o auto_unmount,reattach=20 --stall-on hang "$H/hung"
	bg hr as_user cat "$H/hung/hang"
	poll_until 5 grep -q 'server: stalled' "$T/h.err" || fail "server did not stall; $(bg_log h)"
	reattach_list_state "$H/hung" "not answering"
	unmount_client d "$H/mnt"
}
