#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# On the GPU machine (repo root there, the bundle of scripts/device_bundle.sh in .carry): the kernel
# library and network figures of docs/performance.md, in phases so that each call fits the lease:
#   scripts/gpu_networks.sh tests clpeak mbv2 clblast1024     (one call)
#   scripts/gpu_networks.sh clpeak batch clblast4096          (another)
# Phases: tests (families_test, gemm_test on the device), clpeak (limits), startup, mbv2 (tune
# MobileNet V2 at batch 1), mbv1, resnet18 (idem), batch (MobileNet V2 and ResNet-50 at batch
# $BATCH), convgemm (ResNet-50's conv2d_1x1 and conv2d_3x3 keys at batch $BATCH, their GEMM variants
# measured first), convcmp (no search: each ResNet-50 conv key at batch $BATCH measured with the
# best GEMM=0 and GEMM=1 configs of docs/sample_data/resnet50_b32_*_configs.txt; the families of
# $CONVCMP_FAMILIES, default both), dwcmp (the same for MobileNet V2's depthwise keys and
# docs/sample_data/mobilenet_v2_b32_depthwise_3x3_configs.txt), poolcmp (ResNet-50's pooling keys
# and docs/sample_data/resnet50_b32_pooling_configs.txt), clblast1024 / clblast4096 (CLBlast's own
# xgemm tuner vs mace_tune's GEMM at that size), gemm1024 / gemm4096 (mace_tune's GEMM alone),
# spaces (record replay spaces: $SPACE_EVALS random configs of each of $SPACE_KEYS, one database),
# buildthreads (MobileNet V2 tuned cold with --build-threads 0 and 4, in the order 0 4 4 0, each
# into a fresh database, with each strategy of $BT_STRATEGIES), userkernels (the user-kernel
# examples tuned and emitted on the GPU, and user_kernel_test there), jobs (MobileNet V2, 20
# evaluations per key, cold driver cache, fresh databases: --build-jobs 0 and $JOBS alternating,
# $JOBS_RUNS runs each; then one pair with the random strategy, whose configs are the same both
# ways, for the timing comparison), jobsgemm (GEMM 4096^3, 40 evaluations, jobs 0 / $JOBS), twogpus
# (MobileNet V2, 20 evaluations per key: on one GPU, then split over the two GPUs of the host with
# farm --split keys), buildbench (what a program build costs with the driver cache off: serial, in P
# processes at once, k variants in one program; bench/build_bench.cc).
# Everything lands in $OUT/gpu_networks.tgz; a short table is printed last.
set -uo pipefail
repo="$PWD"
dest="${OUT:-$PWD}"
out="${GPU_OUT_DIR:-$(mktemp -d)}"; mkdir -p "$out"
mkdir -p /etc/OpenCL/vendors
[ -f /usr/local/nvidia/lib64/libnvidia-opencl.so.1 ] &&
  echo /usr/local/nvidia/lib64/libnvidia-opencl.so.1 > /etc/OpenCL/vendors/nvidia.icd
export LD_LIBRARY_PATH="$repo/.carry/lib:${LD_LIBRARY_PATH:-}"
bin="$repo/.carry/bin"
export MACE_TUNE_DEVICE="${MACE_TUNE_DEVICE:-NVIDIA}" MACE_TUNE_CLI="$bin/mace_tune" MACE_TUNE_SOURCE_DIR="$repo"
work=$(mktemp -d); cd "$work" || exit 1
summary="$out/summary.txt"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv \
  > "$out/nvidia_smi_start.csv" 2>&1
limits="${LIMITS:-64503,4386}"

# The largest figure of a clpeak section ("Single-precision compute", "Global memory bandwidth").
clpeak_max() { awk -v s="$1" 'index($0, s) {on=1; next} on && /:/ {v=$NF+0; if (v>m) m=v; next} on && NF==0 && m {exit} END {print m}' "$2"; }

tune() {  # name, then mace_tune tune arguments
  local name="$1"; shift
  local start=$SECONDS
  "$bin/mace_tune" tune --db "$out/nvidia_$name.db" --seed 1 -q --limits "$limits" "$@" > "$out/tune_$name.txt" 2>&1
  local rc=$?
  echo "tune $name: exit $rc, $((SECONDS - start)) s wall" | tee -a "$summary"
  grep -E "workload total|configs/s|harness overhead|build threads|build jobs|skipped unbuilt" "$out/tune_$name.txt" |
    tee -a "$summary"
  sed -n '/^family /,/^$/p' "$out/tune_$name.txt" >> "$summary"
}

