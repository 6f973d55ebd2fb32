#!/bin/sh
# make install: give the installed helper its privilege.  setuid root is the
# default; "caps" uses file capabilities instead.  Without root (a staged
# DESTDIR install for a package) it only says what the package must do.
set -eu
mode=$1 bin=$2
if [ "$(id -u)" != 0 ]; then
	echo "note: not root; the packager must make $bin setuid root (or setcap)" >&2
	exit 0
fi
case $mode in
setuid)	chown root:root "$bin" && chmod 4755 "$bin" ;;
caps)	chown root:root "$bin" && chmod 0755 "$bin" &&
	setcap cap_sys_admin,cap_setuid,cap_setgid+ep "$bin" ;;
*)	echo "INSTALL_MODE must be setuid or caps, not '$mode'" >&2; exit 1 ;;
esac
