#!/usr/bin/env bash
# CommerceML import benchmark: b2bsync (reader + landing into SQLite) vs the pugixml parse ceiling
# vs the npm package commerceml-parser, side by side on the same generated files.
#   scripts/bench_commerceml.sh                          # 100,000 products: import.xml ~1 GB
#   scripts/bench_commerceml.sh --products 10000         # a quick run
#   options: --products N  --product-bytes B  --peer-timeout SECONDS  --keep (keep the files)
# Builds only its two targets into build/cmlbench (-j2), installs the peer into
# build/cmlbench/commerceml-peer (npm, lockfile-pinned, no install scripts), generates the files
# once into build/cmlbench/commerceml-data and deletes them at the end unless --keep.
# Run it on an otherwise idle machine: the figures are only as good as the quiet around them.
set -euo pipefail
cd "$(dirname "$0")/.."

products=100000
product_bytes=10700
peer_timeout=180
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --products) products="$2"; shift 2 ;;
    --product-bytes) product_bytes="$2"; shift 2 ;;
    --peer-timeout) peer_timeout="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

build=build/cmlbench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DB2B_BUILD_BENCH=ON > /dev/null
cmake --build "$build" --target commerceml_bench commerceml_gen -j2

# The peer lives under build/ (node_modules is never committed); the lockfile pins every package.
peer="$build/commerceml-peer"
mkdir -p "$peer"
cp bench/commerceml_peer/package.json bench/commerceml_peer/package-lock.json "$peer/"
npm install --prefix "$peer" --ignore-scripts --no-audit --no-fund --omit=dev --loglevel=error

data="$build/commerceml-data"
rm -rf "$data"
if [[ $keep -eq 0 ]]; then
  trap 'rm -rf "$data"' EXIT
fi
"$build/bench/commerceml_gen" "$data" --products "$products" --product-bytes "$product_bytes"
echo
NODE_PATH="$PWD/$peer/node_modules" "$build/bench/commerceml_bench" "$data" \
  --peer bench/commerceml_peer/run.js --peer-timeout "$peer_timeout"
