# t_policy.sh - the fuse.conf policy keys (mount_dir, allow_other_group,
# user_mount_max, mountpoint_fs) and --check (issue #4).
#
# Almost every case goes through `agree`: `--check` as the caller first,
# then the real mount through fmclient (classic and --sync-init), and the
# two must tell the same story: allow <=> a FUSE mount of the caller exists
# at the expected place; deny <=> exactly the message --check printed, and
# nothing mounted, nothing sent (no fd) in sync-init mode.

# shellcheck disable=SC2016,SC2015,SC2034 # literal $VARs for fuse.conf; fail-or-go chains; arrays used by name
CONF=/etc/fuse.conf
CROSS=" (the way up crosses another mount)"
AO_MSG="option allow_other only allowed if 'user_allow_other' is set in $CONF"
MAX_MSG="too many FUSE filesystems mounted; mount_max=N can be set in $CONF"
MD_WHY="mount_dir must be an absolute path without '.' or '..' and use only \$USER, \$UID and \$HOME"
FS_WHY="mountpoint_fs names an unknown filesystem type or one that may never be mounted over"
UMAX_WHY="user_mount_max takes a number from 0 to 2147483647"
LOST_WHY="policy line too long or without final newline"
UNTRUSTED_MSG="$CONF sets mount policy but is not owned by root or is writable by group or others; non-root mounts are refused"
UNREADABLE_MSG="$CONF is not readable by the caller but sets mount policy; non-root mounts are refused"
EACCES_WARN="failed to open $CONF: Permission denied"

not_within() { printf 'mountpoint %s is not within a mount_dir of %s' "$1" "$CONF"; }
umax_msg() { printf 'too many FUSE filesystems mounted by this user; user_mount_max=%s is set in %s' "$1" "$CONF"; }
bad_line() { printf '%s line %s: %s; non-root mounts are refused' "$CONF" "$1" "$2"; }

# fmtest2 with fmtest's group as a supplementary group (no /etc/group change)
AS_USER2_SUPP=()
supp_user2() {
	AS_USER2_SUPP=(setpriv --reuid="$U2" --regid="$U2" --groups="$GID1" -- env -i HOME="$H2" PATH="$PATH_MIN")
}

# ---------------------------------------------------------------- agree

# agree [OPTIONS] allow MOUNTPOINT
# agree [OPTIONS] deny MESSAGE MOUNTPOINT
#   --as2 | --who ARRAY-NAME   who asks (default AS_USER); --uid N: its uid
#   --mode "classic sync-init" which real mounts to try (default both)
#   -o OPTS, --root-file       mount options; a regular-file mountpoint
#   --line N                   (repeatable) "decided by /etc/fuse.conf line N"
#                              lines --check must print, in this order
#   --rule                     "decided by /etc/fuse.conf", without a line
#                              (a fuse.conf the caller may not read)
#   --abs PATH                 the absolute mountpoint the helper reports
#                              and mounts on (default MOUNTPOINT)
#   --warn TEXT                (repeatable) warning lines the helper prints
#                              first (without the progname)
#   --super REGEX              the mount's superblock options must match
agree() {
	local who=AS_USER uid='' modes='classic sync-init' opts='' rootfile='' abs='' sup=''
	local verdict msg='' mp m w want_rc=0 expect before top
	local -a lines=() warns=() ck=()
	while [ $# -gt 0 ]; do
		case $1 in
		--as2) who=AS_USER2; shift ;;
		--who) who=$2; shift 2 ;;
		--uid) uid=$2; shift 2 ;;
		--mode) modes=$2; shift 2 ;;
		-o) opts=$2; shift 2 ;;
		--root-file) rootfile=--root-file; shift ;;
		--line) lines+=("$2"); shift 2 ;;
		--rule) lines+=(""); shift ;;
		--abs) abs=$2; shift 2 ;;
		--warn) warns+=("$2"); shift 2 ;;
		--super) sup=$2; shift 2 ;;
		*) break ;;
		esac
	done
	verdict=$1
	shift
	case $verdict in
	allow) ;;
	deny) msg=$1; shift; want_rc=1 ;;
	*) fail "internal: agree $verdict" ;;
	esac
	mp=$1
	abs=${abs:-$mp}
	[ -n "$uid" ] || { [ "$who" = AS_USER2 ] && uid=$UID2 || uid=$UID1; }
	# in a sync-init twin every mode goes the libfuse way (lib.sh): once will do
	[ -z "${FM_TWIN:-}" ] || modes=$FM_TWIN
	local -n pre=$who
	[ -z "$opts" ] || ck=(-o "$opts")

	# 1. --check, as the caller, needs no _FUSE_COMMFD
	before=$(fuse_mount_count)
	top=$(_mi_line "$abs")
	assert_exit "$want_rc" "${pre[@]}" "$FM" --check "${ck[@]}" "$mp"
	if [ "$verdict" = allow ]; then expect="allow: $abs"; else expect="deny: $msg"; fi
	for w in "${lines[@]}"; do expect+=$'\n'"decided by $CONF${w:+ line $w}"; done
	assert_eq "$expect" "$OUT" "stdout of --check $mp"
	expect=
	for w in "${warns[@]}"; do expect+="$FM: $w"$'\n'; done
	assert_eq "${expect%$'\n'}" "$ERR" "stderr of --check $mp"
	assert_eq "$before" "$(fuse_mount_count)" "FUSE mounts after --check $mp"

	# 2. the real mount, as the same caller, in each mode
	expect=
	for w in "${warns[@]}"; do expect+="fusermount3: $w"$'\n'; done
	for m in $modes; do
		if [ "$verdict" = allow ]; then
			rm -f "$UT/agree.ready"
			bg agree "${pre[@]}" "$FM_CLIENT" --helper "$FM" --ready-file "$UT/agree.ready" \
				--timeout 50 --mode "$m" -o "$opts" $rootfile "$mp"
			poll_until 10 test -e "$UT/agree.ready" ||
				fail "--check allowed $mp but the $m mount did not happen; $(bg_log agree)"
			assert_user_fuse_mount "$abs" "$FUSE_TYPE_RE" "$uid"
			[ -z "$sup" ] || assert_match "$MI_SUPER" "$sup" "superblock options of $abs"
			assert_eq "${expect%$'\n'}" "$(cat "$T/agree.err")" "stderr of the $m mount of $mp"
			assert_eq $((before + 1)) "$(fuse_mount_count)" "FUSE mounts after the $m mount of $mp"
			assert_exit 0 "${pre[@]}" "$FM" -u "$abs"
			assert_eq "$top" "$(_mi_line "$abs")" "topmost mount on $abs after unmounting it"
			wait_exit agree 5
			assert_eq 0 "$BG_RC" "exit status of fmclient after unmounting $abs ($(bg_log agree))"
		else
			_expand "${pre[@]}" "$FM_CLIENT" --helper "$FM" --timeout 10 --mode "$m" -o "$opts" $rootfile "$mp"
			timeout -k 2 20 "${EXPANDED[@]}" >"$T/.out" 2>"$T/.err" </dev/null
			RC=$?
			OUT=$(cat "$T/.out")
			ERR=$(cat "$T/.err")
			assert_eq 1 "$RC" "exit status of fmclient ($m, $mp; stdout '$OUT' stderr '$ERR')"
			assert_eq "${expect}fusermount3: $msg" "$ERR" "stderr of the refused $m mount of $mp"
			assert_no_match "$OUT" '^(fd-received|mounted)$' "fmclient stdout ($m, refused in prepare)"
			assert_eq "$top" "$(_mi_line "$abs")" "topmost mount on $abs after the refused $m mount"
			assert_eq "$before" "$(fuse_mount_count)" "FUSE mounts after the refused $m mount of $mp"
		fi
	done
}

