#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs dependencies, builds the release
# preset and runs every unit and integration test with CTest.
#   scripts/test.sh            # everything
#   scripts/test.sh -L unit    # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
ctest --preset release "$@"
