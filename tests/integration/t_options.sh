# t_options.sh - mount options that reach the kernel, utab or a warning.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18 mounts)
# fm-twin: test_mount_flags_classic test_unsafe_options_classic
# fm-twin: test_x_options_and_ignored_options test_escaped_comma_only_in_fsname

mount_flags() { # MODE
	u_mkdir "$H/mnt"
	start_client c --mode "$1" -o ro,noexec,noatime,default_permissions "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	local f
	for f in ro noexec noatime; do
		assert_match "$MI_OPTS" "(^|,)$f(,|$)" "per-mount options ($1)"
	done
	assert_match "$MI_SUPER" '(^|,)default_permissions(,|$)' "superblock options ($1)"
	assert_exit 1 as_user touch "$H/mnt/new"
	assert_match "$ERR" 'Read-only file system'
	unmount_client c "$H/mnt"
}
test_mount_flags_classic() { mount_flags classic; }
test_mount_flags_sync_init() { mount_flags sync-init; }

# suid and dev are never granted to a user: a warning each, mount nosuid,nodev
unsafe_options() { # MODE
	u_mkdir "$H/mnt"
	start_client c --mode "$1" -o suid,dev,exec "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$(cat "$T/c.err")" "$(msg_re "unsafe option suid ignored")" "helper stderr ($1)"
	assert_match "$(cat "$T/c.err")" "$(msg_re "unsafe option dev ignored")" "helper stderr ($1)"
	unmount_client c "$H/mnt"
}
test_unsafe_options_classic() { unsafe_options classic; }
test_unsafe_options_sync_init() { unsafe_options sync-init; }

# x- options go to utab only; fd=, rootmode=, user_id=, group_id= from the
# caller are dropped in favour of the helper's own
test_x_options_and_ignored_options() {
	u_mkdir "$H/mnt"
	start_client c --mode classic -o "x-gvfs-hide,user_id=0,group_id=0,rootmode=100000,nonempty" "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$MI_SUPER" "(^|,)group_id=$GID1(,|$)" "superblock options"
	assert_no_match "$MI_SUPER" 'x-gvfs-hide' "superblock options"
	assert_match "$(cat /run/mount/utab)" "TARGET=$(re "$H/mnt") .*OPTS=user=$U,x-gvfs-hide( |$)" "utab"
	unmount_client c "$H/mnt"
}

# allow_other hidden behind an escaped comma is not an escape (CVE-2018-10906)
test_escaped_comma_only_in_fsname() {
	u_mkdir "$H/mnt"
	run_client --mode classic -o 'default_permissions\,allow_other' "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "^$ANYP: unknown option 'default_permissions\\\\'" "stderr"
	assert_not_mounted "$H/mnt"
	start_client c --mode classic -o 'fsname=a\,allow_other' "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_no_match "$MI_SUPER" 'allow_other' "superblock options"
	assert_eq 'a,allow_other' "$MI_SRC" "mount source"
	unmount_client c "$H/mnt"
}
