#!/bin/sh
# make install: give the installed helper its privilege (INSTALL_MODE):
#   setuid  root:root 4755 (default)
#   caps    root:root 0755 + file capabilities instead of setuid
#   bits    mode 4755 only, no chown: for package builds, where the
#           packaging tool makes the file root's (fakeroot, or dpkg-deb
#           --root-owner-group with Rules-Requires-Root: no)
#   none    leave it 0755 and unprivileged
# setuid and caps need root; without it (a staged DESTDIR install for a
# package) they only say what the packager must do, and succeed.
set -eu
mode=$1 bin=$2
case $mode in
setuid|caps|bits|none) ;;
*)	echo "INSTALL_MODE must be setuid, caps, bits or none, not '$mode'" >&2; exit 1 ;;
esac
case $mode in
none)	exit 0 ;;
bits)	chmod 4755 "$bin"; exit 0 ;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "note: not root; the packager must make $bin setuid root (or setcap), e.g. with INSTALL_MODE=bits" >&2
	exit 0
fi
case $mode in
setuid)	chown root:root "$bin" && chmod 4755 "$bin" ;;
caps)	chown root:root "$bin" && chmod 0755 "$bin" &&
	setcap cap_sys_admin,cap_setuid,cap_setgid+ep "$bin" ;;
esac
