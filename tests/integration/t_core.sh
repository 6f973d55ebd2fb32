# t_core.sh - everyday mounts: Debian's libfuse programs and fmclient.
# (run.sh: each fm-twin test runs once more the way libfuse after 3.18 mounts)
# fm-twin: test_allow_other_refused_classic test_allow_other_accepted_classic
# fm-twin: test_no_allow_other_other_user_denied test_fsname_subtype_classic

test_bindfs_basic() {
	need_cmd bindfs
	u_mkdir "$H/src" "$H/mnt"
	u_write "$H/src/f.txt" "bindfs data"
	assert_exit 0 as_user bindfs --no-allow-other "$H/src" "$H/mnt"
	wait_mounted "$H/mnt" 5
	assert_user_fuse_mount "$H/mnt" 'fuse(\.bindfs)?'
	assert_utab_user "$H/mnt"
	assert_exit 0 as_user ls "$H/mnt"
	assert_eq "f.txt" "$OUT" "ls of the bindfs mount"
	assert_exit 0 as_user cat "$H/mnt/f.txt"
	assert_eq "bindfs data" "$OUT" "file read through bindfs"
	assert_exit 0 as_user fusermount3 -u "$H/mnt"
	assert_not_mounted "$H/mnt"
	assert_utab_lacks "$H/mnt"
}

# bindfs adds -o allow_other unless told not to
test_bindfs_allow_other_refused() {
	need_cmd bindfs
	u_mkdir "$H/src" "$H/mnt"
	assert_exit 1 as_user bindfs "$H/src" "$H/mnt"
	assert_match "$ERR" "$(msg_re "option allow_other only allowed if 'user_allow_other' is set in /etc/fuse.conf" fusermount)" "stderr of bindfs"
	assert_not_mounted "$H/mnt"
	set_fuse_conf "user_allow_other"
	assert_exit 0 as_user bindfs "$H/src" "$H/mnt"
	wait_mounted "$H/mnt" 5
	assert_user_fuse_mount "$H/mnt"
	assert_match "$MI_SUPER" '(^|,)allow_other(,|$)' "superblock options"
	assert_exit 0 as_user fusermount3 -u "$H/mnt"
	assert_not_mounted "$H/mnt"
}

allow_other_refused() { # MODE
	u_mkdir "$H/mnt"
	run_client --mode "$1" -o allow_other "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "$(msg_re "option allow_other only allowed if 'user_allow_other' is set in /etc/fuse.conf")" "stderr ($1)"
	assert_not_mounted "$H/mnt"
	assert_eq 0 "$(fuse_mount_count)" "number of FUSE mounts"
}
test_allow_other_refused_classic() { allow_other_refused classic; }
test_allow_other_refused_sync_init() { allow_other_refused sync-init; }

allow_other_accepted() { # MODE
	set_fuse_conf "user_allow_other"
	u_mkdir "$H/mnt"
	start_client c --mode "$1" -o allow_other "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$MI_SUPER" '(^|,)allow_other(,|$)' "superblock options"
	# allow_other in effect: the other user can read the file too
	assert_exit 0 as_user2 cat "$H/mnt/hello"
	assert_eq "hello world" "$OUT" "hello read by $U2"
	unmount_client c "$H/mnt"
}
test_allow_other_accepted_classic() { allow_other_accepted classic; }
test_allow_other_accepted_sync_init() { allow_other_accepted sync-init; }

# without allow_other another user is kept out by the kernel
test_no_allow_other_other_user_denied() {
	u_mkdir "$H/mnt"
	start_client c --mode classic "$H/mnt"
	assert_exit 1 as_user2 cat "$H/mnt/hello"
	assert_match "$ERR" 'Permission denied'
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "hello world" "$OUT"
	unmount_client c "$H/mnt"
}

fsname_subtype() { # MODE
	u_mkdir "$H/mnt"
	start_client c --mode "$1" -o fsname=myfs,subtype=mytype "$H/mnt"
	assert_user_fuse_mount "$H/mnt" 'fuse\.mytype'
	assert_eq myfs "$MI_SRC" "mount source"
	assert_utab_user "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "hello world" "$OUT"
	unmount_client c "$H/mnt"
	assert_utab_lacks "$H/mnt"
}
test_fsname_subtype_classic() { fsname_subtype classic; }
test_fsname_subtype_sync_init() { fsname_subtype sync-init; }

