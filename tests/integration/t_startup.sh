# t_startup.sh - what a start loads: libc only (FM_LINK=static, a
# static-PIE link made by hand: nothing); libcap-ng with dlopen on
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

# ELF-FILE: "static" (no interpreter, no DT_NEEDED), "dynamic" (an
# interpreter; DT_NEEDED libc.so.6 only, the sanitizers' runtimes aside)
# or what else it is; then the hardening every build keeps: "pie" (an ET_DYN
# executable flagged PIE), "now" (BIND_NOW) and "relro" (a GNU_RELRO segment)
st_link_kind() {
	local f=$1 h d needed
	h=$(readelf -W -h -l "$f") || { echo "unreadable"; return; }
	d=$(readelf -W -d "$f")
	needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' <<<"$d" |
		grep -vE '^lib(asan|ubsan)\.so' | sort | tr '\n' ' ')
	if ! grep -q 'INTERP' <<<"$h" && ! grep -q '(NEEDED)' <<<"$d"; then
		printf 'static'
	elif grep -q 'Requesting program interpreter' <<<"$h" && [ "$needed" = "libc.so.6 " ]; then
		printf 'dynamic'
	else
		printf 'other(interp:%s needed:%s)' "$(grep -c INTERP <<<"$h")" "$needed"
	fi
	grep -qE '^ *Type: *DYN ' <<<"$h" && grep -qE '\(FLAGS_1\).* PIE( |$)' <<<"$d" && printf ' pie'
	grep -qE '\(FLAGS\).* BIND_NOW( |$)' <<<"$d" && printf ' now'
	grep -qE '^ *GNU_RELRO ' <<<"$h" && printf ' relro'
	echo
}

# The helper links libc.so.6 alone (make's build and the asan-check
# build); libcap-ng and libmount come only by dlopen (below).
# FM_LINK=static (a static-PIE link made by hand): a static PIE, no interpreter, nothing
# linked.  Either way PIE, BIND_NOW and RELRO.
test_startup_link() {
	need_cmd readelf
	local want bin
	case ${FM_LINK:-dynamic} in
	static) want="static pie now relro" ;;
	dynamic) want="dynamic pie now relro" ;;
	*) fail "FM_LINK=$FM_LINK: static or dynamic" ;;
	esac
	for bin in "$FM" ${FM_BIN_LEGACY:+"$FM_BIN_LEGACY"}; do
		echo "$bin: $(st_link_kind "$bin")"
		assert_eq "$want" "$(st_link_kind "$bin")" "$bin: how it is linked (FM_LINK=${FM_LINK:-dynamic})"
	done
}

# --version, --help and --features set no capability but the caller's ids,
# and a setuid -u (which raises CAP_SYS_ADMIN) sets the sets it knows with
# raw capset(2): libcap-ng is not even opened (it is loaded only to ask a
# root, file-capability or unprivileged install what it holds)
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
	[ -n "$(st_helper_pids "$T/tr")" ] || fail "-u: no helper in the trace"
	assert_eq "" "$(st_capng_pids "$T/tr")" "-u: processes that opened libcap-ng"
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

# --version, -h and --features end on a raw capset(2) (libcap-ng is not
# loaded): held while it writes its answer (its stdout and stderr a full
# pipe), the helper has the caller's ids everywhere and every capability
# set empty (but the bounding set, which no unprivileged process can use).
ANSWER_HELD_PY='
import fcntl, os, subprocess, sys, time
argv = sys.argv[1:]
def full_pipe():
    r, w = os.pipe()
    fl = fcntl.fcntl(w, fcntl.F_GETFL)
    fcntl.fcntl(w, fcntl.F_SETFL, fl | os.O_NONBLOCK)
    try:
        while True:
            os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    fcntl.fcntl(w, fcntl.F_SETFL, fl)
    return r, w
r1, w1 = full_pipe()
r2, w2 = full_pipe()
p = subprocess.Popen(argv, stdout=w1, stderr=w2, stdin=subprocess.DEVNULL)
os.close(w1); os.close(w2)
fm = os.path.realpath(os.environ["FM"])
end = time.monotonic() + 10
st = ""
while time.monotonic() < end:
    try:
        if os.path.realpath("/proc/%d/exe" % p.pid) == fm:
            with open("/proc/%d/wchan" % p.pid) as f:
                if "pipe_write" in f.read():
                    with open("/proc/%d/status" % p.pid) as f:
                        st = f.read()
                    break
    except OSError:
        pass
    time.sleep(0.005)
for r in (r1, r2):
    fcntl.fcntl(r, fcntl.F_SETFL, os.O_NONBLOCK)
out = b""
while p.poll() is None and time.monotonic() < end + 5:
    for r in (r1, r2):
        try:
            out += os.read(r, 65536)
        except BlockingIOError:
            pass
    time.sleep(0.001)
print("".join(l for l in st.splitlines(True)
              if l.split(":")[0] in ("Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapAmb")), end="")
