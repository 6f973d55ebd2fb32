# t_policy.sh - the fuse.conf policy keys (mount_dir, allow_other_group,
# user_mount_max, mountpoint_fs) and --check.

test_policy_mount_dir_smoke() {
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/a" "$H/other"
	assert_exit 0 as_user "$FM" --check "$H/fuse/a"
	assert_match "$OUT" "^allow: $(re "$H/fuse/a")$"
	assert_match "$OUT" "^decided by /etc/fuse.conf line 1$"
	assert_exit 1 as_user "$FM" --check "$H/other"
	assert_match "$OUT" "^deny: mountpoint $(re "$H/other") is not within a mount_dir of /etc/fuse.conf$"
	start_client a --mode classic "$H/fuse/a"
	assert_user_fuse_mount "$H/fuse/a"
	run_client --mode classic "$H/other"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "mountpoint $H/other is not within a mount_dir of /etc/fuse.conf")"
	assert_not_mounted "$H/other"
	unmount_client a "$H/fuse/a"
}
