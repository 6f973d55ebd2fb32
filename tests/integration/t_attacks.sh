# t_attacks.sh - the attack cases of the security reference (Part 1B of
# security-history-and-attack-cases.md), one or more tests per case, named
# test_tNN_*; tests/ATTACKS.md maps every case to its tests (here and in the
# older files) and says what is asserted.  Cases the reference omits (T09,
# T10, T17, T24, T26, T27) have no test.
#
# A = the attacker ($U, uid $UID1), V = the victim ($U2).  After a case,
# atk_post checks the common post-conditions of Part 1B:
#   - no mount other than FUSE ones appeared, vanished or changed flags;
#   - every FUSE mount of a test user is nosuid,nodev with that user's
#     user_id= and group_id=;
#   - /etc/passwd, /etc/shadow, /etc/group and fuse.conf are unchanged (and
#     utab, where the case snapshots it with atk_snapshot --utab);
#   - V's FUSE mounts (those present at atk_snapshot) are all still there.
# Everything the helper printed is also checked for sanitizer reports
# (atk_clean), which matters in `make asan-check`.
# Race cases run a bounded number of iterations within a time limit.
#
# The cases about options, mountpoints and fuse.conf that fmclient drives
# run once more the way libfuse after 3.18 mounts (run.sh fm-twin: probe
# --help and --features, then --sync-init); the traced ones (T03, T04)
# count the programs executed and stay as they are.
# fm-twin: test_t01_newline_tab_backslash_space_hash_in_mountpoint
# fm-twin: test_t02_fsname_subtype_injection_refused test_t02_fsname_subtype_accepted_escaped
# fm-twin: test_t05_privileged_options test_t05_dropped_and_regenerated_options
# fm-twin: test_t05_auto_unmount_suid_dev test_t06_overlong_option_strings
# fm-twin: test_t07_degenerate_option_strings test_t08_x_options_inert
# fm-twin: test_t13_world_writable_places test_t14_pseudo_fs_targets_proc
# fm-twin: test_t14_pseudo_fs_targets_sys_cgroup test_t14_pseudo_fs_targets_dev
# fm-twin: test_t14_pseudo_fs_targets_devtmpfs test_t15_sticky_directories
# fm-twin: test_t16_regular_file_mountpoints test_t22_fuse_conf_parsing
# fm-twin: test_t22_fuse_conf_directory test_t23_mount_max_sequential_types
# fm-twin: test_t31_nested_in_own_fuse_mount

ATK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STUB=$ATK_DIR/fmstub.py

# ---------------------------------------------------------------- helpers

