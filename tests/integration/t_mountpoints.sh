# t_mountpoints.sh - which mountpoints a user may and may not use.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18 mounts)
# fm-twin: test_mp_sticky_dir_of_other_user test_mp_sticky_dir_own
# fm-twin: test_mp_writable_dir_of_other_user test_mp_no_write_access
# fm-twin: test_mp_procfs_file test_mp_procfs_dirs test_mp_symlink_refused
# fm-twin: test_mp_device_node_refused test_mp_regular_file
# fm-twin: test_mp_regular_file_not_writable

# procfs magic as %#010lx; the helper may name the type after it
PROC_TYPE='0x00009fa0( \([a-z]+\))? is forbidden$'

# refused_mountpoint MESSAGE-REGEX MOUNTPOINT [fmclient args...]
refused_mountpoint() {
	local re=$1 mp=$2
	shift 2
	run_client --mode classic "$@" "$mp"
	assert_client_failed
	assert_match "$ERR" "$re" "stderr for mountpoint $mp"
	assert_not_mounted "$mp"
	assert_eq 0 "$(fuse_mount_count)" "number of FUSE mounts"
}

test_mp_sticky_dir_of_other_user() {
	mkdir "$UT/sticky" && chown "$U2:$U2" "$UT/sticky" && chmod 1777 "$UT/sticky" || fail "mkdir"
	refused_mountpoint "$(msg_re "mountpoint $UT/sticky not owned by user")" "$UT/sticky"
}

test_mp_sticky_dir_own() {
	mkdir "$UT/sticky" && chown "$U:$U" "$UT/sticky" && chmod 1777 "$UT/sticky" || fail "mkdir"
	start_client c --mode classic "$UT/sticky"
	assert_user_fuse_mount "$UT/sticky"
	unmount_client c "$UT/sticky"
}

# a writable, non-sticky directory of another user is acceptable
test_mp_writable_dir_of_other_user() {
	mkdir "$UT/shared" && chown "$U2:$U2" "$UT/shared" && chmod 0777 "$UT/shared" || fail "mkdir"
	start_client c --mode classic "$UT/shared"
	assert_user_fuse_mount "$UT/shared"
	unmount_client c "$UT/shared"
}

test_mp_no_write_access() {
	mkdir -m 0755 "$T/rootdir" || fail "mkdir"
	refused_mountpoint "$(msg_re "user has no write access to mountpoint $T/rootdir")" "$T/rootdir"
	mkdir -m 0555 "$H/ro" && chown "$U:$U" "$H/ro" || fail "mkdir"
	refused_mountpoint "$(msg_re "user has no write access to mountpoint $H/ro")" "$H/ro"
}

# procfs: a file the user owns and may write (/proc/PID/comm of its own process)
test_mp_procfs_file() {
	bg victim as_user sleep 40
	local pid=${BG[victim]}
	poll_until 5 owned_by "/proc/$pid/comm" "$U" ||
		fail "/proc/$pid/comm is not owned by $U"
	refused_mountpoint "^$ANYP: mounting over filesystem type $PROC_TYPE" \
		"/proc/$pid/comm" --root-file
}

# procfs directories: refused whichever check fires first
test_mp_procfs_dirs() {
	bg victim as_user sleep 40
	refused_mountpoint "^$ANYP: (user has no write access to mountpoint /proc/[0-9]+/fd\$|mounting over filesystem type $PROC_TYPE)" \
		/proc/self/fd
	refused_mountpoint "^$ANYP: (user has no write access to mountpoint /proc/${BG[victim]}\$|mounting over filesystem type $PROC_TYPE)" \
		"/proc/${BG[victim]}"
}

test_mp_symlink_refused() {
	u_mkdir "$H/dir"
	as_user ln -s dir "$H/lnk" || fail "ln -s"
	refused_mountpoint "$(msg_re "mountpoint $H/lnk is not a directory or a regular file")" "$H/lnk"
	assert_not_mounted "$H/dir"
}

test_mp_device_node_refused() {
	refused_mountpoint "$(msg_re "mountpoint /dev/null is not a directory or a regular file")" /dev/null --root-file
}

test_mp_regular_file() {
	u_write "$H/file" "original"
	start_client c --mode classic --root-file --content "served file" "$H/file"
	assert_user_fuse_mount "$H/file"
	assert_exit 0 as_user cat "$H/file"
	assert_eq "served file" "$OUT" "content of the file mount"
	unmount_client c "$H/file"
	assert_eq original "$(cat "$H/file")" "the file under the mount"
}

test_mp_regular_file_sync_init() {
	u_write "$H/file" "original"
	start_client c --mode sync-init --root-file --content "served file" "$H/file"
	assert_user_fuse_mount "$H/file"
	assert_exit 0 as_user cat "$H/file"
	assert_eq "served file" "$OUT" "content of the file mount"
	unmount_client c "$H/file"
}

# a file the user cannot write
test_mp_regular_file_not_writable() {
	install -m 0644 /dev/null "$T/rootfile" || fail "install"
	refused_mountpoint "$(msg_re "failed to open $T/rootfile: Permission denied")" "$T/rootfile" --root-file
}