# Every policy test with fmtest's mounts runs again the way libfuse after
# 3.18 mounts (probe, then --sync-init); the ones left out drive their own
# mix of modes (race, recheck, parallel, lock file) or run as root.
# fm-twin: test_policy_mount_dir_smoke test_policy_mount_dir_inside_outside
# fm-twin: test_policy_mount_dir_expansion test_policy_mount_dir_several_entries
# fm-twin: test_policy_mount_dir_symlink_entry test_policy_escape_symlinked_parent
# fm-twin: test_policy_escape_dotdot test_policy_escape_bind_mount
# fm-twin: test_policy_fuse_mount_inside_allowed test_policy_fuse_mount_of_other_user_inside_allowed
# fm-twin: test_policy_allow_other_group_primary test_policy_allow_other_group_supplementary
# fm-twin: test_policy_allow_other_group_with_mount_dir test_policy_user_mount_max_sequential
# fm-twin: test_policy_user_mount_max_zero test_policy_user_mount_max_with_mount_max
# fm-twin: test_policy_mountpoint_fs test_policy_mountpoint_fs_refused_names
# fm-twin: test_policy_malformed_lines test_policy_too_many_entries test_policy_grammar
# fm-twin: test_policy_lost_lines test_policy_untrusted_conf test_policy_unreadable_conf_mount
# fm-twin: test_policy_unreadable_conf_check_classic test_policy_unreadable_conf_check_policy
# fm-twin: test_policy_check_misc

# ---------------------------------------------------------------- leftovers

# what exists in the users' dirs and /run, to tell that the helper left
# nothing behind (the ready files of fmclient, our lock file and libmount's
# utab.lock aside; everything in /run must be root's in any case)
_list_dirs() {
	find "$H" "$H2" "$UT" /run -xdev ! -name '*.ready' ! -path /run/fusermount3.lock \
		! -path /run/mount/utab.lock -printf '%p %u %m\n' 2>&1 | sort
}
snap_dirs() { SNAP_DIRS=$(_list_dirs); }
assert_dirs_unchanged() {
	assert_eq "" "$(diff <(echo "$SNAP_DIRS") <(_list_dirs))" "changes in the users' dirs and /run"
	assert_eq "" "$(find /run -xdev ! -user root)" "files in /run not owned by root"
}
# /run/fusermount3.lock, when it exists, is root's alone
assert_lock_file_safe() {
	_asserted
	[ -e /run/fusermount3.lock ] || [ "${1:-}" != must ] || fail "/run/fusermount3.lock was not created"
	[ -e /run/fusermount3.lock ] || return 0
	[ -f /run/fusermount3.lock ] && [ ! -L /run/fusermount3.lock ] ||
		fail "/run/fusermount3.lock is not a regular file"
	assert_eq "0:0 600" "$(stat -c '%u:%g %a' /run/fusermount3.lock)" "owner and mode of /run/fusermount3.lock"
}

# ---------------------------------------------------------------- 1. mount_dir

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

# the allowed dir itself and beneath: yes; beside, above, a name that only
# starts like it: no.  Regular files likewise.  A comment counts as a line.
test_policy_mount_dir_inside_outside() {
	set_fuse_conf "# users mount here
mount_dir = \$HOME/fuse"
	u_mkdir "$H/fuse/a/b/c" "$H/other" "$H/fuse2"
	u_write "$H/fuse/file" "inside"
	u_write "$H/file" "outside"
	snap_dirs
	agree --line 2 allow "$H/fuse"
	agree --line 2 allow "$H/fuse/a"
	agree --line 2 allow "$H/fuse/a/b/c"
	agree --line 2 --root-file allow "$H/fuse/file"
	agree --line 2 deny "$(not_within "$H/other")" "$H/other"
	agree --line 2 deny "$(not_within "$H/fuse2")" "$H/fuse2"
	agree --line 2 deny "$(not_within "$H")" "$H"
	agree --line 2 --root-file deny "$(not_within "$H/file")" "$H/file"
	assert_dirs_unchanged
}

# $USER, $UID, $HOME and the ${...} forms, expanded per caller
test_policy_mount_dir_expansion() {
	set_fuse_conf "mount_dir = $UT/\$USER
mount_dir = $UT/uid/\$UID
mount_dir = \$HOME/h
mount_dir = $UT/b/\${USER}x
mount_dir = \${HOME}/h5/\${UID}"
	local d
	for d in "$UT/$U" "$UT/$U2" "$UT/uid/$UID1" "$UT/uid/$UID2" "$UT/b/${U}x" "$UT/b/$U"; do
		mkdir -p "$d/m" && chmod 0777 "$d" "$d/m" || fail "mkdir $d"
	done
	chown "$U2" "$UT/$U2" "$UT/$U2/m" "$UT/uid/$UID2" "$UT/uid/$UID2/m" || fail "chown"
	u_mkdir "$H/h/m" "$H/h5/$UID1/m"
	as_user2 mkdir -p "$H2/h/m" || fail "mkdir as $U2"
	agree --line 1 allow "$UT/$U/m"
	agree --line 1 deny "$(not_within "$UT/$U2/m")" "$UT/$U2/m"
	agree --as2 --line 1 allow "$UT/$U2/m"
	agree --as2 --line 1 deny "$(not_within "$UT/$U/m")" "$UT/$U/m"
	agree --line 2 allow "$UT/uid/$UID1/m"
	agree --line 1 deny "$(not_within "$UT/uid/$UID2/m")" "$UT/uid/$UID2/m"
	agree --line 3 allow "$H/h/m"
	agree --as2 --line 3 allow "$H2/h/m"
	agree --line 4 allow "$UT/b/${U}x/m"
	agree --line 1 deny "$(not_within "$UT/b/$U/m")" "$UT/b/$U/m"
	agree --line 5 allow "$H/h5/$UID1/m"
	agree --line 5 allow "$H/h5/$UID1"
	agree --line 1 deny "$(not_within "$H/h5")" "$H/h5"
}