need_py() { [ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3 (tests/integration/fmstub.py)"; }

# mountinfo escaping as the kernel does it (also newline, unlike mi_escape)
atk_esc() {
	local s=${1//\\/\\134}
	s=${s// /\\040}
	s=${s//$'\t'/\\011}
	s=${s//$'\n'/\\012}
	printf '%s' "$s"
}
# ... and back (a kernel/libmount escape is always three octal digits, and
# printf %b wants \0NNN, else "\0400" would be read as one escape)
atk_unesc() { printf '%b' "${1//\\/\\0}"; }
# "id|mountpoint|mount-opts|type|source|super-opts" for every mount
atk_mounts() {
	awk '{ split($0, a, " - "); split(a[2], b, " "); print $1 "|" $5 "|" $6 "|" b[1] "|" b[2] "|" b[3] }' \
		/proc/self/mountinfo
}
atk_nonfuse() { atk_mounts | awk -F'|' '$4 !~ /^fuse(blk)?(\.|$)/ { print $1 "|" $2 "|" $3 }' | sort; }
atk_fuse() { atk_mounts | awk -F'|' '$4 ~ /^fuse(blk)?(\.|$)/'; }
# the FUSE mount exactly at PATH (raw path, any characters): its line
# (awk -v would interpret the backslashes: the path goes through ENVIRON)
atk_fuse_at() { atk_fuse | ATK_P=$(atk_esc "$1") awk -F'|' '$2 == ENVIRON["ATK_P"]' | tail -n 1; }
atk_count_at() { atk_mounts | ATK_P=$(atk_esc "$1") awk -F'|' '$2 == ENVIRON["ATK_P"]' | wc -l; }
atk_mounted_id() { atk_mounts | awk -F'|' -v i="$1" '$1 == i { f = 1 } END { exit !f }'; }

declare -A ATK_GID=() # uid -> the group_id its mounts must carry
atk_gid_of() {
	local g
	g=${ATK_GID[$1]:-}
	[ -n "$g" ] || g=$(getent passwd "$1" | cut -d: -f4)
	echo "${g:-$1}"
}

ATK_N=0 # a counter for unique background names
ATK_PROTECTED=(/etc/passwd /etc/shadow /etc/group)
ATK_UTAB=0
# atk_snapshot [--utab]: the state atk_post compares with
atk_snapshot() {
	ATK_NONFUSE0=$(atk_nonfuse)
	snapshot_file "${ATK_PROTECTED[@]}" "$T/fuse.conf"
	ATK_UTAB=0
	if [ "${1:-}" = --utab ]; then
		ATK_UTAB=1
		snapshot_file /run/mount/utab
	fi
	ATK_VIDS=$(atk_fuse | awk -F'|' -v u="user_id=$UID2" '"," $6 "," ~ "," u "," { print $1 }')
}
atk_post() {
	local l id mp opts super uid gid
	assert_eq "$ATK_NONFUSE0" "$(atk_nonfuse)" "non-FUSE mounts (none added, removed or changed)"
	while IFS='|' read -r id mp opts _ _ super; do
		[ -n "$id" ] || continue
		uid=$(grep -oE '(^|,)user_id=[0-9]+' <<<"$super" | grep -oE '[0-9]+$')
		gid=$(grep -oE '(^|,)group_id=[0-9]+' <<<"$super" | grep -oE '[0-9]+$')
		_asserted
		[ -n "$uid" ] && [ -n "$gid" ] || fail "FUSE mount without user_id/group_id: $id $mp $super"
		[ "$uid" = 0 ] && continue
		assert_match "$opts" '(^|,)nosuid(,|$)' "per-mount options of FUSE mount $id ($mp)"
		assert_match "$opts" '(^|,)nodev(,|$)' "per-mount options of FUSE mount $id ($mp)"
		assert_eq "$(atk_gid_of "$uid")" "$gid" "group_id of the FUSE mount $id of uid $uid ($mp)"
	done < <(atk_fuse)
	assert_file_unchanged "${ATK_PROTECTED[@]}" "$T/fuse.conf"
	[ "$ATK_UTAB" = 1 ] && assert_file_unchanged /run/mount/utab
	for id in $ATK_VIDS; do
		_asserted
		atk_mounted_id "$id" || fail "the victim's FUSE mount $id is gone"
	done
}
# no sanitizer report in TEXT
atk_clean() {
	assert_no_match "$1" 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' \
		"${2:-helper output} (sanitizer report)"
}

# a mount of $U2 (V) on $H2/m, served by fmclient
atk_victim_mount() { # [FMCLIENT-ARGS...]
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	start_client v --as2 --mode classic "$@" "$H2/m"
	assert_user_fuse_mount "$H2/m" "$FUSE_TYPE_RE" "$UID2"
}

# atk_refused RE-OR-EMPTY FMCLIENT-ARGS... MOUNTPOINT: the helper refuses
atk_refused() {
	local re=$1 mp=${*: -1}
	shift
	run_client "$@"
	assert_client_failed
	[ -z "$re" ] || assert_match "$ERR" "$re" "stderr for: $*"
	atk_clean "$ERR"
	assert_eq "" "$(atk_fuse_at "$mp")" "FUSE mount on $mp"
}
# atk_mounted NAME FMCLIENT-ARGS... MOUNTPOINT: mounted (and checked); the
# fmclient serves it in the background as NAME
atk_mounted() {
	local name=$1 mp=${*: -1}
	shift
	start_client "$name" "$@"
	assert_user_fuse_mount "$mp"
	atk_clean "$(cat "$T/$name.err")"
}

# atk_try FMCLIENT-ARGS... MOUNTPOINT: accepted or refused, either is fine
# here, but cleanly: RC=0 (mounted as it must be, then unmounted by -u) or
# the fmclient's status (1: the helper failed); ERR its stderr
atk_try() {
	local mp=${*: -1} name
	ATK_N=$((ATK_N + 1))
	name=try$ATK_N
	need_client
	_client_argv "$@"
	bg "$name" "${CLIENT[@]}" --ready-file "$UT/$name.ready" --timeout 20 "$@"
	_asserted
	poll_until 15 eval "test -e '$UT/$name.ready' || ! alive '$name'" || fail "fmclient ($*) neither mounted nor ended; $(bg_log "$name")"
	if [ -e "$UT/$name.ready" ]; then
		assert_user_fuse_mount "$mp"
		assert_exit 0 as_user "$FM" -u "$mp"
		wait_exit "$name" 5
		assert_eq 0 "$BG_RC" "fmclient exit after -u ($*)"
		RC=0
	else
		wait_exit "$name" 5
		RC=$BG_RC
		assert_eq "" "$(atk_fuse_at "$mp")" "FUSE mount on $mp after a refusal ($*)"
	fi
	ERR=$(cat "$T/$name.err")
	atk_clean "$ERR" "output of ($*)"
}

# atk_unmount NAME MOUNTPOINT: A's -u of the mount fmclient NAME serves
# (the mountpoint may itself be a mount point of something else)
atk_unmount() {
	assert_exit 0 as_user "$FM" -u "$2"
	assert_eq "" "$ERR" "stderr of -u $2"
	assert_eq "" "$(atk_fuse_at "$2")" "FUSE mount on $2 after -u"
	wait_exit "$1" 5
	assert_eq 0 "$BG_RC" "exit status of fmclient '$1' after unmount"
}

# stub [FMSTUB-ARGS...] -- HELPER-ARGS...: fmstub.py as A (override with
# --uid/--gid), bounded; sets RC, OUT, ERR
stub() {
	need_py
	local ids=(--uid "$UID1" --gid "$GID1")
	case " $* " in *" --uid "*) ids=() ;; esac
	timeout -k 2 40 /usr/bin/python3 "$STUB" --helper "$FM" "${ids[@]}" "$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
	_asserted
	[ "$RC" = 0 ] || fail "fmstub.py failed (status $RC): $ERR"
	atk_clean "$ERR"
}
stub_line() { grep -E "^$1" <<<"$OUT" | head -n 1; } # PREFIX

# An overlay on /etc (this namespace only), so that /etc/mtab & co. can be
# replaced; fuse.conf is bound over it again.
atk_etc_overlay() {
	mkdir -p "$T/etc-up" "$T/etc-work" || fail "mkdir"
	mount -t overlay -o "lowerdir=/etc,upperdir=$T/etc-up,workdir=$T/etc-work" fmtest-etc /etc ||
		skip "cannot mount an overlay on /etc (no overlayfs?)"
	mount --bind "$T/fuse.conf" /etc/fuse.conf || fail "cannot bind fuse.conf over the /etc overlay"
}


# ================================================================= T01

# The name is accepted; every table shows exactly one entry whose target
# decodes back to the name, and no line or option is injected.
t01_one() { # PATH
	local p=$1 mi0 mo0 ut0 line n
	as_user mkdir -p "$p" || fail "mkdir -p as $U: $(printf %q "$p")"
	mi0=$(wc -l </proc/self/mountinfo) mo0=$(wc -l </proc/self/mounts) ut0=$(wc -l </run/mount/utab)
	ATK_N=$((ATK_N + 1))
	start_client "t01_$ATK_N" --mode classic -o fsname=t01 "$p"
	assert_eq $((mi0 + 1)) "$(wc -l </proc/self/mountinfo)" "lines in mountinfo after mounting on $(printf %q "$p")"
	assert_eq $((mo0 + 1)) "$(wc -l </proc/self/mounts)" "lines in /proc/self/mounts"
	assert_eq $((ut0 + 1)) "$(wc -l </run/mount/utab)" "lines in utab"
	line=$(atk_fuse_at "$p")
	assert_match "$line" "\|fuse\|t01\|" "mountinfo entry found by its escaped name"
	assert_match "$line" '\|(rw,)?nosuid,nodev' "per-mount options"
	# the target in utab decodes to the very name, and only one line has it
	n=0
	while read -r line; do
		line=${line#*TARGET=}
		[ "$(atk_unesc "${line%% *}")" = "$p" ] && n=$((n + 1))
	done </run/mount/utab
	assert_eq 1 "$n" "utab records whose TARGET decodes to the name"
	assert_eq 0 "$(grep -cvE '^(ID|SRC)=' /run/mount/utab)" "utab lines that are not records"
	# findmnt (libmount) agrees
	assert_exit 0 findmnt -n -r -o TARGET,FSTYPE -T "$p"
	assert_eq "$(printf '%s' "$(atk_esc "$p") fuse" | sed 's/\\011/\\x09/g; s/\\012/\\x0a/g; s/\\040/\\x20/g; s/\\134/\\x5c/g')" "$OUT" "findmnt -r target of the mount"
	assert_exit 0 as_user "$FM" -u "$p"
	assert_eq 0 "$(atk_count_at "$p")" "mounts on the name after -u"
	assert_eq "$ut0" "$(wc -l </run/mount/utab)" "lines in utab after -u"
	wait_exit "t01_$ATK_N" 5
}
test_t01_newline_tab_backslash_space_hash_in_mountpoint() {
	atk_snapshot
	t01_one "$H/m"$'\n'"/dev/sda1 / ext4 rw 0 0"
	t01_one "$H/t"$'\t'"x"
	t01_one "$H/b\\x"
	t01_one "$H/s x"
	t01_one "$H/h#x"
	t01_one "$H/all"$'\t\n'" \\#,=;\$"
	atk_post
}

# ================================================================= T02

# Refused: control characters, empty, over 255 bytes; for subtype also
# space, comma, backslash (the type field has no escaping).
test_t02_fsname_subtype_injection_refused() {
	local v long
	long=$(printf 'a%.0s' $(seq 300))
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	for v in "x"$'\n'"/dev/root /etc ext4 rw 0 0" "a"$'\t'"b" "" "$long" "x"$'\r'"y" "x"$'\x7f'; do
		atk_refused "(invalid value in option|mount options too long)" --mode classic -o "fsname=$v" "$H/mnt"
		atk_refused "(invalid value in option|mount options too long)" --mode sync-init -o "subtype=$v" "$H/mnt"
	done
	for v in "a b" 'a\,b' 'a\\b' "a"$'\n'"b"; do
		atk_refused "invalid value in option" --mode classic -o "subtype=$v" "$H/mnt"
	done
	long=$(printf 'a%.0s' $(seq 4100))
	atk_refused "mount options too long" --mode classic -o "fsname=$long" "$H/mnt"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	atk_post
}

# Accepted values are stored exactly (escaped by the kernel and libmount)
t02_accepted() { # OPTION EXPECTED-SOURCE EXPECTED-TYPE
	local line src type
	ATK_N=$((ATK_N + 1))
	start_client "t02_$ATK_N" --mode classic -o "$1" "$H/mnt"
	line=$(atk_fuse_at "$H/mnt")
	IFS='|' read -r _ _ _ type src _ <<<"$line"
	assert_eq "$3" "$(atk_unesc "$type")" "type field (decoded) for -o $1"
	assert_eq "$2" "$(atk_unesc "$src")" "source (decoded) for -o $1"
	assert_eq 1 "$(grep -c "TARGET=$(re "$H/mnt") " /run/mount/utab)" "utab records of $H/mnt"
	assert_eq 0 "$(grep -cvE '^(ID|SRC)=' /run/mount/utab)" "utab lines that are not records"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	wait_exit "t02_$ATK_N" 5
}
test_t02_fsname_subtype_accepted_escaped() {
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	t02_accepted "fsname=a b" "a b" fuse
	t02_accepted 'fsname=a\,b' "a,b" fuse
	t02_accepted "fsname=a#b" "a#b" fuse
	t02_accepted 'fsname=a\\b' 'a\b' fuse
	t02_accepted "fsname=$(printf 'f%.0s' $(seq 255))" "$(printf 'f%.0s' $(seq 255))" fuse
	t02_accepted "subtype=x#y" "x#y" "fuse.x#y"
	t02_accepted "subtype=$(printf 's%.0s' $(seq 255)),fsname=n" n "fuse.$(printf 's%.0s' $(seq 255))"
	atk_post
}

# ================================================================= T03

# No mount(8) is ever run: the helper execs nothing; a dash name is just a name.
test_t03_dash_fsname_no_exec() {
	local v n=0 log
	need_strace
	need_client
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	for v in '--target=/etc' '-oremount\,--bind' '-v' '--' '-'; do
		n=$((n + 1))
		log=$T/t03.$n.strace
		# (root strace: the setuid bit is honoured)
		bg t03 strace -f -qq -e trace=execve -o "$log" "${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 \
			"$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/t03.ready" --timeout 20 \
			-o "fsname=$v" "$H/mnt"
		_asserted
		poll_until 10 test -e "$UT/t03.ready" || fail "no mount with fsname=$v; $(bg_log t03)"
		rm -f "$UT/t03.ready"
		assert_user_fuse_mount "$H/mnt"
		assert_eq "${v//\\,/,}" "$(atk_unesc "$MI_SRC")" "source of fsname=$v"
		assert_exit 0 as_user "$FM" -u "$H/mnt"
		wait_exit t03 10
		# execve: setpriv, env, fmclient, the helper - and nothing else
		assert_eq "" "$(grep -E 'execve\(' "$log" | grep -vE 'execve\("[^"]*/(setpriv|env|fmclient|fusermount3)",' |
			grep -v ' = -1 ENOENT')" "programs executed other than setpriv/env/fmclient/the helper"
		assert_match "$(cat "$log")" "execve\\(\"$(re "$FM")\", \\[\"fusermount3\"" "strace: the helper itself"
	done
	assert_utab_lacks "$H/mnt"
	atk_post
}

# ================================================================= T04

T04_FORMS=(
	'foo=\,allow_other' 'context=\,allow_other' 'default_permissions\,allow_other'
	'context="a,allow_other"' 'allow_root' 'allow_other=1' 'ALLOW_OTHER' ' allow_other'
	'allow_other ' 'allow_other\' 'x-a\,allow_other' 'rw,allow_other' 'allow_other,rw'
	'max_read=1\,allow_other' 'nosuid\,allow_other'
)
# Without user_allow_other every hiding place is refused (this kernel has no
# SELinux: context= is refused as unknown, as on any host).
t04_refused_all() { # MODE
	local o
	for o in "${T04_FORMS[@]}"; do
		atk_refused "(only allowed if 'user_allow_other' is set in /etc/fuse.conf|unknown option|invalid value in option)" \
			--mode "$1" -o "$o" "$H/mnt"
	done
}
test_t04_hidden_allow_other_refused() {
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	t04_refused_all classic
	t04_refused_all sync-init
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	atk_post
}
# With the legacy backend too (mount(2) data string)
test_t04_hidden_allow_other_refused_legacy() {
	use_legacy_helper
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	t04_refused_all classic
	atk_post
}

# What reaches the kernel: only allowlisted keys, no backslash, no allow_other
# (fsname stays inside the source, the only place user text may go).
t04_traced() { # BACKEND-NAME
	local log=$T/t04.$1.strace calls
	need_strace
	need_client
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	bg t04 strace -f -qq -s 4096 -e trace=fsconfig,mount -o "$log" "${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 \
		"$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/t04.ready" --timeout 20 \
		-o 'fsname=a\,allow_other,default_permissions,max_read=65536,subtype=t04' "$H/mnt"
	_asserted
	poll_until 10 test -e "$UT/t04.ready" || fail "not mounted; $(bg_log t04)"
	assert_user_fuse_mount "$H/mnt" 'fuse\.t04'
	assert_no_match "$MI_SUPER" 'allow_other' "superblock options"
	assert_eq 'a,allow_other' "$(atk_unesc "$MI_SRC")" "mount source"
	calls=$(grep -E '(fsconfig|mount)\(' "$log")
	echo "$calls" | sed 's/^/strace: /'
	case $1 in
	fsmount)
		assert_match "$calls" 'FSCONFIG_SET_STRING, "source", "a,allow_other"' "fsconfig calls"
		# every key is allowlisted; no value but the source has user text
		assert_eq "" "$(grep -oE 'FSCONFIG_SET_(STRING|FLAG), "[^"]*"' <<<"$calls" | sed 's/.*, "//; s/"$//' |
			grep -vxE 'subtype|source|fd|rootmode|user_id|group_id|default_permissions|max_read')" \
			"fsconfig keys outside the allowlist"
		assert_no_match "$(grep -v '"source"' <<<"$calls")" '\\' "fsconfig calls other than the source (backslash)"
		;;
	legacy)
		assert_match "$calls" 'mount\("a,allow_other", "/proc/self/fd/[0-9]+", "fuse\.t04", MS_NOSUID\|MS_NODEV, "default_permissions,max_read=65536,fd=[0-9]+,rootmode=40000,user_id='"$UID1"',group_id='"$GID1"'"\) = 0' \
			"mount(2) call"
		;;
	esac
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	wait_exit t04 10
	atk_post
}
test_t04_kernel_sees_only_allowlisted_options() { t04_traced fsmount; }
test_t04_kernel_sees_only_allowlisted_options_legacy() {
	use_legacy_helper
	t04_traced legacy
}

# ================================================================= T05

test_t05_privileged_options() {
	local o
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	atk_refused "option blkdev is privileged" --mode classic -o blkdev "$H/mnt"
	atk_refused "option blkdev is privileged" --mode sync-init -o blkdev,fsname=/dev/loop0 "$H/mnt"
	for o in remount bind rbind move shared rshared private slave unbindable \
		context=system_u:object_r:shadow_t:s0 fscontext=x defcontext=x rootcontext=x \
		nosuid=0 user users owner group loop offset=0 x; do
		atk_refused "unknown option '$(re "$o")'" --mode classic -o "$o" "$H/mnt"
	done
	atk_refused "invalid value in option 'max_read=-1'" --mode classic -o max_read=-1 "$H/mnt"
	atk_refused "invalid value in option 'max_read=0x10'" --mode sync-init -o max_read=0x10 "$H/mnt"
	atk_refused "invalid value in option 'blksize=1k'" --mode classic -o blksize=1k "$H/mnt"
	# blksize on a non-blkdev mount: the kernel refuses it
	atk_refused "blksize only supported for fuseblk" --mode sync-init -o blksize=1 "$H/mnt"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	atk_post
}

# suid/dev ignored with a notice; fd/rootmode/user_id/group_id replaced
test_t05_dropped_and_regenerated_options() {
	u_mkdir "$H/mnt"
	atk_snapshot
	atk_mounted a --mode classic -o suid,dev,fd=0,rootmode=104755,user_id=0,group_id=0 "$H/mnt"
	assert_match "$(cat "$T/a.err")" "unsafe option suid ignored" "notice"
	assert_match "$(cat "$T/a.err")" "unsafe option dev ignored" "notice"
	assert_match "$MI_SUPER" "^rw,user_id=$UID1,group_id=$GID1(,|$)" "superblock options"
	assert_eq directory "$(as_user stat -c %F "$H/mnt")" "root of the mount (rootmode regenerated)"
	assert_utab_user "$H/mnt"
	assert_no_match "$(cat /run/mount/utab)" '(user_id|group_id|rootmode|fd)=' "utab"
	unmount_client a "$H/mnt"
	atk_post
}

# auto_unmount with suid,dev (7297044a): still nosuid,nodev; the watcher
# holds no effective capability
test_t05_auto_unmount_suid_dev() {
	local w st
	u_mkdir "$H/mnt"
	atk_snapshot
	atk_mounted a --mode sync-init -o auto_unmount,suid,dev "$H/mnt"
	assert_match "$(cat "$T/a.err")" "unsafe option suid ignored" "notice"
	_asserted
	poll_until 5 some_helpers || fail "no watcher"
	w=$(helper_pids)
	st=$(cat "/proc/$w/status")
	assert_match "$st" '^CapEff:[[:space:]]+0+$' "watcher CapEff"
	atk_post
	kill -KILL "${BG[a]}"
	wait_unmounted "$H/mnt" 5
	poll_until 5 no_helpers || fail "watcher still running"
}

# ================================================================= T06

test_t06_overlong_option_strings() {
	local o
	u_mkdir "$H/mnt"
	atk_snapshot
	# 4096, 4097, 65536 bytes, and 10000 small options: refused
	for o in "$(printf 'a%.0s' $(seq 4096))" "$(printf 'a%.0s' $(seq 4097))" \
		"$(printf 'x%.0s' $(seq 65536))" "$(printf 'ro,%.0s' $(seq 10000))ro" \
		"default_permissions$(printf ',%.0s' $(seq 4077))"; do
		atk_refused "mount options too long" --mode classic -o "$o" "$H/mnt"
	done
	# at most 4095 bytes is accepted, and nothing is cut: the kernel has our ids
	# (4051 commas as in the reference case; then two strings of 4095 bytes,
	# the second with 1023 bytes of x- options, within what utab records)
	for o in "$(printf ',%.0s' $(seq 4051))" "default_permissions$(printf ',%.0s' $(seq 4076))" \
		"$(printf 'x-a,%.0s' $(seq 255))x-b,default_permissions$(printf ',%.0s' $(seq 3052))"; do
		[ "${o:0:1}" = , ] || assert_eq 4095 "${#o}" "length of the test string"
		ATK_N=$((ATK_N + 1))
		atk_mounted "t06_$ATK_N" --mode sync-init -o "$o" "$H/mnt"
		assert_match "$MI_SUPER" "^rw,user_id=$UID1,group_id=$GID1(,|$)" "superblock options (${#o} bytes of options)"
		assert_exit 0 as_user "$FM" -u "$H/mnt"
		wait_exit "t06_$ATK_N" 5
	done
	atk_post
}
test_t06_overlong_option_strings_legacy() {
	use_legacy_helper
	test_t06_overlong_option_strings
}

# ================================================================= T07

# Degenerate strings: a clean result each, no sanitizer report (asan-check
# runs this very test against the ASan/UBSan build).
test_t07_degenerate_option_strings() {
	local o
	u_mkdir "$H/mnt"
	atk_snapshot
	for o in '' ',' ',,,' 'ro' ',ro' 'ro,' 'x-' 'x-,x-' 'fsname=a\' 'subtype=a\' 'fsname=\' '\' '\\' '=' 'a=' '=a'; do
		atk_try --mode classic -o "$o" "$H/mnt"
		echo "-o '$o': rc=$RC stderr=$(head -c 200 <<<"$ERR")"
		case $RC in
		0) ;;
		1) assert_eq 1 "$(grep -c . <<<"$ERR")" "lines on stderr for -o '$o'" ;;
		*) fail "-o '$o': fmclient exit $RC; $ERR" ;;
		esac
	done
	atk_refused "invalid value in option 'fsname='" --mode classic -o fsname= "$H/mnt"
	atk_refused "invalid value in option 'subtype='" --mode classic -o subtype= "$H/mnt"
	atk_refused "invalid value in option 'subtype=" --mode classic -o "subtype=$(printf 'z%.0s' $(seq 4000))" "$H/mnt"
	atk_refused "unknown option ''" --mode classic -o 'ro,,ro' "$H/mnt"
	# a hundred x- options (within the 1024 bytes a record may carry): stored,
	# nothing else; more are refused
	ATK_N=$((ATK_N + 1))
	atk_mounted "t07_$ATK_N" --mode classic -o "$(printf 'x-%d,' $(seq 1000 1144))x-end" "$H/mnt"
	assert_match "$(grep "TARGET=$(re "$H/mnt") " /run/mount/utab)" "OPTS=user=$U,x-1000,x-1001,.*,x-1144,x-end$" "utab record"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	atk_refused "x- options too long \(more than 1024 bytes\) to record in /run/mount/utab" \
		--mode classic -o "$(printf 'x-%d,' $(seq 1000 1500))x-end" "$H/mnt"
	# the longest fsname and subtype the kernel takes, both at once
	ATK_N=$((ATK_N + 1))
	atk_mounted "t07_$ATK_N" --mode classic -o "fsname=$(printf 'f%.0s' $(seq 255)),subtype=$(printf 's%.0s' $(seq 255))" "$H/mnt"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	atk_post
}
test_t07_degenerate_option_strings_legacy() {
	use_legacy_helper
	test_t07_degenerate_option_strings
}

# ================================================================= T08

# x- options are only stored (escaped) in utab; libmount never acts on them.
test_t08_x_options_inert() {
	local rec
	u_mkdir "$H/mnt"
	as_user chmod 0750 "$H/mnt" || fail chmod
	atk_snapshot
	# x-mount.mkdir would create the mountpoint: it must not
	atk_refused "failed to access mountpoint $(re "$H/absent"): No such file or directory" \
		--mode classic -o x-mount.mkdir=0777 "$H/absent"
	assert_exit 1 test -e "$H/absent"
	atk_mounted a --mode classic \
		-o 'x-mount.owner=0,x-mount.group=0,x-mount.mode=0777,x-mount.subdir=sub,x-mount.idmap=0:0:1,x-a=b c,x-eq=a=b,x-bs=a\b' \
		"$H/mnt"
	# no chown/chmod of the mountpoint's root, no subdir, no idmapping
	assert_match "$MI_LINE" "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ / " "mount root (no x-mount.subdir)"
	assert_no_match "$MI_OPTS" 'idmapped' "per-mount options"
	rec=$(grep "TARGET=$(re "$H/mnt") " /run/mount/utab)
	echo "utab: $rec"
	assert_eq "user=$U,x-mount.owner=0,x-mount.group=0,x-mount.mode=0777,x-mount.subdir=sub,x-mount.idmap=0:0:1,x-a=b c,x-eq=a=b,x-bs=a\\b" \
		"$(atk_unesc "${rec##* OPTS=}")" "utab OPTS (decoded)"
	assert_eq 1 "$(grep -c . /run/mount/utab)" "utab lines"
	unmount_client a "$H/mnt"
	assert_eq "$U 750" "$(stat -c '%U %a' "$H/mnt")" "owner and mode of the mountpoint"
	# newlines and other control characters are refused
	atk_refused "invalid value in option" --mode classic -o "x-a=b"$'\n'"SRC=x TARGET=/etc" "$H/mnt"
	atk_refused "invalid value in option" --mode classic -o "x-a="$'\t' "$H/mnt"
	# a long one (the 1024 bytes a record may carry) is stored whole; a
	# longer one is refused
	atk_mounted b --mode classic -o "x-long=$(printf 'v%.0s' $(seq 1017))" "$H/mnt"
	assert_match "$(cat /run/mount/utab)" "OPTS=user=$U,x-long=v{1017}$" "utab"
	unmount_client b "$H/mnt"
	atk_refused "x- options too long \(more than 1024 bytes\) to record in /run/mount/utab" \
		--mode classic -o "x-long=$(printf 'v%.0s' $(seq 4000))" "$H/mnt"
	atk_post
}

# ================================================================= T11

# V has a FUSE mount $H2/m, root a tmpfs on $T/srv/m, A a FUSE mount on
# $H/real/m that a loop keeps mounted.  $H/d is switched (rename: atomic)
# between a symlink to $H/real, to $H2, to $T/srv, and the directory itself.
t11_setup() {
	# (V serves for the whole race: up to 30 s of it, slower under asan-check)
	atk_victim_mount --timeout 85
	mkdir -p "$T/srv/m" && chmod 755 "$T/srv" && mount -t tmpfs -o size=1m fmtest-srv "$T/srv/m" ||
		fail "cannot mount root's tmpfs"
	u_mkdir "$H/real/m"
	as_user ln -s real "$H/d" || fail "ln -s"
	atk_snapshot
	# remounter: A's mount comes back whenever it is gone
	bg remount as_user bash -c '
		end=$((SECONDS + $5)); n=0
		while [ $SECONDS -lt $end ]; do
			if [ -d "$3/real/m" ] && ! mountpoint -q "$3/real/m" 2>/dev/null; then
				n=$((n + 1))
				"$1" --helper "$2" --mode classic --timeout 60 -o fsname=t11a "$3/real/m" >/dev/null 2>&1 &
				sleep 0.2
			fi
			sleep 0.02
		done
		echo "mounts=$n"' sh "$FM_CLIENT" "$FM" "$H" "$UT" 40
	_asserted
	poll_until 10 is_mounted "$H/real/m" || fail "A's mount did not come up; $(bg_log remount)"
}
# what -u may say when the race makes it miss (never anything else)
T11_MSGS='^exit=(0\||1\|[^ :]+: (entry for .* not found in /etc/mtab|failed to unmount .*: (Invalid argument|No such file or directory|Device or resource busy)|failed to chdir to .*|bad mount point .*: No such file or directory))$'
t11_check() { # RESULTS-FILE
	local ok
	ok=$(grep -c '^exit=0|$' "$1")
	echo "attempts: $(grep -c '^exit=' "$1"), succeeded (A's own mount removed): $ok; $(cat "$T/remount.out" 2>/dev/null)"
	assert_eq "" "$(grep -vE "$T11_MSGS" "$1" | head -n 5)" "unexpected -u results or messages"
	atk_clean "$(cat "$1")"
	_asserted
	[ "$ok" -gt 0 ] || fail "A's own mount was never removed: the race was not exercised"
	_asserted
	alive v || fail "V's fmclient ended (its mount was removed?); $(bg_log v)"
	assert_mounted "$H2/m" "$FUSE_TYPE_RE"
	assert_mounted "$T/srv/m" tmpfs
	atk_post
}

# 1000 runs of -u and -u -z (two at a time) while $H/d keeps changing
# fm-timeout: test_t11_unmount_race_parent_swap 90
# fm-timeout: test_t19_commfd_send_blocked 120
test_t11_unmount_race_parent_swap() {
	t11_setup
	bg swap as_user bash -c '
		cd "$1" || exit 1; end=$((SECONDS + 30))
		while [ $SECONDS -lt $end ]; do
			ln -sfn real .t && mv -T .t d
			ln -sfn "$2" .t && mv -T .t d
			ln -sfn "$3" .t && mv -T .t d
			rm -f d && mv -T real d && mv -T d real && ln -sfn real .t && mv -T .t d
		done' sh "$H" "$H2" "$T/srv"
	as_user bash -c '
		end=$((SECONDS + 25)); i=0
		while [ $i -lt 500 ] && [ $SECONDS -lt $end ]; do
			{ o=$("$1" -u "$2/d/m" 2>&1); echo "exit=$?|$o"; } &
			{ o=$("$1" -u -z "$2/d/m" 2>&1); echo "exit=$?|$o"; } &
			wait
			i=$((i + 1))
		done' sh "$FM" "$H" >"$T/t11.results" 2>&1
	kill "${BG[swap]}" "${BG[remount]}" 2>/dev/null
	t11_check "$T/t11.results"
	assert_match "$(grep -c '^exit=' "$T/t11.results")" '^[0-9]{3,}$' "number of -u attempts (at least 100 in 25 s)"
}

# The same with A stopping its helper (SIGSTOP), pointing $H/d at V's home,
# and letting it go on (SIGCONT), at a random moment of its run.
# (In the asan-check build a SIGCONT can land between LeakSanitizer's
# PTRACE_ATTACH at exit and the stop it waits for; the kernel then drops
# the attach's SIGSTOP and the check would wait forever: the helper's exit
# bound ends it with the decided status, so any 142 here is a real one.)
# fm-timeout: test_t11_unmount_race_sigstop 90
test_t11_unmount_race_sigstop() {
	t11_setup
	mkdir -m 0777 "$T/t11err" || fail mkdir
	as_user bash -c '
		cd "$2" || exit 1; end=$((SECONDS + 30)); i=0
		while [ $i -lt 300 ] && [ $SECONDS -lt $end ]; do
			ln -sfn real .t && mv -T .t d
			"$1" -u "$2/d/m" 2>"$5/err" &
			p=$!
			# stop it anywhere in its run (a few ms), or just after
			if [ $((RANDOM % 4)) = 0 ]; then
				for ((k = 0; k < RANDOM % 400; k++)); do :; done
			else
				sleep "0.00$((RANDOM % 8))"
			fi
			kill -STOP $p 2>/dev/null
			if [ $((i % 2)) = 0 ]; then ln -sfn "$3" .t; else ln -sfn "$4" .t; fi
			mv -T .t d
			kill -CONT $p 2>/dev/null
			wait $p
			echo "exit=$?|$(cat "$5/err")"
			i=$((i + 1))
		done' sh "$FM" "$H" "$H2" "$T/srv" "$T/t11err" >"$T/t11.results" 2>&1
	kill "${BG[remount]}" 2>/dev/null
	t11_check "$T/t11.results"
}

# The same where the helper holds the unmount lock itself (no utab: no
# record to remove; issue 13): A's SIGSTOP either lands before the
# helper's uid change (stopped holding nothing) or fails (EPERM).
# fm-timeout: test_t11_unmount_race_sigstop_here 90
test_t11_unmount_race_sigstop_here() {
	rm -f /run/mount/utab
	test_t11_unmount_race_sigstop
}

# A symlink as the last component, to V's mount: refused with and without -z
test_t11_symlink_last_component() {
	atk_victim_mount
	atk_snapshot --utab
	as_user ln -s "$H2/m" "$H/l" || fail "ln -s"
	as_user ln -s "$H2" "$H/l2" || fail "ln -s"
	assert_exit 1 as_user "$FM" -u "$H/l"
	assert_err_line "entry for $H/l not found in /etc/mtab"
	assert_exit 1 as_user "$FM" -u -z "$H/l"
	assert_exit 1 as_user "$FM" -u "$H/l2/m"
	assert_exit 1 as_user "$FM" -u -z "$H/l2/m/"
	assert_exit 1 as_user "$FM" -u "$H/l2/m/."
	assert_mounted "$H2/m"
	atk_post
}

# ================================================================= T12

# uid 1002 is a prefix of 10020, "fmtest" of "fmtest2" and "fmtest20":
# nobody may unmount anybody else's mount, in any direction.
t12_run() {
	local names=() ids=() i j
	local AS_X=(setpriv --reuid=10020 --regid=10020 --clear-groups -- env -i HOME=/ PATH="$PATH_MIN")
	local AS_Y=(setpriv --reuid=10030 --regid=10030 --clear-groups -- env -i HOME=/ PATH="$PATH_MIN")
	atk_etc_overlay
	echo "fmtest20:x:10020:10020::/nonexistent:/usr/sbin/nologin" >>/etc/passwd || fail "passwd"
	mkdir -m 0755 "$UT/x" "$UT/y" && chown 10020:10020 "$UT/x" && chown 10030:10030 "$UT/y" || fail mkdir
	if [ "$1" = regular ]; then
		rm -f /etc/mtab && cat /proc/self/mounts >/etc/mtab || fail "regular /etc/mtab"
		ATK_PROTECTED+=(/etc/mtab)
	fi
	atk_victim_mount
	u_mkdir "$H/m"
	start_client a --mode classic "$H/m"
	bg x "${AS_X[@]}" "$FM_CLIENT" --helper "$FM" --ready-file "$UT/x.ready" --timeout 50 "$UT/x"
	bg y "${AS_Y[@]}" "$FM_CLIENT" --helper "$FM" --ready-file "$UT/y.ready" --timeout 50 "$UT/y"
	_asserted
	poll_until 10 test -e "$UT/x.ready" -a -e "$UT/y.ready" || fail "uid 10020/10030 mounts; $(bg_log x) $(bg_log y)"
	atk_snapshot --utab
	[ "$1" = regular ] && snapshot_file /etc/mtab
	# (word-split below: none of these words has a blank)
	names=("${AS_USER[*]}" "${AS_USER2[*]}" "${AS_X[*]}" "${AS_Y[*]}")
	ids=("$H/m" "$H2/m" "$UT/x" "$UT/y")
	for i in 0 1 2 3; do
		for j in 0 1 2 3; do
			[ "$i" = "$j" ] && continue
			# shellcheck disable=SC2086
			assert_exit 1 ${names[i]} "$FM" -u "${ids[j]}"
			assert_err_line "entry for ${ids[j]} not found in /etc/mtab"
			# shellcheck disable=SC2086
			assert_exit 1 ${names[i]} "$FM" -u -z "${ids[j]}"
			assert_mounted "${ids[j]}" "$FUSE_TYPE_RE"
		done
	done
	atk_post
	# each owner can (no "entry not found" for one's own mount)
	for i in 0 1 2 3; do
		# shellcheck disable=SC2086
		assert_exit 0 ${names[i]} "$FM" -u "${ids[i]}"
		assert_not_mounted "${ids[i]}"
	done
}
test_t12_uid_name_prefix_mtab_symlink() { t12_run symlink; }
test_t12_uid_name_prefix_mtab_regular() { t12_run regular; }

# ================================================================= T13

# V's mounts in world-writable places, root's mounts on them: A gets nothing
test_t13_world_writable_places() {
	need_client
	mkdir -m 1777 "$T/tmp" "$T/tmp2" "$T/rootfuse" || fail mkdir
	as_user2 mkdir "$T/tmp/vdir" || fail "mkdir as $U2"
	as_user2 mkdir -m 1777 "$T/tmp/vsticky" && as_user2 chmod 1777 "$T/tmp/vsticky" || fail "mkdir as $U2"
	start_client v1 --as2 --mode classic "$T/tmp/vdir"
	start_client v2 --as2 --mode sync-init "$T/tmp/vsticky"
	mount -t tmpfs -o mode=1777,size=1m fmtest-tmp2 "$T/tmp2" || fail "tmpfs"
	bg r "$FM_CLIENT" --mode direct --ready-file "$T/r.ready" --timeout 50 "$T/rootfuse"
	_asserted
	poll_until 10 test -e "$T/r.ready" || fail "root's FUSE mount; $(bg_log r)"
	atk_snapshot --utab
	local p
	for p in "$T/tmp/vdir" "$T/tmp/vsticky" "$T/rootfuse" "$T/tmp2" "$T/tmp"; do
		assert_exit 1 as_user "$FM" -u "$p"
		assert_err_line "entry for $p not found in /etc/mtab"
		assert_exit 1 as_user "$FM" -u -z "$p"
		assert_exit 1 as_user "$FM" -q -u -z "$p"
		assert_eq "" "$ERR" "stderr of -q"
	done
	assert_mounted "$T/tmp/vdir" "$FUSE_TYPE_RE"
	assert_mounted "$T/tmp/vsticky" "$FUSE_TYPE_RE"
	assert_mounted "$T/rootfuse" "$FUSE_TYPE_RE"
	assert_mounted "$T/tmp2" tmpfs
	atk_post
}

# ================================================================= T14

T14_TYPE_RE='mounting over filesystem type 0x[0-9a-f]{8}( \([a-z0-9_]+\))? is forbidden$'
T14_ANY_RE="(user has no write access to mountpoint .*|$T14_TYPE_RE|mountpoint .* is not a directory or a regular file|failed to access mountpoint .*|failed to open .*: Permission denied|mountpoint .* not owned by user|bad mount point .*)"
# t14_forbidden NAME-OF-TYPE PATH [fmclient args]: refused by the type check
t14_forbidden() {
	local name=$1 p=$2
	shift 2
	atk_refused "^$ANYP: mounting over filesystem type 0x[0-9a-f]{8} \\($name\\) is forbidden\$" --mode classic "$@" "$p"
}
t14_refused_any() { atk_refused "^$ANYP: $T14_ANY_RE" --mode classic "$@"; }

test_t14_pseudo_fs_targets_proc() {
	local pid f
	atk_snapshot --utab
	bg victim as_user sleep 50
	pid=${BG[victim]}
	poll_until 5 owned_by "/proc/$pid/comm" "$U" || fail "/proc/$pid/comm not owned by $U"
	for f in /proc/self/fd /proc/self/attr /proc/self/map_files /proc/self /proc/$pid \
		/proc/$pid/fd /proc/$pid/task /proc/$pid/attr /proc/$pid/map_files /proc/$pid/ns /proc/$pid/net; do
		t14_refused_any "$f"
	done
	# files A owns and may write: the type check itself must refuse them
	for f in comm oom_score_adj setgroups clear_refs attr/current; do
		[ -e "/proc/$pid/$f" ] || continue
		as_user test -w "/proc/$pid/$f" || continue
		t14_forbidden proc "/proc/$pid/$f" --root-file
	done
	atk_post
}

test_t14_pseudo_fs_targets_sys_cgroup() {
	local cg v1=/sys/fs/cgroup/pids/fmtest-attack.$$
	# a cgroup delegated to A (as systemd does for user@UID.service)
	mkdir -p "$T/cg2" && mount -t cgroup2 none "$T/cg2" || skip "cannot mount cgroup2"
	cg=$T/cg2/fmtest-attack.$$
	mkdir "$cg" || skip "cannot create a cgroup"
	at_cleanup rmdir "$cg"
	chown -R "$U:$U" "$cg" || fail chown
	# cgroup v1, where this machine has it (pids hierarchy)
	if [ -d /sys/fs/cgroup/pids ] && mkdir "$v1" 2>/dev/null; then
		at_cleanup rmdir "$v1"
		chown -R "$U:$U" "$v1" || fail chown
	else
		echo "no cgroup v1 pids hierarchy: v1 variant not run"
		v1=
	fi
	atk_snapshot --utab
	t14_refused_any /sys
	t14_refused_any /sys/kernel
	t14_refused_any /sys/fs/cgroup
	t14_forbidden cgroup2 "$cg"
	t14_forbidden cgroup2 "$cg/cgroup.procs" --root-file
	[ -z "$v1" ] || t14_forbidden cgroup "$v1"
	atk_post
}

test_t14_pseudo_fs_targets_dev() {
	local huge=1
	# devpts (a private instance), its root given to A; its ptmx node
	mkdir "$T/pts" && mount -t devpts -o newinstance,ptmxmode=0666 fmtest-pts "$T/pts" || fail "devpts"
	chown "$U:$U" "$T/pts" || fail chown
	# mqueue (the instance of a fresh IPC namespace), given to A
	mkdir "$T/mq" && unshare --ipc mount -t mqueue fmtest-mq "$T/mq" || fail "mqueue"
	chown "$U:$U" "$T/mq" || fail chown
	# hugetlbfs and bpf instances owned by A
	mkdir "$T/huge" "$T/bpf" || fail mkdir
	mount -t hugetlbfs -o "uid=$UID1,gid=$GID1,mode=0755" fmtest-huge "$T/huge" || huge=0
	mount -t bpf fmtest-bpf "$T/bpf" && chown "$U:$U" "$T/bpf" || fail "bpf"
	# allowed: /dev/shm/<A's dir> (tmpfs) and a ramfs
	mount -t tmpfs -o mode=1777 fmtest-shm /dev/shm || fail "tmpfs on /dev/shm"
	u_mkdir /dev/shm/a
	mkdir "$T/ram" && mount -t ramfs fmtest-ram "$T/ram" && chown "$U:$U" "$T/ram" || fail ramfs
	atk_snapshot --utab
	t14_forbidden devpts "$T/pts"
	atk_refused "is not a directory or a regular file" --mode classic --root-file "$T/pts/ptmx"
	t14_forbidden mqueue "$T/mq"
	if [ "$huge" = 1 ]; then
		t14_forbidden hugetlbfs "$T/huge"
	else
		echo "no hugetlbfs here: variant not run"
	fi
	t14_forbidden bpf "$T/bpf"
	atk_post
	atk_mounted s --mode classic /dev/shm/a
	atk_unmount s /dev/shm/a
	atk_mounted r --mode sync-init "$T/ram"
	atk_unmount r "$T/ram"
}

# A directory A owns inside devtmpfs.  statfs(2) reports devtmpfs as tmpfs
# (0x01021994), which is allowed, so the magic number cannot tell them apart
# (the reference cannot); the helper asks statmount for the type's name and
# refuses devtmpfs by it.
test_t14_pseudo_fs_targets_devtmpfs() {
	local d=/dev/.fmtest-attack.$$ want
	mkdir "$d" || fail "cannot create a directory in devtmpfs (/dev)"
	at_cleanup rmdir "$d"
	chown "$U:$U" "$d" || fail chown
	want=$(printf 'mounting over filesystem type 0x%08x (devtmpfs) is forbidden' \
		"0x$(stat -f -c %t "$d")")
	atk_snapshot --utab
	atk_refused "$(msg_re "$want")" --mode classic "$d"
	atk_refused "$(msg_re "$want")" --mode sync-init "$d"
	atk_post
}

# ================================================================= T15

test_t15_sticky_directories() {
	atk_snapshot
	# V's sticky 1777 directory, the 1777 "tmp" itself (root's), and /tmp
	as_user2 mkdir "$UT/vx" && as_user2 chmod 1777 "$UT/vx" || fail "mkdir as $U2"
	atk_refused "$(msg_re "mountpoint $UT/vx not owned by user")" --mode classic "$UT/vx"
	atk_refused "$(msg_re "mountpoint $UT not owned by user")" --mode sync-init "$UT"
	atk_refused "$(msg_re "mountpoint /tmp not owned by user")" --mode classic /tmp
	# A's own directory in the sticky "tmp", and A's own sticky directory
	u_mkdir "$UT/a"
	atk_mounted a --mode classic "$UT/a"
	unmount_client a "$UT/a"
	as_user chmod 1777 "$UT/a" || fail chmod
	atk_mounted b --mode sync-init "$UT/a"
	unmount_client b "$UT/a"
	# pinned policy (as upstream, 1fbf44e0): V's non-sticky 0777 directory is allowed
	as_user2 mkdir "$UT/v777" && as_user2 chmod 0777 "$UT/v777" || fail "mkdir as $U2"
	atk_mounted c --mode classic "$UT/v777"
	unmount_client c "$UT/v777"
	atk_post
}

# ================================================================= T16

test_t16_regular_file_mountpoints() {
	atk_snapshot --utab
	atk_refused "$(msg_re "failed to open /etc/passwd: Permission denied")" --mode classic --root-file /etc/passwd
	atk_refused "$(msg_re "failed to open /etc/shadow: Permission denied")" --mode classic --root-file /etc/shadow
	as_user touch "$H/f" || fail touch
	atk_mounted f --mode classic --root-file --content "a file" "$H/f"
	assert_eq "regular file" "$(as_user stat -c %F "$H/f")" "type of the mounted file (fs root)"
	assert_exit 0 as_user cat "$H/f"
	assert_eq "a file" "$OUT" "content"
	unmount_client f "$H/f"
	atk_post
}

# $H/f is switched (rename) between a regular file, a FIFO, a symlink to
# /etc/shadow and a symlink to /dev/null while A mounts on it: no hang, and
# a mount only ever lands on A's regular file.
# fm-timeout: test_t16_regular_file_race 90
test_t16_regular_file_race() {
	local i ok=0 no=0 st
	atk_snapshot
	as_user touch "$H/f" || fail touch
	bg swap as_user bash -c '
		cd "$1" || exit 1; end=$((SECONDS + 40))
		while [ $SECONDS -lt $end ]; do
			: >.t && mv -T .t f 2>/dev/null
			mkfifo .t && mv -T .t f 2>/dev/null
			ln -sfn /etc/shadow .t && mv -T .t f 2>/dev/null
			ln -sfn /dev/null .t && mv -T .t f 2>/dev/null
		done' sh "$H"
	for i in $(seq 150); do
		[ $SECONDS -lt 45 ] || break
		atk_try --mode classic --root-file --content "race $i" "$H/f"
		case $RC in
		0) ok=$((ok + 1)) ;;
		1) no=$((no + 1))
		   assert_match "$ERR" "^$ANYP: (mountpoint $(re "$H/f") is not a directory or a regular file|failed to access mountpoint $(re "$H/f"): No such file or directory|mount failed: .*)\$" "refusal $i" ;;
		esac
		assert_eq 0 "$(atk_count_at /etc/shadow)" "mounts on /etc/shadow"
		assert_eq 0 "$(atk_count_at /dev/null)" "mounts on /dev/null"
	done
	kill "${BG[swap]}" 2>/dev/null
	echo "mounted on the regular file: $ok, refused: $no"
	_asserted
	[ "$ok" -gt 0 ] && [ "$no" -gt 0 ] || fail "the race was not exercised (mounted $ok, refused $no)"
	st=$(stat -c '%U %a' /etc/shadow)
	assert_match "$st" '^root ' "owner of /etc/shadow"
	atk_post
}

