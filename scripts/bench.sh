#!/usr/bin/env bash
# Builds the release preset and runs every benchmark, printing their figures.
#   scripts/bench.sh              # all
#   scripts/bench.sh job_queue    # only bench/job_queue_bench
# Run it on an otherwise idle machine: the figures are only as good as the quiet around them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
out="build/release/bench-data"
mkdir -p "$out"
for exe in build/release/bench/*_bench; do
  name=$(basename "$exe" _bench)
  if [[ $# -gt 0 && "$name" != "$1" ]]; then continue; fi
  echo "=== $name"
  "$exe" "$out/$name"
done
