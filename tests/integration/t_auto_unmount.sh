# t_auto_unmount.sh - the auto_unmount watcher cleans up after a dead daemon.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18 mounts)
# fm-twin: test_auto_unmount_kill9_classic test_auto_unmount_socket_closed
# fm-twin: test_auto_unmount_then_manual_unmount

auto_unmount_kill9() { # MODE
	u_mkdir "$H/mnt"
	start_client c --mode "$1" -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_no_match "$MI_SUPER" 'auto_unmount' "superblock options"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/mnt" 5
	assert_utab_lacks "$H/mnt"
	poll_until 5 no_helpers || fail "watcher still running: $(helper_pids)"
}
test_auto_unmount_kill9_classic() { auto_unmount_kill9 classic; }
test_auto_unmount_kill9_sync_init() { auto_unmount_kill9 sync-init; }

# the client closes the comm socket while the watcher waits on it
# The reference keeps a filesystem that still answers (§8): the watcher
# only unmounts a dead one.  Closing the socket while serving is not death.
test_auto_unmount_socket_closed() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount --fault close-while-watching "$H/mnt"
	poll_until 5 no_helpers || fail "watcher did not end: $(helper_pids)"
	assert_user_fuse_mount "$H/mnt"
	assert_eq "hello world" "$(as_user cat "$H/mnt/hello")" "the filesystem still serves"
	unmount_client c "$H/mnt"
}

# a healthy mount survives its watcher's normal end: -u by the user
test_auto_unmount_then_manual_unmount() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	unmount_client c "$H/mnt"
	poll_until 5 no_helpers || fail "watcher still running: $(helper_pids)"
}

test_auto_unmount_bindfs() {
	need_cmd bindfs
	u_mkdir "$H/src" "$H/mnt"
	bg b as_user bindfs -f --no-allow-other -o auto_unmount "$H/src" "$H/mnt"
	wait_mounted "$H/mnt" 5 "$(bg_log b)"
	assert_user_fuse_mount "$H/mnt"
	kill -KILL "${BG[b]}"
	wait_unmounted "$H/mnt" 5
	assert_utab_lacks "$H/mnt"
}

# --auto-unmount: a root daemon mounted by itself and only wants the watcher
test_auto_unmount_helper_mode_root() {
	need_client
	mkdir "$T/mnt" || fail "mkdir"
	bg c "$FM_CLIENT" --helper "$FM" --mode auto-unmount --ready-file "$T/ready" --timeout 50 "$T/mnt"
	poll_until 10 test -e "$T/ready" || fail "fmclient not ready; $(bg_log c)"
	assert_mounted "$T/mnt" "$FUSE_TYPE_RE"
	poll_until 5 some_helpers || fail "no watcher running"
	kill -KILL "${BG[c]}"
	wait_unmounted "$T/mnt" 5
	poll_until 5 no_helpers || fail "watcher still running: $(helper_pids)"
}