# ================================================================= T18

# fds of the helper while it waits for "proceed", from fmstub's report:
# the ones of 0-2 that were closed at exec hold nothing the helper opened
# (glibc puts /dev/full or /dev/null on them for a set-id program, the helper
# /dev/null), and every fd the helper opened itself is O_CLOEXEC.
t18_check_fds() { # INHERITED-REGEX [CLOSED-FD...]
	local n target flags inh=$1 c
	shift
	while read -r _ n target flags; do
		[[ $n =~ ^(0|1|2|$inh)$ ]] && continue
		_asserted
		[ $((8#$flags & 8#2000000)) != 0 ] || fail "fd $n ($target) opened by the helper without O_CLOEXEC (flags $flags)"
	done < <(grep '^fdinfo ' <<<"$OUT")
	for c; do
		target=$(sed -n "s/^fdinfo $c \([^ ]*\) .*/\1/p" <<<"$OUT")
		assert_match "$target" '^(/dev/null|/dev/full)$' "helper's fd $c (closed at exec)"
	done
}
t18_closed() { # FD-TO-CLOSE...
	local c=() f
	for f; do c+=(--close "$f"); done
	stub --mode sync-init --report-fds "${c[@]}" -- --sync-init -o rw,nosuid,nodev -- "$H/mnt"
	echo "closed $*: $(tr '\n' ' ' <<<"$OUT")"
	assert_match "$OUT" '^status=0$' "fmstub output (closed $*)"
	assert_match "$OUT" '^helper-exit=0$' "fmstub output (closed $*)"
	t18_check_fds 7 "$@"
	assert_user_fuse_mount "$H/mnt"
	assert_utab_user "$H/mnt"
	assert_eq 0 "$(grep -cvE '^(ID|SRC)=' /run/mount/utab)" "utab lines that are not records"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	assert_utab_lacks "$H/mnt"
}
test_t18_closed_stdio_each() {
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	t18_closed 0
	t18_closed 1
	t18_closed 2
	t18_closed 0 1
	t18_closed 0 1 2
	atk_post
}

# 1000 inherited fds (pipes, sockets) and one on /etc/shadow opened by a
# privileged parent, with auto_unmount: the watcher keeps 0-2 and the socket
t18_inherited() { # MODE
	local w fds
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	rm -f "$UT/t18.go"
	need_py
	local si=()
	[ "$1" = sync-init ] && si=(--sync-init)
	bg st /usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode "$1" \
		--inherit 1000 --inherit-path /etc/shadow --report-fds --linger-file "$UT/t18.go" --timeout 30 -- \
		"${si[@]}" -o auto_unmount -- "$H/mnt"
	_asserted
	poll_until 15 grep -qx linger "$T/st.out" || fail "no mount; $(bg_log st)"
	OUT=$(cat "$T/st.out")
	if [ "$1" = sync-init ]; then # (classic: the helper is already past it)
		assert_match "$(sed -n '/^fdinfo /p' "$T/st.out" | wc -l)" '^10[0-9][0-9]$' "fds of the helper before the mount (about 1000 inherited)"
		t18_check_fds '7|[1-9][0-9]|[1-9][0-9][0-9]|10[0-9][0-9]'
	fi
	w=$(sed -n 's/^helper-pid=//p' "$T/st.out")
	assert_user_fuse_mount "$H/mnt"
	_asserted
	poll_until 5 eval "[ \$(ls /proc/$w/fd | wc -l) = 5 ]" || fail "watcher $w fds: $(ls -l "/proc/$w/fd" | tail -n +2)"
	fds=$(for f in /proc/"$w"/fd/*; do echo "${f##*/}:$(readlink "$f")"; done | sort -n | tr '\n' ' ')
	echo "watcher fds: $fds"
	assert_match "$fds" "^0:/dev/null 1:/dev/null 2:/dev/null 3:socket:\\[[0-9]+\\] 4:$(re "$H") \$" "watcher fds (4: the mountpoint's parent, O_PATH)"
	touch "$UT/t18.go"
	wait_unmounted "$H/mnt" 10
	wait_exit st 10
	assert_match "$(cat "$T/st.out")" '^helper-exit=0$' "watcher exit"
	atk_clean "$(cat "$T/st.err")"
	atk_post
}
test_t18_inherited_fds_watcher_sync_init() { t18_inherited sync-init; }
test_t18_inherited_fds_watcher_classic() { t18_inherited classic; }

# ================================================================= T19

t19_bad() { # MESSAGE-REGEX FMSTUB-ARGS...
	local re=$1
	shift
	stub "$@"
	echo "$*: $(tr '\n' ' ' <<<"$OUT") | $ERR"
	assert_match "$OUT" '^helper-exit=1$' "helper exit ($*)"
	assert_match "$ERR" "$re" "helper stderr ($*)"
	assert_eq "" "$(atk_fuse_at "$H/mnt")" "mount left behind ($*)"
}
test_t19_commfd_validation() {
	local m v
	u_mkdir "$H/mnt"
	u_write "$H/file" "data"
	atk_snapshot --utab
	for m in classic sync-init; do
		if [ $m = sync-init ]; then set -- --sync-init -o '' -- "$H/mnt"; else set -- -o '' -- "$H/mnt"; fi
		t19_bad "fstat of comm fd 10000 failed: Bad file descriptor" --comm none --commfd-env 10000 --mode none -- "$@"
		for v in -1 abc 3x 2147483648 99999999999999999999 '' ' ' 0x7 7.0; do
			t19_bad "$(re "invalid _FUSE_COMMFD: $v")\$" --comm none --commfd-env "$v" --mode none -- "$@"
		done
		t19_bad "file descriptor 1 is not a socket, can't send fuse fd" --comm tty --comm-fd 1 --mode none -- "$@"
		t19_bad "file descriptor 7 is not a socket, can't send fuse fd" --comm pipe --mode none -- "$@"
		t19_bad "file descriptor 7 is not a socket, can't send fuse fd" --comm devnull --mode none -- "$@"
		# sockets whose peer is gone or absent: nothing may stay mounted
		t19_bad "sending file descriptor: (Broken pipe|Connection reset by peer)" --comm closed-peer --mode none -- "$@"
		t19_bad "sending file descriptor: Transport endpoint is not connected" --comm dgram-unconnected --mode none -- "$@"
		# --comm-fd wins over the environment
		t19_bad "fstat of comm fd 9 failed: Bad file descriptor" --comm stream --mode none -- --comm-fd 9 "$@"
	done
	assert_eq data "$(cat "$H/file")" "a file"
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	atk_post
}
# A connected SOCK_DGRAM pair carries the fd as well (the reference does not
# check the socket type either): the caller gets its own fd, nothing else.
test_t19_commfd_dgram_pair() {
	u_mkdir "$H/mnt"
	atk_snapshot
	stub --comm dgram --mode sync-init -- --sync-init -o '' -- "$H/mnt"
	assert_match "$OUT" '^status=0$' "fmstub output"
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	atk_post
}

# A comm socket that cannot take the fd (or, in sync-init, the status): the
# caller filled the helper's end through a copy of it it kept.  sendmsg
# waited for good: in classic mode after the mount was attached, in
# sync-init after the mount and its record (no alarm runs then).  Now the
# send gives up within its bound and the mount is undone.
test_t19_commfd_send_blocked() {
	local mode
	need_py
	u_mkdir "$H/mnt"
	for mode in classic sync-init; do
		FM_CMD_TIMEOUT=40 assert_exit 0 as_user /usr/bin/python3 "$ATK_DIR/full_sndbuf.py" "$FM" "$mode" "$H/mnt"
		assert_match "$OUT" '^filled True$' "full_sndbuf.py ($mode)"
		assert_no_match "$OUT" '^helper-running$' "helper still sending after 20 s ($mode): $OUT"
		assert_match "$OUT" '^helper-exit=1$' "helper's exit ($mode): $OUT"
		if [ $mode = classic ]; then
			assert_match "$OUT" '^stderr=sending file descriptor: Connection timed out$' "message ($mode)"
		else
			assert_match "$OUT" "^stderr=$ANYP: failed to send mount status: Connection timed out\$" "message ($mode)"
		fi
		assert_eq 1 "$(grep -c . <<<"${OUT#*stderr=}")" "lines on stderr ($mode): $OUT"
		assert_not_mounted "$H/mnt"
		assert_eq 0 "$(fuse_mount_count)" "FUSE mounts after the refusal ($mode)"
	done
}

# ================================================================= T20

# RLIMIT_FSIZE too small for utab (seeded with 3 KB of foreign records) and
# for a regular /etc/mtab: nothing truncated, no stray file, the helper is
# not killed by SIGXFSZ after mounting, no cleanup unmount by path.
test_t20_rlimit_fsize() {
	local lim out
	atk_etc_overlay
	rm -f /etc/mtab && cat /proc/self/mounts >/etc/mtab || fail "regular /etc/mtab"
	ATK_PROTECTED+=(/etc/mtab)
	for lim in $(seq 40); do
		printf 'SRC=seed%d TARGET=/seed/%d ROOT=/ OPTS=user=nobody,x-padding-%s\n' "$lim" "$lim" \
			"$(printf 'p%.0s' $(seq 30))"
	done >/run/mount/utab
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	for lim in 0 1 2; do
		# (the limit for fmclient and the helper only: cat writes the log)
		bg "f$lim" as_user sh -c '(ulimit -f "$1" && shift && exec "$@") 2>&1 | cat' sh "$lim" \
			"$FM_CLIENT" --helper "$FM" --mode classic --ready-file "$UT/f$lim.ready" --timeout 30 "$H/mnt"
		_asserted
		poll_until 10 test -e "$UT/f$lim.ready" || fail "ulimit -f $lim: not mounted; $(bg_log "f$lim")"
		out=$(cat "$T/f$lim.out")
		echo "ulimit -f $lim: $(tr '\n' ' ' <<<"$out")"
		assert_match "$out" '^helper-exit=0$' "helper exit under ulimit -f $lim (not killed by SIGXFSZ)"
		assert_match "$out" "^fusermount3: failed to record the mount in /run/mount/utab: File too large\$" "helper warning"
		atk_clean "$out"
		assert_user_fuse_mount "$H/mnt"
		assert_exit 0 as_user cat "$H/mnt/hello"
		assert_file_unchanged /run/mount/utab
		assert_eq "utab utab.lock" "$(ls -A /run/mount | tr '\n' ' ' | sed 's/ $//')" "files in /run/mount"
		assert_exit 0 as_user sh -c 'ulimit -f "$1" && exec "$2" -u "$3"' sh "$lim" "$FM" "$H/mnt"
		assert_not_mounted "$H/mnt"
		wait_exit "f$lim" 5
		assert_file_unchanged /run/mount/utab
		assert_eq "utab utab.lock" "$(ls -A /run/mount | tr '\n' ' ' | sed 's/ $//')" "files in /run/mount after -u"
	done
	atk_post
}

# ================================================================= T21

atk_is_asan() { grep -qa '__asan_init' "$FM"; }
# t21_outcome WHAT: after a stub run, either a clean refusal (exit 1, no
# mount) or a correct mount (then removed); never a half-done state
t21_outcome() {
	echo "$1: $(tr '\n' ' ' <<<"$OUT")| $(head -c 300 <<<"$ERR" | tr '\n' ' ')"
	if is_mounted "$H/mnt"; then
		assert_user_fuse_mount "$H/mnt"
		assert_exit 0 as_user "$FM" -u "$H/mnt"
		assert_utab_lacks "$H/mnt"
	else
		assert_match "$OUT" '^helper-(exit=[1-9][0-9]*|signal=[0-9]+)$' "$1: helper outcome without a mount"
		assert_no_match "$(cat /run/mount/utab)" "TARGET=$(re "$H/mnt") " "$1: utab"
	fi
}

# (LeakSanitizer itself needs fds and a thread at exit: off for these runs
# of the ASan build; harmless otherwise)
# ulimit -n: with mount_max = 0, whatever fails first, no mount ever happens
# (no fallback to defaults); with a normal fuse.conf: clean either way
test_t21_rlimit_nofile() {
	local n
	u_mkdir "$H/mnt"
	set_fuse_conf "mount_max = 0"
	atk_snapshot --utab
	for n in $(seq 3 14); do
		stub --env=ASAN_OPTIONS=detect_leaks=0 --rlimit "NOFILE=$n" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
		echo "ulimit -n $n, mount_max = 0: $(tr '\n' ' ' <<<"$OUT")| $ERR"
		assert_match "$OUT" '^helper-exit=(1|127)$' "helper exit (ulimit -n $n, mount_max = 0)"
		assert_match "$ERR" "^fusermount3: (failed to open /dev/fuse: Too many open files|failed to open /etc/fuse.conf: Too many open files|too many FUSE filesystems mounted; .*|error while loading shared libraries: .*)\$" "stderr (ulimit -n $n)"
		assert_not_mounted "$H/mnt"
	done
	atk_post
	set_fuse_conf "mount_max = 10"
	atk_snapshot
	for n in $(seq 3 14); do
		stub --env=ASAN_OPTIONS=detect_leaks=0 --rlimit "NOFILE=$n" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
		t21_outcome "ulimit -n $n"
	done
	atk_post
}

# ulimit -v, -u 1, -s: fail closed or work; never half-done
test_t21_rlimit_as_nproc_stack() {
	local v
	u_mkdir "$H/mnt"
	set_fuse_conf "mount_max = 10"
	atk_snapshot
	if atk_is_asan; then
		echo "ASan build: address-space and stack limits break the sanitizer itself; those variants not run"
	else
		for v in 1 2 3 4 6 8 16 64; do
			stub --env=ASAN_OPTIONS=detect_leaks=0 --rlimit "AS=$((v * 1024 * 1024))" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
			t21_outcome "ulimit -v $((v * 1024))"
		done
		for v in 8 16 32 64 128; do
			stub --env=ASAN_OPTIONS=detect_leaks=0 --rlimit "STACK=$((v * 1024))" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
			t21_outcome "ulimit -s $v"
		done
	fi
	# (no process to spawn; the sync-init guard thread and the utab child
	# count against RLIMIT_NPROC)
	for v in 1 2; do
		stub --env=ASAN_OPTIONS=detect_leaks=0 --rlimit "NPROC=$v" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
		t21_outcome "ulimit -u $v"
		poll_until 5 no_helpers || fail "helper left running: $(helper_pids)"
	done
	atk_post
}

# A failed setresuid/setresgid/capset/prctl (injected by strace) never lets
# the helper go on in a state it did not choose: it refuses, skips utab with
# a warning, or aborts; and a faked *success* of an id change (the kernel
# changed nothing) is caught where the ids are read back (the reduction and
# every return from root's file identity) or fails closed (root's file
# identity not had: the root-only lock file cannot be opened).  (A faked
# setresgid 1 would change nothing: a set-user-ID helper starts with the
# caller's gids.)
# The calls of a sync-init mount, in order (when=N counts each syscall in
# the helper's process): reduce (capset 1, prctl 1 KEEPCAPS, setresgid 1,
# setresuid 1, prctl 2, capset 2: the reduced sets applied again as the
# caller, prctl 3-4 DUMPABLE and NO_NEW_PRIVS, then the ids read back);
# root's file identity for /run/fusermount3.lock, as every mount under a
# limit (mount_max is 1000 by default): begin (capset 3 raise, setresgid 2,
# setresuid 2, capset 4 lower), end (prctl 5 KEEPCAPS, setresgid 3,
# setresuid 3, prctl 6; nothing raised, the ids read back); the mount
# (capset 5 raise CAP_SYS_ADMIN, 6 lower for the count of the limits, 7
# raise again, 8 lower); utab: begin (capset 9, setresgid 4, setresuid 4,
# capset 10), end (prctl 7, setresgid 5, setresuid 5, prctl 8).  (The utab
# child's calls count in its own process.)
# fm-timeout: test_t21_failed_id_changes 90
test_t21_failed_id_changes() {
	local spec want
	need_strace
	u_mkdir "$H/mnt"
	atk_snapshot
	while read -r spec want; do
		[ -n "$spec" ] || continue
		need_py
		# (strace only tampers with traced calls; the counter is per
		# process, across the exec: fmstub's own setuid() is the first)
		strace -f -qq -o /dev/null -e "trace=${spec%%:*}" -e "inject=$spec" \
			/usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode sync-init \
			--env ASAN_OPTIONS=detect_leaks=0 -- --sync-init -o '' -- "$H/mnt" >"$T/.out" 2>"$T/.err"
		OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
		echo "inject $spec: $(tr '\n' ' ' <<<"$OUT")| $(tr '\n' ' ' <<<"$ERR")"
		atk_clean "$ERR"
		case $want in
		refuse)
			assert_match "$OUT" '^helper-exit=1$' "helper exit ($spec)"
			assert_match "$ERR" '^fusermount3: (failed to drop privileges: .*|mount failed: Operation not permitted.*|cannot enforce mount_max: /run/fusermount3.lock: (Operation not permitted|Permission denied))$' "stderr ($spec)"
			assert_not_mounted "$H/mnt" ;;
		warn)
			assert_match "$OUT" '^status=0$' "status ($spec)"
			assert_match "$OUT" '^helper-exit=0$' "helper exit ($spec)"
			assert_match "$ERR" '^fusermount3: failed to record the mount in /run/mount/utab: Operation not permitted$' "stderr ($spec)"
			assert_user_fuse_mount "$H/mnt"
			assert_no_match "$(cat /run/mount/utab)" "TARGET=$(re "$H/mnt") " "utab ($spec)" ;;
		abort)
			assert_match "$OUT" '^helper-signal=6$' "helper end ($spec)"
			assert_no_match "$OUT" '^status=' "fmstub output ($spec): no status after the abort" ;;
		esac
		# an aborted helper may leave the caller's own (correct) mount
		if is_mounted "$H/mnt"; then
			assert_user_fuse_mount "$H/mnt"
			assert_exit 0 as_user "$FM" -u "$H/mnt"
		fi
	done <<-'EOF2'
		setresgid:error=EPERM:when=1 refuse
		setresuid:error=EAGAIN:when=1 refuse
		setresuid:retval=0:when=1 refuse
		capset:error=EPERM:when=1 refuse
		capset:error=EPERM:when=2 refuse
		prctl:error=EPERM:when=1 refuse
		prctl:error=EPERM:when=4 refuse
		capset:error=EPERM:when=3 refuse
		setresgid:error=EPERM:when=2 refuse
		setresuid:error=EAGAIN:when=2 refuse
		setresuid:retval=0:when=2 refuse
		capset:error=EPERM:when=7 refuse
		setresgid:error=EPERM:when=4 warn
		setresuid:error=EAGAIN:when=4 warn
		capset:error=EPERM:when=9 warn
		capset:error=EPERM:when=4 abort
		prctl:error=EPERM:when=5 abort
		setresgid:error=EPERM:when=3 abort
		setresuid:error=EAGAIN:when=3 abort
		setresuid:retval=0:when=3 abort
		setresgid:retval=0:when=3 abort
		capset:error=EPERM:when=6 abort
		capset:error=EPERM:when=8 abort
		capset:error=EPERM:when=10 abort
		setresgid:error=EPERM:when=5 abort
		setresuid:error=EAGAIN:when=5 abort
		setresuid:retval=0:when=5 abort
	EOF2
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
	atk_post
}

# Securebits a privileged parent may leave to a user's process (they are
# inherited across execve, keep_caps excepted).  no_setuid_fixup: the
# kernel then neither empties nor fills the effective set at the uid
# changes, so the helper's own capsets alone decide (since ec83235 the
# return from root's file identity raises and lowers nothing): while it
# waits for proceed, and in the auto_unmount watcher after the utab
# update, every id is A's, CapEff/CapInh/CapAmb 0, NoNewPrivs 1, CapPrm
# only what it keeps.  noroot (root gets no capability from the
# set-user-ID exec) and keep_caps_locked (KEEPCAPS cannot be set): a
# refusal before anything, no mount.
t21_field() { # STATUS-TEXT KEY: its value, blanks squeezed
	sed -n "s/^$2:[[:space:]]*//p" <<<"$1" | tr -s '[:space:]' ' ' | sed 's/ $//'
}
t21_status_clean() { # PID WHAT [CAPPRM]
	local st
	st=$(cat "/proc/$1/status") || fail "no status of $2 ($1)"
	assert_eq "$UID1 $UID1 $UID1 $UID1" "$(t21_field "$st" Uid)" "Uid of $2"
	assert_eq "$GID1 $GID1 $GID1 $GID1" "$(t21_field "$st" Gid)" "Gid of $2"
	assert_eq 0000000000000000 "$(t21_field "$st" CapEff)" "CapEff of $2"
	assert_eq 0000000000000000 "$(t21_field "$st" CapInh)" "CapInh of $2"
	assert_eq 0000000000000000 "$(t21_field "$st" CapAmb)" "CapAmb of $2"
	assert_eq 1 "$(t21_field "$st" NoNewPrivs)" "NoNewPrivs of $2"
	[ -z "${3:-}" ] || assert_eq "$3" "$(t21_field "$st" CapPrm)" "CapPrm of $2"
}
test_t21_securebits() {
	local p w sb
	need_py
	u_mkdir "$H/mnt"
	atk_snapshot
	rm -f "$UT/sb.go" "$UT/sb.linger"
	bg sb setpriv --securebits=+no_setuid_fixup /usr/bin/python3 "$STUB" --helper "$FM" \
		--uid "$UID1" --gid "$GID1" --mode sync-init --hold-file "$UT/sb.go" \
		--linger-file "$UT/sb.linger" --timeout 30 -- --sync-init -o auto_unmount -- "$H/mnt"
	_asserted
	poll_until 15 grep -qx hold "$T/sb.out" || fail "no hold; $(bg_log sb)"
	p=$(sed -n 's/^helper-pid=//p' "$T/sb.out")
	t21_status_clean "$p" "the helper waiting for proceed (no_setuid_fixup)" 00000000002000c0
	touch "$UT/sb.go"
	poll_until 15 grep -qx linger "$T/sb.out" || fail "no mount; $(bg_log sb)"
	assert_match "$(cat "$T/sb.out")" '^status=0$' "status (no_setuid_fixup)"
	assert_user_fuse_mount "$H/mnt"
	assert_utab_user "$H/mnt"
	assert_eq "utab utab.lock" "$(ls /run/mount | tr '\n' ' ' | sed 's/ $//')" "files in /run/mount"
	t21_status_clean "$p" "the watcher (no_setuid_fixup)"
	touch "$UT/sb.linger"
	wait_unmounted "$H/mnt" 10
	wait_exit sb 10
	atk_clean "$(cat "$T/sb.err")"
	for sb in +noroot,+noroot_locked +keep_caps_locked; do
		assert_exit 1 setpriv --securebits="$sb" --reuid="$U" --regid="$U" --init-groups -- \
			"$FM" -o rw,nosuid,nodev -- "$H/mnt"
		assert_match "$ERR" "^$ANYP: failed to drop privileges: Operation not permitted\$" "stderr ($sb)"
		assert_exit 1 setpriv --securebits="$sb" --reuid="$U" --regid="$U" --init-groups -- \
			"$FM" -u "$H/mnt"
		assert_match "$ERR" "^$ANYP: failed to drop privileges: Operation not permitted\$" "stderr of -u ($sb)"
		assert_not_mounted "$H/mnt"
	done
	atk_post
}

# The same for -u where the helper holds the unmount lock itself (no utab,
# so no record to remove; issue 13): real and saved uid 0 from before the
# lock file is opened (setresuid #2: #1 is privs_reduce's), the caller's
# ids back after it (#3); capset
# #3/#4 raise and lower around the first, #7/#8 around the second.  A
# failure before the lock refuses (nothing unmounted); one after it
# aborts (the unmount is done, the helper never goes on as root).
# fm-timeout: test_t21_failed_id_changes_unmount 120
test_t21_failed_id_changes_unmount() {
	local spec want n=0
	need_strace
	need_client
	need_py
	rm -f /run/mount/utab
	u_mkdir "$H/mnt"
	while read -r spec want; do
		[ -n "$spec" ] || continue
		n=$((n + 1))
		start_client "c$n" --mode classic "$H/mnt"
		strace -f -qq -o "$T/u.strace" -e trace=setresuid,capset,umount2 -e "inject=$spec" \
			/usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode none \
			--env ASAN_OPTIONS=detect_leaks=0 -- -u "$H/mnt" >"$T/.out" 2>"$T/.err"
		OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
		echo "inject $spec: $(tr '\n' ' ' <<<"$OUT")| $(tr '\n' ' ' <<<"$ERR")| $(grep -E 'INJECTED|umount2' "$T/u.strace" | cut -d' ' -f2- | tr '\n' ' ')"
		atk_clean "$ERR"
		# the call tampered with is the one meant
		case $spec in
		setresuid*when=2) assert_match "$(grep INJECTED "$T/u.strace")" "setresuid\\(0, $UID1, 0\\)" "the tampered call ($spec)" ;;
		setresuid*when=3) assert_match "$(grep INJECTED "$T/u.strace")" "setresuid\\($UID1, $UID1, $UID1\\)" "the tampered call ($spec)" ;;
		esac
		case $want in
		refuse)
			assert_match "$OUT" '^helper-exit=1$' "helper exit ($spec)"
			assert_match "$ERR" "^fusermount3: failed to unmount $(re "$H/mnt"): Operation not permitted\$" "stderr ($spec)"
			assert_no_match "$(cat "$T/u.strace")" 'umount2\(' "umount2 ($spec)"
			assert_user_fuse_mount "$H/mnt"
			assert_exit 0 as_user "$FM" -u "$H/mnt" ;;
		abort)
			assert_match "$OUT" '^helper-signal=6$' "helper end ($spec)"
			assert_match "$(cat "$T/u.strace")" 'umount2\(.*= 0' "umount2 ($spec)"
			assert_not_mounted "$H/mnt" ;;
		esac
		wait_exit "c$n" 10
	done <<-'EOF2'
		setresuid:error=EPERM:when=2 refuse
		setresuid:retval=0:when=2 refuse
		capset:error=EPERM:when=3 refuse
		setresuid:error=EPERM:when=3 abort
		setresuid:retval=0:when=3 abort
		capset:error=EPERM:when=7 abort
		capset:error=EPERM:when=8 abort
	EOF2
}

