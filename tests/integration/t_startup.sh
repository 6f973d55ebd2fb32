# t_startup.sh - what a start loads: libc only; libcap-ng with dlopen on
# the paths that set capabilities (never --version, --help, --features),
# libmount (with libblkid, libselinux, libpcre2) only in the child that
# updates utab; libcap-ng's state is never read back from /proc/PID/status
# (README, Design: "What a start costs, and what is loaded when").

# STRACE-FILE: pids of the processes that exec'ed the helper (strace -f
# splits calls of concurrent processes: results are not looked at)
st_helper_pids() {
	sed -n "s|^\([0-9]*\) *execve(\"$(re "$FM")\".*|\1|p" "$1" | sort -u
}
# STRACE-FILE: pids that opened (or tried to open) libmount
st_libmount_pids() {
	sed -n 's|^\([0-9]*\) *openat(.*"[^"]*/libmount\.so\.1".*|\1|p' "$1" | sort -u
}
# STRACE-FILE: pids that opened (or tried to open) libcap-ng after they
# exec'ed the helper (as_user's setpriv, earlier in the same pid, links it),
# and any other pid that did
st_capng_pids() {
	awk -v h="execve(\"$FM\"" '
		index($0, h) { delete opened[$1] }
		/openat\(.*"[^"]*\/libcap-ng\.so\.0"/ { opened[$1] = 1 }
		END { for (p in opened) print p }' "$1" | sort -u
}
# STRACE-FILE PIDS...: the lines where those pids open a /proc/PID/status
# (what libcap-ng's capng_get_caps_process reads); for a pid that exec'ed
# the helper only those after the execve (as_user's setpriv, earlier in the
# same pid, reads it), for any other (the utab child) all
st_status_reads() {
	local f=$1 p
	shift
	for p; do
		awk -v p="$p" -v h="execve(\"$FM\"" '
			$1 != p { next }
			index($0, h) { lines = "" }
			/openat\(.*"\/proc\/(self|thread-self|[0-9]+)(\/task\/[0-9]+)?\/status"/ { lines = lines $0 "\n" }
			END { printf "%s", lines }' "$f"
	done
}
# STRACE-FILE PIDS...: those pids and the children they forked
st_with_children() {
	local f=$1 p
	shift
	for p; do
		echo "$p"
		sed -n "s/^$p \+\(clone\|clone3\|fork\|vfork\)(.* = \([0-9][0-9]*\)\$/\2/p" "$f"
	done
}
# strace -f as root of CMD... (the setuid bit is honoured for a root tracer)
st_trace() { # FILE CMD...
	local f=$1
	shift
	# (LeakSanitizer cannot work under ptrace: off in the asan-check build)
	if [ "$1" = as_user ]; then
		shift
		EXPANDED=("${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$@")
	else
		_expand "$@"
	fi
	timeout -k 2 30 strace -f -qq -o "$f" -e trace=execve,openat,clone,clone3,fork,vfork \
		"${EXPANDED[@]}" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
}

test_startup_links_libc_only() {
	need_cmd readelf
	local needed
	# (the asan-check build links the sanitizers' runtimes too)
	needed=$(readelf -d "$FM" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' |
		grep -vE '^lib(asan|ubsan)\.so' | sort | tr '\n' ' ')
	assert_eq "libc.so.6 " "$needed" "shared libraries linked (DT_NEEDED)"
}

# --version, --help and --features set no capability but the caller's ids:
# libcap-ng is not even opened; a -u (which raises CAP_SYS_ADMIN) opens it
test_startup_no_libcap_ng_for_answers() {
	need_cmd strace
	local what
	for what in --version -h --features --features=text; do
		st_trace "$T/tr" as_user "$FM" "$what"
		[ -n "$(st_helper_pids "$T/tr")" ] || fail "$what: no helper in the trace"
		assert_eq "" "$(st_capng_pids "$T/tr")" "$what: processes that opened libcap-ng"
	done
	u_mkdir "$H/mnt"
	st_trace "$T/tr" as_user "$FM" -u "$H/mnt"
	assert_eq 1 "$RC" "-u of a directory that is no mount"
	assert_eq "$(st_helper_pids "$T/tr")" "$(st_capng_pids "$T/tr")" "-u: the helper opened libcap-ng"
}

# --version, -h, a refused command line, -u of a non-mount, --check and a
# mount refused in the prepare phase: libmount is never opened
test_startup_no_libmount_unless_needed() {
	need_cmd strace
	need_client
	local what
	u_mkdir "$H/mnt"
	mkdir -p "$T/rootdir"
	for what in version help badarg unmount-none check refused; do
		case $what in
		version) st_trace "$T/tr" as_user "$FM" --version
			assert_eq 0 "$RC" "--version exit"
			assert_eq "fusermount3 version: 3.19.0" "$(cat "$T/.out")" "--version output" ;;
		help) st_trace "$T/tr" as_user "$FM" -h
			assert_eq 1 "$RC" "-h exit" ;;
		badarg) st_trace "$T/tr" as_user "$FM" -z "$H/mnt"
			assert_eq 1 "$RC" "-z without -u exit" ;;
		unmount-none) st_trace "$T/tr" as_user "$FM" -u "$H/mnt"
			assert_eq 1 "$RC" "-u of a directory that is no mount" ;;
		check) st_trace "$T/tr" as_user "$FM" --check "$H/mnt"
			assert_eq 0 "$RC" "--check exit"
			assert_match "$(cat "$T/.out")" '^allow: ' "--check verdict" ;;
		refused) st_trace "$T/tr" as_user "$FM_CLIENT" --helper "$FM" --mode classic \
				--timeout 10 "$T/rootdir"
			assert_match "$(cat "$T/.err")" '^fusermount3: user has no write access to mountpoint ' \
				"refused in the prepare phase" ;;
		esac
		[ -n "$(st_helper_pids "$T/tr")" ] || fail "$what: no helper in the trace"
		assert_eq "" "$(st_libmount_pids "$T/tr")" "$what: processes that opened libmount"
		# shellcheck disable=SC2046
		assert_eq "" "$(st_status_reads "$T/tr" $(st_with_children "$T/tr" $(st_helper_pids "$T/tr")))" \
			"$what: /proc/PID/status read by the helper or a child of it"
	done
	assert_eq 0 "$(fuse_mount_count)" "FUSE mounts"
}

