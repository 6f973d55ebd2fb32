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
	assert_eq 0 "$(atk_count_at "$mp")" "mounts on $mp"
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
		assert_eq 0 "$(atk_count_at "$mp")" "mounts on $mp after a refusal ($*)"
	fi
	ERR=$(cat "$T/$name.err")
	atk_clean "$ERR" "output of ($*)"
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

# an unprivileged command as uid:gid without a passwd entry
as_ids() { # UID GID CMD...
	local u=$1 g=$2
	shift 2
	setpriv --reuid="$u" --regid="$g" --clear-groups -- env -i HOME=/ PATH="$PATH_MIN" "$@"
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