# ================================================================= T22

# t22 CONTENT-PRINTF-FORMAT: fuse.conf with exactly these bytes
t22_conf() { printf "$1" >"$T/fuse.conf" || fail "cannot write fuse.conf"; }
t22_allow_other_refused() { # WHAT
	atk_refused "option allow_other only allowed if 'user_allow_other' is set in /etc/fuse.conf" \
		--mode classic -o allow_other "$H/mnt"
}
test_t22_fuse_conf_parsing() {
	u_mkdir "$H/mnt" "$H/mnt2"
	atk_snapshot
	# mount_max below -1 or out of range: a warning; the limit is not lifted
	for v in -2 -1000 99999999999 2147483648; do
		t22_conf "mount_max = $v\n"
		atk_try --mode classic "$H/mnt"
		assert_match "$ERR" "mount_max" "warning for mount_max = $v"
	done
	# no spaces: honoured
	t22_conf 'mount_max=1\n'
	atk_mounted a --mode classic "$H/mnt"
	atk_refused "too many FUSE filesystems mounted" --mode classic "$H/mnt2"
	unmount_client a "$H/mnt"
	# trailing blank: honoured
	t22_conf 'user_allow_other \n'
	atk_mounted b --mode classic -o allow_other "$H/mnt"
	unmount_client b "$H/mnt"
	# a line over 255 bytes: ignored with a warning, the next line still read
	t22_conf "$(printf ' %.0s' $(seq 300))user_allow_other\nmount_max=1\n"
	t22_allow_other_refused
	assert_match "$ERR" "line 1 too long" "warning"
	atk_mounted a2 --mode classic "$H/mnt"
	atk_refused "too many FUSE filesystems mounted" --mode classic "$H/mnt2"
	unmount_client a2 "$H/mnt"
	# no final newline: the last line is not taken
	t22_conf 'mount_max = 5\nuser_allow_other'
	t22_allow_other_refused
	assert_match "$ERR" "missing newline at end of file" "warning"
	# a NUL byte in the line
	t22_conf 'user_allow_other\0\n'
	t22_allow_other_refused
	t22_conf '\0user_allow_other\n'
	t22_allow_other_refused
	# unreadable (0600 root): a warning, defaults, allow_other not enabled
	t22_conf 'user_allow_other\n'
	chmod 0600 "$T/fuse.conf"
	snapshot_file "$T/fuse.conf"
	t22_allow_other_refused
	assert_match "$ERR" "failed to open /etc/fuse.conf: Permission denied" "warning"
	atk_mounted c --mode classic "$H/mnt"
	unmount_client c "$H/mnt"
	chmod 0644 "$T/fuse.conf"
	atk_post
}
# a directory instead of the file: fail closed
test_t22_fuse_conf_directory() {
	atk_etc_overlay
	umount /etc/fuse.conf && rm -f /etc/fuse.conf && mkdir /etc/fuse.conf || fail "fuse.conf as a directory"
	u_mkdir "$H/mnt"
	ATK_PROTECTED=(/etc/passwd /etc/shadow)
	atk_snapshot
	snapshot_file "$T/fuse.conf"
	atk_refused "^$ANYP: (reading /etc/fuse.conf: read failed|failed to open /etc/fuse.conf: Is a directory|.*fuse.conf.*)\$" \
		--mode classic "$H/mnt"
	atk_post
}

