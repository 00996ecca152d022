#!/usr/bin/env bash
# Builds b2bsync and starts it in the foreground on the example config, with its state (SQLite)
# under ./var/b2bsync. Ctrl-C (SIGINT) or SIGTERM stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
mkdir -p var/b2bsync
exec build/release/daemon/b2bsync run --config config/b2bsync.example.yaml
