# t_features.sh - `--features` and the contracts with libfuse on both sides
# of the release that added it (reference upstream-after-3.18.md, items
# 1-10): libfuse after 3.18 runs `fusermount3 --help`, looks for the word
# --features, runs `fusermount3 --features` (16 hex digits, exit 0) and
# passes --sync-init only when both bits 0x1|0x2 are set; libfuse 3.14
# asks nothing and mounts with `-o OPTS -- MNT`.  All of it as the
# unprivileged user through the setuid helper.

# shellcheck disable=SC2015,SC2016 # fail-or-go chains; literal $1 in generated scripts
FEATURES_TEXT="FUSERMOUNT_FEATURE_NEW_MOUNT_API FUSERMOUNT_FEATURE_SYNC_INIT"
# libfuse's test for "--help advertises --features": the word, whole
WORD_RE='(^|[[:space:]])--features([[:space:]]|$)'

usage_text() { # PROGNAME
	printf '%s: [options] mountpoint\nOptions:\n -h\t\t    print help\n -V\t\t    print version\n -o opt[,opt...]    mount options\n -u\t\t    unmount\n -q\t\t    quiet\n -z\t\t    lazy unmount\n --features\t    print supported features in hexadecimal\n --features=text    print supported feature names\n --list [--json]    list your FUSE mounts and whether they answer\n --abort\t    abort the connection of a hung mount, detach it' "$1"
}
# the bytes of the last assert_exit's stdout, one hex pair per byte
out_bytes() { od -An -tx1 -v "$T/.out" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }

# ------------------------------------------------------------ the probe

