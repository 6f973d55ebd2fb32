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

# without the new API, --sync-init still works: mount(2) after "proceed"
test_legacy_sync_init() {
	use_legacy_helper
	u_mkdir "$H/mnt"
	start_client c --mode sync-init -o fsname=legacysync "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_eq legacysync "$MI_SRC" "mount source"
	assert_match "$(cat "$T/c.out")" '^status=0$' "fmclient stdout"
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "hello world" "$OUT"
	unmount_client c "$H/mnt"
}
