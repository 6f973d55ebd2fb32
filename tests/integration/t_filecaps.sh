# t_filecaps.sh - the helper installed with file capabilities instead of the
# setuid bit (attack case T34): the key tests once more, in two installs:
#   caps_*      as `make install INSTALL_MODE=caps` does it (the same
#               script: tests/grant-privilege.sh, which grants
#               cap_sys_admin,cap_setuid,cap_setgid+ep)
#   sysadmin_*  `setcap cap_sys_admin=ep` alone (what the reference case and
#               secureblue do): mounts work, they are not recorded in utab
#               (documented in fusermount3(1)), and nothing says otherwise
# Without the setuid bit euid == ruid from the start: nothing may rely on
# getuid() == 0 or on a setfsuid() "drop"; AT_SECURE still applies.

# shellcheck source=t_core.sh
. "$(dirname "${BASH_SOURCE[0]}")/t_core.sh"
# shellcheck source=t_attacks.sh
. "$(dirname "${BASH_SOURCE[0]}")/t_attacks.sh"
# shellcheck source=t_features.sh
. "$(dirname "${BASH_SOURCE[0]}")/t_features.sh"

FC_GRANT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/grant-privilege.sh

# use_caps_helper grant|sysadmin: the helper under test, 0755, file caps
use_caps_helper() {
	need_cmd setcap getcap
	cat "$FM_BIN" >"$T/bin/fusermount3" && chown root:root "$T/bin/fusermount3" &&
		chmod 0755 "$T/bin/fusermount3" || fail "cannot install the helper"
	case $1 in
	grant) "$FC_GRANT" caps "$T/bin/fusermount3" || fail "grant-privilege.sh caps failed" ;;
	sysadmin) setcap cap_sys_admin=ep "$T/bin/fusermount3" || fail "setcap failed" ;;
	esac
	_asserted
	[ ! -u "$T/bin/fusermount3" ] || fail "the helper still has the setuid bit"
	FC_CAPS=$(getcap "$T/bin/fusermount3" | sed 's/^[^ ]* //')
	case $1 in
	grant) assert_match "$FC_CAPS" '^cap_setgid,cap_setuid,cap_sys_admin[=+]ep$' "file capabilities (grant-privilege.sh)" ;;
	sysadmin) assert_match "$FC_CAPS" '^cap_sys_admin[=+]ep$' "file capabilities" ;;
	esac
	echo "installed: $(stat -c '%A %U:%G' "$T/bin/fusermount3") $FC_CAPS"
	FC_MODE=$1
}

# ------------------------------------------------------------ core flows

# mount (classic, sync-init), read, -u: as with setuid; utab only when the
# install grants CAP_SETUID/CAP_SETGID, and no warning either way
fc_core() {
	local m
	u_mkdir "$H/mnt"
	for m in classic sync-init; do
		start_client "c$m" --mode "$m" --content "caps $m" "$H/mnt"
		assert_user_fuse_mount "$H/mnt"
		assert_eq "" "$(cat "$T/c$m.err")" "helper stderr ($m)"
		assert_exit 0 as_user cat "$H/mnt/hello"
		assert_eq "caps $m" "$OUT" "content ($m)"
		if [ "$FC_MODE" = grant ]; then
			assert_utab_user "$H/mnt"
		else
			assert_eq "" "$(cat /run/mount/utab)" "utab (not recorded without CAP_SETUID/CAP_SETGID)"
		fi
		unmount_client "c$m" "$H/mnt"
		assert_utab_lacks "$H/mnt"
	done
	# auto_unmount: the watcher removes a dead daemon's mount
	start_client w --mode sync-init -o auto_unmount "$H/mnt"
	kill -KILL "${BG[w]}"
	wait_unmounted "$H/mnt" 5
	poll_until 5 no_helpers || fail "watcher left: $(helper_pids)"
	# the environment knob is ignored (AT_SECURE): the new API is used
	need_strace
	bg e strace -f -qq -e trace=fsopen,mount -o "$T/e.strace" "${AS_USER[@]}" FUSERMOUNT3_BACKEND=legacy \
		ASAN_OPTIONS=detect_leaks=0 "$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/e.ready" \
		--timeout 30 "$H/mnt"
	_asserted
	poll_until 10 test -e "$UT/e.ready" || fail "not mounted; $(bg_log e)"
	assert_match "$(cat "$T/e.strace")" 'fsopen\("fuse"' "strace: FUSERMOUNT3_BACKEND=legacy ignored"
	unmount_client e "$H/mnt"
	# the other user's mount stays out of reach
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	start_client v --as2 --mode classic "$H2/m"
	assert_exit 1 as_user "$FM" -u "$H2/m"
	assert_err_line "entry for $H2/m not found in /etc/mtab"
	assert_mounted "$H2/m"
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	assert_not_mounted "$H2/m"
}
test_caps_core_mount_unmount() {
	use_caps_helper grant
	fc_core
}
test_sysadmin_core_mount_unmount() {
	use_caps_helper sysadmin
	fc_core
}
test_caps_bindfs() {
	use_caps_helper grant
	test_bindfs_basic
}

# ------------------------------------------------------------ limits