# the daemon asks for synchronous FUSE_INIT before the mount (kernel >= 6.18)
test_sync_init_ioctl() {
	u_mkdir "$H/mnt"
	start_client c --mode sync-init --sync-ioctl --content "sync init" "$H/mnt"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$(cat "$T/c.out")" '^sync-ioctl=ok$' "fmclient stdout"
	assert_match "$(cat "$T/c.out")" '^status=0$' "fmclient stdout"
	assert_exit 0 as_user cat "$H/mnt/hello"
	assert_eq "sync init" "$OUT"
	unmount_client c "$H/mnt"
}

test_squashfuse() {
	need_cmd squashfuse mksquashfs
	u_mkdir "$H/src" "$H/mnt"
	u_write "$H/src/inside.txt" "from squashfs"
	assert_exit 0 as_user mksquashfs "$H/src" "$H/img.sqfs" -quiet -noappend
	assert_exit 0 as_user squashfuse "$H/img.sqfs" "$H/mnt"
	wait_mounted "$H/mnt" 5
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/inside.txt"
	assert_eq "from squashfs" "$OUT" "file read through squashfuse"
	assert_exit 0 as_user fusermount3 -u "$H/mnt"
	assert_not_mounted "$H/mnt"
}

test_fuse_overlayfs() {
	need_cmd fuse-overlayfs
	u_mkdir "$H/lower" "$H/upper" "$H/work" "$H/mnt"
	u_write "$H/lower/low.txt" "lower layer"
	assert_exit 0 as_user fuse-overlayfs \
		-o "lowerdir=$H/lower,upperdir=$H/upper,workdir=$H/work" "$H/mnt"
	wait_mounted "$H/mnt" 5
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/low.txt"
	assert_eq "lower layer" "$OUT" "file read through fuse-overlayfs"
	assert_exit 0 as_user sh -c 'echo new >"$1"' sh "$H/mnt/new.txt"
	assert_eq new "$(cat "$H/upper/new.txt" 2>&1)" "copy in the upper layer"
	assert_exit 0 as_user fusermount3 -u "$H/mnt"
	assert_not_mounted "$H/mnt"
}

# sshfs against an sshd started here on 127.0.0.1 (as root, temp host key)
test_sshfs() {
	need_cmd sshfs ssh ssh-keygen
	[ -x /usr/sbin/sshd ] || skip_missing "/usr/sbin/sshd (install openssh-server)"
	local d=$T/ssh port try
	mkdir -m 0755 "$d" /run/sshd || fail "mkdir $d /run/sshd"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" || fail "ssh-keygen (host key)"
	u_mkdir "$H/.ssh" "$H/src" "$H/mnt"
	u_write "$H/src/remote.txt" "over ssh"
	as_user ssh-keygen -q -t ed25519 -N '' -f "$H/.ssh/id_ed25519" || fail "ssh-keygen (user key)"
	install -m 0644 "$H/.ssh/id_ed25519.pub" "$d/authorized_keys"
	# sshd refuses locked accounts ('!' in shadow): unlock in this namespace only
	if getent shadow "$U" | cut -d: -f2 | grep -q '^!'; then
		install -m 0640 /etc/shadow "$d/shadow" &&
			sed -i "s/^$U:![^:]*:/$U:*:/" "$d/shadow" &&
			mount --bind "$d/shadow" /etc/shadow || fail "cannot unlock $U for sshd"
	fi
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		cat >"$d/sshd_config" <<-EOF
			Port $port
			ListenAddress 127.0.0.1
			HostKey $d/host_key
			PidFile none
			AuthorizedKeysFile $d/authorized_keys
			StrictModes no
			UsePAM no
			PasswordAuthentication no
			KbdInteractiveAuthentication no
			PubkeyAuthentication yes
			AllowUsers $U
			Subsystem sftp internal-sftp
		EOF
		bg sshd /usr/sbin/sshd -D -e -f "$d/sshd_config"
		poll_until 5 grep -q 'Server listening' "$T/sshd.err" && break
		kill "${BG[sshd]}" 2>/dev/null
		wait "${BG[sshd]}" 2>/dev/null
		[ "$try" = 5 ] && skip "could not start a loopback sshd: $(tail -n 3 "$T/sshd.err")"
	done
	assert_exit 0 as_user sshfs -p "$port" \
		-o "IdentityFile=$H/.ssh/id_ed25519,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes,ConnectTimeout=5" \
		"$U@127.0.0.1:$H/src" "$H/mnt"
	wait_mounted "$H/mnt" 10
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/remote.txt"
	assert_eq "over ssh" "$OUT" "file read through sshfs"
	assert_exit 0 as_user fusermount3 -u "$H/mnt"
	assert_not_mounted "$H/mnt"
}