# libfuse's probe, step by step, as the user: --help names --features as a
# word; --features prints exactly 16 lowercase hex digits and a newline,
# exit 0, nothing on stderr; the word is 0x3 (both bits libfuse needs)
test_features_probe_as_libfuse() {
	local f
	assert_exit 1 as_user "$FM" --help
	assert_eq "$(usage_text "$FM")" "$OUT" "usage on stdout"
	assert_eq "" "$ERR" "stderr of --help"
	assert_match "$OUT" "$WORD_RE" "--help (the word libfuse looks for)"
	assert_match "$OUT" '^ --features[[:space:]]' "--help (upstream's own check)"
	assert_match "$OUT" '^ --features=text[[:space:]]' "--help (upstream's own check)"
	assert_exit 0 as_user "$FM" --features
	assert_eq "" "$ERR" "stderr of --features"
	assert_eq 17 "$(wc -c <"$T/.out")" "bytes on stdout of --features"
	assert_match "$(cat "$T/.out")" '^[0-9a-f]{16}$' "stdout of --features"
	assert_eq 0a "$(tail -c 1 "$T/.out" | od -An -tx1 | tr -d ' ')" "last byte of --features"
	f=$((16#$OUT))
	assert_eq 3 "$f" "the feature word (NEW_MOUNT_API|SYNC_INIT)"
	assert_eq 0000000000000003 "$OUT" "stdout of --features"
	# unambiguous prefixes work as for every long option; options after
	# it are never looked at (it answers at once, like --version)
	assert_exit 0 as_user "$FM" --feat
	assert_eq 0000000000000003 "$OUT" "stdout of --feat"
	assert_exit 0 as_user "$FM" --features -u --bogus
	assert_eq 0000000000000003 "$OUT" "stdout of --features -u --bogus"
	assert_exit 1 as_user "$FM" -h --features
	assert_eq "$(usage_text "$FM")" "$OUT" "stdout of -h --features"
}

test_features_text_and_bad_values() {
	assert_exit 0 as_user "$FM" --features=text
	assert_eq "$FEATURES_TEXT" "$OUT" "stdout of --features=text"
	assert_eq "$(printf '%s\n' "$FEATURES_TEXT" | od -An -tx1 -v | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')" \
		"$(out_bytes)" "bytes of --features=text"
	assert_eq "" "$ERR" "stderr of --features=text"
	# any other value: the usage, exit 1, as upstream
	local v
	for v in xyz TEXT '' text,x 1; do
		assert_exit 1 as_user "$FM" "--features=$v"
		assert_eq "$(usage_text "$FM")" "$OUT" "stdout of --features=$v"
		assert_eq "" "$ERR" "stderr of --features=$v"
	done
	# the value must be attached: a separate word is an operand, ignored
	assert_exit 0 as_user "$FM" --features text
	assert_eq 0000000000000003 "$OUT" "stdout of --features text"
}

# Built without the new mount API: 0, as libfuse's own helper built so
# (libfuse then mounts classically; the help text is the same)
test_features_legacy_build() {
	use_legacy_helper
	assert_exit 0 as_user "$FM" --features
	assert_eq 0000000000000000 "$OUT" "stdout of --features (legacy build)"
	assert_eq 17 "$(wc -c <"$T/.out")" "bytes on stdout of --features"
	assert_exit 0 as_user "$FM" --features=text
	assert_eq 0a "$(out_bytes)" "stdout of --features=text (one newline)"
	assert_exit 1 as_user "$FM" --help
	assert_match "$OUT" "$WORD_RE" "--help of the legacy build"
	u_mkdir "$H/mnt"
	start_client c --mode libfuse "$H/mnt"
	assert_eq "probe-help=advertised probe-features=0000000000000000 path=classic" \
		"$(head -n 3 "$T/c.out" | tr '\n' ' ' | sed 's/ $//')" "fmclient's probe"
	assert_user_fuse_mount "$H/mnt"
	unmount_client c "$H/mnt"
}

# --help, --version and --features hold nothing while they answer: the
# caller's ids everywhere, no capability in any set but the bounding set
# (the caller's, as in every phase).  The helper is caught writing to a
# full pipe, and /proc tells what it holds at that moment.
CAUGHT='
import os, sys, fcntl, subprocess
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, os.O_NONBLOCK)
for chunk in (65536, 1):
    try:
        while True:
            os.write(w, b"x" * chunk)
    except BlockingIOError:
        pass
fcntl.fcntl(w, fcntl.F_SETFL, 0)
filled = fcntl.fcntl(r, 1024 + 8)  # F_GETPIPE_SZ: the pipe is full
p = subprocess.Popen(sys.argv[1:], stdout=w, stdin=subprocess.DEVNULL)
os.close(w)
import time
for _ in range(500):  # up to 5 s until it blocks in the write
    try:
        if open("/proc/%d/wchan" % p.pid).read().endswith("pipe_write"):
            break
    except OSError:
        break
    time.sleep(0.01)
try:
    st = open("/proc/%d/status" % p.pid).read()
    wchan = open("/proc/%d/wchan" % p.pid).read()
except OSError as e:
    st, wchan = "", "gone (%s)" % e
out = b""
while True:
    b = os.read(r, 65536)
    if not b:
        break
    out += b
rc = p.wait(5)
print("wchan=" + wchan)
for l in st.splitlines():
    if l.split(":")[0] in ("Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapAmb"):
        print(" ".join(l.split()))
print("exit=%d" % rc)
print("out=" + out[filled:].decode(errors="replace").replace("\n", "|"))
'
caught_answering() { # ARGS... -> CAUGHT_LINES
	local py
	py=$(PATH=$PATH_MIN command -v python3) || skip_missing "python3"
	CAUGHT_LINES=$(timeout -k 2 20 "$py" -c "$CAUGHT" "${AS_USER[@]}" "$FM" "$@" 2>&1)
	echo "$FM $*: $(tr '\n' ';' <<<"$CAUGHT_LINES")"
}
test_features_answer_as_caller() {
	local args u
	for args in --features --features=text -V --help; do
		# shellcheck disable=SC2086
		caught_answering $args
		assert_match "$CAUGHT_LINES" '^wchan=(anon_)?pipe_write$' "the helper ($args) blocked in its write"
		for u in Uid Gid; do
			assert_match "$CAUGHT_LINES" "^$u: ${UID1} ${UID1} ${UID1} ${UID1}\$" "$u while answering $args"
		done
		for u in CapInh CapPrm CapEff CapAmb; do
			assert_match "$CAUGHT_LINES" "^$u: 0000000000000000\$" "$u while answering $args"
		done
	done
	assert_match "$CAUGHT_LINES" '^exit=1$' "exit status of --help"
	assert_match "$CAUGHT_LINES" '^out=.*--features=text' "what --help wrote"
}

# ... and touch nothing: /etc/fuse.conf is a FIFO nobody writes to (reading
# it would hang), /dev/fuse is gone, _FUSE_COMMFD is garbage, the cwd is
# not searchable; under strace no file is opened and no id raised after
# the start-up hardening (unblocking SIGALRM is its last step before the
# answers)
test_features_touch_nothing() {
	local log
	umount /etc/fuse.conf && rm -f "$T/fuse.conf" && mkfifo -m 0644 "$T/fuse.conf" &&
		mount --bind "$T/fuse.conf" /etc/fuse.conf && umount /dev/fuse || fail "setup"
	mkdir -m 0700 "$T/closed" || fail mkdir
	assert_exit 0 as_user _FUSE_COMMFD=abc sh -c 'cd "$1" 2>/dev/null; exec "$2" --features' sh "$T/closed" "$FM"
	assert_eq 0000000000000003 "$OUT" "stdout of --features"
	assert_exit 0 as_user "$FM" --features=text
	assert_exit 1 as_user "$FM" --help
	assert_exit 0 as_user "$FM" --version
	command -v strace >/dev/null || skip_missing "command 'strace'"
	# (root's strace with -u: the setuid bit is honoured; LeakSanitizer
	# cannot run under ptrace in the asan-check build)
	timeout -k 2 20 strace -f -qq -u "$U" -o "$T/strace.log" env ASAN_OPTIONS=detect_leaks=0 \
		"$FM" --features >"$T/.out" 2>"$T/.err"
	assert_eq 0 "$?" "exit status of --features under strace"
	assert_eq 0000000000000003 "$(cat "$T/.out")" "stdout of --features under strace"
	log=$(sed -n '/ rt_sigprocmask(SIG_UNBLOCK, \[ALRM\]/,$p' "$T/strace.log")
	echo "after the hardening:"
	sed 's/^/  strace: /' <<<"$log"
	assert_match "$log" ' rt_sigprocmask\(SIG_UNBLOCK, \[ALRM\]' "strace (the hardening ran)"
	# an answer needs no more of it (no child, no file, no alarm)
	assert_no_match "$log" ' umask\(' "strace (no umask for an answer)"
	assert_no_match "$log" ' (open|openat|openat2|creat|stat|lstat|access|faccessat2?|socket|connect|fsopen|fsmount|move_mount|mount|umount2|statmount|listmount|execve|clone3?|fork|vfork|ioctl)\(' \
		"syscalls after the hardening"
	# (stdio may fstat its stdout; nothing else by name)
	assert_no_match "$log" ' (newfstatat|statx)\([^,]*, "[^"]' "stat calls by name after the hardening"
	assert_match "$log" "setresuid\\($UID1, $UID1, $UID1\\) += 0" "strace (setresuid to the caller)"
	assert_no_match "$log" 'setres[ug]id\(0|set[ug]id\(0|setfs[ug]id\(0' "strace (no id 0 asked for)"
	assert_match "$log" 'capset\(.*effective=0, permitted=0, inheritable=0' "strace (every capability dropped)"
	assert_match "$log" 'write\(1, "0000000000000003\\n", 17\) += 17' "strace (the answer)"
}

# ------------------------------------------------------------ contracts

# A wrapper in front of the helper that logs each argv to $UT/helper.log.
# old: it answers like a helper from before --features (libfuse's own
# fusermount-old test): knows -h -V -o -u -z -q and their long forms only,
# and --help prints the old usage.
log_helper() { # WRAPPER TARGET [old]
	: >"$UT/helper.log" && chmod 0666 "$UT/helper.log" || fail "cannot create $UT/helper.log"
	{
		printf '#!/bin/bash\n'
		printf 'printf "%%s\\n" "$*" >>%q\n' "$UT/helper.log"
		if [ "${3:-}" = old ]; then
			cat <<-'EOF'
				for a; do
					case $a in
					-h|--help)
						printf '%s: [options] mountpoint\nOptions:\n -h\t\t    print help\n -V\t\t    print version\n -o opt[,opt...]    mount options\n -u\t\t    unmount\n -q\t\t    quiet\n -z\t\t    lazy unmount\n' fusermount3
						exit 1 ;;
					--version|--options|--options=*|--unmount|--lazy|--quiet|--) ;;
					--*) echo "fusermount3: unrecognized option '$a'" >&2; exit 1 ;;
					esac
				done
			EOF
		fi
		printf 'exec -a fusermount3 %q "$@"\n' "$2"
	} >"$1" && chmod 0755 "$1" || fail "cannot write $1"
}
helper_log() { tr '\n' '|' <"$UT/helper.log" | sed 's/|$//'; }

