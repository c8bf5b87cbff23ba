#!/bin/sh
# Installs the Debian 12 packages libhedge needs to build, test and benchmark. Idempotent: it only
# calls apt-get when a package is missing, so it is fast (and offline) on a machine that has them.
set -eu
# clang and libclang-rt-14-dev (libFuzzer and the sanitizer runtimes, not pulled in without
# recommends) build the fuzz targets; abigail-tools gives abidw/abidiff for the ABI check;
# python3-matplotlib draws examples/plot_simulation.py; dh-python packages python3-libhedge.
# libglpk-dev is for the GPL-covered glpk plugin, which CI builds and tests (the Debian packages
# leave it out). rustc and cargo are Debian's Rust 1.63, the oldest the Rust bindings support: the
# rust suite builds them with it (and with rustup's toolchain too, when one is on PATH).
packages="meson ninja-build gcc g++ pkg-config check doxygen valgrind libjansson-dev libglpk-dev
libquantlib0-dev gcovr clang libclang-rt-14-dev abigail-tools dpkg-dev debhelper dh-python fakeroot
build-essential rustc cargo python3-cffi python3-numpy python3-pytest python3-distributed python3-scipy python3-cvxopt
python3-matplotlib"
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
