#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Several identical devices on one host (PoCL with POCL_DEVICES="pthread pthread": two devices of
# one name, as a host with two identical GPUs has): `devices` shows how to pick each, --device
# 'NAME#N' picks it, a bad index is one clear error, and `farm` drives both as local:DEVICE targets,
# with the keys split between them (each tuned once) or every key tuned on each.
#   multi_device_test.sh MACE_TUNE
set -eu
cli=$1
export POCL_DEVICES="pthread pthread"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
name=$("$cli" devices --json | sed -n 's/.*"device_name":"\([^"]*\)".*/\1/p' | head -1)
count=$("$cli" devices --json | grep -o '"select":"[^"]*#[01]"' | wc -l)
test "$count" -eq 2 || { echo "FAIL: expected two devices named alike, got $count"; "$cli" devices; exit 1; }
"$cli" devices | grep -q "select with --device '$name#1'"
"$cli" --device "pthread#1" devices | grep -A2 '^\*' | grep -q "'$name#1'"
if "$cli" --device "pthread#2" tune --key gemm:K=8,M=8,N=8:fp32 --db x.db 2> err.txt; then exit 1; fi
test "$(wc -l < err.txt)" -eq 1
grep -q "no OpenCL device matches platform '' device 'pthread#2' (2 match 'pthread'); present: .*#0; .*#1" err.txt

printf 'gemm:K=8,M=16,N=16:fp32\ngemm:K=5,M=9,N=33:fp32\ngemm:K=4,M=8,N=12:fp32\n' > w.workload
"$cli" farm --targets "local:pthread#0,local:pthread#1" --split keys --workload w.workload --max-evals 2 \
  --db split.db --results split --remote-dir "$work/remote_split" -q > split.txt
grep -q "farm: 2 of 2 targets done" split.txt
# Each key in exactly one target's workload, and tuned there.
test "$(cat split/*.workload | grep -c '^gemm:')" -eq 3
test "$(cat split/*.workload | grep '^gemm:' | sort -u | wc -l)" -eq 3
for db in split/local-*/mace_tune.db; do test -f "$db"; done
test "$(ls -d split/local-* | wc -l)" -eq 2

"$cli" farm --targets "local:pthread#0,local:pthread#1" --split all --workload w.workload --max-evals 2 \
  --db all.db --results all --remote-dir "$work/remote_all" -q > all.txt
grep -q "farm: 2 of 2 targets done" all.txt
# Every key on each device: both runs' workloads are the whole file.
grep -c "results of local:pthread#" all.txt | grep -q 2
echo "multi-device: OK"
