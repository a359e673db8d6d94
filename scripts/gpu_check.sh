#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# On the GPU machine (run from the repo root there, with the bundle of scripts/device_bundle.sh in
# .carry): registers NVIDIA's OpenCL driver, runs the cl tests on it, tunes the bundled small
# workload, emits the artifacts, runs them through the runtime and times start-up cold vs warm.
# Results go to $OUT/gpu_results.tgz (or ./gpu_results.tgz): at most a few files come back.
set -uo pipefail
dest="${OUT:-$PWD}"
out=$(mktemp -d)
mkdir -p /etc/OpenCL/vendors
[ -f /usr/local/nvidia/lib64/libnvidia-opencl.so.1 ] &&
  echo /usr/local/nvidia/lib64/libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
export LD_LIBRARY_PATH="$PWD/.carry/lib:${LD_LIBRARY_PATH:-}"
bin="$PWD/.carry/bin"
export MACE_TUNE_DEVICE="${MACE_TUNE_DEVICE:-NVIDIA}" MACE_TUNE_CLI="$bin/mace_tune" MACE_TUNE_SOURCE_DIR="$PWD"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu --format=csv > "$out/nvidia_smi.csv" 2>&1
"$bin/mace_tune" devices | tee "$out/devices.txt"
work=$(mktemp -d); cd "$work"
: > "$out/tests.txt"
for t in "$bin"/*_test; do
  echo "== $(basename "$t")" >> "$out/tests.txt"
  timeout 150 "$t" >> "$out/tests.txt" 2>&1; echo "exit $? $(basename "$t")" | tee -a "$out/tests.txt"
done
"$bin/mace_tune" tune --workload small --db "$out/nvidia_small.db" --max-evals "${MAX_EVALS:-60}" --seed 1 -q \
  > "$out/tune_small.txt" 2>&1; echo "tune exit $?"
"$bin/mace_tune" emit --db "$out/nvidia_small.db" --out "$work/art" > "$out/emit.txt" 2>&1; echo "emit exit $?"
cp "$OLDPWD/workloads/small.workload" . 2>/dev/null || true
CUDA_CACHE_DISABLE=1 "$bin/gemm_runtime_example" small.workload > "$out/example_source.txt" 2>&1
CUDA_CACHE_DISABLE=1 "$bin/gemm_runtime_example" --binary art/mace_cl_compiled_program.bin \
  --params art/mace_tuned_params.bin small.workload > "$out/example_binary.txt" 2>&1
CUDA_CACHE_DISABLE=1 "$bin/runtime_bench" --benchmark_out="$out/runtime_bench_nocache.json" \
  --benchmark_out_format=json > "$out/runtime_bench_nocache.txt" 2>&1
"$bin/runtime_bench" --benchmark_out="$out/runtime_bench_drivercache.json" --benchmark_out_format=json \
  > "$out/runtime_bench_drivercache.txt" 2>&1
# The device's measured limits, and MobileNet V2 through the runtime with tuned artifacts.
[ -x "$bin/clpeak" ] && timeout 240 "$bin/clpeak" --compute-sp --global-bandwidth > "$out/clpeak.txt" 2>&1
if [ -f "$OLDPWD/docs/sample_data/nvidia_h200_mobilenet_v2.db" ]; then
  cp "$OLDPWD/docs/sample_data/nvidia_h200_mobilenet_v2.db" mbv2.db
  "$bin/mace_tune" emit --db mbv2.db --out mbv2_art > "$out/emit_mbv2.txt" 2>&1
  CUDA_CACHE_DISABLE=1 "$bin/mace_bench" --workload mobilenet_v2_gemm --binary mbv2_art/mace_cl_compiled_program.bin \
    --params mbv2_art/mace_tuned_params.bin --benchmark_out="$out/mace_bench_nvidia_mbv2.json" \
    --benchmark_out_format=json > "$out/mace_bench_nvidia_mbv2.txt" 2>&1
fi
cat "$out/tune_small.txt" "$out/emit.txt"; tail -4 "$out/example_binary.txt"; cat "$out/runtime_bench_nocache.txt"
tar czf "$dest/gpu_results.tgz" -C "$out" .
