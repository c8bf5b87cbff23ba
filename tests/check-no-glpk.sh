#!/bin/sh
# Usage: check-no-glpk.sh LIBRARY.so
# Fails if the library links GLPK: libhedge is MIT and must stay usable in proprietary programs, so
# GLPK (GPL) lives only in the plugin libhedge-glpk. Checks the dynamic section's NEEDED entries and
# every dynamic symbol, defined or not.
set -eu
lib=$1
status=0
if readelf -d "$lib" | grep NEEDED | grep -i glpk; then
  echo "$lib needs GLPK"; status=1
fi
if nm -D "$lib" | grep -E '[[:space:]]_?glp_'; then
  echo "$lib refers to GLPK's symbols"; status=1
fi
[ $status -eq 0 ] && echo "libhedge-without-glpk: $(readelf -d "$lib" | grep -c NEEDED) NEEDED entries, no glp_ symbol"
exit $status