# several entries: an entry that does not exist allows nothing (and becomes
# usable once created); the innermost matching entry decides
test_policy_mount_dir_several_entries() {
	set_fuse_conf "mount_dir = \$HOME/missing
mount_dir = \$HOME/a
mount_dir = \$HOME/b/
mount_dir = \$HOME/b/inner
mount_dir = /nonexistent/\$USER"
	u_mkdir "$H/a/x" "$H/b/x" "$H/b/inner/x" "$H/c"
	agree --line 2 allow "$H/a"
	agree --line 3 allow "$H/b/x"
	agree --line 4 allow "$H/b/inner/x"
	agree --line 1 deny "$(not_within "$H/c")" "$H/c"
	u_mkdir "$H/missing/x"
	agree --mode classic --line 1 allow "$H/missing/x"
}

# a mount_dir that is, or passes through, a symlink allows nothing
test_policy_mount_dir_symlink_entry() {
	set_fuse_conf "mount_dir = \$HOME/lnk
mount_dir = \$HOME/sl/sub
mount_dir = \$HOME/ok"
	u_mkdir "$H/real/m" "$H/realdir/sub/m" "$H/ok/m"
	as_user ln -s real "$H/lnk" && as_user ln -s "$H/realdir" "$H/sl" || fail "ln -s"
	agree --line 1 deny "$(not_within "$H/real/m")" "$H/real/m"
	agree --line 1 deny "$(not_within "$H/real/m")" "$H/lnk/m"
	agree --line 1 deny "$(not_within "$H/realdir/sub/m")" "$H/realdir/sub/m"
	agree --line 1 deny "$(not_within "$H/realdir/sub/m")" "$H/sl/sub/m"
	agree --line 3 allow "$H/ok/m"
}

# ---------------------------------------------------------------- 2. escapes

test_policy_escape_symlinked_parent() {
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/real/m" "$H/outside/m"
	as_user ln -s "$H/outside" "$H/fuse/link" && as_user ln -s ../outside "$H/fuse/rlink" &&
		as_user ln -s "$H/outside/m" "$H/fuse/mlink" && as_user ln -s "$H/fuse/real" "$H/in" ||
		fail "ln -s"
	agree --line 1 deny "$(not_within "$H/outside/m")" "$H/fuse/link/m"
	assert_not_mounted "$H/outside/m"
	agree --line 1 deny "$(not_within "$H/outside/m")" "$H/fuse/rlink/m"
	assert_not_mounted "$H/outside/m"
	# the last component is never followed
	agree deny "mountpoint $H/fuse/mlink is not a directory or a regular file" "$H/fuse/mlink"
	assert_not_mounted "$H/outside/m"
	# by identity, not by path: a symlink from outside into the allowed tree
	agree --line 1 --abs "$H/fuse/real/m" allow "$H/in/m"
}

test_policy_escape_dotdot() {
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/a" "$H/other/m"
	agree --line 1 deny "$(not_within "$H/other")" "$H/fuse/../other"
	agree --line 1 deny "$(not_within "$H/other/m")" "$H/fuse/a/../../other/m"
	agree --line 1 --abs "$H/fuse/a" allow "$H/other/../fuse/a"
	assert_not_mounted "$H/other"
	assert_not_mounted "$H/other/m"
}

# root bind-mounts a forbidden dir into the allowed one: nothing beneath it
# is allowed; the allowed dir bound elsewhere does not carry the permission
test_policy_escape_bind_mount() {
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/bound" "$H/outside/m" "$H/fuse/inner/m" "$H/alias"
	mount --bind "$H/outside" "$H/fuse/bound" || fail "mount --bind"
	mount --bind "$H/fuse/inner" "$H/alias" || fail "mount --bind"
	agree --line 1 deny "$(not_within "$H/fuse/bound/m")$CROSS" "$H/fuse/bound/m"
	agree --line 1 deny "$(not_within "$H/fuse/bound")$CROSS" "$H/fuse/bound"
	u_write "$H/outside/file" "outside"
	agree --line 1 --root-file deny "$(not_within "$H/fuse/bound/file")$CROSS" "$H/fuse/bound/file"
	assert_not_mounted "$H/outside/m"
	agree --line 1 deny "$(not_within "$H/alias/m")" "$H/alias/m"
	assert_not_mounted "$H/fuse/inner/m"
	agree --line 1 allow "$H/fuse/inner/m"
}

# Leaving a mount on the way up is fine out of the caller's own FUSE mount
test_policy_fuse_mount_inside_allowed() {
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/f"
	start_client outer --mode classic "$H/fuse/f"
	assert_user_fuse_mount "$H/fuse/f"
	agree --line 1 --root-file allow "$H/fuse/f/hello"
	unmount_client outer "$H/fuse/f"
}

# ... but not out of another user's FUSE mount: fmtest2 mounts (allow_other)
# inside a mount_dir both may use, fmtest may write there (fmclient answers
# ACCESS with 0), yet the way up leaves a mount that is not fmtest's
test_policy_fuse_mount_of_other_user_inside_allowed() {
	set_fuse_conf "mount_dir = $UT/shared
user_allow_other"
	mkdir -m 0777 "$UT/shared" || fail mkdir
	as_user2 mkdir "$UT/shared/x2" || fail "mkdir as $U2"
	u_mkdir "$UT/shared/x1"
	start_client other --as2 --mode classic -o allow_other "$UT/shared/x2"
	assert_user_fuse_mount "$UT/shared/x2" "$FUSE_TYPE_RE" "$UID2"
	agree --line 1 --root-file deny "$(not_within "$UT/shared/x2/hello")$CROSS" "$UT/shared/x2/hello"
	agree --line 1 deny "$(not_within "$UT/shared/x2")$CROSS" "$UT/shared/x2"
	# the same places in fmtest's own FUSE mount are fine
	start_client own --mode classic "$UT/shared/x1"
	agree --line 1 --root-file allow "$UT/shared/x1/hello"
	agree --line 1 allow "$UT/shared/x1"
	unmount_client own "$UT/shared/x1"
	assert_exit 0 as_user2 "$FM" -u "$UT/shared/x2"
	wait_exit other 5
}

