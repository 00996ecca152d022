#!/usr/bin/env bash
# Checks the shipped systemd unit with `systemd-analyze verify` and fails on any error or warning
# that mentions it. Works without a running systemd (containers, CI) and as root or not.
#
# usage: verify_unit.sh UNIT_FILE DAEMON_BINARY
#   UNIT_FILE      systemd/b2bsync.service from the source tree
#   DAEMON_BINARY  the built b2bsync; verify insists that ExecStart= points at an executable, so
#                  the unit is copied to a temp dir with ExecStart's /usr/bin/b2bsync replaced by it.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 UNIT_FILE DAEMON_BINARY" >&2
    exit 2
fi
unit_src=$1
binary=$2
unit_name=$(basename "$unit_src")

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze not found; install systemd to run this check" >&2
    exit 1
fi
if [[ ! -f "$unit_src" ]]; then
    echo "unit file not found: $unit_src" >&2
    exit 1
fi
if [[ ! -x "$binary" ]]; then
    echo "daemon binary not found or not executable: $binary (build the b2bsync target first)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/b2b-unit-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Rewrite only the binary of ExecStart=, keeping its arguments, without sed so that any
# character in the build path is safe.
unit="$work/$unit_name"
found_exec=0
while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" == "ExecStart=/usr/bin/b2bsync "* ]]; then
        line="ExecStart=$binary ${line#"ExecStart=/usr/bin/b2bsync "}"
        found_exec=1
    fi
    printf '%s\n' "$line"
done <"$unit_src" >"$unit"
if [[ $found_exec -ne 1 ]]; then
    echo "FAIL: $unit_src has no 'ExecStart=/usr/bin/b2bsync ...' line to check" >&2
    exit 1
fi

# --recursive-errors=no: judge our unit, not the host's targets it refers to (they differ
# between a container and a real host). --man=no: Documentation= is not checked against man pages.
status=0
output=$(cd "$work" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no --recursive-errors=no "./$unit_name" 2>&1) ||
    status=$?
ours=$(printf '%s\n' "$output" | grep -F -e "$unit_name" -e "$work" || true)
if [[ -n "$output" ]]; then
    printf 'systemd-analyze verify said:\n%s\n' "$output"
fi
if [[ $status -ne 0 || -n "$ours" ]]; then
    echo "FAIL: systemd-analyze verify reported problems with $unit_name (exit $status)" >&2
    exit 1
fi
echo "OK: systemd-analyze verify found no problems in $unit_name"

# Informational: the hardening exposure score (0 = locked down, 10 = unprotected). Needs
# --offline support (systemd >= 252); never fails the test.
if security=$(cd "$work" && SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=yes --no-pager "./$unit_name" 2>&1); then
    printf '%s\n' "$security" | grep -F "Overall exposure level" || echo "security: no overall score printed"
else
    echo "security: skipped (systemd-analyze security --offline is not available here)"
fi
