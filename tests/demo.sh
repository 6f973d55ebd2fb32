#!/bin/bash
# make demo: an unprivileged user mounts the bundled FUSE filesystem through
# the freshly built setuid helper, lists it, shows its mountinfo line and
# unmounts it.  Everything happens in a private mount namespace and a temp
# dir; nothing on the machine is changed.
set -euo pipefail
BIN=$1 CLIENT=$2
if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (to install the helper setuid in a temp dir)" >&2
	exit 1
fi
exec unshare -m --propagation private bash -s "$BIN" "$CLIENT" <<'INNER'
set -euo pipefail
BIN=$1 CLIENT=$2 USER_=nobody GROUP_=$(id -gn nobody)
T=$(mktemp -d /tmp/fusermount3-demo.XXXXXX)
trap 'umount -l "$T/mnt" 2>/dev/null || true; rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir "$T/bin" "$T/mnt" "$T/state"
install -o root -g root -m 4755 "$BIN" "$T/bin/fusermount3"
chown "$USER_:$GROUP_" "$T/mnt" "$T/state"
# /dev/fuse may be 0600 on this machine: use a 0666 node, in this namespace only
mknod "$T/fuse" c 10 229 && chmod 666 "$T/fuse" && mount --bind "$T/fuse" /dev/fuse
as_user() { setpriv --reuid="$USER_" --regid="$GROUP_" --clear-groups -- "$@"; }

echo "\$ fmclient -o fsname=demo,subtype=demofs $T/mnt      # as $USER_, via $T/bin/fusermount3 (setuid root)"
as_user "$CLIENT" --helper "$T/bin/fusermount3" --mode sync-init -o fsname=demo,subtype=demofs \
	--content "Hello from a FUSE filesystem mounted by $USER_." \
	--ready-file "$T/state/ready" --timeout 20 "$T/mnt" >"$T/client.log" 2>&1 &
for _ in $(seq 100); do [ -e "$T/state/ready" ] && break; sleep 0.05; done
[ -e "$T/state/ready" ] || { cat "$T/client.log"; echo "demo: mount did not come up" >&2; exit 1; }
echo "\$ ls -l $T/mnt"
as_user ls -l "$T/mnt"
echo "\$ cat $T/mnt/hello"
as_user cat "$T/mnt/hello"; echo
echo "\$ grep $T/mnt /proc/self/mountinfo"
grep " $T/mnt " /proc/self/mountinfo
echo "\$ fusermount3 -u $T/mnt      # as $USER_"
as_user "$T/bin/fusermount3" -u "$T/mnt"
wait
if grep -q " $T/mnt " /proc/self/mountinfo; then
	echo "demo: still mounted" >&2; exit 1
fi
echo "unmounted; demo done."
INNER