# The rename race: a racer swaps $H/fuse/sw (a real directory holding m)
# with $H/fuse/ln (a symlink to $H/forbidden, which holds m too) while the
# helper mounts $H/fuse/sw/m again and again (classic and sync-init by turns).
test_policy_rename_race() {
	need_client
	local py
	py=$(PATH=$PATH_MIN command -v python3) || skip_missing "python3"
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/sw/m" "$H/forbidden/m"
	as_user ln -s "$H/forbidden" "$H/fuse/ln" || fail "ln -s"
	snap_dirs
	"$py" "$(dirname "${BASH_SOURCE[0]}")/policy_race.py" --fm "$FM" --client "$FM_CLIENT" \
		--python "$py" --uid "$UID1" --gid "$GID1" --home "$H" --allowed "$H/fuse" \
		--swap "$H/fuse/sw" "$H/fuse/ln" --mountpoint "$H/fuse/sw/m" \
		--forbidden "$H/forbidden/m" --iterations 1000 --seconds 45 >"$T/race.json" 2>"$T/race.err"
	local rc=$? res
	res=$(cat "$T/race.json")
	echo "race: $res"
	echo "race stderr: $(head -c 2000 "$T/race.err")"
	assert_eq 0 "$rc" "exit status of policy_race.py ($res $(head -c 600 "$T/race.err"))"
	assert_match "$res" '"violations": \[\]' "race result"
	# all 1000 iterations ran (within the driver's 45 s), both outcomes happened
	assert_eq 1000 "$(grep -oE '"iterations": [0-9]+' <<<"$res" | grep -oE '[0-9]+$')" \
		"race iterations done within 45 s"
	assert_no_match "$res" '"mounted": 0,' "race result (no mount at all)"
	assert_no_match "$res" '"refused": 0,' "race result (no refusal at all)"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts after the race"
	assert_not_mounted "$H/forbidden/m"
	# the racer stopped at any point: put the two names back for the comparison
	if [ -L "$H/fuse/sw" ]; then
		"$py" -c 'import ctypes, sys; sys.exit(ctypes.CDLL(None).renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), 2))' \
			"$H/fuse/sw" "$H/fuse/ln" || fail "cannot swap the names back"
	fi
	: >/run/mount/utab
	assert_dirs_unchanged
}

# The mount is re-checked after it is made: the directory moved out of the
# mount_dir while the mount waited for FUSE_INIT -> undone.
recheck_moved_out() { # dir|file
	local mp=$H/fuse/d/m rf=
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/d" "$H/out"
	if [ "$1" = file ]; then
		u_write "$mp" "file"
		rf=--root-file
	else
		u_mkdir "$mp"
	fi
	snapshot_file /run/mount/utab
	need_client
	bg rc as_user "$FM_CLIENT" --helper "${RECHECK_HELPER:-$FM}" --timeout 30 --mode sync-init --sync-ioctl \
		--init-delay-ms 2500 $rf "$mp"
	_asserted
	poll_until 10 grep -qx proceed-sent "$T/rc.out" || fail "no proceed-sent; $(bg_log rc)"
	# the helper now waits in FUSE_INIT with the mountpoint pinned
	if [ "$1" = file ]; then
		as_user mv "$mp" "$H/out/m" || fail "mv"
	else
		as_user mv "$H/fuse/d" "$H/out/d" || fail "mv"
	fi
	poll_until 15 _mounted_or_gone rc || fail "fmclient neither mounted nor ended; $(bg_log rc)"
	echo "fmclient: $(tr '\n' ' ' <"$T/rc.out"); stderr: $(cat "$T/rc.err")"
	_asserted
	if grep -qx mounted "$T/rc.out"; then
		fail "the $1 was moved out of the mount_dir before the mount was attached, yet the mount stays: $(fuse_mounts | tr '\n' ' ') (helper status $(grep status= "$T/rc.out"))"
	fi
	wait_exit rc 5
	assert_eq 1 "$BG_RC" "exit status of fmclient ($(bg_log rc))"
	if [ "$1" = dir ]; then
		assert_match "$(cat "$T/rc.out")" '^status=-1$' "fmclient stdout (EPERM)"
		assert_eq "fusermount3: mountpoint $mp is no longer within a mount_dir of $CONF; mount undone" \
			"$(cat "$T/rc.err")" "helper stderr"
	else
		# the name in the checked parent is gone: the re-check, or the
		# verification that looks the mount up by that name, undoes it
		assert_match "$(cat "$T/rc.out")" '^status=-(1|2)$' "fmclient stdout (EPERM or ENOENT)"
		assert_match "$(cat "$T/rc.err")" "^fusermount3: ($(re "mountpoint $mp is no longer within a mount_dir of $CONF; mount undone")|$(re "mount on $mp failed verification: No such file or directory"))\$" \
			"helper stderr"
		assert_eq 1 "$(grep -c . "$T/rc.err")" "lines on the helper's stderr"
	fi
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	assert_not_mounted "$H/out/m"
	assert_not_mounted "$H/out/d/m"
	assert_file_unchanged /run/mount/utab
}
_mounted_or_gone() { grep -qx mounted "$T/$1.out" || ! alive "$1"; }
test_policy_recheck_dir_moved_out() { recheck_moved_out dir; }
test_policy_recheck_file_moved_out() { recheck_moved_out file; }
test_policy_recheck_dir_moved_out_legacy() { use_legacy_helper; recheck_moved_out dir; }
# (LeakSanitizer needs a thread of its own at exit: off in the asan-check build.)
# The undo needs no new process: under `ulimit -u 0` (the caller's limit,
# inherited by the helper) the unmount lock's child cannot be forked, and
# the mount is detached all the same, by its fd (it stayed before).
recheck_nproc() { # dir|file
	printf '#!/bin/bash\nexport ASAN_OPTIONS=detect_leaks=0\nulimit -u 0 && exec -a fusermount3 %q "$@"\n' "$FM" >"$T/bin/nproc0" &&
		chmod 0755 "$T/bin/nproc0" || fail "cannot write the ulimit -u 0 wrapper"
	RECHECK_HELPER=$T/bin/nproc0 recheck_moved_out "$1"
}
test_policy_recheck_dir_moved_out_nproc() { recheck_nproc dir; }
test_policy_recheck_dir_moved_out_nproc_legacy() { use_legacy_helper; recheck_nproc dir; }
test_policy_recheck_file_moved_out_legacy() { use_legacy_helper; recheck_moved_out file; }

