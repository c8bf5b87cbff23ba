#!/bin/sh
# Builds a release build in build/bench and prints every benchmark table. Arguments go to each
# benchmark (--samples N, --n OPTIONS). Numbers are only as quiet as the machine: run it idle.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh

dir=build/bench
# No tests: a benchmark build should not need Check, and compiles faster without them.
if [ -d "$dir" ]; then
  meson setup --reconfigure "$dir" --buildtype=release -Dtests=false >/dev/null
else
  meson setup "$dir" --buildtype=release -Dtests=false >/dev/null
fi
if ! log=$(meson compile -C "$dir" 2>&1); then
  printf '%s\n' "$log"
  exit 1
fi

echo "machine: $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
for b in bench_pricing bench_iv bench_quantlib bench_market bench_risk bench_optimize bench_hedge bench_simulate; do
  echo
  echo "== $b"
  if [ -x "$dir/bench/$b" ]; then
    "$dir/bench/$b" "$@"
  elif [ "$b" = bench_quantlib ]; then
    echo "skipped: QuantLib not found at configure time (Debian: libquantlib0-dev, which scripts/deps.sh installs)"
  else
    echo "skipped: not built (the implied-volatility functions have not landed; see bench/meson.build)"
  fi
done