# The limits lock is root's file: with the granted capabilities the helper
# opens it (fsuid 0) and the limits hold; with cap_sys_admin alone it
# cannot, so user_mount_max refuses every mount and mount_max is counted
# without the lock (still refused once reached, one mount at a time).
fc_limits() {
	local m
	u_mkdir "$H/a" "$H/b"
	set_fuse_conf "user_mount_max = 1"
	for m in classic sync-init; do
		if [ "$FC_MODE" = grant ]; then
			start_client "a$m" --mode "$m" "$H/a"
			run_client --mode "$m" "$H/b"
			assert_client_failed
			assert_eq "fusermount3: too many FUSE filesystems mounted by this user; user_mount_max=1 is set in /etc/fuse.conf" \
				"$ERR" "stderr ($m, user_mount_max reached)"
			unmount_client "a$m" "$H/a"
		else
			run_client --mode "$m" "$H/a"
			assert_client_failed
			assert_eq "fusermount3: cannot enforce user_mount_max: /run/fusermount3.lock: Operation not permitted" \
				"$ERR" "stderr ($m, no lock without CAP_SETUID)"
			assert_not_mounted "$H/a"
		fi
	done
	set_fuse_conf "mount_max = 1"
	for m in classic sync-init; do
		start_client "m$m" --mode "$m" "$H/a"
		run_client --mode "$m" "$H/b"
		assert_client_failed
		assert_eq "fusermount3: too many FUSE filesystems mounted; mount_max=N can be set in /etc/fuse.conf" \
			"$ERR" "stderr ($m, mount_max reached)"
		unmount_client "m$m" "$H/a"
	done
	if [ "$FC_MODE" = grant ]; then
		assert_eq "0:0 600" "$(stat -c '%u:%g %a' /run/fusermount3.lock)" "owner and mode of /run/fusermount3.lock"
	else
		assert_eq "" "$(ls /run/fusermount3.lock 2>/dev/null)" "no lock file without CAP_SETUID"
	fi
}
test_caps_limits() {
	use_caps_helper grant
	fc_limits
}
test_sysadmin_limits() {
	use_caps_helper sysadmin
	fc_limits
}

# ------------------------------------------------------------ capabilities

test_caps_per_phase_filecaps() {
	use_caps_helper grant
	CAPS_PRM=00000000002000c0 CAPS_UTAB=yes
	CAPS_BND=$(as_user grep '^CapBnd:' /proc/self/status | awk '{ print $2 }')
	caps_per_phase
}
test_sysadmin_per_phase() {
	use_caps_helper sysadmin
	CAPS_PRM=$CAPS_SYS_ADMIN CAPS_UTAB=no
	CAPS_BND=$(as_user grep '^CapBnd:' /proc/self/status | awk '{ print $2 }')
	caps_per_phase
}
# --help, --version, --features: every file capability dropped before
# the answer is written (the setuid twin is test_features_answer_as_caller)
test_caps_features_answer_as_caller() {
	use_caps_helper grant
	test_features_answer_as_caller
}
test_sysadmin_features_answer_as_caller() {
	use_caps_helper sysadmin
	test_features_answer_as_caller
}

# ------------------------------------------------------------ attack cases

test_caps_t04_hidden_allow_other() {
	use_caps_helper grant
	test_t04_hidden_allow_other_refused
}
test_sysadmin_t04_hidden_allow_other() {
	use_caps_helper sysadmin
	test_t04_hidden_allow_other_refused
}
test_caps_t04_kernel_sees_only_allowlisted_options() {
	use_caps_helper grant
	test_t04_kernel_sees_only_allowlisted_options
}
test_caps_t05_privileged_options() {
	use_caps_helper grant
	test_t05_privileged_options
	test_t05_dropped_and_regenerated_options
}
test_sysadmin_t05_privileged_options() {
	use_caps_helper sysadmin
	test_t05_privileged_options
}
test_caps_t11_symlink_last_component() {
	use_caps_helper grant
	test_t11_symlink_last_component
}
test_sysadmin_t11_symlink_last_component() {
	use_caps_helper sysadmin
	test_t11_symlink_last_component
}
# fm-timeout: test_caps_t11_unmount_race_sigstop 90
test_caps_t11_unmount_race_sigstop() {
	use_caps_helper grant
	test_t11_unmount_race_sigstop
}
test_caps_t12_uid_name_prefix() {
	use_caps_helper grant
	test_t12_uid_name_prefix_mtab_symlink
}
test_caps_t14_proc() {
	use_caps_helper grant
	test_t14_pseudo_fs_targets_proc
}
test_sysadmin_t14_dev() {
	use_caps_helper sysadmin
	test_t14_pseudo_fs_targets_dev
}
test_caps_t18_closed_stdio() {
	use_caps_helper grant
	test_t18_closed_stdio_each
}
test_caps_t18_inherited_fds_watcher() {
	use_caps_helper grant
	test_t18_inherited_fds_watcher_sync_init
}
test_sysadmin_t18_inherited_fds_watcher() {
	use_caps_helper sysadmin
	test_t18_inherited_fds_watcher_classic
}
test_caps_t29_not_dumpable() {
	use_caps_helper grant
	test_t29_not_dumpable_while_waiting
}
