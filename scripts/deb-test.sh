#!/bin/bash
# Usage: deb-test.sh [OUTDIR]
# Builds the Debian packages (scripts/deb-build.sh, dpkg-buildpackage -us -uc -b, which runs the
# meson tests and checks the symbols file), lints them, unpacks them into an empty root with
# dpkg-deb -x (no installation, no root), and uses them as a user would: a program built with
# nothing but `pkg-config libhedge` against that root, shared and static, the packaged `hedge`, and
# the packaged Python module (python3-libhedge) imported by /usr/bin/python3 from the root.
# The packages are kept in OUTDIR if given, else thrown away. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
debs=${1:-$tmp/debs}
fail() { echo "deb-test: FAIL: $*"; exit 1; }
# has PATTERN COMMAND...: the output of COMMAND matches PATTERN. Not `COMMAND | grep -q`: grep -q
# stops reading at the first match, and under pipefail the writer's SIGPIPE fails the pipeline.
has() { local pattern=$1; shift; "$@" >"$tmp/out"; grep -Eq -- "$pattern" "$tmp/out"; }

echo "deb-test: dpkg-buildpackage -us -uc -b (log in the build's output on failure)"
scripts/deb-build.sh "$debs" >"$tmp/build.log" 2>&1 || { tail -n 80 "$tmp/build.log"; fail "package build"; }
grep -E '^(Ok|Fail|Timeout): ' "$tmp/build.log" | tr -s ' ' | paste -sd' ' | sed 's/^/deb-test: dh_auto_test: /'
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for p in libhedge1_${version}_$arch libhedge-dev_${version}_$arch hedge_${version}_$arch libhedge-doc_${version}_all \
  python3-libhedge_${version}_all; do
  [ -f "$debs/$p.deb" ] || fail "$p.deb was not built"
done

if command -v lintian >/dev/null; then
  # lintian only advises against root; the packages are built without it (Rules-Requires-Root: no)
  lstatus=0
  lintian --fail-on "${LINTIAN_FAIL_ON:-error}" --info "$debs"/libhedge_"${version}"_"$arch".changes \
    >"$tmp/lintian" 2>&1 || lstatus=$?
  grep -v 'running with root privileges' "$tmp/lintian" || true
  [ $lstatus -eq 0 ] || fail "lintian reports errors"
  echo "deb-test: lintian: $(grep -c '^E:' "$tmp/lintian") errors, $(grep -c '^W:' "$tmp/lintian") warnings"
else
  echo "deb-test: lintian not installed, skipped (apt-get install lintian)"
fi

root=$tmp/root
mkdir "$root"
for deb in "$debs"/*_"$version"_*.deb; do
  case $deb in *-dbgsym_*) ;; *) dpkg-deb -x "$deb" "$root" ;; esac
done
libdir=$root/usr/lib/$ma
[ -e "$libdir/libhedge.so.1" ] && [ -e "$libdir/libhedge.so" ] && [ -f "$libdir/libhedge.a" ] ||
  fail "libhedge.so.1, libhedge.so or libhedge.a missing or dangling in $libdir"
[ -f "$root/usr/share/doc/libhedge-doc/html/index.html" ] || fail "no HTML reference in libhedge-doc"
# The packages are MIT-only: no glpk plugin (GPL) in them, and neither the library nor the program
# linking GLPK.
find "$root" -name '*glpk*' -not -path '*/doc/*' | grep . && fail "the packages contain the GPL-covered glpk plugin"
tests/check-no-glpk.sh "$libdir/libhedge.so.1" | sed 's/^/deb-test: /' || fail "the packaged libhedge links GLPK"
tests/check-no-glpk.sh "$root/usr/bin/hedge" >/dev/null || fail "the packaged hedge links GLPK"

# The root supplies libhedge; its dependencies (jansson) come from the build machine, as apt would
# install them. pkgconf puts the sysroot in front of -I and -L.
export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
flags=$(pkg-config --cflags --libs libhedge)
echo "deb-test: pkg-config --cflags --libs libhedge: $flags"
case $flags in *"-I$root/usr/include"*"-L$libdir"*) ;; *) fail "pkg-config flags do not point into the root" ;; esac
# shellcheck disable=SC2086
cc -std=c99 -Wall -Werror -o "$tmp/consumer-shared" tests/consumer.c $flags
LD_LIBRARY_PATH=$libdir has "libhedge.so.1 => $libdir/libhedge.so.1" ldd "$tmp/consumer-shared" ||
  fail "the consumer does not load the packaged libhedge.so.1"
LD_LIBRARY_PATH=$libdir "$tmp/consumer-shared" | sed 's/^/deb-test: shared /'
# shellcheck disable=SC2046
cc -std=c99 -Wall -Werror -DHEDGE_STATIC -o "$tmp/consumer-static" tests/consumer.c \
  $(pkg-config --cflags libhedge) "$libdir/libhedge.a" $(pkg-config --libs --static libhedge | sed 's/-lhedge//')
"$tmp/consumer-static" | sed 's/^/deb-test: static /'

# The C example that libhedge-dev ships, built as its header comment tells a user to, against the
# packaged library; it exits non-zero unless the hedged book, revalued, is inside its limits.
example=$root/usr/share/doc/libhedge-dev/examples/hedge_book.c
[ -f "$example" ] || fail "libhedge-dev does not ship examples/hedge_book.c"
cc -std=c11 -Wall -Werror -o "$tmp/hedge_book" "$example" $flags -lm
LD_LIBRARY_PATH=$libdir "$tmp/hedge_book" >"$tmp/hedge_book.out" || fail "examples/hedge_book.c failed"
echo "deb-test: examples/hedge_book.c: $(grep -c '^  ' "$tmp/hedge_book.out") trades, hedged book within its limits"

hedge=$root/usr/bin/hedge
LD_LIBRARY_PATH=$libdir has "libhedge.so.1 => $libdir/libhedge.so.1" ldd "$hedge" ||
  fail "the packaged hedge does not load the packaged libhedge.so.1"
LD_LIBRARY_PATH=$libdir "$hedge" version | sed 's/^/deb-test: hedge version: /'
LD_LIBRARY_PATH=$libdir has "^libhedge $(echo "$version" | sed 's/[-+~].*//')\$" "$hedge" version ||
  fail "hedge version does not print the package's version"