clblast_vs() {  # size
  local n="$1" start
  # CLBlast's tuner takes platform / device indices: find NVIDIA's by name.
  local platform
  # (entries of `mace_tune devices` follow the platform order; one device per platform there)
  platform=$("$bin/mace_tune" devices 2>/dev/null | awk '/^[^ ]/ || /^\* / {i++} /^[^ ]|^\* / && /NVIDIA/ {print i-1; exit}')
  start=$SECONDS
  timeout "${CLBLAST_TIMEOUT:-300}" "$bin/clblast_tuner_xgemm" -platform "${platform:-0}" -device 0 -precision 32 \
    -m "$n" -n "$n" -k "$n" > "$out/clblast_xgemm_$n.txt" 2>&1
  echo "clblast_tuner_xgemm $n: exit $?, $((SECONDS - start)) s wall" | tee -a "$summary"
  grep -iE "platform|device|best|GFLOPS" "$out/clblast_xgemm_$n.txt" | head -3 >> "$summary"
  grep -iE "best|GFLOPS" "$out/clblast_xgemm_$n.txt" | tail -4 >> "$summary"
  for f in clblast_xgemm_*.json; do [ -f "$f" ] && mv "$f" "$out/${f%.json}_$n.json"; done
  mace_gemm "$n"
}

workload_keys() {  # workload, families: its distinct tuning keys of those families at batch $BATCH
  local w="$1" f; shift
  for f in "$@"; do grep -o "^$f:[^ ]*" "$repo/workloads/$w.workload" | sort -u; done |
    sed "s/N=1,/N=${BATCH:-32},/"
}
resnet50_keys() { workload_keys resnet50 "$@"; }

# No search: every key of a workload's family at batch $BATCH measured with each config of a list
# (docs/sample_data/<workload>_b32_<family>_configs.txt), so that two designs compare in one sitting.
compare_configs() {  # workload, family[, database name prefix: default the workload]
  local args=() k c
  for k in $(workload_keys "$1" "$2"); do args+=(--key "$k"); done
  while read -r c; do [ -n "$c" ] && [ "${c#\#}" = "$c" ] && args+=(--config "$c"); done \
    < "$repo/docs/sample_data/$1_b32_$2_configs.txt"
  tune "${3:-$1}cmp_$2" "${args[@]}" --max-evals 1
}

mace_gemm() {  # size; GEMM_CONFIGS: space-separated configs measured first (tune --config)
  local extra=() c
  for c in ${GEMM_CONFIGS:-}; do extra+=(--config "$c"); done
  tune "gemm$1" --key "gemm:K=$1,M=$1,N=$1:fp32" --max-evals "${GEMM_EVALS:-120}" "${extra[@]}"
  grep -E "^gemm:" "$out/tune_gemm$1.txt" >> "$summary"
}