# libfuse after 3.18 against this helper: --help, --features, then
# --sync-init with the same -o; the ioctl only when the server wants it
test_contract_libfuse_master_client() {
	u_mkdir "$H/mnt"
	log_helper "$T/bin/logged" "$FM"
	need_client
	bg c as_user "$FM_CLIENT" --helper "$T/bin/logged" --ready-file "$UT/c.ready" --timeout 50 \
		--mode libfuse -o fsname=master,subtype=probe "$H/mnt"
	poll_until 10 test -e "$UT/c.ready" || fail "fmclient not ready; $(bg_log c)"
	echo "fmclient: $(tr '\n' ' ' <"$T/c.out")"
	assert_eq "--help|--features|--sync-init -o fsname=master,subtype=probe -- $H/mnt" "$(helper_log)" \
		"what the helper was asked"
	assert_eq "probe-help=advertised probe-features=0000000000000003 path=sync-init fd-received proceed-sent status=0" \
		"$(head -n 6 "$T/c.out" | tr '\n' ' ' | sed 's/ $//')" "fmclient (no ioctl: the server did not ask)"
	assert_user_fuse_mount "$H/mnt" 'fuse\.probe'
	assert_eq master "$MI_SRC" "mount source"
	assert_eq "" "$(cat "$T/c.err")" "stderr"
	unmount_client c "$H/mnt"
	# a server that wants sync init gets the ioctl, between fd and proceed
	log_helper "$T/bin/logged" "$FM"
	start_client c2 --mode libfuse --sync-ioctl -o auto_unmount "$H/mnt"
	assert_eq "probe-help=advertised probe-features=0000000000000003 path=sync-init fd-received sync-ioctl=ok proceed-sent status=0" \
		"$(head -n 7 "$T/c2.out" | tr '\n' ' ' | sed 's/ $//')" "fmclient (server wants sync init)"
	assert_user_fuse_mount "$H/mnt"
	kill -KILL "${BG[c2]}"
	wait_unmounted "$H/mnt" 5
	assert_utab_lacks "$H/mnt"
}

