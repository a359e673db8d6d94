#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Packs a Release build and the shared libraries it needs (those not in a bare Ubuntu 24.04 image:
# fmt, SQLite, Google Benchmark, toml++, the OpenCL ICD loader) into DIR (default .carry), so that the
# binaries run on a machine with no package registry, e.g. the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.carry}"
build="${BUILD_DIR:-build-release}"
BUILD_DIR="$build" BUILD_TYPE=Release scripts/build.sh >/dev/null
rm -rf "$out" && mkdir -p "$out/bin" "$out/lib"
# Only the tests that scripts/gpu_networks.sh runs: the device call carries at most 64 MiB.
tests="${BUNDLE_TESTS:-tests/cl/families_test tests/cl/gemm_test tests/cl/runtime_test tests/cl/user_kernel_test}"
for t in apps/mace_tune examples/gemm_runtime_example bench/runtime_bench bench/harness_bench bench/build_bench \
         bench/strategy_bench $tests; do
  [ -x "$build/$t" ] && cp "$build/$t" "$out/bin/"
done
[ -x "$build/apps/mace_bench" ] && cp "$build/apps/mace_bench" "$out/bin/"
[ -x /usr/bin/clpeak ] && cp /usr/bin/clpeak "$out/bin/"
# CLBlast's GEMM tuner (clblast-utils) and its library, for the peer comparison of docs/performance.md.
[ -x /usr/bin/clblast_tuner_xgemm ] && cp /usr/bin/clblast_tuner_xgemm "$out/bin/" &&
  cp -L /usr/lib/x86_64-linux-gnu/libclblast.so.1 "$out/lib/"
for lib in libfmt.so.9 libsqlite3.so.0 libbenchmark.so.1debian libOpenCL.so.1 libtomlplusplus.so.3; do
  cp -L "/usr/lib/x86_64-linux-gnu/$lib" "$out/lib/"
done
strip --strip-unneeded "$out"/bin/* 2>/dev/null || true
du -sh "$out"