# ---------------------------------------------------------------- 3. allow_other_group

test_policy_allow_other_group_primary() {
	set_fuse_conf "allow_other_group = $U"
	u_mkdir "$H/m"
	as_user2 mkdir "$H2/m" || fail "mkdir as $U2"
	agree -o allow_other --line 1 --super '(^|,)allow_other(,|$)' allow "$H/m"
	agree --as2 -o allow_other deny "$AO_MSG" "$H2/m"
	agree --as2 allow "$H2/m"
	# allow_root: a member gets the reference's answer for callers allowed
	# allow_other (libfuse converts it), a non-member the allow_other refusal
	agree -o allow_root deny "unknown option 'allow_root'" "$H/m"
	agree --as2 -o allow_root deny "option allow_root only allowed if 'user_allow_other' is set in $CONF" "$H2/m"
}

# supplementary membership counts (fmtest2 started with fmtest's group as a
# supplementary group by setpriv; /etc/group is not touched); unknown groups
# allow nothing
test_policy_allow_other_group_supplementary() {
	set_fuse_conf "allow_other_group = no-such-group-4711
allow_other_group = $U"
	supp_user2
	as_user2 mkdir "$H2/m" || fail "mkdir as $U2"
	agree --who AS_USER2_SUPP --uid "$UID2" -o allow_other --line 2 --super '(^|,)allow_other(,|$)' allow "$H2/m"
	agree --as2 -o allow_other deny "$AO_MSG" "$H2/m"
	set_fuse_conf "allow_other_group = no-such-group-4711"
	agree --who AS_USER2_SUPP --uid "$UID2" -o allow_other deny "$AO_MSG" "$H2/m"
}

# with mount_dir: --check names both lines; user_allow_other decides first
test_policy_allow_other_group_with_mount_dir() {
	set_fuse_conf "mount_dir = \$HOME/fuse
allow_other_group = $U"
	u_mkdir "$H/fuse/m" "$H/out"
	agree -o allow_other --line 1 --line 2 --super '(^|,)allow_other(,|$)' allow "$H/fuse/m"
	agree -o allow_other --line 1 deny "$(not_within "$H/out")" "$H/out"
	set_fuse_conf "allow_other_group = $U
user_allow_other"
	as_user2 mkdir "$H2/m" || fail "mkdir as $U2"
	agree --mode classic -o allow_other --line 2 allow "$H/out"
	agree --mode classic --as2 -o allow_other --line 2 allow "$H2/m"
}

# ---------------------------------------------------------------- 4. user_mount_max

test_policy_user_mount_max_sequential() {
	set_fuse_conf "user_mount_max = 2"
	u_mkdir "$H/m1" "$H/m2" "$H/m3"
	as_user2 mkdir "$H2/m1" "$H2/m2" || fail "mkdir as $U2"
	start_client a --mode classic "$H/m1"
	start_client b --mode sync-init "$H/m2"
	agree --line 1 deny "$(umax_msg 2)" "$H/m3"
	# another user has a limit of its own
	start_client c --as2 --mode classic "$H2/m1"
	start_client d --as2 --mode sync-init "$H2/m2"
	assert_user_fuse_mount "$H2/m2" "$FUSE_TYPE_RE" "$UID2"
	agree --line 1 deny "$(umax_msg 2)" "$H/m3"
	assert_eq 4 "$(fuse_mount_count)" "FUSE mounts"
	unmount_client a "$H/m1"
	agree allow "$H/m3"
	assert_lock_file_safe must
}

test_policy_user_mount_max_zero() {
	set_fuse_conf "user_mount_max = 0"
	u_mkdir "$H/m"
	agree --line 1 deny "$(umax_msg 0)" "$H/m"
}

# the global mount_max still counts everybody's mounts
test_policy_user_mount_max_with_mount_max() {
	set_fuse_conf "mount_max = 3
user_mount_max = 2"
	u_mkdir "$H/m1" "$H/m2" "$H/m3"
	as_user2 mkdir "$H2/m1" "$H2/m2" || fail "mkdir as $U2"
	start_client a --mode classic "$H/m1"
	start_client b --mode classic "$H/m2"
	agree --line 2 deny "$(umax_msg 2)" "$H/m3"
	start_client c --as2 --mode sync-init "$H2/m1"
	agree --as2 --line 1 deny "$MAX_MSG" "$H2/m2"
	agree --line 1 deny "$MAX_MSG" "$H/m3"
}

# The count that matters is taken just before the attach, after FUSE_INIT:
# a helper whose daemon is slow to answer FUSE_INIT holds nothing while it
# waits, so a mount of the same user started later attaches first, and the
# slow one is refused when its turn comes (sync-init status -EDQUOT).
test_policy_user_mount_max_finish_race() {
	set_fuse_conf "user_mount_max = 1"
	u_mkdir "$H/m1" "$H/m2"
	need_client
	bg a as_user "$FM_CLIENT" --helper "$FM" --ready-file "$UT/a.ready" --timeout 50 \
		--mode sync-init --sync-ioctl --init-delay-ms 3000 "$H/m1"
	_asserted
	poll_until 10 grep -qx proceed-sent "$T/a.out" || fail "a: no proceed-sent; $(bg_log a)"
	# a waits for its FUSE_INIT, not attached, holding no lock: b mounts
	start_client b --mode sync-init "$H/m2"
	assert_user_fuse_mount "$H/m2"
	wait_exit a 15
	echo "a: rc=$BG_RC $(bg_log a)"
	assert_eq 1 "$BG_RC" "exit status of a ($(bg_log a))"
	assert_match "$(cat "$T/a.out")" '^status=-122$' "a's stdout (EDQUOT)"
	assert_eq "fusermount3: $(umax_msg 1)" "$(cat "$T/a.err")" "a's stderr"
	assert_not_mounted "$H/m1"
	assert_eq 1 "$(fuse_mount_count)" "FUSE mounts"
	assert_lock_file_safe must
	unmount_client b "$H/m2"
}

