#!/bin/sh
# Installs the Debian 12 packages libhedge needs to build, test and benchmark. Idempotent: it only
# calls apt-get when a package is missing, so it is fast (and offline) on a machine that has them.
set -eu
packages="meson ninja-build gcc g++ pkg-config check doxygen valgrind libjansson-dev
libquantlib0-dev gcovr python3-numpy python3-cvxopt"
missing=
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