# A mount and its -u with /run/mount/utab present: the record is written and
# removed, and libmount is opened by one process each time, a child of the
# helper, never by the helper itself; the auto_unmount watcher never maps it.
test_startup_libmount_only_in_the_utab_child() {
	need_cmd strace
	need_client
	local h l w
	u_mkdir "$H/mnt" "$H/w"
	bg c strace -f -qq -o "$T/trm" -e trace=execve,openat,clone,clone3,fork,vfork \
		"${AS_USER[@]}" ASAN_OPTIONS=detect_leaks=0 "$FM_CLIENT" --helper "$FM" --mode classic \
		--ready-file "$UT/c.ready" --timeout 50 "$H/mnt"
	_asserted
	poll_until 10 test -e "$UT/c.ready" || fail "not mounted; $(bg_log c)"
	assert_user_fuse_mount "$H/mnt"
	assert_utab_user "$H/mnt"
	h=$(st_helper_pids "$T/trm")
	l=$(st_libmount_pids "$T/trm")
	assert_eq 1 "$(grep -c . <<<"$h")" "helpers in the mount's trace"
	assert_eq 1 "$(grep -c . <<<"$l")" "processes that opened libmount (mount)"
	assert_match "$(grep "^$h " "$T/trm")" "clone.* = $l\$" "libmount opened by a child of the helper"
	# shellcheck disable=SC2046
	assert_eq "" "$(st_status_reads "$T/trm" $(st_with_children "$T/trm" "$h"))" \
		"/proc/PID/status read (mount: the helper and its children)"
	st_trace "$T/tru" as_user "$FM" -u "$H/mnt"
	assert_eq 0 "$RC" "-u exit; $(cat "$T/.err")"
	assert_utab_lacks "$H/mnt"
	h=$(st_helper_pids "$T/tru")
	l=$(st_libmount_pids "$T/tru")
	assert_eq 1 "$(grep -c . <<<"$l")" "processes that opened libmount (-u)"
	assert_match "$(grep "^$h " "$T/tru")" "clone.* = $l\$" "libmount opened by a child of -u"
	# shellcheck disable=SC2046
	assert_eq "" "$(st_status_reads "$T/tru" $(st_with_children "$T/tru" "$h"))" \
		"/proc/PID/status read (-u: the helper and its children)"
	wait_exit c 10
	# the watcher: the helper itself, after the mount was recorded
	start_client a --mode classic -o auto_unmount "$H/w"
	assert_utab_user "$H/w"
	w=$(helper_pids)
	assert_eq 1 "$(grep -c . <<<"$w")" "watcher processes"
	assert_no_match "$(cat "/proc/$w/maps")" 'lib(mount|blkid|selinux|pcre2|cap-ng)' "libraries mapped by the watcher"
	unmount_client a "$H/w"
}