# the lock file is created root-only whatever the caller's umask, and the
# next caller can use it
test_policy_lock_file_caller_umask() {
	set_fuse_conf "user_mount_max = 2"
	need_client
	u_mkdir "$H/m1" "$H/m2"
	bg a as_user sh -c 'umask 0777; exec "$@"' sh "$FM_CLIENT" --helper "$FM" --ready-file "$UT/a.ready" \
		--timeout 50 --mode classic "$H/m1"
	poll_until 10 test -e "$UT/a.ready" || fail "not mounted; $(bg_log a)"
	assert_lock_file_safe must
	bg b as_user sh -c 'umask 0; exec "$@"' sh "$FM_CLIENT" --helper "$FM" --ready-file "$UT/b.ready" \
		--timeout 50 --mode sync-init "$H/m2"
	poll_until 10 test -e "$UT/b.ready" || fail "not mounted; $(bg_log b)"
	assert_lock_file_safe must
	assert_eq "" "$(cat "$T/a.err" "$T/b.err")" "helper stderr"
	unmount_client a "$H/m1"
	unmount_client b "$H/m2"
}

# FUSE mounts of uid N in this namespace
user_fuse_count() {
	awk -v u="$1" '{ split($0, a, " - "); split(a[2], b, " ");
	       if (b[1] ~ /^fuse(blk)?(\.|$)/ && ("," b[3] ",") ~ (",user_id=" u ",")) n++ }
	     END { print n + 0 }' /proc/self/mountinfo
}

# 16 mounts of one user at once (and 5 of another user in the same burst),
# user_mount_max = 3: never more than 3 of a user's mounts at any time,
# exactly 3 each succeed, the others fail cleanly with the limit's message
test_policy_user_mount_max_parallel() {
	set_fuse_conf "user_mount_max = 3"
	need_client
	local i n c1 c2 max1=0 max2=0 running m early=0 late=0 who dir uid
	local -a names=() ok1=() ok2=()
	for i in $(seq 1 16); do u_mkdir "$H/p$i"; names+=("p$i"); done
	for i in $(seq 1 5); do as_user2 mkdir "$H2/q$i" || fail "mkdir as $U2"; names+=("q$i"); done
	snap_dirs
	for n in "${names[@]}"; do
		i=${n#?}
		case $((i % 3)) in
		0) m=(--mode classic) ;;
		1) m=(--mode sync-init) ;;
		2) m=(--mode sync-init --sync-ioctl --init-delay-ms 150) ;;
		esac
		if [ "${n:0:1}" = p ]; then who=as_user dir=$H; else who=as_user2 dir=$H2; fi
		bg "$n" "$who" "$FM_CLIENT" --helper "$FM" --ready-file "$UT/$n.ready" --timeout 50 \
			"${m[@]}" "$dir/$n"
	done
	# watch until every client is mounted or gone (bounded)
	for _ in $(seq 1 500); do
		c1=$(user_fuse_count "$UID1")
		c2=$(user_fuse_count "$UID2")
		[ "$c1" -le "$max1" ] || max1=$c1
		[ "$c2" -le "$max2" ] || max2=$c2
		running=0
		for n in "${names[@]}"; do
			[ -e "$UT/$n.ready" ] || ! alive "$n" || running=$((running + 1))
		done
		[ "$running" -gt 0 ] || break
		sleep 0.02
	done
	echo "most FUSE mounts seen at once: $U $max1, $U2 $max2"
	assert_eq 0 "$running" "clients neither mounted nor ended"
	_asserted
	[ "$max1" -le 3 ] || fail "$max1 FUSE mounts of $U seen at once (user_mount_max = 3)"
	[ "$max2" -le 3 ] || fail "$max2 FUSE mounts of $U2 seen at once (user_mount_max = 3)"
	for n in "${names[@]}"; do
		if [ "${n:0:1}" = p ]; then dir=$H uid=$UID1; else dir=$H2 uid=$UID2; fi
		if [ -e "$UT/$n.ready" ]; then
			if [ "$uid" = "$UID1" ]; then ok1+=("$n"); else ok2+=("$n"); fi
			assert_user_fuse_mount "$dir/$n" "$FUSE_TYPE_RE" "$uid"
		else
			wait_exit "$n" 5
			assert_eq 1 "$BG_RC" "exit status of refused client $n ($(bg_log "$n"))"
			assert_eq "fusermount3: $(umax_msg 3)" "$(cat "$T/$n.err")" "stderr of refused client $n"
			assert_not_mounted "$dir/$n"
			# refused in prepare (nothing sent) or, in sync-init mode, at
			# finish under the lock (status -EDQUOT); classic runs cannot tell
			if grep -qx fd-received "$T/$n.out"; then
				late=$((late + 1))
				grep -qx 'status=-122' "$T/$n.out" ||
					fail "$n got its fd but no status -122: $(bg_log "$n")"
			else
				early=$((early + 1))
			fi
		fi
	done
	echo "mounted: $U ${ok1[*]}, $U2 ${ok2[*]}; refused without an fd: $early, sync-init refused at finish: $late"
	assert_eq 3 "${#ok1[@]}" "mounted clients of $U"
	assert_eq 3 "${#ok2[@]}" "mounted clients of $U2"
	assert_eq 3 "$(grep -cE "OPTS=user=$U( |,|\$)" /run/mount/utab)" "utab records of $U"
	assert_eq 3 "$(grep -cE "OPTS=user=$U2( |,|\$)" /run/mount/utab)" "utab records of $U2"
	assert_lock_file_safe must
	poll_until 5 no_helpers || fail "helpers still running: $(helper_pids | tr '\n' ' ')"
	for n in "${ok1[@]}"; do unmount_client "$n" "$H/$n"; done
	for n in "${ok2[@]}"; do
		assert_exit 0 as_user2 "$FM" -u "$H2/$n"
		wait_exit "$n" 5
	done
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts after the unmounts"
	assert_dirs_unchanged
}

# ---------------------------------------------------------------- 5. mountpoint_fs

test_policy_mountpoint_fs() {
	grep -qw hugetlbfs /proc/filesystems || skip "no hugetlbfs in this kernel"
	mkdir "$T/huge" && mount -t hugetlbfs -o "uid=$UID1,gid=$GID1,mode=0755" fmtest-huge "$T/huge" ||
		fail "cannot mount hugetlbfs"
	u_mkdir "$T/huge/m"
	u_mkdir "$H/m"
	agree deny "mounting over filesystem type 0x958458f6 (hugetlbfs) is forbidden" "$T/huge/m"
	set_fuse_conf "mountpoint_fs = erofs
mountpoint_fs = hugetlbfs"
	agree allow "$T/huge/m"
	agree allow "$H/m"
	# the admin's list adds to the built-in one, and magic filesystems stay out
	bg victim as_user sleep 40
	poll_until 5 owned_by "/proc/${BG[victim]}/comm" "$U" || fail "/proc/${BG[victim]}/comm not $U's"
	agree --mode classic --root-file deny "mounting over filesystem type 0x00009fa0 (proc) is forbidden" \
		"/proc/${BG[victim]}/comm"
	set_fuse_conf "mountpoint_fs = erofs"
	agree --mode classic deny "mounting over filesystem type 0x958458f6 (hugetlbfs) is forbidden" "$T/huge/m"
}

