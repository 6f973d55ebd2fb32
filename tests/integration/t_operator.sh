# t_operator.sh - for the people at the shell and their admins:
# `fusermount3 --list [--json]`, `--abort MOUNTPOINT` and the syslog
# record of every decision (log.c), with a server that stops answering
# (fmclient --stall-on), a killed one, another user's mount, and paths
# built to forge list entries and log lines.

OP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

op_need_py() { [ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (logsink.py, JSON checks)"; }

# mountinfo-style escape of a path, as --list prints it (ASCII input)
op_esc() {
	local s=${1//\\/\\134}
	s=${s// /\\040}
	s=${s//$'\t'/\\011}
	s=${s//$'\n'/\\012}
	printf '%s' "$s"
}

# --list as the test user (or with as_user2/root given first); sets OUT
op_list() { # [as_user|as_user2|root] [--json]
	local who=${1:-as_user}
	shift
	if [ "$who" = root ]; then
		FM_CMD_TIMEOUT=10 assert_exit 0 "$FM" --list "$@"
	else
		FM_CMD_TIMEOUT=10 assert_exit 0 "$who" "$FM" --list "$@"
	fi
	assert_eq "" "$ERR" "stderr of --list"
}

# the line of --list's text output for MOUNTPOINT (escaped), or fail
op_line() { # MOUNTPOINT
	local want
	want=$(op_esc "$1")
	LINE=$(P=$want awk '$1 == ENVIRON["P"]' <<<"$OUT")
	_asserted
	[ -n "$LINE" ] || fail "--list has no line for $want: '$OUT'"
	[ "$(grep -c . <<<"$LINE")" = 1 ] || fail "--list has more than one line for $want: '$LINE'"
}

# "STATE" of MOUNTPOINT in the text output: everything after field 5
op_state() { op_line "$1"; STATE=$(cut -d' ' -f6- <<<"$LINE"); }

# a mount of the test user whose server stalls once NAME is looked up, and
# a reader stuck in it (uninterruptible: the server has read its request)
op_stalled_mount() { # NAME MOUNTPOINT
	start_client "$1" --mode classic --stall-on hang "$2"
	bg "$1-reader" as_user cat "$2/hang"
	poll_until 5 grep -q 'server: stalled' "$T/$1.err" ||
		fail "server '$1' did not stall; $(bg_log "$1")"
	_asserted
}

# ================================================================= --list

# alive, dead (server killed) and not answering (stalled, a reader stuck
# in it), each with its type, source, mount ID and owner
test_list_states() {
	u_mkdir "$H/alive" "$H/dead" "$H/hung"
	start_client a --mode sync-init -o fsname=src-a,subtype=fmc "$H/alive"
	start_client d --mode classic "$H/dead"
	kill -KILL "${BG[d]}"
	op_stalled_mount h "$H/hung"
	op_list
	assert_eq 3 "$(grep -c . <<<"$OUT")" "lines of --list: '$OUT'"
	op_state "$H/alive"
	assert_eq "alive" "$STATE" "state of $H/alive"
	read -r _ type src id owner _ <<<"$LINE"
	assert_eq "fuse.fmc" "$type" "type of $H/alive"
	assert_eq "src-a" "$src" "source of $H/alive"
	assert_eq "$U" "$owner" "owner of $H/alive"
	assert_match "$id" '^[1-9][0-9]*$' "mount ID of $H/alive"
	assert_eq 3 "$(cut -d' ' -f4 <<<"$OUT" | sort -u | grep -c .)" "distinct mount IDs"
	op_state "$H/dead"
	assert_eq "dead" "$STATE" "state of $H/dead"
	op_state "$H/hung"
	assert_eq "not answering" "$STATE" "state of $H/hung"
	# the reader is still stuck: --list took nothing away
	alive h-reader || fail "the reader is gone; $(bg_log h-reader)"
}

# the probe of a stuck server holds nothing of the caller's: a pipeline
# ends as soon as --list does
test_list_pipe_not_held() {
	u_mkdir "$H/hung"
	op_stalled_mount h "$H/hung"
	FM_CMD_TIMEOUT=10 assert_exit 0 as_user sh -c '"$1" --list | cat' sh "$FM"
	assert_match "$OUT" ' not answering$' "--list | cat"
	# a second listing finds the same, its own probe stuck too
	op_list
	op_state "$H/hung"
	assert_eq "not answering" "$STATE" "state of $H/hung, second time"
}

# the probe left behind in a stuck server runs as the caller (for root: as
# the mount's owner, without supplementary groups), without any capability
op_status() { # PID FIELD
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}
op_check_probe() { # PID WHAT GROUPS
	assert_eq "$UID1 $UID1 $UID1 $UID1" "$(op_status "$1" Uid)" "Uid of $2"
	assert_eq "$GID1 $GID1 $GID1 $GID1" "$(op_status "$1" Gid)" "Gid of $2"
	assert_eq "0000000000000000" "$(op_status "$1" CapPrm)" "CapPrm of $2"
	assert_eq "0000000000000000" "$(op_status "$1" CapEff)" "CapEff of $2"
	assert_eq "0000000000000000" "$(op_status "$1" CapInh)" "CapInh of $2"
	assert_eq "0000000000000000" "$(op_status "$1" CapAmb)" "CapAmb of $2"
	assert_eq 1 "$(op_status "$1" NoNewPrivs)" "NoNewPrivs of $2"
	assert_eq "$3" "$(op_status "$1" Groups)" "supplementary groups of $2"
	assert_eq "/dev/null /dev/null /dev/null" \
		"$(readlink "/proc/$1/fd/0" "/proc/$1/fd/1" "/proc/$1/fd/2" | tr '\n' ' ' | sed 's/ $//')" \
		"standard fds of $2"
}
test_list_probe_identity() {
	u_mkdir "$H/hung"
	op_stalled_mount h "$H/hung"
	op_list
	poll_until 2 some_helpers || fail "no probe left behind"
	local pids
	pids=$(helper_pids)
	assert_eq 1 "$(grep -c . <<<"$pids")" "probes left behind: $pids"
	# the caller's own groups (setpriv --init-groups: its primary one)
	op_check_probe "$pids" "$U's probe" "$(id -G "$U")"
	op_list root
	poll_until 2 test "$(helper_pids | grep -c .)" = 2 || fail "no probe of root's left behind"
	_asserted
	op_check_probe "$(helper_pids | grep -vx "$pids")" "root's probe (as the owner)" ""
}

# another user's mount: not listed for the test user; root lists both,
# each probed as its owner (alive, not merely unknown)
test_list_other_user() {
	u_mkdir "$H/mine"
	as_user2 mkdir -p "$H2/theirs" || fail "mkdir as $U2"
	start_client m --mode classic "$H/mine"
	start_client t --as2 --mode classic "$H2/theirs"
	op_list
	assert_eq 1 "$(grep -c . <<<"$OUT")" "lines of $U's --list: '$OUT'"
	op_state "$H/mine"
	assert_no_match "$OUT" "$(re "$H2")" "$U's --list"
	op_list as_user2
	assert_eq 1 "$(grep -c . <<<"$OUT")" "lines of $U2's --list: '$OUT'"
	op_state "$H2/theirs"
	assert_eq alive "$STATE" "$U2's view of $H2/theirs"
	op_list root
	op_state "$H/mine"
	assert_eq "alive" "$STATE" "root's view of $H/mine"
	assert_eq "$U" "$(cut -d' ' -f5 <<<"$LINE")" "owner of $H/mine"
	op_state "$H2/theirs"
	assert_eq "alive" "$STATE" "root's view of $H2/theirs"
	assert_eq "$U2" "$(cut -d' ' -f5 <<<"$LINE")" "owner of $H2/theirs"
}

# a mountpoint built to look like a second entry stays one escaped line;
# --json gives back the exact bytes (also of a name that is not UTF-8)
test_list_forged_names() {
	op_need_py
	local evil=$H/$'x\n/fake fuse.fake src 1 root alive' odd=$H/$'b\\s t\tq\xff'
	u_mkdir "$evil" "$odd"
	start_client e --mode classic -o 'fsname=a\,b c' "$evil"
	start_client o --mode classic "$odd"
	op_list
	assert_eq 2 "$(grep -c . <<<"$OUT")" "lines of --list: '$OUT'"
	assert_no_match "$OUT" '^/fake' "--list"
	op_line "$evil"
	assert_eq "$(op_esc "$evil") fuse a,b\\040c" "$(cut -d' ' -f1-3 <<<"$LINE")" \
		"mountpoint, type, source of the forged name"
	assert_match "$OUT" "^$(re "$H")/b\\\\134s\\\\040t\\\\011q\\\\377 fuse " \
		"the line of a name with a backslash, a blank, a tab and a byte that is not UTF-8"
	op_list as_user --json
	printf '%s\n' "$OUT" >"$T/list.json"
	assert_exit 0 /usr/bin/python3 -c '
import json, os, sys
raw = open(sys.argv[1], "rb").read()
bad = [b for b in raw if (b < 0x20 and b != 0x0a) or b == 0x7f]
assert not bad, ("raw control bytes", bad)
doc = json.loads(raw.decode("utf-8", "surrogateescape"))
got = sorted(os.fsencode(m["mountpoint"]) for m in doc["mounts"])
want = sorted(os.fsencode(p) for p in sys.argv[3:])
assert got == want, (got, want)
src = [m["source"] for m in doc["mounts"] if m["type"] == "fuse"]
assert "a,b c" in src, src
uid = int(sys.argv[2])
assert all(m["state"] == "alive" and m["uid"] == uid for m in doc["mounts"]), doc
print("ok")' "$T/list.json" "$UID1" "$evil" "$odd"
	assert_eq ok "$OUT" "JSON check"
}

test_list_usage() {
	assert_exit 1 as_user "$FM" --list "$H"
	assert_err_line "--list takes no mountpoint" "$(re "$FM")"
	assert_exit 1 as_user "$FM" --json "$H"
	assert_err_line "--json can only be used with --list" "$(re "$FM")"
	assert_exit 1 as_user "$FM" --list -u
	assert_err_line "--list cannot be used with -u, --check or --abort" "$(re "$FM")"
	op_list
	assert_eq "" "$OUT" "--list without mounts"
	op_list as_user --json
	assert_eq $'{"mounts": [\n]}' "$OUT" "--list --json without mounts"
}

# =================================================================== log

# A private /dev (the machine's is left alone) with the nodes the helper
# and the tools need, and a syslog listener on /dev/log (logsink.py):
# $T/syslog gets one line per datagram, "uid=N <datagram>", or "BAD ..."
# for a datagram holding a control character.
op_private_dev() {
	mount -t tmpfs -o mode=0755 fmtest-dev /dev || fail "tmpfs on /dev"
	mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
		mknod -m 666 /dev/full c 1 7 && mknod -m 666 /dev/urandom c 1 9 &&
		mknod -m 666 /dev/tty c 5 0 && mknod -m 666 /dev/fuse c 10 229 &&
		ln -s /proc/self/fd /dev/fd || fail "mknod in the private /dev"
}
op_syslog() {
	op_need_py
	op_private_dev
	: >"$T/syslog"
	bg sink /usr/bin/python3 "$OP_DIR/logsink.py" /dev/log "$T/syslog"
	poll_until 5 grep -q ready "$T/sink.out" || fail "logsink.py not ready; $(bg_log sink)"
	_asserted
}
# the log lines so far, without the "<PRI>" header
op_log() { sed -E 's/^(uid=[0-9]+) <[0-9]+>/\1 /' "$T/syslog"; }
# exactly one line matching REGEX (after the header)
op_log_has() { # REGEX [WHAT]
	local n
	n=$(op_log | grep -cE -- "$1")
	_asserted
	[ "$n" = 1 ] || fail "${2:-syslog}: $n lines match /$1/; log: '$(op_log)'"
}
op_log_count() { grep -c . "$T/syslog"; }
op_no_bad_lines() {
	assert_no_match "$(cat "$T/syslog")" '^BAD ' "syslog (a datagram with a control character)"
}
PID_RE='fusermount3\[[0-9]+\]: '

# mount, unmount and a refusal, each one line with the user, mount point,
# option names (never values) and, for the refusal, the message and the
# fuse.conf line; the kernel's credentials say who sent it
test_log_mount_unmount_refusal() {
	op_syslog
	u_mkdir "$H/mnt" "$H/other"
	start_client c --mode sync-init -o 'fsname=s3cret-src,subtype=fmc,x-pass=hunter2,noatime' "$H/mnt"
	unmount_client c "$H/mnt"
	set_fuse_conf "# only here
mount_dir = $H/mnt"
	run_client --mode sync-init "$H/other"
	assert_client_failed
	op_log_has "^uid=$UID1 ${PID_RE}mount ok: user=$U uid=$UID1 mountpoint=$(re "$H/mnt") options=fsname,subtype,x-pass,noatime\$" "mount line"
	op_log_has "^uid=$UID1 ${PID_RE}unmount ok: user=$U uid=$UID1 mountpoint=$(re "$H/mnt")\$" "unmount line"
	op_log_has "^uid=$UID1 ${PID_RE}mount refused: user=$U uid=$UID1 mountpoint=$(re "$H/other") options=.* conf=/etc/fuse\\.conf:2 reason=mountpoint $(re "$H/other") is not within a mount_dir of /etc/fuse\\.conf\$" "refusal line"
	assert_no_match "$(cat "$T/syslog")" 's3cret|hunter2' "syslog (option values)"
	assert_eq 3 "$(op_log_count)" "lines in syslog: '$(op_log)'"
	op_no_bad_lines
	# the priority: LOG_AUTHPRIV (10) with LOG_INFO for ok, LOG_NOTICE else
	assert_match "$(grep 'mount ok' "$T/syslog")" '^uid=[0-9]+ <86>' "priority of a success"
	assert_match "$(grep 'refused' "$T/syslog")" '^uid=[0-9]+ <85>' "priority of a refusal"
}

# -q silences stderr, not the log; another user's mount is refused and
# the refusal logged; the auto_unmount watcher logs its unmount
test_log_quiet_and_auto_unmount() {
	op_syslog
	u_mkdir "$H/none" "$H/au"
	as_user2 mkdir -p "$H2/theirs" || fail "mkdir as $U2"
	start_client t --as2 --mode classic "$H2/theirs"
	assert_exit 1 as_user "$FM" -q -u "$H/none"
	assert_eq "" "$ERR" "stderr of -q -u"
	assert_exit 1 as_user "$FM" -u "$H2/theirs"
	assert_mounted "$H2/theirs"
	op_log_has "^uid=$UID1 ${PID_RE}unmount failed: user=$U uid=$UID1 mountpoint=$(re "$H/none") reason=entry for $(re "$H/none") not found in /etc/mtab\$" "-q -u line"
	op_log_has "^uid=$UID1 ${PID_RE}unmount failed: user=$U uid=$UID1 mountpoint=$(re "$H2/theirs") reason=entry for $(re "$H2/theirs") not found in /etc/mtab\$" "foreign -u line"
	start_client au --mode classic -o auto_unmount "$H/au"
	kill -KILL "${BG[au]}"
	wait_unmounted "$H/au" 10
	poll_until 5 grep -q 'auto-unmount ok' "$T/syslog"
	op_log_has "^uid=$UID1 ${PID_RE}auto-unmount ok: user=$U uid=$UID1 mountpoint=$(re "$H/au")\$" "watcher line"
	op_no_bad_lines
}

# a path with a newline (and what a forged line would need) stays in its
# one line, escaped; so does a message that quotes it
test_log_newline_cannot_forge() {
	op_syslog
	local evil=$H/$'x\n<86>Jan  1 00:00:00 fusermount3[1]: mount ok: user=root uid=0 mountpoint=/etc'
	u_mkdir "$evil"
	start_client e --mode classic "$evil"
	assert_exit 0 as_user "$FM" -u "$evil"
	assert_exit 1 as_user "$FM" -u "$evil"
	run_client --mode sync-init -o $'bad\nname=s3cret' "$evil"
	assert_client_failed
	assert_eq 4 "$(op_log_count)" "lines in syslog: '$(op_log)'"
	op_no_bad_lines
	assert_no_match "$(op_log)" '^uid=[0-9]+ <' "a line starting with a forged header"
	assert_eq 4 "$(grep -c "mountpoint=$(re "$H")/x\\\\012<86>Jan\\\\040\\\\0401" "$T/syslog")" \
		"lines with the escaped path"
	op_log_has "unmount failed: .* reason=entry for $(re "$H")/x\\\\012<86>Jan  1 00:00:00 fusermount3\\[1\\]: mount ok: user=root uid=0 mountpoint=/etc not found in /etc/mtab\$" \
		"the message, its newline escaped"
	op_log_has "mount refused: .* options=bad\\\\012name reason=unknown option 'bad\\\\012name=\\*{6}'\$" \
		"an option name with a newline, its value hidden"
	assert_no_match "$(cat "$T/syslog")" 's3cret' "syslog (option values)"
}

# fuse.conf turns the log down (refusals) or off; only a trusted file may
test_log_levels() {
	op_syslog
	u_mkdir "$H/mnt" "$H/nope"
	set_fuse_conf "log = refusals"
	start_client c --mode classic "$H/mnt"
	unmount_client c "$H/mnt"
	assert_exit 1 as_user "$FM" -u "$H/nope"
	assert_eq 1 "$(op_log_count)" "lines with log = refusals: '$(op_log)'"
	op_log_has "unmount failed: user=$U .*mountpoint=$(re "$H/nope") " "the failure"
	set_fuse_conf "log = off"
	start_client c2 --mode classic "$H/mnt"
	unmount_client c2 "$H/mnt"
	assert_exit 1 as_user "$FM" -u "$H/nope"
	run_client --mode classic -o allow_other "$H/mnt"
	assert_client_failed
	assert_eq 1 "$(op_log_count)" "lines with log = off: '$(op_log)'"
	# not root's file: the setting is not trusted, everything is logged
	chown "$U" "$T/fuse.conf" || fail "chown fuse.conf"
	assert_exit 1 as_user "$FM" -u "$H/nope"
	run_client --mode classic "$H/mnt"
	assert_client_failed
	op_log_has "mount refused: .* reason=/etc/fuse\\.conf sets mount policy but is not owned by root" "untrusted conf"
	assert_eq 3 "$(op_log_count)" "lines with an untrusted log = off: '$(op_log)'"
	# a malformed log line fails closed like every policy key
	chown root "$T/fuse.conf" || fail "chown fuse.conf"
	set_fuse_conf "log = none"
	run_client --mode classic "$H/mnt"
	assert_client_failed
	assert_match "$ERR" "/etc/fuse\\.conf line 1: log takes one of all, refusals, off; non-root mounts are refused" "stderr"
	op_log_has "mount refused: .* conf=/etc/fuse\\.conf:1 reason=/etc/fuse\\.conf line 1: log takes" "malformed log line"
}

# no listener at all, or one that stopped reading (its queue full): the
# mount and the unmount go on (every command is bounded by assert_exit)
test_log_no_listener() {
	op_private_dev
	u_mkdir "$H/mnt"
	start_client c --mode sync-init "$H/mnt"
	unmount_client c "$H/mnt"
	op_syslog
	kill -STOP "${BG[sink]}"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		FM_CMD_TIMEOUT=10 assert_exit 1 as_user "$FM" -u "$H/mnt"
	done
	start_client c2 --mode sync-init "$H/mnt"
	FM_CMD_TIMEOUT=10 unmount_client c2 "$H/mnt"
	kill -CONT "${BG[sink]}"
	poll_until 5 test "$(op_log_count)" -ge 10
	assert_match "$(op_log_count)" '^1[0-9]$' "lines kept from a full queue"
	op_no_bad_lines
}

# ================================================================= --abort

# the mount table of this namespace without FUSE mounts: --abort may take
# away the one FUSE mount and must change nothing else
op_nonfuse() {
	awk '{ split($0, a, " - "); split(a[2], b, " ");
	       if (b[1] !~ /^fuse(blk)?(\.|$)/) print $1, $5, $6, b[1] }' /proc/self/mountinfo
}

# a server that stopped answering, a reader stuck in it and a --list probe
# stuck behind it: --abort frees both at once and leaves nothing mounted
op_abort_stalled() { # [HELPER-TWEAK...]
	u_mkdir "$H/hung"
	op_stalled_mount h "$H/hung"
	op_list
	op_state "$H/hung"
	assert_eq "not answering" "$STATE" "state before --abort"
	some_helpers || fail "no --list probe left behind (expected one stuck in the server)"
	_asserted
	NONFUSE=$(op_nonfuse)
	assert_exit 0 as_user "$FM" --abort "$H/hung"
	assert_eq "" "$ERR" "stderr of --abort"
	wait_exit h-reader 2
	assert_match "$(cat "$T/h-reader.err")" 'Software caused connection abort|Transport endpoint is not connected' \
		"the reader's error"
	assert_not_mounted "$H/hung"
	assert_utab_lacks "$H/hung"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts left"
	poll_until 2 no_helpers || fail "helper processes left: $(helper_pids | tr '\n' ' ')"
	_asserted
	wait_exit h 5
	assert_match "$(cat "$T/h.out")" '^served-until=unmount$' "fmclient's end"
	assert_eq "$NONFUSE" "$(op_nonfuse)" "the rest of the mount table"
}

# fusectl is not mounted in here (nor on the host): a detached instance
test_abort_stalled() {
	! mountpoint -q /sys/fs/fuse/connections || umount /sys/fs/fuse/connections
	op_abort_stalled
	assert_match "$(findmnt -n -o FSTYPE /sys/fs/fuse/connections 2>&1 || true)" '^$' \
		"fusectl after --abort"
}

# fusectl mounted where it belongs: used as it is
test_abort_stalled_fusectl_mounted() {
	mountpoint -q /sys/fs/fuse/connections ||
		mount -t fusectl -o nosuid,nodev,noexec fusectl /sys/fs/fuse/connections ||
		fail "cannot mount fusectl on /sys/fs/fuse/connections"
	op_abort_stalled
}

# mount(2) only (an old kernel): fusectl in a child's private namespace
test_abort_stalled_legacy() {
	use_legacy_helper
	! mountpoint -q /sys/fs/fuse/connections || umount /sys/fs/fuse/connections
	op_abort_stalled
}

# root may abort anybody's mount, as it may unmount it (FUSE does not
# let root look at a user's mount without allow_other: the mount ID is
# found without asking for any attribute)
test_abort_by_root() {
	u_mkdir "$H/hung"
	op_stalled_mount h "$H/hung"
	assert_exit 0 "$FM" --abort "$H/hung"
	assert_eq "" "$ERR" "stderr of root's --abort"
	wait_exit h-reader 2
	assert_not_mounted "$H/hung"
	assert_utab_lacks "$H/hung"
}

# a killed server: the dead mount goes too
test_abort_dead() {
	u_mkdir "$H/dead"
	start_client d --mode classic "$H/dead"
	kill -KILL "${BG[d]}"
	assert_exit 0 as_user "$FM" --abort "$H/dead"
	assert_eq "" "$ERR" "stderr of --abort"
	assert_not_mounted "$H/dead"
	assert_utab_lacks "$H/dead"
}

# another user's mount: refused with -u's words, untouched, still served
test_abort_other_users_mount() {
	as_user2 mkdir -p "$H2/theirs" || fail "mkdir as $U2"
	start_client t --as2 --mode classic "$H2/theirs"
	mi_get "$H2/theirs"
	local dev=$MI_DEV
	assert_exit 1 as_user "$FM" --abort "$H2/theirs"
	assert_err_line "entry for $H2/theirs not found in /etc/mtab" "$(re "$FM")"
	assert_exit 1 as_user "$FM" -q --abort "$H2/theirs"
	assert_eq "" "$ERR" "stderr of -q --abort"
	assert_user_fuse_mount "$H2/theirs" "$FUSE_TYPE_RE" "$UID2"
	assert_eq "$dev" "$MI_DEV" "device of $H2/theirs"
	assert_utab_user "$H2/theirs" "$U2"
	assert_exit 0 as_user2 cat "$H2/theirs/hello"
	assert_eq "hello world" "$OUT" "$U2 reads its mount"
	op_list as_user2
	op_state "$H2/theirs"
	assert_eq alive "$STATE" "$U2's mount after the refused --abort"
	# the fusectl file itself is the owner's: writing it as $U is refused too
	assert_exit 2 as_user sh -c 'echo 1 >"$1"' sh "$T/fusectl/${dev#*:}/abort"
	assert_exit 0 as_user2 cat "$H2/theirs/hello"
}

# what -u refuses, --abort refuses with the same words
test_abort_refusals() {
	u_mkdir "$H/mnt" "$H/tmpfs" "$H/empty"
	mount -t tmpfs -o size=1m fmtest-tmpfs "$H/tmpfs" || fail "mount tmpfs"
	assert_exit 1 as_user "$FM" --abort "$H/tmpfs"
	assert_err_line "entry for $H/tmpfs not found in /etc/mtab" "$(re "$FM")"
	assert_mounted "$H/tmpfs" tmpfs
	assert_exit 1 as_user "$FM" --abort "$H/empty"
	assert_err_line "entry for $H/empty not found in /etc/mtab" "$(re "$FM")"
	start_client c --mode classic "$H/mnt"
	as_user ln -s mnt "$H/link" || fail "ln -s"
	assert_exit 1 as_user "$FM" --abort "$H/link"
	assert_err_line "entry for $H/link not found in /etc/mtab" "$(re "$FM")"
	assert_mounted "$H/mnt"
	assert_exit 1 as_user "$FM" --abort
	assert_err_line "missing mountpoint argument" "$(re "$FM")"
	assert_exit 1 as_user "$FM" --abort -u "$H/mnt"
	assert_err_line "--abort cannot be used with -u or --check" "$(re "$FM")"
	assert_mounted "$H/mnt"
	# root and a filesystem that is not FUSE
	assert_exit 1 "$FM" --abort "$H/tmpfs"
	assert_err_line "$H/tmpfs is not a FUSE mount" "$(re "$FM")"
	assert_mounted "$H/tmpfs" tmpfs
	unmount_client c "$H/mnt"
}

# the log has the abort, with the words of a refusal for a foreign mount
test_log_abort() {
	op_syslog
	u_mkdir "$H/hung"
	as_user2 mkdir -p "$H2/theirs" || fail "mkdir as $U2"
	start_client t --as2 --mode classic "$H2/theirs"
	op_stalled_mount h "$H/hung"
	assert_exit 0 as_user "$FM" --abort "$H/hung"
	assert_exit 1 as_user "$FM" -q --abort "$H2/theirs"
	op_log_has "^uid=$UID1 ${PID_RE}abort ok: user=$U uid=$UID1 mountpoint=$(re "$H/hung")\$" "abort line"
	op_log_has "^uid=$UID1 ${PID_RE}abort failed: user=$U uid=$UID1 mountpoint=$(re "$H2/theirs") reason=entry for $(re "$H2/theirs") not found in /etc/mtab\$" "refused abort line"
	op_no_bad_lines
}