# libfuse after 3.18 against a helper from before --features (upstream's
# fusermount-old test): --help only, never --features, never --sync-init,
# nothing newer than 3.0 passed; the mount is a classic one and works
test_contract_master_client_old_helper() {
	u_mkdir "$H/mnt"
	log_helper "$T/bin/old" "$FM" old
	assert_exit 1 as_user "$T/bin/old" --features
	assert_eq "fusermount3: unrecognized option '--features'" "$ERR" "the old helper's answer to --features"
	log_helper "$T/bin/old" "$FM" old
	need_client
	bg c as_user "$FM_CLIENT" --helper "$T/bin/old" --ready-file "$UT/c.ready" --timeout 50 \
		--mode libfuse --sync-ioctl -o fsname=old "$H/mnt"
	poll_until 10 test -e "$UT/c.ready" || fail "fmclient not ready; $(bg_log c)"
	assert_eq "--help|-o fsname=old -- $H/mnt" "$(helper_log)" "what the old helper was asked"
	assert_eq "probe-help=silent path=classic fd-received" \
		"$(head -n 3 "$T/c.out" | tr '\n' ' ' | sed 's/ $//')" "fmclient's probe"
	assert_no_match "$(cat "$T/c.out")" '^sync-ioctl' "fmclient stdout (no ioctl on a classic mount)"
	assert_user_fuse_mount "$H/mnt"
	assert_eq old "$MI_SRC" "mount source"
	assert_eq "" "$(cat "$T/c.err")" "stderr (the old helper never saw an option it lacks)"
	unmount_client c "$H/mnt"
}

