#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job on the default device (the first GPU, else PoCL on the CPU): build, tune the
# bundled `small` workload, emit both artifacts, and run them through the runtime-only example.
# Re-running resumes: configs already in out/mace_tune.db are not measured again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cli=build/apps/mace_tune
mkdir -p out
$cli devices
$cli tune --workload small --db out/mace_tune.db --max-evals "${MAX_EVALS:-24}" --seed 1
$cli emit --db out/mace_tune.db --out out/artifacts
build/examples/gemm_runtime_example --binary out/artifacts/mace_cl_compiled_program.bin \
  --params out/artifacts/mace_tuned_params.bin workloads/small.workload
echo "artifacts: $(pwd)/out/artifacts (inspect them with: $cli inspect out/artifacts/mace_tuned_params.bin)"