print("exit", p.wait(timeout=5))
'
test_startup_answers_keep_no_capability() {
	local what got want
	[ -x /usr/bin/python3 ] || skip_missing "/usr/bin/python3"
	want=$(printf 'Uid:\t%s\t%s\t%s\t%s\nGid:\t%s\t%s\t%s\t%s\n' \
		"$UID1" "$UID1" "$UID1" "$UID1" "$GID1" "$GID1" "$GID1" "$GID1")
	want+=$(printf '\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapAmb:\t0000000000000000')
	for what in --version -h --features --features=text; do
		got=$(FM=$FM timeout 30 /usr/bin/python3 -c "$ANSWER_HELD_PY" "${AS_USER[@]}" "$FM" "$what")
		echo "$what: $(tr '\n' ' ' <<<"$got")"
		assert_eq "$want" "$(sed '$d' <<<"$got")" "$what: ids and capabilities while it writes its answer"
		assert_match "$(tail -n 1 <<<"$got")" '^exit [01]$' "$what: exit status"
	done
}

# libcap-ng (and libmount, in the utab child) are loaded with dlopen() by
# soname, after the start: the setuid start (AT_SECURE) must not let the
# caller's LD_LIBRARY_PATH (or LD_PRELOAD) pick the library.  A library of
# the caller's under both sonames logs every process that loads it.
EVIL_LIB_C='
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
__attribute__((constructor)) static void evil(void)
{
	char exe[512] = "", line[700];
	int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND, 0666);
	if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) < 0)
		strcpy(exe, "?");
	snprintf(line, sizeof(line), "euid=%d exe=%s\n", (int)geteuid(), exe);
	if (fd >= 0 && write(fd, line, strlen(line)) < 0)
		close(fd);
}
'
test_startup_dlopen_ignores_caller_library_path() {
	local d=$H/evil env
	need_cmd cc
	need_client
	u_mkdir "$d" "$H/mnt" "$H/mnt2"
	printf '%s' "$EVIL_LIB_C" >"$T/evil.c"
	cc -shared -fPIC -DMARKER="\"$UT/evil.log\"" -o "$T/evil.so" "$T/evil.c" || fail "cannot build the caller's library"
	install -o "$U" -m 0755 "$T/evil.so" "$d/libcap-ng.so.0" &&
		install -o "$U" -m 0755 "$T/evil.so" "$d/libmount.so.1" || fail "install"
	# the library works: a plain program of the caller's loads it
	as_user env LD_PRELOAD="$d/libcap-ng.so.0" /bin/true
	assert_match "$(cat "$UT/evil.log" 2>/dev/null)" 'exe=/usr/bin/true' "the caller's own library when preloaded into true"
	# and the helper's own dlopen takes it from LD_LIBRARY_PATH when its
	# start is not AT_SECURE: a copy without privilege, whose first capset
	# is refused, loads libcap-ng (so what makes the runs below pass is
	# the setuid start, which glibc's secure mode strips of the variable,
	# in the dynamic loader and in a static PIE's dlopen alike; the evil
	# library has no TLS, so the static build's dlopen runs it too)
	mkdir "$T/plain" && install -m 0755 "$FM" "$T/plain/fusermount3" || fail "install"
	as_user env LD_LIBRARY_PATH="$d" "$T/plain/fusermount3" -u "$H/mnt" >/dev/null 2>&1
	assert_match "$(cat "$UT/evil.log" 2>/dev/null)" "^euid=$UID1 exe=$(re "$T/plain/fusermount3")\$" \
		"the caller's library loaded by a helper copy without privilege"
	: >"$UT/evil.log"
	env=(env LD_LIBRARY_PATH="$d" LD_PRELOAD="$d/libcap-ng.so.0:$d/libmount.so.1")
	assert_exit 0 as_user "${env[@]}" "$FM" --version
	assert_exit 1 as_user "${env[@]}" "$FM" -u "$H/mnt"
	start_client a --mode classic -o fsname=evil "$H/mnt"
	# (fmclient itself runs with it: only the helper must not)
	bg b as_user "${env[@]}" "$FM_CLIENT" --helper "$FM" --mode classic -o auto_unmount --ready-file "$UT/b.ready" \
		--timeout 30 "$H/mnt2"
	wait_for_file "$UT/b.ready" 10 "$(bg_log b)"
	assert_utab_user "$H/mnt2"
	assert_exit 0 as_user "${env[@]}" "$FM" -u "$H/mnt"
	# the watcher loads libcap-ng again to unmount when its daemon is gone
	kill -KILL "${BG[b]}"
	wait_unmounted "$H/mnt2" 10
	wait_exit a 10
	utab_settle
	assert_eq "" "$(cat /run/mount/utab)" "/run/mount/utab"
	assert_no_match "$(cat "$UT/evil.log")" 'fusermount' "processes that loaded the caller's library"
	echo "loaded by: $(sort -u "$UT/evil.log" | tr '\n' ' ')"
}
