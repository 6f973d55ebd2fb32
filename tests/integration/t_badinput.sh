# t_badinput.sh - bad command lines, environments and clients: exit 1, one
# line on stderr, nothing mounted, utab and fuse.conf untouched.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18 mounts)
# fm-twin: test_bad_empty_mountpoint_client test_bad_unknown_mount_option
# fm-twin: test_bad_blkdev test_bad_options_too_long test_bad_mountpoint_missing

CONF="# integration test
mount_max = 1000"

_bad_prepare() {
	set_fuse_conf "$CONF"
	u_mkdir "$H/mnt"
	snapshot_file /run/mount/utab "$T/fuse.conf"
}
_bad_after() {
	assert_eq 0 "$(fuse_mount_count)" "number of FUSE mounts"
	assert_file_unchanged /run/mount/utab "$T/fuse.conf"
}
# bad MESSAGE CMD...: the helper, called directly by the user, refuses
bad() {
	local msg=$1
	shift
	_bad_prepare
	assert_exit 1 "$@"
	assert_eq "" "$OUT" "stdout"
	assert_err_line "$msg" "$(re "$FM")"
	_bad_after
}
# bad_client MESSAGE-REGEX FMCLIENT-ARGS... MOUNTPOINT: refused when spawned by fmclient
bad_client() {
	local re=$1
	shift
	_bad_prepare
	run_client "$@"
	assert_client_failed
	assert_match "$ERR" "$re" "stderr"
	assert_match "$OUT" '^helper-exit=1$' "fmclient stdout"
	_bad_after
}

test_bad_no_args() { bad "missing mountpoint argument" as_user "$FM"; }
test_bad_two_operands() { bad "extra arguments after the mountpoint" as_user "$FM" "$H/mnt" "$H/other"; }
test_bad_lazy_without_unmount() { bad "-z can only be used with -u" as_user "$FM" -z "$H/mnt"; }
test_bad_short_option() { bad "invalid option -- 'x'" as_user "$FM" -x "$H/mnt"; }
test_bad_long_option() { bad "unrecognized option '--bogus'" as_user "$FM" --bogus "$H/mnt"; }
test_bad_missing_option_argument() { bad "option requires an argument -- 'o'" as_user "$FM" "$H/mnt" -o; }
test_bad_empty_mountpoint() { bad "invalid mountpoint ''" as_user "$FM" ''; }
test_bad_empty_mountpoint_client() {
	bad_client "$(msg_re "invalid mountpoint ''")" --mode classic ''
}
test_bad_empty_mountpoint_unmount() { bad "invalid mountpoint ''" as_user "$FM" -u ''; }
test_bad_missing_parent() {
	bad "bad mount point $H/nope/mnt: No such file or directory" as_user "$FM" "$H/nope/mnt"
}
test_bad_no_commfd() { bad "old style mounting not supported" as_user "$FM" "$H/mnt"; }
test_bad_commfd_not_a_number() {
	bad "invalid _FUSE_COMMFD: abc" as_user _FUSE_COMMFD=abc "$FM" "$H/mnt"
}
test_bad_commfd_trailing_garbage() {
	bad "invalid _FUSE_COMMFD: 5x" as_user _FUSE_COMMFD=5x "$FM" "$H/mnt"
}
test_bad_commfd_closed() {
	bad "fstat of comm fd 99 failed: Bad file descriptor" as_user _FUSE_COMMFD=99 "$FM" "$H/mnt"
}
test_bad_commfd_regular_file() {
	u_write "$H/f" "data"
	bad "file descriptor 5 is not a socket, can't send fuse fd" \
		as_user _FUSE_COMMFD=5 "$FM" "$H/mnt" 5<"$H/f"
	assert_eq data "$(cat "$H/f")" "the file passed as comm fd"
}
test_bad_unknown_mount_option() {
	bad_client "$(msg_re "unknown option 'bogus'")" --mode classic -o bogus "$H/mnt"
}
test_bad_unknown_mount_option_sync_init() {
	bad_client "$(msg_re "unknown option 'bogus'")" --mode sync-init -o bogus "$H/mnt"
}
test_bad_blkdev() {
	bad_client "$(msg_re "option blkdev is privileged")" --mode classic -o blkdev "$H/mnt"
}
test_bad_options_too_long() {
	local o
	o=$(printf 'default_permissions,%.0s' $(seq 250))
	o=${o%,}
	bad_client "^$ANYP: .*too long" --mode classic -o "$o" "$H/mnt"
}
test_bad_mountpoint_missing() {
	bad_client "$(msg_re "failed to access mountpoint $H/absent: No such file or directory")" \
		--mode classic "$H/absent"
}

