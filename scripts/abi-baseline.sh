#!/bin/bash
# Regenerates the committed ABI baseline abi/libhedge.so.1.abi from a release build with debug
# information (build/release, configured as scripts/test.sh does). Until the first release is cut
# the HEDGE_0.1 interface is still open: run this and commit the result with any change to the
# public API. After a release, the baseline is the released library's and is not regenerated.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dir=${1:-build/release}
opts=(-Doptimization=3 -Ddebug=true -Dwerror=true) # as scripts/test.sh: abidw needs the debug information
if [ -d "$dir" ]; then
  meson setup --reconfigure "$dir" "${opts[@]}" >/dev/null
else
  meson setup "$dir" "${opts[@]}" >/dev/null
fi
meson compile -C "$dir" >/dev/null
# Exported functions and every type reachable from them. Locations stay in (relative to the build
# directory, without the machine's paths): abi/libhedge.abignore needs them to tell the layouts of
# opaque handles, defined under lib/, from the public types of include/hedge.
abidw --no-corpus-path --no-comp-dir-path --type-id-style hash \
  --out-file abi/libhedge.so.1.abi "$dir/lib/libhedge.so.1"
echo "abi: wrote abi/libhedge.so.1.abi ($(grep -c '<function-decl' abi/libhedge.so.1.abi) function declarations)"
