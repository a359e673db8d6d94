#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Harness overhead on PoCL with a cold kernel cache (what a first tune pays), two binaries side by
# side in one run, alternating (A B B A ...), each into a fresh database: the `small` workload, 16
# evaluations per key, random strategy (the same configs in every run).
#   scripts/pocl_jobs_compare.sh OLD_MACE_TUNE "OLD ARGS" NEW_MACE_TUNE "NEW ARGS" [ROUNDS]
# e.g. scripts/pocl_jobs_compare.sh /tmp/old/mace_tune "" build-release/apps/mace_tune "--build-jobs 2" 3
set -euo pipefail
old=$1 old_args=$2 new=$3 new_args=$4 rounds=${5:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export POCL_KERNEL_CACHE=0
run() {  # label binary args
  local label=$1 bin=$2 args=$3
  rm -f "$work/$label.db"
  # shellcheck disable=SC2086
  "$bin" tune --workload small --max-evals 16 --strategy random --seed 1 -q --db "$work/$label.db" $args \
    > "$work/$label.txt" 2>&1
  local overhead wall
  overhead=$(sed -n 's/^harness overhead: \([0-9.]*\) ms.*/\1/p' "$work/$label.txt")
  wall=$(sed -n 's/.*run [0-9]* took \([0-9.]*\) s.*/\1/p' "$work/$label.txt")
  echo "$label overhead_ms=$overhead wall_s=$wall"
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then run "old_$r" "$old" "$old_args"; run "new_$r" "$new" "$new_args"
  else run "new_$r" "$new" "$new_args"; run "old_$r" "$old" "$old_args"; fi
done
grep -h "^harness overhead" "$work"/new_*.txt | head -1