# fuse.conf that is a FIFO or a character device (an admin's slip, e.g. a
# link to /dev/zero): opening a FIFO waits for a writer and /dev/zero never
# ends, so the helper hung (--check with no bound at all, a mount until its
# alarm).  Now: refused at once, one line, nothing mounted.
test_t22_fuse_conf_not_a_file() {
	local kind
	u_mkdir "$H/mnt"
	mkfifo -m 0644 "$T/conf.fifo" || fail "mkfifo"
	for kind in fifo zero; do
		umount /etc/fuse.conf || fail "umount fuse.conf"
		if [ $kind = fifo ]; then
			mount --bind "$T/conf.fifo" /etc/fuse.conf
		else
			mount --bind /dev/zero /etc/fuse.conf
		fi || fail "bind $kind over /etc/fuse.conf"
		FM_CMD_TIMEOUT=10 assert_exit 1 as_user "$FM" --check "$H/mnt"
		assert_eq "deny: reading /etc/fuse.conf: not a regular file" "$OUT" "--check with a $kind"
		atk_refused "^$ANYP: reading /etc/fuse.conf: not a regular file\$" --mode classic "$H/mnt"
		assert_eq 1 "$(grep -c . <<<"$ERR")" "lines on stderr with a $kind ($ERR)"
		atk_refused "^$ANYP: reading /etc/fuse.conf: not a regular file\$" --mode sync-init "$H/mnt"
	done
}

