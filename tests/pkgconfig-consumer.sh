#!/bin/sh
# Usage: pkgconfig-consumer.sh BUILDDIR CONSUMER.c SANITIZE CC
# Installs the build into a scratch root (DESTDIR), then compiles and runs a consumer twice, against
# the shared and the static library, with flags from nothing but `pkg-config libhedge`.
set -eu
builddir=$1 consumer=$2 sanitize=$3 cc=$4
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
