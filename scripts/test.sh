#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds mace_tune and runs every test: (1) the artifact readers, the runtime's fallback tests and
# the audit's attacks on the runtime under ASan/UBSan, built with libsodium so that the signature
# checks run too; (2) each libFuzzer target (one per reader of outside input) for FUZZ_SECONDS
# (default 20) on its committed corpus; (3) all unit and cl tests (cl on the default device: PoCL
# where there is no GPU), last, so that its summary closes the output. The main build has libsodium
# too, so keygen/sign/verify are tested. Extra arguments go to that last ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
BUILD_DIR="$build" scripts/build.sh -DMACE_TUNE_WITH_SODIUM=ON

echo "== ASan/UBSan: artifact readers, runtime fallbacks, runtime hardening"
asan_tests=(format_test artifact_writer_test mace_format_test runtime_test runtime_release_test runtime_hardening_test)
cmake -S . -B "$build-asan" -DCMAKE_BUILD_TYPE=Debug -DMACE_TUNE_SANITIZE=ON -DMACE_TUNE_WITH_SODIUM=ON -DMACE_TUNE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build-asan" -j"$(nproc)" --target "${asan_tests[@]}" >/dev/null
regex=$(IFS='|'; echo "^(${asan_tests[*]})\$")
# Leaks inside PoCL / LLVM (the OpenCL implementation) are suppressed; leaks of our own allocations
# still fail (a forgotten release of an OpenCL object would be hidden: ClHandle is what prevents that).
LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
  ctest --test-dir "$build-asan" --output-on-failure -j2 -R "$regex"

echo "== libFuzzer: ${FUZZ_SECONDS:-20} s per target"
scripts/fuzz.sh "${FUZZ_SECONDS:-20}" "$build-fuzz"

echo "== unit and cl tests"
ctest --test-dir "$build" --output-on-failure -j2 "$@"
