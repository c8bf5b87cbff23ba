#!/bin/sh
# Usage: check-debian-symbols.sh VERSION-SCRIPT SYMBOLS-FILE SOVERSION PROJECT-VERSION
# Fails unless debian/libhedge1.symbols lists exactly the symbols of lib/libhedge.map, each under
# its version node, with a minimum version no older than the node's release and no newer than the
# project. The build only compares the symbols file with the built library (dpkg-gensymbols -c4);
# this catches a map edited without the symbols file in an ordinary meson test run, before anyone
# builds a package.
set -eu
map=$1 symbols=$2 soversion=$3 project_version=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# NODE { global: a; b; local: *; } PARENT;  ->  "a@NODE", "b@NODE", and "NODE@NODE", which
# dpkg-gensymbols lists too because the linker defines each node name as a symbol.
sed -e 's|/\*.*\*/||' "$map" | awk '
  match($0, /^[ \t]*[A-Za-z0-9_.]+[ \t]*\{/) { node = $1; sub(/\{.*/, "", node); print node "@" node; next }
  node != "" && $0 ~ /^[ \t]*hedge_[A-Za-z0-9_]+;/ { s = $1; sub(/;.*/, "", s); print s "@" node }
  /\}/ { node = "" }' | sort >"$tmp/map"

header="libhedge.so.$soversion libhedge$soversion #MINVER#"
[ "$(head -n 1 "$symbols")" = "$header" ] ||
  { echo "first line of $symbols should be: $header"; status=1; }
grep '^ ' "$symbols" | awk '{ print $1, $2 }' | sort >"$tmp/entries"
cut -d' ' -f1 "$tmp/entries" >"$tmp/listed"
if ! diff -u "$tmp/map" "$tmp/listed" >"$tmp/diff"; then
  echo "version script (-) and $symbols (+) disagree:"; cat "$tmp/diff"
  echo "add to $symbols:"; comm -23 "$tmp/map" "$tmp/listed" | sed "s/\$/ $project_version/; s/^/ /"
  status=1
fi

older() { # A B: true when version A sorts before version B
  if command -v dpkg >/dev/null; then dpkg --compare-versions "$1" lt "$2"
  else [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]; fi
}
while read -r sym version; do
  node=${sym#*@}
  release=${node#*_}                  # HEDGE_0.1 -> 0.1: released as 0.1.0
  case $release in *.*.*) ;; *) release=$release.0 ;; esac
  if [ -z "$version" ]; then
    echo "$sym: no minimum version"; status=1
  elif older "$version" "$release"; then
    echo "$sym: minimum version $version is older than its node's release $release"; status=1
  elif older "$project_version" "$version"; then
    echo "$sym: minimum version $version is newer than the project ($project_version)"; status=1
  fi
done <"$tmp/entries"

[ $status -eq 0 ] && echo "debian-symbols: $(wc -l <"$tmp/map") symbols, as in the version script"
exit $status
