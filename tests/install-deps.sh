#!/bin/sh
# Installs what building and testing need, on Debian/Ubuntu, when missing.
# (libclang-rt-dev: libFuzzer and the sanitizer runtimes of the default
# clang, on Debian 12 libclang-rt-14-dev, which clang only recommends.)
# Run as root; as another user it only reports what is missing.
set -eu
PKGS="gcc make pkg-config libmount-dev libcap-ng-dev libcmocka-dev
      fuse3 bindfs sshfs squashfuse squashfs-tools fuse-overlayfs
      openssh-server openssh-client util-linux libcap2-bin mandoc clang
      libclang-rt-dev python3 strace iproute2 procps
      build-essential dpkg-dev debhelper"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "missing packages:$missing (install them as root)" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