test_policy_mountpoint_fs_refused_names() {
	u_mkdir "$H/m"
	local fs
	for fs in proc sysfs cgroup2 devpts mqueue debugfs securityfs bpf fusectl nosuchfs HUGETLBFS; do
		set_fuse_conf "mountpoint_fs = $fs"
		agree --mode classic --line 1 deny "$(bad_line 1 "$FS_WHY")" "$H/m"
	done
}

# ---------------------------------------------------------------- 6. fail closed

# bad_case LINE WHY CONF-TEXT: --check and both real mounts refuse with
# file:line, at a mountpoint the policy would otherwise allow
bad_case() {
	printf '%s' "$3" >"$T/fuse.conf" || fail "write fuse.conf"
	agree --line "$1" deny "$(bad_line "$1" "$2")" "$H/m"
}

test_policy_malformed_lines() {
	u_mkdir "$H/m"
	bad_case 1 "expected KEY = VALUE" $'mount_dir\n'
	bad_case 1 "expected KEY = VALUE" $'mount_dir /home\n'
	bad_case 1 "missing value" $'mount_dir =\n'
	bad_case 1 "missing value" $'mount_dir =   \t \n'
	bad_case 1 "$MD_WHY" $'mount_dir = relative/dir\n'
	bad_case 1 "$MD_WHY" $'mount_dir = /srv/$USERNAME\n'
	bad_case 1 "$MD_WHY" $'mount_dir = /srv/$PATH\n'
	bad_case 1 "$MD_WHY" $'mount_dir = /srv/${USER\n'
	bad_case 1 "$MD_WHY" $'mount_dir = /srv/../etc\n'
	bad_case 1 "$MD_WHY" $'mount_dir = /srv/./x\n'
	bad_case 1 "$MD_WHY" $'mount_dir = /srv//x\n'
	bad_case 1 "$MD_WHY" $'mount_dir = $HOME/..\n'
	bad_case 1 "expected KEY = VALUE" $'allow_other_group\n'
	bad_case 1 "missing value" $'allow_other_group =\n'
	bad_case 1 "allow_other_group takes one group name" $'allow_other_group = a b\n'
	bad_case 1 "allow_other_group takes one group name" $'allow_other_group = a,b\n'
	bad_case 1 "allow_other_group takes one group name" $'allow_other_group = a:b\n'
	bad_case 1 "$UMAX_WHY" $'user_mount_max = -1\n'
	bad_case 1 "$UMAX_WHY" $'user_mount_max = 3x\n'
	bad_case 1 "$UMAX_WHY" $'user_mount_max = 0x10\n'
	bad_case 1 "$UMAX_WHY" $'user_mount_max = 2147483648\n'
	bad_case 1 "$UMAX_WHY" $'user_mount_max = 99999999999999999999\n'
	bad_case 1 "missing value" $'user_mount_max =\n'
	bad_case 1 "expected KEY = VALUE" $'mountpoint_fs\n'
	bad_case 1 "$FS_WHY" $'mountpoint_fs = proc\n'
	# valid lines first, then the bad one; the first bad line is named
	bad_case 4 "$UMAX_WHY" $'# policy\nuser_allow_other\nmount_dir = $HOME\nuser_mount_max = many\nmount_dir = rel\n'
	# a malformed line refuses even where another line would allow
	bad_case 2 "missing value" $'mount_dir = $HOME\nallow_other_group =\n'
}

test_policy_too_many_entries() {
	u_mkdir "$H/m"
	local i conf=
	for i in $(seq 1 32); do conf+="mount_dir = \$HOME/d$i"$'\n'; done
	printf '%s' "$conf" >"$T/fuse.conf"
	agree --mode classic --line 1 deny "$(not_within "$H/m")" "$H/m"
	u_mkdir "$H/d32/m"
	agree --mode classic --line 32 allow "$H/d32/m"
	printf '%smount_dir = $HOME\n' "$conf" >"$T/fuse.conf"
	agree --line 33 deny "$(bad_line 33 "too many entries for this key")" "$H/m"
	conf=
	for i in $(seq 1 33); do conf+="allow_other_group = g$i"$'\n'; done
	printf '%s' "$conf" >"$T/fuse.conf"
	agree --mode classic --line 33 deny "$(bad_line 33 "too many entries for this key")" "$H/m"
	conf=
	for i in $(seq 1 33); do conf+="mountpoint_fs = erofs"$'\n'; done
	printf '%s' "$conf" >"$T/fuse.conf"
	agree --mode classic --line 33 deny "$(bad_line 33 "too many entries for this key")" "$H/m"
}

# spacing, tabs, trailing comments, ${} forms: all the same key
test_policy_grammar() {
	u_mkdir "$H/fuse/m" "$H/m"
	printf '  mount_dir=$HOME/fuse   # where users mount\n\tuser_mount_max\t=\t1\n' >"$T/fuse.conf"
	agree --line 1 allow "$H/fuse/m"
	agree --line 1 deny "$(not_within "$H/m")" "$H/m"
	start_client a --mode classic "$H/fuse/m"
	u_mkdir "$H/fuse/m2"
	agree --line 2 deny "$(umax_msg 1)" "$H/fuse/m2"
	unmount_client a "$H/fuse/m"
	# a later user_mount_max line replaces an earlier one
	printf 'mount_dir = ${HOME}/fuse/\nuser_mount_max = 0\nuser_mount_max = 007\n' >"$T/fuse.conf"
	agree --mode classic --line 1 allow "$H/fuse/m"
}

# a line the parser cannot read whole: harmless for classic keys, fatal for new ones
test_policy_lost_lines() {
	u_mkdir "$H/m"
	local long
	long=$(printf '%0300d' 0)
	printf 'user_allow_other\nmount_dir = /%s\n' "$long" >"$T/fuse.conf"
	agree --line 2 --warn "reading $CONF: line 2 too long" deny "$(bad_line 2 "$LOST_WHY")" "$H/m"
	printf 'mount_dir = $HOME' >"$T/fuse.conf"
	agree --line 1 --warn "reading $CONF: missing newline at end of file" \
		deny "$(bad_line 1 "$LOST_WHY")" "$H/m"
	# classic keys only: as the reference, a warning and the mount goes on
	printf '# %s\nmount_max = 10' "$long" >"$T/fuse.conf"
	agree --warn "reading $CONF: line 1 too long" --warn "reading $CONF: missing newline at end of file" \
		allow "$H/m"
	# an unknown key (a misspelt new one too) warns and is ignored, as always
	printf 'mount_dirs = /nowhere\n' >"$T/fuse.conf"
	agree --warn "unknown parameter in $CONF at line 1: 'mount_dirs = /nowhere'" allow "$H/m"
}