# ... and against the distribution's own helper when it predates
# --features (Debian's fuse3 3.14): the same, with no wrapper's help text
test_contract_master_client_distro_helper() {
	umount /usr/bin/fusermount3 || fail "cannot uncover /usr/bin/fusermount3"
	[ -u /usr/bin/fusermount3 ] || skip "/usr/bin/fusermount3 is not a setuid helper here"
	/usr/bin/fusermount3 --help 2>/dev/null | grep -Eq -- "$WORD_RE" &&
		skip "the installed /usr/bin/fusermount3 knows --features already ($(/usr/bin/fusermount3 -V))"
	echo "distribution helper: $(/usr/bin/fusermount3 -V)"
	log_helper "$T/bin/logged" /usr/bin/fusermount3
	u_mkdir "$H/mnt"
	need_client
	bg c as_user "$FM_CLIENT" --helper "$T/bin/logged" --ready-file "$UT/c.ready" --timeout 50 \
		--mode libfuse "$H/mnt"
	poll_until 10 test -e "$UT/c.ready" || fail "fmclient not ready; $(bg_log c)"
	assert_eq "--help|-o  -- $H/mnt" "$(helper_log)" "what the distribution's helper was asked"
	assert_eq "probe-help=silent path=classic" "$(head -n 2 "$T/c.out" | tr '\n' ' ' | sed 's/ $//')" \
		"fmclient's probe"
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user "$FM" -u "$H/mnt"
	wait_exit c 5
}

# fmclient with another helper, as the user, in the foreground; RC/OUT/ERR
client_with() { # HELPER FMCLIENT-ARGS...
	local h=$1
	shift
	need_client
	_expand as_user "$FM_CLIENT" --helper "$h" --timeout 10 "$@"
	timeout -k 2 20 "${EXPANDED[@]}" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}

# libfuse after 3.18 falls back to a classic mount when the --sync-init
# one fails (fuse_session_mount); fmclient does too (without --no-fallback)
test_contract_master_client_fallback() {
	u_mkdir "$H/mnt"
	# a helper that advertises everything but fails --sync-init at once
	log_helper "$T/bin/nosync" "$FM"
	sed -i '2a [ "$1" = --sync-init ] \&\& { echo "fusermount3: no sync-init today" >\&2; exit 1; }' \
		"$T/bin/nosync" || fail sed
	need_client
	bg c as_user "$FM_CLIENT" --helper "$T/bin/nosync" --ready-file "$UT/c.ready" --timeout 50 \
		--mode libfuse -o fsname=fb "$H/mnt"
	poll_until 10 test -e "$UT/c.ready" || fail "fmclient not ready; $(bg_log c)"
	assert_eq "--help|--features|--sync-init -o fsname=fb -- $H/mnt|-o fsname=fb -- $H/mnt" "$(helper_log)" \
		"what the helper was asked"
	assert_eq "probe-help=advertised probe-features=0000000000000003 path=sync-init helper-eof helper-exit=1 fallback=classic fd-received" \
		"$(head -n 7 "$T/c.out" | tr '\n' ' ' | sed 's/ $//')" "fmclient"
	assert_eq "fusermount3: no sync-init today" "$(cat "$T/c.err")" "stderr"
	assert_user_fuse_mount "$H/mnt"
	assert_eq fb "$MI_SRC" "mount source"
	unmount_client c "$H/mnt"
	# --no-fallback (the integration twins): the failure is final
	log_helper "$T/bin/nosync" "$FM"
	sed -i '2a [ "$1" = --sync-init ] \&\& exit 1' "$T/bin/nosync" || fail sed
	client_with "$T/bin/nosync" --mode libfuse --no-fallback "$H/mnt"
	assert_client_failed
	assert_eq "--help|--features|--sync-init -o  -- $H/mnt" "$(helper_log)" "what the helper was asked"
	assert_no_match "$OUT" '^(fallback=classic|fd-received|mounted)$' "fmclient --no-fallback"
	assert_not_mounted "$H/mnt"
	# --expect-path: a probe that chose otherwise ends fmclient (exit 4)
	log_helper "$T/bin/old" "$FM" old
	client_with "$T/bin/old" --mode libfuse --expect-path sync-init "$H/mnt"
	assert_eq 4 "$RC" "exit status of fmclient --expect-path sync-init against an old helper"
	assert_eq "fmclient: the probe chose classic, expected sync-init" "$ERR" "stderr"
	assert_eq "--help" "$(helper_log)" "what the old helper was asked"
	assert_not_mounted "$H/mnt"
}

