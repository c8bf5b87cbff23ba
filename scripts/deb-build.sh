#!/bin/bash
# Usage: deb-build.sh OUTDIR [dpkg-buildpackage options]
# Builds the Debian packages (dpkg-buildpackage -us -uc -b by default) from a copy of this tree and
# puts the .deb, .buildinfo and .changes files in OUTDIR. dpkg-buildpackage writes its results into
# the parent of the source tree, and the build leaves obj-*/ and debian/<package>/ behind; building
# a copy keeps both out of the worktree and its parent. The copy holds tracked and untracked,
# not ignored, files, so uncommitted changes are what gets packaged.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [dpkg-buildpackage options]" >&2; exit 2; }
out=$1; shift
[ $# -gt 0 ] || set -- -us -uc -b
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$(cd "$src" && dpkg-parsechangelog -S Version)
tree=$work/libhedge-$version
mkdir "$tree"
# files deleted in the worktree but not yet in the index are skipped, as a commit would drop them
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -xf - -C "$tree"

(cd "$tree" && dpkg-buildpackage "$@")
find "$work" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.buildinfo' -o -name '*.changes' \) \
  -exec mv -t "$out" {} +
