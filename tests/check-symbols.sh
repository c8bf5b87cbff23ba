#!/bin/sh
# Usage: check-symbols.sh LIBRARY.so VERSION-SCRIPT
# Fails unless the library exports exactly the functions the version script lists, all named hedge_*.
set -eu
lib=$1 map=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWiu]$/ { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/exported"
sed -e 's|/\*.*\*/||' "$map" | tr -d ' \t' | grep -E '^hedge_[A-Za-z0-9_]+;$' | tr -d ';' | sort -u >"$tmp/listed"
status=0
if grep -v '^hedge_' "$tmp/exported" >"$tmp/foreign"; then
  echo "exported symbols outside the hedge_ namespace:"; cat "$tmp/foreign"; status=1
fi
if ! diff -u "$tmp/listed" "$tmp/exported" >"$tmp/diff"; then
  echo "version script (-) and exported symbols (+) disagree:"; cat "$tmp/diff"; status=1
fi
[ "$(wc -l <"$tmp/exported")" -gt 0 ] || { echo "no symbols exported at all"; status=1; }
[ $status -eq 0 ] && echo "exported-symbols: $(wc -l <"$tmp/exported") symbols, all in the version script"
exit $status
