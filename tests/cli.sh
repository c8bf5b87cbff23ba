#!/bin/sh
# Usage: cli.sh HEDGE-PROGRAM SOURCE-DIR
# The hedge program as a user runs it: commands, exit codes, CSV in and out.
set -eu
hedge=$1 src=$2
fail() { echo "FAIL: $*"; exit 1; }

"$hedge" version | grep -q '^libhedge [0-9]' || fail "hedge version prints no version"
# HEDGE_SIMD can only lower the SIMD level: portable must hide both SIMD capabilities
HEDGE_SIMD=portable "$hedge" version | grep -q simd && fail "HEDGE_SIMD=portable still reports SIMD"
if "$hedge" version | grep -q simd-avx512; then
  HEDGE_SIMD=avx2 "$hedge" version | grep -q simd-avx512 && fail "HEDGE_SIMD=avx2 still reports AVX-512"
  HEDGE_SIMD=avx2 "$hedge" version | grep -q simd-avx2 || fail "HEDGE_SIMD=avx2 lost AVX2"
fi
set +e
"$hedge" no-such-command 2>/dev/null; [ $? -eq 2 ] || fail "unknown command does not exit 2"
"$hedge" 2>/dev/null; [ $? -eq 2 ] || fail "no command does not exit 2"
set -e
echo "cli: ok"