LD_LIBRARY_PATH=$libdir "$hedge" price --model black76 examples/btc-options.csv >"$tmp/prices.csv" ||
  fail "hedge price on examples/btc-options.csv"

# python3-libhedge: pure Python for every architecture, depending on the library it loads and on
# cffi and numpy; imported from the root by Debian's interpreter, it loads the root's libhedge.so.1
# by its SONAME (LD_LIBRARY_PATH stands in for the loader's cache of an installed system) and prices
# a call that is checked against the Black-Scholes closed form written out below.
pydeb=$debs/python3-libhedge_${version}_all.deb
has '^all$' dpkg-deb -f "$pydeb" Architecture || fail "python3-libhedge is not Architecture: all"
for dep in 'libhedge1 \(>= ' python3-cffi python3-numpy 'python3(:any)?( |,|$)'; do
  has "$dep" dpkg-deb -f "$pydeb" Depends || fail "python3-libhedge does not depend on $dep"
done
pydir=$root/usr/lib/python3/dist-packages
[ -f "$pydir/libhedge/__init__.py" ] && [ -f "$pydir/libhedge/simulate.py" ] ||
  fail "python3-libhedge: no libhedge module in $pydir"
(cd "$tmp" && env -u HEDGE_LIBRARY PYTHONPATH="$pydir" LD_LIBRARY_PATH="$libdir" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 - "$root" "$(echo "$version" | sed 's/[-+~].*//')" <<'PY'
import math
import sys

root, upstream = sys.argv[1], sys.argv[2]
import libhedge as lh

assert lh.__file__.startswith(root + "/"), f"imported {lh.__file__}, not the root's"
assert lh.library_path() is None, f"the installed module looks for {lh.library_path()}, not the SONAME"
loaded = {line.split()[-1] for line in open("/proc/self/maps") if "libhedge.so" in line}
assert loaded and all(p.startswith(root + "/") for p in loaded), f"loaded {loaded}"
assert lh.version() == upstream, f"library {lh.version()}, package {upstream}"

S, K, T, r, q, sigma = 95000.0, 100000.0, 0.25, 0.045, 0.01, 0.55
N = lambda x: 0.5 * math.erfc(-x / math.sqrt(2.0))
d1 = (math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / (sigma * math.sqrt(T))
d2 = d1 - sigma * math.sqrt(T)
want = S * math.exp(-q * T) * N(d1) - K * math.exp(-r * T) * N(d2)
got = lh.bsm_price("call", S, K, T, r, q, sigma)
assert abs(got - want) <= 1e-9 * want, f"call {got!r}, closed form {want!r}"
print(f"libhedge {lh.version()} loaded from {sorted(loaded)[0]}: BSM call {got:.6f} USD, closed form {want:.6f}")
PY
) | sed 's/^/deb-test: python3-libhedge: /' || fail "python3-libhedge does not import or price from the root"

# Debian's CFLAGS (-O2, hardening) must neither drop the flags dpkg-buildflags asks for nor stop the
# SIMD kernels from vectorising (the batch pricer is 8x slower when they do not).
lib=$(readlink -f "$libdir/libhedge.so.1")
for f in "$lib" "$hedge"; do
  has GNU_RELRO readelf -lW "$f" || fail "$f: no RELRO"
  has 'BIND_NOW|FLAGS.*NOW' readelf -dW "$f" || fail "$f: not linked with -z now"
  has __stack_chk_fail readelf -sW --dyn-syms "$f" || fail "$f: no stack protector"
done
has 'DYN ' readelf -hW "$hedge" || fail "hedge is not a position-independent executable"
if [ "$arch" = amd64 ]; then
  objdump -d --no-show-raw-insn "$lib" >"$tmp/lib.s"
  ymm=$(grep -c '%ymm' "$tmp/lib.s" || true) zmm=$(grep -c '%zmm' "$tmp/lib.s" || true)
  [ "$ymm" -gt 1000 ] && [ "$zmm" -gt 1000 ] ||
    fail "the SIMD kernels were not vectorised ($ymm ymm, $zmm zmm instructions)"
  echo "deb-test: hardening flags present; SIMD kernels vectorised ($ymm ymm, $zmm zmm instructions)"
fi
echo "deb-test: packages ok in $((SECONDS - start)) s"
