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
atk_victim_mount() {
	as_user2 mkdir -p "$H2/m" || fail "mkdir as $U2"
	start_client v --as2 --mode classic "$H2/m"
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

# strace, or SKIP (FAIL in CI) without it
need_strace() { need_cmd strace; }

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
	for o in blkdev; do
		atk_refused "option blkdev is privileged" --mode classic -o "$o" "$H/mnt"
	done
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
	# (4051 commas as in the reference case; then two strings of 4095 bytes)
	for o in "$(printf ',%.0s' $(seq 4051))" "default_permissions$(printf ',%.0s' $(seq 4076))" \
		"$(printf 'x-a,%.0s' $(seq 1023))x-b"; do
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
	# thousands of x- options (within 4095 bytes): stored, nothing else
	ATK_N=$((ATK_N + 1))
	atk_mounted "t07_$ATK_N" --mode classic -o "$(printf 'x-%d,' $(seq 1000 1500))x-end" "$H/mnt"
	assert_match "$(grep "TARGET=$(re "$H/mnt") " /run/mount/utab)" "OPTS=user=$U,x-1000,x-1001,.*,x-1500,x-end$" "utab record"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
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
	# a very long one (within 4095 bytes) is stored whole
	atk_mounted b --mode classic -o "x-long=$(printf 'v%.0s' $(seq 4000))" "$H/mnt"
	assert_match "$(cat /run/mount/utab)" "OPTS=user=$U,x-long=v{4000}$" "utab"
	unmount_client b "$H/mnt"
	atk_post
}

# ================================================================= T11

# V has a FUSE mount $H2/m, root a tmpfs on $T/srv/m, A a FUSE mount on
# $H/real/m that a loop keeps mounted.  $H/d is switched (rename: atomic)
# between a symlink to $H/real, to $H2, to $T/srv, and the directory itself.
t11_setup() {
	atk_victim_mount
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
# and letting it go on (SIGCONT), at a random moment of its run
# fm-timeout: test_t11_unmount_race_sigstop 90
test_t11_unmount_race_sigstop() {
	t11_setup
	mkdir -m 0777 "$T/t11err" || fail mkdir
	as_user bash -c '
		cd "$2" || exit 1; end=$((SECONDS + 30)); i=0
		while [ $i -lt 300 ] && [ $SECONDS -lt $end ]; do
			ln -sfn real .t && mv -T .t d
			for ((k = 0; k < RANDOM % 400; k++)); do :; done
			"$1" -u "$2/d/m" 2>"$5/err" &
			p=$!
			for ((k = 0; k < RANDOM % 400; k++)); do :; done
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
# (0x01021994), which is allowed, so the helper cannot tell them apart by the
# magic number it decides on (neither can the reference).
test_t14_pseudo_fs_targets_devtmpfs() {
	local d=/dev/.fmtest-attack.$$ magic
	mkdir "$d" || skip "cannot create a directory in devtmpfs"
	at_cleanup rmdir "$d"
	chown "$U:$U" "$d" || fail chown
	magic=$(stat -f -c %t "$d")
	if [ "$magic" = 1021994 ]; then
		skip "devtmpfs reports the tmpfs magic 0x01021994 to statfs: indistinguishable from tmpfs for a magic-number allowlist (needs the name from statmount; see tests/ATTACKS.md)"
	fi
	atk_snapshot --utab
	atk_refused "^$ANYP: $T14_TYPE_RE" --mode classic "$d"
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
