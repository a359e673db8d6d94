#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The user-kernel examples end to end, as a team would use them: each kernel of
# examples/user_kernels/ tuned on the OpenCL device (PoCL in CI) through the CLI from its
# description (the workload's @kernels lines), both artifacts emitted, then each example app, built
# against the INSTALLED runtime only, launches its kernel by tuning key with the tuned config and
# checks the numbers. Without the tuned file the app gets one clear reason.
#   user_kernel_examples_test.sh BUILD_DIR SOURCE_DIR MACE_TUNE
set -eu
build=$1
src=$2
cli=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" --component runtime >/dev/null
cmake -S "$src/examples/user_kernels" -B "$work/apps" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/apps" >/dev/null

"$cli" tune --workload "$src/examples/user_kernels/apps.workload" --max-evals 6 --db "$work/u.db" -q > "$work/tune.txt"
for kernel in transpose row_sum bias_relu; do
  grep -q "^$kernel:" "$work/tune.txt" || { echo "FAIL: $kernel not tuned"; cat "$work/tune.txt"; exit 1; }
done
"$cli" emit --db "$work/u.db" --out "$work/art" > "$work/emit.txt"
grep -q "3 tuning keys, 3 user kernel descriptions" "$work/emit.txt"
"$cli" inspect "$work/art/mace_tuned_params.bin" > "$work/inspect.txt"
grep -q "^user kernels: 3" "$work/inspect.txt"
grep -q "bias_relu  program bias_relu, function bias_relu, dims N, H, W, C, parameters LX, LY, LZ" "$work/inspect.txt"

for app in transpose row_sum mace_bias_relu; do
  out=$("$work/apps/${app}_app" --programs "$work/art/mace_cl_compiled_program.bin" \
                                --params "$work/art/mace_tuned_params.bin")
  echo "$out"
  case "$out" in *"launch exact"*", 0 wrong"*) ;; *) echo "FAIL: $app"; exit 1 ;; esac
done

# No tuned file: the runtime cannot know a user's kernel, and says so in one line.
if "$work/apps/transpose_app" 2> "$work/err.txt"; then echo "FAIL: launched without a description"; exit 1; fi
grep -q "unknown kernel family 'transpose' (not built in; a user's kernel is known once a tuned-parameter file" \
  "$work/err.txt"

# A bad description: one line naming the file, the line and the field; exit 1.
printf '[kernel]\nname = "x"\nsources = ["x.cl"]\ndims = ["n"]\n[parameters]\nT = "pow2(1, nn)"\n[launch]\nglobal = ["n"]\nlocal = ["T"]\n[defaults]\nT = 1\n' > "$work/x.toml"
echo "__kernel void x() {}" > "$work/x.cl"
if "$cli" tune --kernel "$work/x.toml" --key "x:n=4:fp32" --db "$work/x.db" 2> "$work/bad.txt"; then
  echo "FAIL: a bad description was accepted"; exit 1
fi
cat "$work/bad.txt"
test "$(wc -l < "$work/bad.txt")" -eq 1
grep -q "^mace_tune: error: $work/x.toml:6: parameters.T.values: at column 9: unknown name 'nn'$" "$work/bad.txt"
echo "user kernel examples: OK"