test_help() {
	local usage
	usage=$(printf '%s: [options] mountpoint\nOptions:\n -h\t\t    print help\n -V\t\t    print version\n -o opt[,opt...]    mount options\n -u\t\t    unmount\n -q\t\t    quiet\n -z\t\t    lazy unmount\n --features\t    print supported features in hexadecimal\n --features=text    print supported feature names\n --list [--json]    list your FUSE mounts and whether they answer\n --abort\t    abort the connection of a hung mount, detach it' "$FM")
	assert_exit 1 as_user "$FM" -h
	assert_eq "$usage" "$OUT" "usage on stdout"
	assert_eq "" "$ERR" "stderr"
	assert_exit 1 as_user "$FM" --help
	assert_eq "$usage" "$OUT" "usage on stdout (--help)"
}

test_version() {
	assert_exit 0 as_user "$FM" -V
	assert_match "$OUT" '^fusermount3 version: [0-9]+\.[0-9]+' "stdout"
	assert_eq 1 "$(grep -c . <<<"$OUT")" "lines on stdout"
	assert_eq "" "$ERR" "stderr"
	assert_exit 0 as_user "$FM" --version
	assert_match "$OUT" '^fusermount3 version: [0-9]+\.[0-9]+' "stdout (--version)"
}

# The client goes away before it received the fd: the helper exits, no mount
# stays. In classic mode the helper can win the race and send the fd (which
# then dies with the socket, leaving a dead mount, exactly as with libfuse);
# such a run is not the case under test: clean up and try again.
client_vanishes() { # MODE FAULT
	local try
	_bad_prepare
	for try in 1 2 3 4 5 6; do
		[ "$try" = 6 ] && fail "in 5 runs the helper never noticed the vanished client (no send error, mount left)"
		run_client --mode "$1" --fault "$2" "$H/mnt"
		assert_eq 3 "$RC" "fmclient exit status (fault fired); stdout '$OUT'"
		poll_until 5 no_helpers ||
			fail "helper still running 5 s after the client vanished: $(helper_pids)"
		ERR=$(cat "$T/.err")
		if [ "$1" = classic ] && is_mounted "$H/mnt" && ! grep -q 'sending file descriptor' <<<"$ERR"; then
			echo "run $try: the helper sent the fd before the client vanished; again" >&2
			abort_fuse "$H/mnt"
			as_user "$FM" -u -z "$H/mnt" || fail "cannot remove the mount of a lost race"
			continue
		fi
		break
	done
	is_mounted "$H/mnt" && fail "mount left behind: $(_mi_line "$H/mnt"); fmclient stdout '$OUT' stderr '$ERR'"
	_bad_after
	case $2 in close-*)
		assert_match "$OUT" '^helper-exit=[1-9][0-9]*$' "fmclient stdout (helper must fail)" ;;
	esac
}
test_client_close_before_fd_classic() { client_vanishes classic close-before-fd; }
test_client_close_before_fd_sync_init() { client_vanishes sync-init close-before-fd; }
test_client_die_before_fd_classic() { client_vanishes classic die-before-fd; }
test_client_die_before_fd_sync_init() { client_vanishes sync-init die-before-fd; }
