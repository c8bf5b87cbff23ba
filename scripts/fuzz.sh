#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and UBSan (build/fuzz),
# and runs each for SECONDS (default 30), two at a time. Fails on any crash, leak, sanitizer report,
# failed contract check or hang (10 s per input).
#
#   scripts/fuzz.sh              # what CI runs: 30 s per target
#   scripts/fuzz.sh 3600         # the release run: an hour per target
#   scripts/fuzz.sh 60 fuzz_pricing fuzz_handles
#
# Inputs the fuzzer finds interesting accumulate in build/fuzz/corpus/TARGET, so longer runs build
# on shorter ones; the seeds in tests/fuzz/corpus/TARGET are read, never written. A failing input is
# saved as build/fuzz/artifacts/TARGET-crash-* (or leak-*, timeout-*); replay it with
#   build/fuzz/tests/fuzz/TARGET FILE
# Logs are in build/fuzz/logs/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=(fuzz_market_json fuzz_cli_rows fuzz_pricing fuzz_handles fuzz_hedge_problem fuzz_sim_config fuzz_aggregate)
[ $# -gt 0 ] && targets=("$@")
jobs=${FUZZ_JOBS:-2}
dir=build/fuzz

if [ -d "$dir" ]; then
  meson setup --reconfigure "$dir" >/dev/null
else
  CC=clang CXX=clang++ meson setup "$dir" -Dfuzz=true -Dtests=false -Ddocs=disabled --buildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
meson compile -C "$dir" "${targets[@]}" >/dev/null

mkdir -p "$dir/logs" "$dir/artifacts"
# halt_on_error: a UBSan report is a finding, not a warning; the harnesses and the library are
# also built with -fno-sanitize-recover, this covers anything linked in without it.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# HEDGE_FUZZ_SEED=N (scripts/test.sh sets 1) makes a run repeatable, so that CI judges the change and
# not the luck of the draw: a fixed libFuzzer seed, and a fresh corpus grown from the committed seeds
# only (the accumulated build/fuzz/corpus would differ from machine to machine).
corpus_root=$dir/corpus
if [ -n "${HEDGE_FUZZ_SEED:-}" ]; then
  corpus_root=$dir/corpus-seed$HEDGE_FUZZ_SEED
  rm -rf "$corpus_root"
fi

run_one() { # target: runs it, prints one summary line, returns its status
  local t=$1 name=${1#fuzz_} extra=()
  mkdir -p "$corpus_root/$name"
  [ -f "tests/fuzz/$name.dict" ] && extra+=("-dict=tests/fuzz/$name.dict")
  [ -n "${HEDGE_FUZZ_SEED:-}" ] && extra+=("-seed=$HEDGE_FUZZ_SEED")
  local start=$SECONDS rc=0
  "$dir/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" "${extra[@]}" \
    "$corpus_root/$name" "tests/fuzz/corpus/$name" >"$dir/logs/$t.log" 2>&1 || rc=$?
  local runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/logs/$t.log" | tail -n 1)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $t: ${runs:-?} inputs in $((SECONDS - start)) s, corpus $(ls "$corpus_root/$name" | wc -l), ok"
  else
    echo "fuzz: $t: FAILED (exit $rc) after ${runs:-?} inputs; log $dir/logs/$t.log, input:"
    grep -h 'Test unit written to' "$dir/logs/$t.log" | sed 's/^/  /' || true
    grep -v '^#\|^INFO\|^Done\|^stat::\|^MS:\|^base unit' "$dir/logs/$t.log" | tail -n 60 | sed 's/^/  | /'
  fi
  return $rc
}

status=0
pids=()
names=()
for t in "${targets[@]}"; do
  # at most $jobs at once; each target is single-threaded
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" >"$dir/logs/$t.summary" &
  pids+=($!)
  names+=("$t")
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=1
  cat "$dir/logs/${names[$i]}.summary"
done
exit $status
