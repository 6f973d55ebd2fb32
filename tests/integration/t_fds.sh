# t_fds.sh - descriptor hygiene: the helper started with 0, 1, 2 closed.

test_closed_stdio_no_crash() {
	u_mkdir "$H/mnt"
	set_fuse_conf "user_allow_other"
	snapshot_file "$T/fuse.conf" /run/mount/utab
	local rc
	as_user "$FM" "$H/mnt" <&- >&- 2>&-
	rc=$?
	assert_eq 1 "$rc" "exit status (old style mounting) with 0-2 closed"
	as_user "$FM" -V <&- >&- 2>&-
	rc=$?
	_asserted
	[ "$rc" -lt 128 ] || fail "-V with 0-2 closed died from signal $((rc - 128))"
	as_user "$FM" -u "$H/mnt" <&- >&- 2>&-
	rc=$?
	assert_eq 1 "$rc" "exit status of -u of a non-mount with 0-2 closed"
	as_user _FUSE_COMMFD=abc "$FM" -o allow_other "$H/mnt" <&- >&- 2>&-
	rc=$?
	assert_eq 1 "$rc" "exit status (bad comm fd) with 0-2 closed"
	assert_file_unchanged "$T/fuse.conf" /run/mount/utab
	assert_eq 0 "$(fuse_mount_count)" "number of FUSE mounts"
}

# A library stand-in (root; the helper child runs as the user with 0, 1, 2
# closed). It receives the fd, and in sync-init mode, while the helper waits
# for "proceed", reports what the helper's fds 0-2 are; then lets it mount.
# (glibc itself puts /dev/full on 0 and /dev/null on 1, 2 of a setuid program
# started with them closed; the helper may add its own /dev/null.)
FDCLIENT='
import os, socket, sys
helper, mode, mnt, uid, gid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ours, theirs = socket.socketpair()
pid = os.fork()
if pid == 0:
    os.dup2(theirs.fileno(), 7)
    for fd in (0, 1, 2):
        os.close(fd)
    os.setgroups([]); os.setgid(gid); os.setuid(uid)
    argv = [helper] + (["--sync-init"] if mode == "sync-init" else []) + ["-o", "rw,nosuid,nodev", "--", mnt]
    os.execve(helper, argv, {"_FUSE_COMMFD": "7", "PATH": "/usr/bin:/bin"})
theirs.close()
ours.settimeout(10)
msg, anc, _, _ = ours.recvmsg(1, socket.CMSG_SPACE(4))
fuse_fd = int.from_bytes(anc[0][2][:4], "little") if anc else -1
print("fd-received" if fuse_fd >= 0 else "no-fd")
if mode == "sync-init":
    for n in (0, 1, 2):
        try:
            print("fd%d=%s" % (n, os.readlink("/proc/%d/fd/%d" % (pid, n))))
        except FileNotFoundError:
            print("fd%d=closed" % n)
    ours.send(b"\0")
    st = ours.recv(4)
    print("status=%d" % int.from_bytes(st, "little", signed=True) if len(st) == 4 else "status-missing")
ours.close()
_, ws = os.waitpid(pid, 0)
print("helper-exit=%d" % os.waitstatus_to_exitcode(ws))
sys.stdout.flush()
if fuse_fd >= 0:
    os.close(fuse_fd)
'

closed_stdio_mount() { # MODE
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (the library stand-in of this test)"
	u_mkdir "$H/mnt"
	set_fuse_conf "mount_max = 100"
	snapshot_file "$T/fuse.conf"
	assert_exit 0 timeout 20 /usr/bin/python3 -c "$FDCLIENT" "$FM" "$1" "$H/mnt" "$UID1" "$GID1"
	assert_match "$OUT" '^fd-received$' "stand-in output"
	assert_match "$OUT" '^helper-exit=0$' "stand-in output"
	if [ "$1" = sync-init ]; then
		assert_match "$OUT" '^status=0$' "stand-in output"
		local n
		for n in 0 1 2; do
			assert_match "$OUT" "^fd$n=(/dev/null|/dev/full|closed)$" "helper's fd $n while waiting for proceed"
		done
	fi
	assert_user_fuse_mount "$H/mnt"
	assert_file_unchanged "$T/fuse.conf"
	assert_utab_user "$H/mnt"
	assert_eq 0 "$(grep -cvE '^(ID|SRC)=' /run/mount/utab)" "utab lines that are not records"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	assert_not_mounted "$H/mnt"
}
test_closed_stdio_mount_classic() { closed_stdio_mount classic; }
test_closed_stdio_mount_sync_init() { closed_stdio_mount sync-init; }