# root ignores all of it: a malformed line is only a warning, mount_dir and
# user_mount_max do not apply
test_policy_root_ignores_policy() {
	need_client
	mkdir -p "$T/rootmnt" "$T/rootmnt2" || fail "mkdir"
	set_fuse_conf "mount_dir = \$HOME/fuse
user_mount_max = 0
mount_dir ="
	assert_exit 0 "$FM" --check "$T/rootmnt"
	assert_eq "allow: $T/rootmnt" "$OUT" "root's --check"
	bg r "$FM_CLIENT" --helper "$FM" --ready-file "$T/r.ready" --timeout 50 --mode classic "$T/rootmnt"
	poll_until 10 test -e "$T/r.ready" || fail "root's mount did not happen; $(bg_log r)"
	assert_mounted "$T/rootmnt" "$FUSE_TYPE_RE"
	assert_eq "fusermount3: $CONF line 3: missing value (ignored)" "$(cat "$T/r.err")" "root's helper stderr"
	# and with a conf that is not root's
	set_fuse_conf "mount_dir = \$HOME/fuse
user_mount_max = 0"
	chown "$U" "$T/fuse.conf" && chmod 0666 "$T/fuse.conf" || fail "chown"
	bg r2 "$FM_CLIENT" --helper "$FM" --ready-file "$T/r2.ready" --timeout 50 --mode sync-init "$T/rootmnt2"
	poll_until 10 test -e "$T/r2.ready" || fail "root's mount did not happen; $(bg_log r2)"
	assert_mounted "$T/rootmnt2" "$FUSE_TYPE_RE"
	u_mkdir "$H/fuse/m"
	agree --line 1 deny "$UNTRUSTED_MSG" "$H/fuse/m"
}

# new keys need a root-owned file not writable by group or others; classic
# keys keep working whatever the file's owner and mode (as the reference)
test_policy_untrusted_conf() {
	u_mkdir "$H/fuse/m"
	set_fuse_conf 'mount_dir = $HOME/fuse'
	agree --mode classic --line 1 allow "$H/fuse/m"
	chmod 0664 "$T/fuse.conf" || fail chmod
	agree --line 1 deny "$UNTRUSTED_MSG" "$H/fuse/m"
	chmod 0646 "$T/fuse.conf" || fail chmod
	agree --mode classic --line 1 deny "$UNTRUSTED_MSG" "$H/fuse/m"
	chmod 0644 "$T/fuse.conf" && chown "$U" "$T/fuse.conf" || fail chown
	agree --mode classic --line 1 deny "$UNTRUSTED_MSG" "$H/fuse/m"
	chown "root:$U" "$T/fuse.conf" && chmod 0644 "$T/fuse.conf" || fail chown
	agree --mode classic --line 1 allow "$H/fuse/m"
	# classic keys only, world-writable and the user's: honoured as before
	set_fuse_conf "user_allow_other"
	chown "$U" "$T/fuse.conf" && chmod 0666 "$T/fuse.conf" || fail chown
	agree -o allow_other --line 1 --super '(^|,)allow_other(,|$)' allow "$H/fuse/m"
}

# a fuse.conf the caller cannot read: the reference's warning, then the
# defaults -- unless the file sets policy, which refuses non-root mounts.
# The real mounts alone first, then --check's agreement with them.
unreadable_classic_conf() {
	set_fuse_conf "user_allow_other
mount_max = 1000"
	chmod 0600 "$T/fuse.conf" || fail chmod
}
unreadable_policy_conf() {
	set_fuse_conf "user_allow_other
mount_dir = \$HOME"
	chmod 0600 "$T/fuse.conf" || fail chmod
}
test_policy_unreadable_conf_mount() {
	u_mkdir "$H/m"
	unreadable_classic_conf
	start_client c --mode classic "$H/m"
	assert_user_fuse_mount "$H/m"
	assert_eq "fusermount3: $EACCES_WARN" "$(cat "$T/c.err")" "helper stderr"
	unmount_client c "$H/m"
	run_client --mode sync-init -o allow_other "$H/m"
	assert_client_failed
	assert_eq "fusermount3: $EACCES_WARN"$'\n'"fusermount3: $AO_MSG" "$ERR" "helper stderr"
	unreadable_policy_conf
	run_client --mode classic "$H/m"
	assert_client_failed
	assert_eq "fusermount3: $EACCES_WARN"$'\n'"fusermount3: $UNREADABLE_MSG" "$ERR" "helper stderr"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
}
test_policy_unreadable_conf_check_classic() {
	u_mkdir "$H/m"
	unreadable_classic_conf
	agree --warn "$EACCES_WARN" allow "$H/m"
	agree --mode classic --warn "$EACCES_WARN" -o allow_other deny "$AO_MSG" "$H/m"
}
# (F4 of issue 11: the rule, not the line of a file the caller cannot read)
test_policy_unreadable_conf_check_policy() {
	u_mkdir "$H/m"
	unreadable_policy_conf
	agree --warn "$EACCES_WARN" --rule deny "$UNREADABLE_MSG" "$H/m"
}

# --check mounts nothing, sends nothing, needs no _FUSE_COMMFD, and sees
# the same prepare-phase refusals as a mount (options, mountpoint)
test_policy_check_misc() {
	set_fuse_conf 'mount_dir = $HOME/fuse'
	u_mkdir "$H/fuse/m" "$H/fuse/ro"
	chmod 0555 "$H/fuse/ro" || fail chmod
	snap_dirs
	agree -o ro,default_permissions --line 1 allow "$H/fuse/m"
	agree -o bogus deny "unknown option 'bogus'" "$H/fuse/m"
	agree -o blkdev deny "option blkdev is privileged" "$H/fuse/m"
	agree deny "user has no write access to mountpoint $H/fuse/ro" "$H/fuse/ro"
	agree deny "failed to access mountpoint $H/fuse/nope: No such file or directory" "$H/fuse/nope"
	# --check with _FUSE_COMMFD set to garbage still only checks
	assert_exit 0 as_user env _FUSE_COMMFD=999 "$FM" --check "$H/fuse/m"
	assert_eq "allow: $H/fuse/m"$'\n'"decided by $CONF line 1" "$OUT" "--check stdout"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	assert_dirs_unchanged
}
