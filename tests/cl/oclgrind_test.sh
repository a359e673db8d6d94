#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the kernel sweep (oclgrind_kernels) under oclgrind with its data-race and API checks; any
# report (invalid read or write, data race, API error) in its log fails the test.
# Usage: oclgrind_test.sh OCLGRIND_EXECUTABLE TEST_BINARY. Exit 77 (skip) when oclgrind is missing.
set -uo pipefail
oclgrind="$1"
binary="$2"
if [[ -z "$oclgrind" || ! -x "$oclgrind" ]]; then
  echo "oclgrind not found (Debian package oclgrind): skipped" >&2
  exit 77
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# First, that the checks work here: a kernel with its bounds guard removed must be reported.
env -u MACE_TUNE_PLATFORM MACE_TUNE_DEVICE=Oclgrind \
  "$oclgrind" --data-races --check-api --max-errors 5 --log "$log" "$binary" "[negative]" >/dev/null
if ! grep -q "Invalid write" "$log"; then
  echo "oclgrind did not report the unguarded kernel's out-of-bounds write: its checks are not working" >&2
  cat "$log" >&2
  exit 1
fi
: >"$log"
# oclgrind is the only OpenCL platform inside its run; clear a device choice meant for another one.
env -u MACE_TUNE_PLATFORM MACE_TUNE_DEVICE=Oclgrind \
  "$oclgrind" --data-races --check-api --max-errors 20 --log "$log" "$binary"
status=$?
if [[ -s "$log" ]]; then
  echo "oclgrind reported:" >&2
  head -c 6000 "$log" >&2
  exit 1
fi
echo "oclgrind: no reports"
exit "$status"
