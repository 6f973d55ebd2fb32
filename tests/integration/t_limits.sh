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
