#!/bin/sh
# Usage: pkgconfig-consumer.sh BUILDDIR CONSUMER.c SANITIZE CC [CONSUMER-GLPK.c]
# Installs the build into a scratch root (DESTDIR), then compiles and runs a consumer twice, against
# the shared and the static library, with flags from nothing but `pkg-config libhedge`. libhedge.pc
# must not mention GLPK (the GPL-licensed solver lives in the plugin only). When the build installed
# the glpk plugin (libhedge-glpk.pc), CONSUMER-GLPK.c is built and run the same two ways with
# `pkg-config libhedge-glpk`.
set -eu
builddir=$1 consumer=$2 sanitize=$3 cc=$4 consumer_glpk=${5:-}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
meson install -C "$builddir" --no-rebuild --quiet --destdir "$root" >/dev/null
pc=$(find "$root" -name libhedge.pc | head -n 1)
[ -n "$pc" ] || { echo "no libhedge.pc installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$root"
san=
[ "$sanitize" = none ] || san="-fsanitize=$sanitize"
libdir=$(pkg-config --variable=libdir libhedge)
# pkgconf puts the sysroot in front of variables, classic pkg-config does not
case $libdir in "$root"/*) ;; *) libdir=$root$libdir ;; esac

echo "pkg-config --cflags --libs libhedge: $(pkg-config --cflags --libs libhedge)"
if grep -i glpk "$pc"; then echo "libhedge.pc mentions GLPK"; exit 1; fi
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Werror $san -o "$root/consumer-shared" "$consumer" $(pkg-config --cflags --libs libhedge)
LD_LIBRARY_PATH="$libdir" "$root/consumer-shared"
# the shared consumer must really resolve the installed SONAME
LD_LIBRARY_PATH="$libdir" ldd "$root/consumer-shared" | grep -q "libhedge.so.1 => $libdir" ||
  { echo "consumer does not load the installed libhedge.so.1"; exit 1; }

# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Werror $san -DHEDGE_STATIC -o "$root/consumer-static" "$consumer" \
  $(pkg-config --cflags libhedge) "$libdir/libhedge.a" $(pkg-config --libs --static libhedge | sed 's/-lhedge//')
"$root/consumer-static"
echo "pkg-config consumer: shared and static builds run"

glpk_pc=$(find "$root" -name libhedge-glpk.pc | head -n 1)
if [ -z "$glpk_pc" ]; then
  echo "pkg-config consumer: no glpk plugin installed (built without GLPK)"
  exit 0
fi
[ -n "$consumer_glpk" ] || { echo "the glpk plugin is installed but no consumer for it was given"; exit 1; }
echo "pkg-config --cflags --libs libhedge-glpk: $(pkg-config --cflags --libs libhedge-glpk)"
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Werror $san -o "$root/consumer-glpk-shared" "$consumer_glpk" $(pkg-config --cflags --libs libhedge-glpk)
LD_LIBRARY_PATH="$libdir" "$root/consumer-glpk-shared"
LD_LIBRARY_PATH="$libdir" ldd "$root/consumer-glpk-shared" | grep -q "libhedge-glpk.so.1 => $libdir" ||
  { echo "the glpk consumer does not load the installed libhedge-glpk.so.1"; exit 1; }
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Werror $san -DHEDGE_STATIC -o "$root/consumer-glpk-static" "$consumer_glpk" \
  $(pkg-config --cflags libhedge-glpk) "$libdir/libhedge-glpk.a" "$libdir/libhedge.a" \
  $(pkg-config --libs --static libhedge-glpk | sed 's/-lhedge-glpk//; s/-lhedge\b//')
"$root/consumer-glpk-static"
echo "pkg-config consumer: the glpk plugin's shared and static builds run"
