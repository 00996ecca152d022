#!/usr/bin/env bash
# Builds b2bsync and starts it in the foreground on the example config, with its state (SQLite)
# under ./var/b2bsync. Ctrl-C (SIGINT) or SIGTERM stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
mkdir -p var/b2bsync
# Example secrets for a local run only; production uses LoadCredential= (see docs/runbook.md).
export B2B_ONEC_PASSWORD="${B2B_ONEC_PASSWORD:-change-me}"
export STATE_DIRECTORY="${STATE_DIRECTORY:-$PWD/var/b2bsync}"
exec build/release/daemon/b2bsync run --config config/b2bsync.example.yaml
