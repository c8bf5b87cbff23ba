#!/bin/bash
# Compares the library in BUILD_DIR (default build/release, built with debug information as
# scripts/test.sh does) with the committed baseline abi/libhedge.so.1.abi. Added functions and
# types, new enumerators and structs grown at the end (abi/libhedge.abignore) pass; a removed or
# changed function or a changed type fails.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/release}
lib="$dir/lib/libhedge.so.1"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
rc=0
abidiff --no-added-syms --suppressions abi/libhedge.abignore abi/libhedge.so.1.abi "$lib" >"$report" 2>&1 || rc=$?
# abidiff's exit status is a bit set: 1 error, 2 usage, 4 ABI changed, 8 incompatible change.
if [ $rc -eq 0 ]; then
  echo "abi: $lib is compatible with abi/libhedge.so.1.abi"
  exit 0
fi
cat "$report"
if [ $((rc & 3)) -ne 0 ]; then
  echo "abi: abidiff failed (exit $rc)"
else
  echo "abi: $lib is not compatible with abi/libhedge.so.1.abi (abidiff exit $rc)."
  echo "abi: regenerate with scripts/abi-baseline.sh if this change is intended before the first release"
  echo "abi: (docs/api-stability.md); after a release it is a break of the ABI and must be undone."
fi
exit 1
