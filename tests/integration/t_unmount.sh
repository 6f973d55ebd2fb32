# t_unmount.sh - `fusermount3 -u` and its ownership rules.

test_unmount_own() {
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	unmount_client c "$H/mnt"
	assert_utab_lacks "$H/mnt"
}

# GNU getopt permutation: the option may follow the mountpoint
test_unmount_option_after_mountpoint() {
	u_mkdir "$H/mnt"
	start_client c --mode sync-init "$H/mnt"
	assert_exit 0 as_user "$FM" "$H/mnt" -u
	assert_not_mounted "$H/mnt"
	wait_exit c 5
	assert_eq 0 "$BG_RC" "fmclient exit status"
}

other_users_mount() { # mount as $U2 on $H2/mnt
	as_user2 mkdir -p "$H2/mnt" || fail "mkdir as $U2"
	start_client c2 --as2 --mode classic "$H2/mnt"
	assert_user_fuse_mount "$H2/mnt" "$FUSE_TYPE_RE" "$UID2"
}

test_unmount_other_users_mount() {
	other_users_mount
	assert_exit 1 as_user "$FM" -u "$H2/mnt"
	assert_err_line "entry for $H2/mnt not found in /etc/mtab" "$(re "$FM")"
	assert_user_fuse_mount "$H2/mnt" "$FUSE_TYPE_RE" "$UID2"
	assert_exit 1 as_user "$FM" -u -z "$H2/mnt"
	assert_mounted "$H2/mnt"
	assert_utab_user "$H2/mnt" "$U2"
	assert_exit 0 as_user2 "$FM" -u "$H2/mnt"
	assert_not_mounted "$H2/mnt"
}

test_unmount_quiet() {
	other_users_mount
	assert_exit 1 as_user "$FM" -q -u "$H2/mnt"
	assert_eq "" "$ERR" "stderr of -q -u"
	assert_mounted "$H2/mnt"
	assert_exit 1 as_user "$FM" --quiet --unmount "$H2/mnt"
	assert_eq "" "$ERR" "stderr of --quiet --unmount"
	assert_mounted "$H2/mnt"
}

# a non-FUSE mount on a directory the user owns
test_unmount_tmpfs_refused() {
	u_mkdir "$H/tmpfs"
	mount -t tmpfs -o size=1m fmtest-tmpfs "$H/tmpfs" || fail "mount tmpfs"
	assert_exit 1 as_user "$FM" -u "$H/tmpfs"
	assert_err_line "entry for $H/tmpfs not found in /etc/mtab" "$(re "$FM")"
	assert_mounted "$H/tmpfs" tmpfs
}

test_unmount_not_mounted() {
	u_mkdir "$H/mnt"
	assert_exit 1 as_user "$FM" -u "$H/mnt"
	assert_err_line "entry for $H/mnt not found in /etc/mtab" "$(re "$FM")"
}

test_unmount_lazy() {
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	# a process of the user keeps the mount busy
	bg busy as_user sh -c 'cd "$1" && exec sleep 40' sh "$H/mnt"
	poll_until 5 cwd_is "${BG[busy]}" "$H/mnt" ||
		fail "busy process did not enter $H/mnt; $(bg_log busy)"
	# a plain -u detaches it too, through the checked mount's fd (no
	# unmount by name: t_identity.sh, test_id_rename_exchange_unmount)
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	assert_eq "" "$ERR" "stderr of -u"
	assert_not_mounted "$H/mnt"
	assert_utab_lacks "$H/mnt"
	kill "${BG[busy]}"
	wait_exit c 5
	assert_eq 0 "$BG_RC" "fmclient exit status after the last user left"
}

# the form libfuse uses when umount2 fails for a non-root daemon
test_unmount_library_form() {
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	assert_exit 0 as_user "$FM" --unmount --quiet --lazy -- "$H/mnt"
	assert_eq "" "$ERR" "stderr"
	assert_not_mounted "$H/mnt"
	wait_exit c 5
	assert_eq 0 "$BG_RC" "fmclient exit status"
}

test_unmount_symlink_refused() {
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	as_user ln -s mnt "$H/link" || fail "ln -s"
	assert_exit 1 as_user "$FM" -u "$H/link"
	assert_err_line "entry for $H/link not found in /etc/mtab" "$(re "$FM")"
	assert_mounted "$H/mnt"
	unmount_client c "$H/mnt"
}

# root unmounts a user's mount made without allow_other, which FUSE does
# not let root look into (statx of anything but nothing gives EACCES)
test_unmount_by_root() {
	u_mkdir "$H/mnt" "$H/mnt2"
	start_client c --mode classic "$H/mnt"
	assert_exit 0 "$FM" -u "$H/mnt"
	assert_eq "" "$ERR" "stderr of root's -u"
	assert_not_mounted "$H/mnt"
	assert_utab_lacks "$H/mnt"
	wait_exit c 5
	start_client c2 --mode sync-init "$H/mnt2"
	assert_exit 0 "$FM" -u -z "$H/mnt2"
	assert_not_mounted "$H/mnt2"
}