# ================================================================= T23

MAX_RE="too many FUSE filesystems mounted; mount_max=N can be set in /etc/fuse.conf"
# sequential: every FUSE type counts (fuse.<subtype> too), whoever owns it
test_t23_mount_max_sequential_types() {
	set_fuse_conf "mount_max = 2"
	u_mkdir "$H/a" "$H/b" "$H/c"
	atk_mounted a --mode classic -o subtype=sshfs,fsname=u@h:/ "$H/a"
	assert_mounted "$H/a" 'fuse\.sshfs'
	atk_victim_mount
	atk_snapshot
	atk_refused "$(msg_re "$MAX_RE")" --mode classic "$H/b"
	atk_refused "$(msg_re "$MAX_RE")" --mode sync-init -o subtype=x "$H/c"
	unmount_client a "$H/a"
	atk_mounted b --mode classic "$H/b"
	atk_refused "$(msg_re "$MAX_RE")" --mode classic "$H/c"
	atk_post
}

# a fuseblk mount (root's, on a loop device) counts as well
test_t23_mount_max_counts_fuseblk() {
	local loop
	need_cmd losetup truncate
	need_client
	truncate -s 16M "$T/blk.img" || fail truncate
	loop=$(losetup -f --show "$T/blk.img" 2>/dev/null) || skip "no loop device available"
	at_cleanup losetup -d "$loop"
	mkdir "$T/blk" || fail mkdir
	bg rb "$FM_CLIENT" --helper "$FM" --mode classic -o "blkdev,fsname=$loop" --ready-file "$T/rb.ready" --timeout 50 "$T/blk"
	_asserted
	poll_until 10 test -e "$T/rb.ready" || fail "root's fuseblk mount; $(bg_log rb)"
	assert_mounted "$T/blk" 'fuseblk'
	set_fuse_conf "mount_max = 1"
	u_mkdir "$H/a"
	atk_snapshot
	atk_refused "$(msg_re "$MAX_RE")" --mode classic "$H/a"
	set_fuse_conf "mount_max = 2"
	snapshot_file "$T/fuse.conf"
	atk_mounted a --mode classic "$H/a"
	unmount_client a "$H/a"
	atk_post
}

# mounts in another mount namespace are not counted: the count is that of the
# caller's namespace, the only one its mounts can be in (as the reference,
# which reads /proc/mounts); 8 helpers at once: exactly 2 mounted (the count
# is taken again at attach time, under the limits lock: t_limits.sh races)
# fm-timeout: test_t23_mount_max_parallel_and_other_namespace 90
test_t23_mount_max_parallel_and_other_namespace() {
	local i n
	need_client
	set_fuse_conf "mount_max = 2"
	mkdir "$T/other" || fail mkdir
	bg other unshare -m --propagation private "$FM_CLIENT" --mode direct --ready-file "$T/other.ready" --timeout 80 "$T/other"
	_asserted
	poll_until 10 test -e "$T/other.ready" || fail "mount in another namespace; $(bg_log other)"
	assert_not_mounted "$T/other"
	u_mkdir "$H/p1" "$H/p2" "$H/p3" "$H/p4" "$H/p5" "$H/p6" "$H/p7" "$H/p8" "$H/q"
	atk_snapshot
	for i in 1 2 3 4 5 6 7 8; do
		_client_argv --mode classic
		bg "p$i" "${CLIENT[@]}" --ready-file "$UT/p$i.ready" --timeout 60 "$H/p$i"
	done
	for i in 1 2 3 4 5 6 7 8; do
		poll_until 15 eval "test -e '$UT/p$i.ready' || ! alive p$i" || fail "p$i neither mounted nor ended"
	done
	n=$(fuse_mount_count)
	echo "8 parallel mounts with mount_max = 2: $n mounted"
	assert_eq 2 "$n" "FUSE mounts after 8 parallel mounts with mount_max = 2"
	for i in 1 2 3 4 5 6 7 8; do
		[ -e "$UT/p$i.ready" ] && continue
		wait_exit "p$i" 5
		assert_match "$(cat "$T/p$i.err")" "$(msg_re "$MAX_RE")" "stderr of refused p$i"
	done
	atk_refused "$(msg_re "$MAX_RE")" --mode classic "$H/q"
	atk_post
}

# ================================================================= T25

# argc == 0: Linux >= 5.18 supplies an empty argv[0]; either way the
# environment is never taken for arguments
test_t25_argc0() {
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	stub --no-argv --comm stream --mode none --env=-o --env=allow_other --env="$H/mnt" \
		--env=--sync-init --env=-u
	echo "argc 0: $(tr '\n' ' ' <<<"$OUT") | $ERR"
	assert_match "$OUT" '^helper-exit=1$' "helper exit"
	assert_match "$ERR" '^[^:]*: missing mountpoint argument$' "stderr"
	assert_not_mounted "$H/mnt"
	atk_post
}

test_t25_odd_argv() {
	local AS=("${AS_USER[@]}")
	u_mkdir "$H/mnt" "$H/-m"
	atk_snapshot
	assert_exit 1 as_user "$FM" -o '' -- ''
	assert_err_line "invalid mountpoint ''"
	assert_exit 1 as_user "$FM" -u "$H/mnt" extra
	assert_err_line "extra arguments after the mountpoint"
	assert_exit 1 as_user "$FM" -u -- -V
	assert_err_line "entry for /-V not found in /etc/mtab"
	assert_exit 1 as_user "$FM" -u -- --
	assert_exit 1 as_user "$FM" -- -u "$H/mnt"
	assert_err_line "extra arguments after the mountpoint"
	# a mountpoint that starts with "-", relative to the caller's directory
	bg dash "${AS[@]}" sh -c 'cd "$1" && exec "$2" --helper "$3" --mode classic --ready-file "$4" --timeout 30 -- -m' \
		sh "$H" "$FM_CLIENT" "$FM" "$UT/dash.ready"
	_asserted
	poll_until 10 test -e "$UT/dash.ready" || fail "mount on $H/-m; $(bg_log dash)"
	assert_user_fuse_mount "$H/-m"
	assert_exit 0 as_user sh -c 'cd "$1" && exec "$2" -u -- -m' sh "$H" "$FM"
	assert_not_mounted "$H/-m"
	# a hostile argv[0] is only ever printed
	stub --argv0 '%n%n%s%s%x' --mode none --comm none -- -u "$H/mnt"
	assert_match "$OUT" '^helper-exit=1$' "helper exit"
	assert_eq "%n%n%s%s%x: entry for $H/mnt not found in /etc/mtab" "$ERR" "stderr with argv[0] = %n%n%s%s%x"
	stub --argv0 "$(printf 'x\ny')" --mode none --comm none -- -x
	assert_match "$OUT" '^helper-exit=1$' "helper exit"
	atk_post
}

# ================================================================= T28

