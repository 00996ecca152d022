#!/usr/bin/env bash
# Installs every Debian 12 package b2bsync needs to build, test and benchmark.
# Idempotent: re-running it on a machine that has them is a quick no-op.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-system1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev libpugixml-dev libsqlite3-dev sqlite3 libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsystemd-dev
  libspdlog-dev libfmt-dev libcli11-dev libzip-dev libjemalloc-dev
  systemd curl python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