# libfuse 3.14 (no probe, `-o OPTS -- MNT`) keeps working unchanged: the
# project's client in classic mode and Debian's libfuse 3.14 itself
# (bindfs), both through a wrapper that records what the helper is asked
test_contract_old_client() {
	u_mkdir "$H/mnt" "$H/src"
	log_helper "$T/bin/logged" "$FM"
	need_client
	bg c as_user "$FM_CLIENT" --helper "$T/bin/logged" --ready-file "$UT/c.ready" --timeout 50 \
		--mode classic -o fsname=old,subtype=client,x-test "$H/mnt"
	poll_until 10 test -e "$UT/c.ready" || fail "fmclient not ready; $(bg_log c)"
	assert_eq "-o fsname=old,subtype=client,x-test -- $H/mnt" "$(helper_log)" "what the helper was asked"
	assert_user_fuse_mount "$H/mnt" 'fuse\.client'
	assert_utab_user "$H/mnt"
	assert_eq "" "$(cat "$T/c.err")" "stderr"
	unmount_client c "$H/mnt"
	need_cmd bindfs
	log_helper "$T/bin/logged" "$FM"
	mount --bind "$T/bin/logged" /usr/bin/fusermount3 || fail "cannot put the wrapper over /usr/bin/fusermount3"
	u_write "$H/src/f" "via libfuse 3.14"
	assert_exit 0 as_user bindfs --no-allow-other "$H/src" "$H/mnt"
	wait_mounted "$H/mnt" 5
	assert_user_fuse_mount "$H/mnt"
	assert_exit 0 as_user cat "$H/mnt/f"
	assert_eq "via libfuse 3.14" "$OUT" "file read through bindfs"
	assert_no_match "$(helper_log)" '(^|\|)--(help|features|sync-init)' "what libfuse 3.14 asked the helper"
	assert_match "$(helper_log)" "^-o [^|]* -- $(re "$H/mnt")\$" "what libfuse 3.14 asked the helper"
	echo "libfuse 3.14 asked: $(helper_log)"
	assert_exit 0 as_user fusermount3 -u "$H/mnt"
	assert_not_mounted "$H/mnt"
}

# One fuse.conf for both helpers: the distribution's (libfuse 3.14) warns
# about each policy line and mounts as before; this one applies them
test_contract_conf_shared_with_distro_helper() {
	umount /usr/bin/fusermount3 || fail "cannot uncover /usr/bin/fusermount3"
	[ -u /usr/bin/fusermount3 ] || skip "/usr/bin/fusermount3 is not a setuid helper here"
	echo "distribution helper: $(/usr/bin/fusermount3 -V)"
	set_fuse_conf "# shared
user_allow_other
mount_dir = \$HOME/fuse
allow_other_group = nobody
user_mount_max = 5
mountpoint_fs = erofs
mount_max = 100"
	u_mkdir "$H/elsewhere"
	need_client
	bg c as_user "$FM_CLIENT" --helper /usr/bin/fusermount3 --ready-file "$UT/c.ready" --timeout 50 \
		--mode classic -o allow_other "$H/elsewhere"
	poll_until 10 test -e "$UT/c.ready" || fail "the distribution's helper did not mount; $(bg_log c)"
	assert_user_fuse_mount "$H/elsewhere"
	assert_match "$MI_SUPER" '(^|,)allow_other(,|$)' "superblock options"
	local l want=
	for l in "3: 'mount_dir = \$HOME/fuse'" "4: 'allow_other_group = nobody'" "5: 'user_mount_max = 5'" \
		"6: 'mountpoint_fs = erofs'"; do
		want+="fusermount3: unknown parameter in /etc/fuse.conf at line $l"$'\n'
	done
	assert_eq "${want%$'\n'}" "$(cat "$T/c.err")" "the distribution's helper's warnings"
	assert_exit 0 as_user "$FM" -u "$H/elsewhere"
	wait_exit c 5
	# the same file, this helper: the policy holds
	run_client --mode classic "$H/elsewhere"
	assert_client_failed
	assert_eq "fusermount3: $(printf 'mountpoint %s is not within a mount_dir of /etc/fuse.conf' "$H/elsewhere")" \
		"$ERR" "this helper with the shared file"
}
