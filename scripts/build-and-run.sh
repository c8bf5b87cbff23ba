#!/bin/sh
# First README command: install what is needed, build libhedge and the `hedge` program, run the main job.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -d build/release ] || meson setup build/release --buildtype=release >/dev/null
meson compile -C build/release >/dev/null
exec scripts/main-job.sh build/release