# umask 000 and an odd primary group: the files the helper writes stay
# root:root and not group/world-writable
test_t28_created_files_owner_mode() {
	local AS=(setpriv --reuid="$U" --regid="$(id -g "$U2")" --groups="$(id -g "$U2"),$GID1" -- env -i HOME="$H" PATH="$PATH_MIN")
	rm -f /run/mount/utab.lock
	u_mkdir "$H/mnt"
	ATK_GID[$UID1]=$(id -g "$U2")
	atk_snapshot
	bg c "${AS[@]}" sh -c 'umask 000 && exec "$@"' sh "$FM_CLIENT" --helper "$FM" --mode classic \
		--ready-file "$UT/c.ready" --timeout 30 "$H/mnt"
	_asserted
	poll_until 10 test -e "$UT/c.ready" || fail "not mounted; $(bg_log c)"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$MI_SUPER" "(^|,)group_id=$(id -g "$U2")(,|$)" "group_id (the caller's real gid)"
	assert_utab_user "$H/mnt"
	assert_eq "root:root 644" "$(stat -c '%U:%G %a' /run/mount/utab)" "utab owner and mode"
	assert_eq "root:root 644" "$(stat -c '%U:%G %a' /run/mount/utab.lock)" "utab.lock owner and mode"
	assert_exit 0 "${AS[@]}" sh -c 'umask 000 && exec "$1" -u "$2"' sh "$FM" "$H/mnt"
	assert_eq "root:root 644" "$(stat -c '%U:%G %a' /run/mount/utab)" "utab owner and mode after -u"
	assert_eq "root:root 755" "$(stat -c '%U:%G %a' /run/mount)" "/run/mount"
	assert_eq "utab utab.lock" "$(ls -A /run/mount | tr '\n' ' ' | sed 's/ $//')" "files in /run/mount"
	wait_exit c 5
	atk_post
}

# ================================================================= T29

# While the helper waits for "proceed" it is not dumpable: the caller can
# neither trace it nor read its memory or environment.
T29_PTRACE='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, int(sys.argv[1]), None, None)   # PTRACE_ATTACH
print("attach=%d errno=%s" % (r, os.strerror(ctypes.get_errno()) if r else "-"))
r = libc.ptrace(0x4206, int(sys.argv[1]), None, None)   # PTRACE_SEIZE
print("seize=%d errno=%s" % (r, os.strerror(ctypes.get_errno()) if r else "-"))
'
test_t29_not_dumpable_while_waiting() {
	local pid
	need_py
	u_mkdir "$H/mnt"
	atk_snapshot
	rm -f "$UT/go"
	bg st /usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode sync-init \
		--hold-file "$UT/go" --timeout 30 -- --sync-init -o '' -- "$H/mnt"
	_asserted
	poll_until 10 grep -qx hold "$T/st.out" || fail "helper not waiting; $(bg_log st)"
	pid=$(sed -n 's/^helper-pid=//p' "$T/st.out")
	assert_match "$(grep -E '^(Uid|CapEff)' "/proc/$pid/status" | tr '\n' ' ')" "^Uid:\s+$UID1\s+$UID1\s+$UID1\s+$UID1 CapEff:\s+0+ $" "helper's ids (the caller's own)"
	assert_exit 0 as_user /usr/bin/python3 -c "$T29_PTRACE" "$pid"
	echo "ptrace as $U: $OUT"
	assert_match "$OUT" '^attach=-1 errno=Operation not permitted$' "PTRACE_ATTACH by the caller"
	assert_match "$OUT" '^seize=-1 errno=Operation not permitted$' "PTRACE_SEIZE by the caller"
	assert_exit 1 as_user cat "/proc/$pid/environ"
	assert_match "$ERR" 'Permission denied' "reading environ"
	assert_exit 1 as_user dd if="/proc/$pid/mem" of=/dev/null bs=1 count=1 status=none
	assert_match "$ERR" 'Permission denied' "reading mem"
	assert_exit 2 as_user ls "/proc/$pid/fd"
	assert_match "$ERR" 'Permission denied' "listing fds"
	if command -v gdb >/dev/null; then
		OUT=$(as_user timeout 20 gdb -q -batch -nx -p "$pid" -ex 'print 1' 2>&1)
		assert_match "$OUT" 'ptrace: Operation not permitted' "gdb -p as the caller"
	fi
	kill -0 "$pid" || fail "helper gone after the attempts"
	touch "$UT/go"
	wait_exit st 10
	assert_match "$(cat "$T/st.out")" '^status=0$' "status after the attempts"
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	atk_post
}

# The proceed wait is bounded: its poll(2) "times out" (strace makes it
# return 0), and the helper reports -ETIMEDOUT and leaves nothing.
test_t29_proceed_wait_bounded() {
	need_strace
	need_py
	u_mkdir "$H/mnt"
	atk_snapshot --utab
	strace -f -qq -o /dev/null -e trace=poll -e inject=poll:retval=0:when=1 \
		/usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode sync-init --blocking \
		--timeout 20 --env ASAN_OPTIONS=detect_leaks=0 -- --sync-init -o '' -- "$H/mnt" \
		>"$T/.out" 2>"$T/.err"
	OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
	echo "$(tr '\n' ' ' <<<"$OUT") | $ERR"
	assert_match "$OUT" '^status=-110$' "status (-ETIMEDOUT)"
	assert_match "$OUT" '^helper-exit=1$' "helper exit"
	assert_match "$ERR" '^fusermount3: timed out after 300 seconds waiting for signal$' "stderr"
	assert_not_mounted "$H/mnt"
	atk_post
}

# Anyone can flock libmount's utab lock (world-readable): holding it delays
# others' utab updates by at most FM_UTAB_TIMEOUT_MS (1.5 s) each, with a
# warning; mounts and unmounts go on.  (Times from /proc/uptime: the VM's
# wall clock may jump.)  t_utab.sh's utab_lock_held_bounded_and_healed
# shows the stale record healed once the lock is free.
t29_ms() { local u; read -r u _ </proc/uptime; echo $((${u%.*} * 1000 + 10#${u#*.} * 10)); }
test_t29_utab_lock_held_by_a_user() {
	local t0 ms
	atk_victim_mount
	u_mkdir "$H/mnt"
	[ -e /run/mount/utab.lock ] || install -m 0644 /dev/null /run/mount/utab.lock
	# shellcheck disable=SC2016 # $1 is the inner shell's
	bg lock as_user sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 40' sh /run/mount/utab.lock
	_asserted
	poll_until 5 eval "! flock -n -x /run/mount/utab.lock true" || fail "the lock was not taken; $(bg_log lock)"
	atk_snapshot --utab
	# V's unmount: done, the utab record stays (it could not be removed)
	t0=$(t29_ms)
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	ms=$(($(t29_ms) - t0))
	echo "V's -u took $ms ms"
	_asserted
	[ "$ms" -lt 4000 ] || fail "V's -u took $ms ms with the utab lock held by $U"
	assert_err_line "failed to remove the record of $H2/m from /run/mount/utab: Connection timed out" "$(re "$FM")"
	assert_not_mounted "$H2/m"
	wait_exit v 5
	ATK_VIDS=
	# A's mount: done, usable, unrecorded, with a warning
	t0=$(t29_ms)
	start_client a --mode sync-init "$H/mnt"
	ms=$(($(t29_ms) - t0))
	echo "A's mount took $ms ms"
	_asserted
	[ "$ms" -lt 4000 ] || fail "A's mount took $ms ms"
	assert_user_fuse_mount "$H/mnt"
	assert_match "$(cat "$T/a.err")" "failed to record the mount in /run/mount/utab: Connection timed out" "helper warning"
	atk_post
	kill "${BG[lock]}"
	unmount_client a "$H/mnt"
}

# A's helper held inside its utab update (by the tracer, 0.7 s, in
# rename(2), less than the 1.5 s bound), holding libmount's lock: that child
# is out of A's reach (all its uids are 0: A cannot stop or signal it), V's
# -u only waits for the update, and no temporary file stays behind.
# fm-timeout: test_t29_utab_child_out_of_reach 90
test_t29_utab_child_out_of_reach() {
	local t0 ms p child=
	need_strace
	need_client
	atk_victim_mount
	u_mkdir "$H/mnt"
	atk_snapshot
	bg a strace -f -qq -o /dev/null -e trace=rename -e inject=rename:delay_enter=700000 \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM_CLIENT" --helper "$FM" --mode classic \
		--ready-file "$UT/a.ready" --timeout 40 "$H/mnt"
	_asserted
	poll_until 10 eval "! flock -n -x /run/mount/utab.lock true" || fail "A's helper never held the utab lock; $(bg_log a)"
	for p in $(helper_pids); do
		grep -qE '^Uid:\s+0\s+0\s+0\s+0$' "/proc/$p/status" && child=$p
	done
	_asserted
	[ -n "$child" ] || fail "no utab child with all uids 0 among the helpers: $(for p in $(helper_pids); do grep ^Uid "/proc/$p/status"; done)"
	echo "PHASE utab update child (holds the utab lock):"
	grep -E '^(Uid|Gid|Cap|NoNewPrivs)' "/proc/$child/status" | sed 's/^/  /'
	assert_exit 1 as_user kill -STOP "$child"
	assert_match "$ERR" 'Operation not permitted' "kill -STOP of the utab child by $U"
	assert_exit 1 as_user kill -KILL "$child"
	t0=$(t29_ms)
	assert_exit 0 as_user2 "$FM" -u "$H2/m"
	ms=$(($(t29_ms) - t0))
	echo "V's -u took $ms ms while A's utab child held the lock"
	_asserted
	[ "$ms" -lt 4000 ] || fail "V's -u took $ms ms"
	assert_eq "" "$ERR" "stderr of V's -u"
	assert_not_mounted "$H2/m"
	assert_utab_lacks "$H2/m"
	ATK_VIDS=
	poll_until 10 test -e "$UT/a.ready" || fail "A's mount did not finish; $(bg_log a)"
	assert_user_fuse_mount "$H/mnt"
	assert_utab_user "$H/mnt"
	assert_eq "" "$(cat "$T/a.err")" "A's helper stderr"
	assert_eq "utab utab.lock" "$(ls -A /run/mount | tr '\n' ' ' | sed 's/ $//')" "files in /run/mount (no stray temp file)"
	atk_post
	unmount_client a "$H/mnt"
}

# ================================================================= T30

# No program is ever executed (modprobe included), whatever the environment
# says; FUSE_KERN_DEVICE is checked and never leaks what A cannot see.
t30_traced() { # EXPECTED-STDERR-REGEX EXPECTED-STDOUT-REGEX FMSTUB-ARGS...
	local re=$1 ore=$2 log=$T/t30.strace
	shift 2
	need_py
	strace -f -qq -e trace=execve -o "$log" /usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" \
		--env MODPROBE_OPTIONS=-C/tmp/evil.conf --env LIBMOUNT_MTAB=/etc/passwd --env LIBMOUNT_UTAB=/etc/shadow \
		--env LIBMOUNT_DEBUG=all --env LD_PRELOAD=/tmp/evil.so --env ASAN_OPTIONS=detect_leaks=0 "$@" >"$T/.out" 2>"$T/.err"
	OUT=$(cat "$T/.out") ERR=$(cat "$T/.err")
	echo "$* : $(tr '\n' ' ' <<<"$OUT")| $ERR"
	assert_match "$ERR" "$re" "stderr ($*)"
	assert_match "$OUT" "$ore" "fmstub output ($*)"
	assert_no_match "$ERR" 'libmount|LIBMOUNT|evil' "stderr ($*): no debug output, no preload"
	assert_eq "" "$(grep -E 'execve\(' "$log" | grep -v "execve(\"$(re "$FM")\"" | grep -vE 'execve\("/usr/bin/python3' )" \
		"programs executed by the helper"
	assert_eq 1 "$(grep -c "execve(\"$(re "$FM")\"" "$log")" "execve of the helper"
	if is_mounted "$H/mnt"; then
		assert_user_fuse_mount "$H/mnt"
		assert_exit 0 as_user "$FM" -u "$H/mnt"
	fi
}
test_t30_no_exec_device_env() {
	need_strace
	u_mkdir "$H/mnt"
	mkdir -m 0700 "$T/secret" && touch "$T/secret/x" || fail mkdir
	atk_snapshot
	t30_traced "^fusermount3: fuse device /dev/nonexistent not found. Kernel module not loaded\\?\$" '^helper-exit=1$' \
		--env FUSE_KERN_DEVICE=/dev/nonexistent --mode sync-init -- --sync-init -o '' -- "$H/mnt"
	assert_not_mounted "$H/mnt"
	t30_traced "^fuse: invalid device name from FUSE_KERN_DEVICE: /etc/shadow \\(must start with /dev/\\)\$" '^status=0$' \
		--env FUSE_KERN_DEVICE=/etc/shadow --mode sync-init -- --sync-init -o '' -- "$H/mnt"
	t30_traced "^fusermount3: mount failed: Invalid argument" '^status=-22$' \
		--env FUSE_KERN_DEVICE=/dev/null --mode sync-init -- --sync-init -o '' -- "$H/mnt"
	assert_not_mounted "$H/mnt"
	# a path A cannot search: the same words whether the file exists or not
	t30_traced "^fusermount3: failed to open /dev/\\.\\./$(re "${T#/}")/secret/x: Permission denied\$" '^helper-exit=1$' \
		--env "FUSE_KERN_DEVICE=/dev/../${T#/}/secret/x" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
	t30_traced "^fusermount3: failed to open /dev/\\.\\./$(re "${T#/}")/secret/y: Permission denied\$" '^helper-exit=1$' \
		--env "FUSE_KERN_DEVICE=/dev/../${T#/}/secret/y" --mode sync-init -- --sync-init -o '' -- "$H/mnt"
	assert_not_mounted "$H/mnt"
	atk_post
}
# /dev without a fuse node (as with the module missing; this kernel has FUSE
# built in, so it cannot be unloaded): a clear message, no modprobe
test_t30_no_fuse_device_no_modprobe() {
	need_strace
	u_mkdir "$H/mnt"
	atk_snapshot
	mount -t tmpfs -o mode=0755 fmtest-dev /dev || fail "tmpfs on /dev"
	mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 && mknod -m 666 /dev/full c 1 7 &&
		mknod -m 666 /dev/urandom c 1 9 && mknod -m 666 /dev/tty c 5 0 &&
		ln -s /proc/self/fd /dev/fd || fail mknod
	ATK_NONFUSE0=$(atk_nonfuse)
	t30_traced "^fusermount3: fuse device /dev/fuse not found. Kernel module not loaded\\?\$" '^helper-exit=1$' \
		--mode sync-init -- --sync-init -o '' -- "$H/mnt"
	assert_not_mounted "$H/mnt"
	atk_post
}

# ================================================================= T31

# Nested in A's own FUSE mount: allowed (the helper works as A, who may
# enter A's mount); V is kept out by the kernel, and cannot unmount it.
test_t31_nested_in_own_fuse_mount() {
	need_cmd bindfs
	u_mkdir "$H/src/inner" "$H/src/inner2" "$H/b"
	assert_exit 0 as_user bindfs --no-allow-other "$H/src" "$H/b"
	wait_mounted "$H/b" 5
	atk_snapshot
	atk_mounted n --mode sync-init "$H/b/inner"
	assert_exit 0 as_user cat "$H/b/inner/hello"
	run_client --as2 --mode classic "$H/b/inner2"
	assert_client_failed
	assert_match "$ERR" "^$ANYP: (bad mount point $(re "$H/b/inner2"): Permission denied|failed to access mountpoint $(re "$H/b/inner2"): Permission denied)\$" "V's attempt"
	assert_exit 1 as_user2 "$FM" -u "$H/b/inner"
	assert_mounted "$H/b/inner" "$FUSE_TYPE_RE"
	atk_post
	unmount_client n "$H/b/inner"
	assert_exit 0 as_user "$FM" -u "$H/b"
}

# A FUSE filesystem that stalls (its daemon stopped) under the mountpoint:
# the helper waits in path lookup like any process of A - interruptibly,
# A can kill it, nothing is mounted - and goes on when the daemon does.
test_t31_stalled_parent_fs() {
	local p
	u_mkdir "$H/b"
	start_client s --mode classic "$H/b"
	atk_snapshot --utab
	stop_server "${BG[s]}"
	bg m1 as_user "$FM_CLIENT" --helper "$FM" --mode classic --timeout 50 "$H/b/sub/x"
	_asserted
	poll_until 5 some_helpers || fail "no helper started"
	sleep 1
	p=$(helper_pids)
	assert_match "$(ps -o stat= -p "$p")" '^S' "state of the stalled helper (interruptible)"
	assert_eq 1 "$(fuse_mount_count)" "FUSE mounts while it waits"
	as_user kill -KILL "$p" || fail "A cannot kill its own helper"
	_asserted
	poll_until 3 no_helpers || fail "helper not gone after SIGKILL: $(ps -o pid,stat,wchan:30 -p "$p")"
	wait_exit m1 5
	bg m2 as_user "$FM" -u "$H/b/sub/x"
	_asserted
	poll_until 5 some_helpers || fail "no -u helper"
	sleep 1
	alive m2 || fail "-u did not wait for the stalled filesystem"
	kill -CONT "${BG[s]}"
	wait_exit m2 10
	assert_eq 1 "$BG_RC" "-u after the filesystem came back"
	atk_post
	unmount_client s "$H/b"
}

# ... and the wait is bounded, for a mount (path resolution, pinning) and
# for -u alike: the 60 s time limit of the checks ends the helper
uptime_s() { cut -d. -f1 /proc/uptime; }

# fm-timeout: test_t31_stalled_parent_fs_bounded 110
test_t31_stalled_parent_fs_bounded() {
	local t0 s
	u_mkdir "$H/b"
	start_client s --mode classic --timeout 100 "$H/b"
	atk_snapshot --utab
	stop_server "${BG[s]}"
	# elapsed time from /proc/uptime (the boot-time clock, as the helper's
	# alarm counts): this VM's wall clock may jump
	t0=$(uptime_s)
	bg m as_user "$FM_CLIENT" --helper "$FM" --mode classic --timeout 100 "$H/b/sub/x"
	bg u as_user "$FM" -u "$H/b/sub/y"
	bg z as_user "$FM" -u -z "$H/b/sub/z"
	_asserted
	while [ $(($(uptime_s) - t0)) -lt 85 ] && ! no_helpers; do sleep 1; done
	no_helpers || fail "helpers still running after 85 s: $(helper_pids | tr '\n' ' ' | xargs -r ps -o pid,stat,wchan:30,args -p)"
	s=$(($(uptime_s) - t0))
	echo "the helpers ended after $s s"
	_asserted
	[ "$s" -ge 50 ] || fail "the helpers ended after $s s only (before the time limit?)"
	wait_exit u 5
	assert_match "$BG_RC" '^(1|142)$' "-u exit status (1, or killed by SIGALRM)"
	wait_exit m 10
	assert_eq 1 "$(fuse_mount_count)" "FUSE mounts"
	kill -CONT "${BG[s]}"
	atk_post
	unmount_client s "$H/b"
}

# ================================================================= T32

# A dead daemon's mount (ENOTCONN): no mount on top, -u and -u -z work
# without touching the dead filesystem, nothing hangs.
test_t32_stale_mountpoint() {
	local m
	u_mkdir "$H/m"
	atk_snapshot --utab
	for m in classic sync-init; do
		start_client "d$m" --mode classic "$H/m"
		kill -KILL "${BG[d$m]}"
		wait_exit "d$m" 5
		assert_exit 1 as_user stat "$H/m"
		assert_match "$ERR" 'Transport endpoint is not connected' "stat of the dead mount"
		run_client --mode "$m" "$H/m"
		assert_client_failed
		assert_match "$ERR" "^$ANYP: failed to access mountpoint $(re "$H/m"): Transport endpoint is not connected\$" "mount on top ($m)"
		assert_eq 1 "$(atk_count_at "$H/m")" "mounts on $H/m (the dead one only)"
		if [ $m = classic ]; then
			assert_exit 0 as_user "$FM" -u "$H/m"
		else
			assert_exit 0 as_user "$FM" -u -z "$H/m"
		fi
		assert_eq "" "$ERR" "stderr of -u"
		assert_not_mounted "$H/m"
		poll_until 5 no_helpers || fail "helper left: $(helper_pids)"
	done
	atk_post
}

# ================================================================= T33

# The core flows with /etc/mtab as each layout, and utab present or not:
# own mounts always found, others' refused, no write outside utab.
t33_flows() { # LAYOUT UTAB(yes|no)
	local mt=$1
	atk_etc_overlay
	case $mt in
	self) ln -sfn /proc/self/mounts /etc/mtab ;;
	proc) ln -sfn /proc/mounts /etc/mtab ;;
	regular) rm -f /etc/mtab && cat /proc/self/mounts >/etc/mtab ;;
	missing) rm -f /etc/mtab ;;
	esac || fail "mtab layout $mt"
	if [ "$2" = no ]; then
		rm -f /run/mount/utab
	fi
	[ "$mt" = regular ] && ATK_PROTECTED+=(/etc/mtab)
	atk_victim_mount
	u_mkdir "$H/a" "$H/b" "$H/c"
	local before
	before=$(t33_state)
	if [ "$2" = yes ]; then atk_snapshot --utab; else atk_snapshot; fi
	atk_mounted a --mode classic "$H/a"
	atk_mounted b --mode sync-init "$H/b"
	atk_mounted c --mode classic -o auto_unmount "$H/c"
	if [ "$2" = yes ]; then
		assert_utab_user "$H/a"
		assert_utab_user "$H/b"
	else
		assert_exit 1 test -e /run/mount/utab
	fi
	assert_exit 1 as_user "$FM" -u "$H2/m"
	assert_err_line "entry for $H2/m not found in /etc/mtab"
	assert_exit 1 as_user2 "$FM" -u "$H/a"
	unmount_client a "$H/a"
	assert_exit 0 as_user "$FM" -u -z "$H/b"
	assert_eq "" "$ERR" "stderr of -u -z"
	kill -KILL "${BG[c]}"
	wait_unmounted "$H/c" 5
	poll_until 5 no_helpers || fail "watcher left: $(helper_pids)"
	if [ "$2" = yes ]; then
		assert_utab_lacks "$H/a"
		assert_utab_lacks "$H/b"
		assert_utab_lacks "$H/c"
		assert_utab_user "$H2/m" "$U2"
	fi
	assert_eq "$before" "$(t33_state)" "/run/mount and /etc/mtab after the flows"
	atk_post
}
# names, owners and modes in /run/mount, and what /etc/mtab is
t33_state() {
	(cd /run/mount && stat -c '%n %U:%G %a' -- * 2>/dev/null)
	if [ -L /etc/mtab ]; then readlink /etc/mtab; elif [ -e /etc/mtab ]; then echo "regular mtab"; else echo "no mtab"; fi
}
test_t33_mtab_symlink_self_mounts() { t33_flows self yes; }
test_t33_mtab_symlink_proc_mounts() { t33_flows proc yes; }
test_t33_mtab_regular_file() { t33_flows regular yes; }
test_t33_mtab_missing() { t33_flows missing yes; }
test_t33_utab_missing() { t33_flows self no; }
test_t33_utab_and_mtab_missing() { t33_flows missing no; }
test_t33_utab_missing_mtab_regular() { t33_flows regular no; }

# ================================================================= capabilities per phase

# The id and capability lines of /proc/PID/status, read while the helper is
# held at each phase a test can observe, checked against the install mode:
#   CAPS_PRM  permitted set  (setuid: SYS_ADMIN|SETUID|SETGID = 00000000002000c0)
#   CAPS_BND  bounding set   (the caller's, untouched: with no_new_privs no
#             execve can give anything, so emptying it would add nothing)
#   CAPS_UTAB yes|no         (utab phases exist only with CAP_SETUID/CAP_SETGID)
# Inheritable and ambient are empty, no_new_privs is set, throughout.
caps_lines() { grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' "/proc/$1/status"; }
caps_phase() { # NAME PID UID-REGEX CAPEFF
	local st
	st=$(caps_lines "$2") || fail "no /proc/$2/status ($1)"
	echo "PHASE $1:"
	sed 's/^/  /' <<<"$st"
	assert_match "$st" "^Uid:[[:space:]]+$3\$" "Uid ($1)"
	assert_match "$st" '^CapInh:[[:space:]]+0{16}$' "CapInh ($1)"
	assert_match "$st" "^CapPrm:[[:space:]]+$CAPS_PRM\$" "CapPrm ($1)"
	assert_match "$st" "^CapEff:[[:space:]]+$4\$" "CapEff ($1)"
	assert_match "$st" "^CapBnd:[[:space:]]+$CAPS_BND\$" "CapBnd ($1)"
	assert_match "$st" '^CapAmb:[[:space:]]+0{16}$' "CapAmb ($1)"
	assert_match "$st" '^NoNewPrivs:[[:space:]]+1$' "NoNewPrivs ($1)"
}
# the one live helper process that is not in $1 (pids)
caps_new_helper() {
	local p
	for p in $(helper_pids); do
		grep -qw "$p" <<<"$1" || { echo "$p"; return; }
	done
}
CAPS_NONE=0000000000000000
CAPS_SYS_ADMIN=0000000000200000
caps_per_phase() {
	local a="${UID1}[[:space:]]+${UID1}[[:space:]]+${UID1}[[:space:]]+$UID1" p old st
	need_client
	need_py
	u_mkdir "$H/b" "$H/mnt" "$H/w"
	echo "install: $(stat -c '%A %U' "$FM") $(getcap "$FM" 2>/dev/null | sed 's/^[^ ]* //')"
	echo "caller ($U): $(as_user grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status | tr '\n\t' '  ')"
	# 1. checks before a mount, and -u, held in path lookup (a stopped FUSE
	#    daemon of A's serves the parent directory)
	start_client s --mode classic --timeout 100 "$H/b"
	stop_server "${BG[s]}"
	bg m1 as_user "$FM_CLIENT" --helper "$FM" --mode sync-init --timeout 30 "$H/b/sub/x"
	_asserted
	poll_until 5 some_helpers || fail "no helper held in path lookup; $(bg_log m1)"
	sleep 0.5
	p=$(helper_pids)
	caps_phase "mount, checks (held in path lookup)" "$p" "$a" "$CAPS_NONE"
	old=$p
	bg u1 as_user "$FM" -u "$H/b/sub/y"
	_asserted
	poll_until 5 eval '[ -n "$(caps_new_helper "$old")" ]' || fail "no -u helper"
	sleep 0.5
	caps_phase "-u, finding the mount (held in path lookup)" "$(caps_new_helper "$old")" "$a" "$CAPS_NONE"
	kill -CONT "${BG[s]}"
	wait_exit m1 10
	wait_exit u1 10
	unmount_client s "$H/b"
	# 2. --sync-init, waiting for "proceed"
	rm -f "$UT/go"
	bg st /usr/bin/python3 "$STUB" --helper "$FM" --uid "$UID1" --gid "$GID1" --mode sync-init \
		--hold-file "$UT/go" --timeout 30 -- --sync-init -o '' -- "$H/mnt"
	_asserted
	poll_until 10 grep -qx hold "$T/st.out" || fail "helper not waiting; $(bg_log st)"
	caps_phase "sync-init, waiting for proceed" "$(sed -n 's/^helper-pid=//p' "$T/st.out")" "$a" "$CAPS_NONE"
	touch "$UT/go"
	wait_exit st 10
	assert_match "$(cat "$T/st.out")" '^status=0$' "status"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	# 3. in FUSE_INIT (CMD_CREATE, which needs CAP_SYS_ADMIN), the daemon
	#    answering after 3 s; 4. then the auto_unmount watcher
	bg i "${AS_USER[@]}" "$FM_CLIENT" --helper "$FM" --mode sync-init --sync-ioctl --init-delay-ms 3000 \
		--ready-file "$UT/i.ready" --timeout 30 -o auto_unmount "$H/w"
	_asserted
	poll_until 5 some_helpers || fail "no helper in FUSE_INIT; $(bg_log i)"
	sleep 1
	p=$(helper_pids)
	caps_phase "sync-init, mounting: blocked in FUSE_INIT inside fsconfig(CMD_CREATE)" "$p" "$a" "$CAPS_SYS_ADMIN"
	poll_until 10 test -e "$UT/i.ready" || fail "not mounted; $(bg_log i)"
	assert_user_fuse_mount "$H/w"
	sleep 0.5
	caps_phase "auto_unmount watcher" "$(helper_pids)" "$a" "$CAPS_NONE"
	kill -KILL "${BG[i]}"
	wait_unmounted "$H/w" 5
	poll_until 5 no_helpers || fail "watcher left"
	# 5. recording in utab (held by the tracer in rename(2)): the helper as
	#    fsuid root, and its child that holds the lock
	if [ "$CAPS_UTAB" = yes ]; then
		need_strace
		bg r strace -f -qq -o /dev/null -e trace=rename -e inject=rename:delay_enter=700000 \
			"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM_CLIENT" --helper "$FM" --mode classic \
			--ready-file "$UT/r.ready" --timeout 30 "$H/mnt"
		_asserted
		poll_until 10 eval "! flock -n -x /run/mount/utab.lock true" || fail "no utab update seen; $(bg_log r)"
		for p in $(helper_pids); do
			st=$(grep '^Uid:' "/proc/$p/status")
			if [[ $st =~ ^Uid:[[:space:]]+0[[:space:]] ]]; then
				caps_phase "utab update, the child holding the lock" "$p" "0[[:space:]]+0[[:space:]]+0[[:space:]]+0" "$CAPS_NONE"
			else
				caps_phase "utab update, the helper (fsuid root) waiting for its child" "$p" \
					"${UID1}[[:space:]]+0[[:space:]]+${UID1}[[:space:]]+0" "$CAPS_NONE"
			fi
		done
		poll_until 10 test -e "$UT/r.ready" || fail "not mounted; $(bg_log r)"
		assert_utab_user "$H/mnt"
		unmount_client r "$H/mnt"
	fi
}
test_caps_per_phase() {
	CAPS_PRM=00000000002000c0 CAPS_UTAB=yes
	CAPS_BND=$(as_user grep '^CapBnd:' /proc/self/status | awk '{ print $2 }')
	caps_per_phase
}
