#!/bin/sh
# The main job on the shipped sample: what the library can do today, end to end.
set -eu
build=${1:-build/release}
hedge=$build/tools/hedge
"$hedge" version
