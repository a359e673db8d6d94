#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets with ASan/UBSan (clang-14) and runs each for a fixed time on a copy
# of its committed corpus (fuzz/corpus/<target>/); prints executions and any finding.
#   scripts/fuzz.sh [SECONDS_PER_TARGET=60] [BUILD_DIR=build-fuzz]
set -eu
seconds=${1:-60}
build=${2:-build-fuzz}
root=$(cd "$(dirname "$0")/.." && pwd)
targets="program_reader tuned_reader tuned_lookup mace_reader json workload profile worker_protocol description"
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$root/$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMACE_TUNE_FUZZ=ON -DMACE_TUNE_SANITIZE=ON -DMACE_TUNE_BUILD_TUNER=ON -DMACE_TUNE_BUILD_TESTS=OFF \
  -DMACE_TUNE_BUILD_BENCH=OFF -DMACE_TUNE_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$root/$build" -j2 --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done)
status=0
for target in $targets; do
  work=$(mktemp -d)
  cp "$root/fuzz/corpus/$target/"* "$work/"
  echo "== fuzz_$target: $seconds s, corpus $(ls "$work" | wc -l) files"
  # -rss_limit_mb: a reader that grows memory without bound is a finding too.
  if ! "$root/$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
       -timeout=10 -print_final_stats=1 -artifact_prefix="$root/$build/fuzz/$target-" "$work" \
       2>"$root/$build/fuzz/$target.log"; then
    status=1
    echo "   FINDING: see $root/$build/fuzz/$target.log"
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$root/$build/fuzz/$target.log" || true
  rm -rf "$work"
done
exit $status
