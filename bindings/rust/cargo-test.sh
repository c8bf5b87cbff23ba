#!/bin/sh
# Usage: cargo-test.sh SOURCEDIR BUILDDIR SANITIZE CC [TOOLCHAIN]
# Runs the Rust crates' tests against the library of a meson build tree: cargo's output stays in
# the build tree, and libhedge is found the way a user finds it, through pkg-config (meson's
# libhedge-uninstalled.pc), or through LIBHEDGE_LIB_DIR where pkg-config is missing.
# TOOLCHAIN is "default" (the cargo and rustc on PATH, rustup's for example) or "debian" (Debian's
# /usr/bin/cargo and /usr/bin/rustc, the minimum Rust the crates promise: 1.63). Each toolchain
# builds into a target directory of its own, so neither rebuilds the other's artefacts.
set -eu
src=$1 build=$2 sanitize=$3 cc=$4 toolchain=${5:-default}
case $toolchain in
  default)
    cargo=cargo
    # a rustup shim without a toolchain for this HOME (a package build) is as good as no cargo
    cargo --version >/dev/null 2>&1 || { echo "no working cargo: skipping the Rust bindings"; exit 77; }
    export CARGO_TARGET_DIR="$build/bindings/rust/target"
    ;;
  debian)
    cargo=/usr/bin/cargo
    [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] ||
      { echo "no /usr/bin/cargo and /usr/bin/rustc (Debian's cargo and rustc): skipping"; exit 77; }
    if [ "$(command -v cargo || true)" = /usr/bin/cargo ] && [ "$(command -v rustc || true)" = /usr/bin/rustc ]; then
      echo "the default toolchain is Debian's: the rust test runs it already"; exit 77
    fi
    # Debian's cargo would otherwise run the first rustc on PATH (rustup's proxy, when installed),
    # and rustdoc likewise: pin both to the Debian toolchain.
    export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
    export CARGO_TARGET_DIR="$build/bindings/rust/target-debian"
    ;;
  *) echo "cargo-test.sh: unknown toolchain $toolchain" >&2; exit 2 ;;
esac
rustc=${RUSTC:-rustc}

# the C compiler of this build, for the sys crate's layout probe
export HEDGE_CC="$cc"
export LD_LIBRARY_PATH="$build/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if command -v pkg-config >/dev/null 2>&1; then
  export PKG_CONFIG_PATH="$build/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
else
  export LIBHEDGE_LIB_DIR="$build/lib"
fi
if [ "$sanitize" != none ]; then
  # A sanitized libhedge.so calls into the sanitizer runtimes, which the C compiler links when
  # told to; rustc links through it. ASan and TSan must also be the first library loaded, which
  # a preload gives the test programs alone (cargo and rustc are not instrumented; a preload
  # there would report their deliberate leaks).
  export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fsanitize=$sanitize"
  preload=
  for s in $(echo "$sanitize" | tr , ' '); do
    case $s in
      address) preload="$preload $("$cc" -print-file-name=libasan.so)" ;;
      thread) preload="$preload $("$cc" -print-file-name=libtsan.so)" ;;
    esac
  done
  if [ -n "$preload" ]; then
    host=$("$rustc" -vV | sed -n 's/^host: //p' | tr 'a-z-' 'A-Z_')
    export "CARGO_TARGET_${host}_RUNNER=env LD_PRELOAD=$(echo $preload | tr ' ' :)"
    # Cargo hands that runner to rustdoc's doctests only from 1.89 on (Debian's 0.66 does not, and
    # rustdoc's own --runtool is unstable), so the doctest programs get the runtime first another
    # way: linked through a C compiler that names it before anything else, as a C program built
    # with -fsanitize has it. (The name must not end in "ld", or rustc takes it for a bare linker.)
    wrapper="$build/bindings/rust/sanitizer-cc"
    mkdir -p "$build/bindings/rust"
    printf '#!/bin/sh\nexec %s -Wl,--no-as-needed %s -Wl,--as-needed "$@"\n' "$cc" "$preload" >"$wrapper"
    chmod +x "$wrapper"
    export RUSTDOCFLAGS="${RUSTDOCFLAGS:-} -C linker=$wrapper -C link-arg=-fsanitize=$sanitize"
  fi
fi
cd "$src/bindings/rust"
"$cargo" --version
"$rustc" --version
# --locked: the committed Cargo.lock (format 3, readable by Debian 12's cargo) is never rewritten.
exec "$cargo" test --offline --locked
