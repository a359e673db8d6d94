#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The release commands end to end on the OpenCL device: tune a tiny workload, emit --format cpp,
# bundle, keygen/sign/verify (when built with libsodium), and inspect of bundles and MACE's files.
#   release_cli_test.sh MACE_TUNE_CLI SOURCE_DIR
set -eu
cli=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'gemm:K=16,M=32,N=24:fp32\n' > tiny.workload
"$cli" tune -q --workload tiny.workload --db r.db --max-evals 2 >/dev/null
"$cli" emit --db r.db --out art --format cpp | grep -q "mace_tune_artifacts.cc"
grep -q "kProgramBinaries\[\] = {" art/mace_tune_artifacts.cc
grep -q "kTunedParamsSize = " art/mace_tune_artifacts.cc
# A bundle of one device's file with itself is refused; a bundle of one file is a valid file.
if "$cli" bundle b.bin art/mace_tuned_params.bin art/mace_tuned_params.bin 2>err.txt; then exit 1; fi
grep -q "a second group" err.txt
"$cli" bundle one.bin art/mace_tuned_params.bin | grep -q "1 device groups"
"$cli" inspect one.bin | grep -q "gemm:K=16,M=32,N=24:fp32"
if "$cli" keygen k >/dev/null 2>err.txt; then
  "$cli" sign --key k.key art/mace_cl_compiled_program.bin | grep -q "signed with key"
  "$cli" verify --pub k.pub art/mace_cl_compiled_program.bin | grep -q "signature ok"
  "$cli" inspect art/mace_cl_compiled_program.bin | grep -q "signed:  Ed25519"
  "$cli" keygen other >/dev/null
  if "$cli" verify --pub other.pub art/mace_cl_compiled_program.bin 2>err.txt; then exit 1; fi
  grep -q "another key" err.txt
else
  grep -q "without libsodium" err.txt
fi
for f in "$src"/tests/data/mace/*.bin; do
  "$cli" inspect "$f" | grep -q "MACE"
done
echo "release CLI ok"
