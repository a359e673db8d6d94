#!/usr/bin/env bash
# Builds mace_tune and runs every test (unit and cl tiers; cl runs on PoCL where there is no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}" scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 "$@"