for phase in "$@"; do
  echo "== phase $phase" | tee -a "$summary"
  case "$phase" in
    tests)
      for t in families_test gemm_test runtime_test; do
        timeout 240 "$bin/$t" > "$out/test_$t.txt" 2>&1
        echo "$t: exit $?  $(grep -cE 'configs verified' "$out/test_$t.txt") family lines" | tee -a "$summary"
        grep -E "configs verified|FAIL|passed|failed" "$out/test_$t.txt" | head -15 >> "$summary"
      done ;;
    clpeak)
      timeout 240 "$bin/clpeak" --compute-sp --global-bandwidth > "$out/clpeak.txt" 2>&1
      awk '/Platform: NVIDIA/ {on=1} on' "$out/clpeak.txt" > "$out/clpeak_nvidia.txt"
      gf=$(clpeak_max "Single-precision compute" "$out/clpeak_nvidia.txt")
      bw=$(clpeak_max "Global memory bandwidth" "$out/clpeak_nvidia.txt")
      [ -n "$gf" ] && [ -n "$bw" ] && [ "$gf" != 0 ] && limits="$gf,$bw"
      echo "limits (GFLOP/s,GB/s): $limits" | tee -a "$summary" ;;
    mbv2) tune mobilenet_v2 --workload mobilenet_v2 --max-evals "${EVALS:-40}" ;;
    mbv1) tune mobilenet_v1 --workload mobilenet_v1 --max-evals "${EVALS:-40}" ;;
    resnet18) tune resnet18 --workload resnet18 --max-evals "${EVALS:-40}" ;;
    batch)
      tune "mobilenet_v2_b${BATCH:-32}" --workload mobilenet_v2 --batch "${BATCH:-32}" --max-evals "${EVALS:-25}"
      tune "resnet50_b${BATCH:-32}" --workload resnet50 --batch "${BATCH:-32}" --max-evals "${EVALS:-25}" ;;
    convgemm)  # issue 17: ResNet-50's conv2d_1x1 and conv2d_3x3 keys at batch $BATCH (the other families are the
      # batch phase's), the GEMM variants measured first with GEMM 4096^3's two best tiles (conv2d_1x1's KT counts
      # groups of 4 channels, conv2d_3x3's floats); 22 keys, so that 40 evaluations each fit one call
      keys=()
      for k in $(resnet50_keys conv2d_1x1 conv2d_3x3); do keys+=(--key "$k"); done
      tune "resnet50_b${BATCH:-32}_convgemm" "${keys[@]}" --max-evals "${EVALS:-40}" \
        --config GEMM=1,IMG=0,KT=8,LOCAL=1,LX=8,LY=32,LZ=1,PK=1,PW=1,STRN=1,TM=4,TN=16,VW=4 \
        --config GEMM=1,IMG=0,KT=8,LOCAL=1,LX=16,LY=16,LZ=1,PK=1,PW=1,STRN=0,TM=8,TN=8,VW=8 \
        --config GEMM=1,IMG=0,KT=32,LX=8,LY=32,LZ=1,PK=1,PW=1,STRN=1,TM=4,TN=16,VW=4 \
        --config GEMM=1,IMG=0,KT=32,LX=16,LY=16,LZ=1,PK=1,PW=1,STRN=0,TM=8,TN=8,VW=8 ;;
    convcmp)  # issue 17: no search; every ResNet-50 conv key at batch $BATCH measured with the best GEMM=0 and
      # GEMM=1 configs found so far (docs/sample_data/resnet50_b32_*_configs.txt): the two designs in one sitting
      for f in ${CONVCMP_FAMILIES:-conv2d_1x1 conv2d_3x3}; do compare_configs resnet50 "$f" conv; done ;;
    dwcmp)  # issue 17: no search; every MobileNet V2 depthwise key at batch $BATCH with each key's best config
      # of the H200 run, one output row per item (PH=1) and then two and four (attempt 5)
      compare_configs mobilenet_v2 depthwise_3x3 dw ;;
    poolcmp)  # issue 17: the same for ResNet-50's pooling keys: the max pool's best H200 configs at PH=1, 2, 4
      compare_configs resnet50 pooling pool ;;
    startup)  # MobileNet V2 through the runtime up to the first finished inference
      for cache in off on; do
        if [ $cache = off ]; then export CUDA_CACHE_DISABLE=1; else unset CUDA_CACHE_DISABLE; fi
        MACE_TUNE_BENCH_WORKLOAD=mobilenet_v2 "$bin/runtime_bench" --benchmark_filter=Startup \
          --benchmark_out="$out/startup_mbv2_cache_$cache.json" --benchmark_out_format=json \
          > "$out/startup_mbv2_cache_$cache.txt" 2>&1
        echo "startup, driver cache $cache:" | tee -a "$summary"
        grep -E "^BM_" "$out/startup_mbv2_cache_$cache.txt" | tee -a "$summary"
      done
      unset CUDA_CACHE_DISABLE ;;
    spaces)  # every key into one database: random configs, so the replay sees the space, not a path
      keys=()
      for k in ${SPACE_KEYS:-conv2d_1x1:ACT=0,BIAS=1,C=576,H=14,K=96,N=1,S=1,W=14:fp32 \
          depthwise_3x3:ACT=2,BIAS=1,C=144,H=56,N=1,S=1,W=56:fp32 conv2d_3x3:ACT=2,BIAS=1,C=3,H=224,K=32,N=1,S=2,W=224:fp32 \
          conv2d_1x1:ACT=2,BIAS=1,C=24,H=56,K=144,N=32,S=1,W=56:fp32}; do keys+=(--key "$k"); done
      tune spaces "${keys[@]}" --strategy random --max-evals "${SPACE_EVALS:-1200}" \
        --time-limit "${SPACE_SECONDS:-110}" --build-threads 4
      grep -E "^(conv|depthwise|gemm|pool)" "$out/tune_spaces.txt" >> "$summary" ;;
    buildthreads)  # cold driver cache, so every build costs what it costs on a fresh phone
      export CUDA_CACHE_DISABLE=1
      for st in ${BT_STRATEGIES:-model random}; do
        for bt in 0 4 4 0; do
          rm -f "$out/nvidia_bt$bt.db"
          tune "bt$bt" --workload mobilenet_v2 --max-evals "${BT_EVALS:-12}" --build-threads "$bt" --strategy "$st"
          mv "$out/tune_bt$bt.txt" "$out/tune_${st}_bt${bt}_$SECONDS.txt"
        done
      done
      unset CUDA_CACHE_DISABLE ;;
    userkernels)
      "$bin/mace_tune" tune --workload "$repo/examples/user_kernels/apps.workload" --max-evals 20 \
        --db "$out/nvidia_user_kernels.db" -q > "$out/tune_user_kernels.txt" 2>&1
      echo "user kernels tune: exit $?" | tee -a "$summary"
      grep -E "^(transpose|row_sum|bias_relu):" "$out/tune_user_kernels.txt" >> "$summary"
      "$bin/mace_tune" emit --db "$out/nvidia_user_kernels.db" --out "$out/user_kernel_artifacts" | tail -3 >> "$summary"
      timeout 240 "$bin/user_kernel_test" > "$out/test_user_kernel_test.txt" 2>&1
      echo "user_kernel_test: exit $? $(tail -1 "$out/test_user_kernel_test.txt")" | tee -a "$summary" ;;
    jobs)  # cold driver cache: every build costs what a first tune pays
      export CUDA_CACHE_DISABLE=1
      for run in $(seq "${JOBS_RUNS:-3}"); do
        for j in 0 "${JOBS:-8}"; do
          rm -f "$out/nvidia_jobs$j.db"
          tune "jobs$j" --workload mobilenet_v2 --max-evals 20 --build-jobs "$j"
          mv "$out/tune_jobs$j.txt" "$out/tune_jobs${j}_run$run.txt"
        done
      done
      for j in 0 "${JOBS:-8}"; do  # same configs both ways: medians compared by scripts/compare_medians.py
        rm -f "$out/nvidia_random_jobs$j.db"
        tune "random_jobs$j" --workload mobilenet_v2 --max-evals 20 --build-jobs "$j" --strategy random
      done
      unset CUDA_CACHE_DISABLE ;;
    jobsgemm)
      export CUDA_CACHE_DISABLE=1
      for j in 0 "${JOBS:-8}"; do
        rm -f "$out/nvidia_gemm_jobs$j.db"
        tune "gemm_jobs$j" --key gemm:K=4096,M=4096,N=4096:fp32 --max-evals 40 --build-jobs "$j"
      done
      unset CUDA_CACHE_DISABLE ;;
    twogpus)  # the same work on one GPU, then split over two identical ones
      export CUDA_CACHE_DISABLE=1
      name=$("$bin/mace_tune" devices 2>/dev/null | grep -o "select with --device '[^']*NVIDIA[^']*#1'" | head -1)
      gpu=$(echo "$name" | sed "s/select with --device '\(.*\)#1'/\1/")
      echo "two GPUs: '$gpu'" | tee -a "$summary"
      start=$SECONDS
      "$bin/mace_tune" --device "$gpu#0" tune --workload mobilenet_v2 --max-evals 20 --seed 1 -q \
        --db "$out/nvidia_one_gpu.db" > "$out/tune_one_gpu.txt" 2>&1
      echo "one GPU: exit $?, $((SECONDS - start)) s wall" | tee -a "$summary"
      start=$SECONDS
      "$bin/mace_tune" farm --targets "local:$gpu#0,local:$gpu#1" --split keys --workload mobilenet_v2 \
        --max-evals 20 --seed 1 -q --results "$out/farm" --db "$out/nvidia_two_gpus.db" > "$out/farm_two_gpus.txt" 2>&1
      echo "two GPUs (farm --split keys): exit $?, $((SECONDS - start)) s wall" | tee -a "$summary"
      grep -E "farm:|merged" "$out/farm_two_gpus.txt" >> "$summary"
      unset CUDA_CACHE_DISABLE ;;
    buildbench)  # what a build costs: serial, P processes at once, k variants in one program
      CUDA_CACHE_DISABLE=1 timeout 400 "$bin/build_bench" --benchmark_out="$out/build_bench.json" \
        --benchmark_out_format=json > "$out/build_bench.txt" 2>&1
      echo "build_bench: exit $?" | tee -a "$summary"
      grep -E "^BM_" "$out/build_bench.txt" | tee -a "$summary" ;;
    gemm1024) mace_gemm 1024 ;;
    gemm4096) mace_gemm 4096 ;;
    clblast1024) clblast_vs 1024 ;;
    clblast4096) clblast_vs 4096 ;;
    *) echo "unknown phase $phase" | tee -a "$summary" ;;
  esac
done
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv > "$out/nvidia_smi_end.csv" 2>&1
tar czf "$dest/gpu_networks.tgz" -C "$out" .
cat "$summary"
