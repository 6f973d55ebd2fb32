# t_backends.sh - the same basic mounts with the helper built without the
# new mount API (FM_BIN_LEGACY, mounts with mount(2)).

# shellcheck source=t_core.sh
. "$(dirname "${BASH_SOURCE[0]}")/t_core.sh"

test_legacy_bindfs_basic() {
	use_legacy_helper
	test_bindfs_basic
}

test_legacy_allow_other() {
	use_legacy_helper
	allow_other_refused classic
	allow_other_accepted classic
}

test_legacy_fsname_subtype() {
	use_legacy_helper
	fsname_subtype classic
}

test_legacy_unmount_and_auto_unmount() {
	use_legacy_helper
	u_mkdir "$H/mnt"
	start_client c --mode classic -o auto_unmount "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/mnt" 5
	start_client d --mode classic "$H/mnt"
	unmount_client d "$H/mnt"
}

test_legacy_sync_init_refused() {
	use_legacy_helper
	u_mkdir "$H/mnt"
	run_client --mode sync-init "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "sync-init mode requires new mount API support")"
	assert_not_mounted "$H/mnt"
}
