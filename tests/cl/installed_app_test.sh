#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Links the runtime the ways an app team does, from an installed prefix, and runs the result on
# the OpenCL device (PoCL in CI):
#  1. cmake --install (runtime and cli components) into temp prefixes: stripped by default;
#  2. examples/installed_app, a C project (no C++ enabled), with find_package;
#  3. the same main.c compiled AND linked by the C compiler with pkg-config --static;
#  4. a C++ consumer compiled by clang++-14 with no -std, its own CL_TARGET_OPENCL_VERSION=300
#     and -Werror (skipped without clang++-14);
#  5. the shared runtime: only the public API exported, and main.c linked against it.
#   installed_app_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$work/prefix" --component runtime >/dev/null
lib="$work/prefix/lib/libmace_tune_runtime.a"
test -f "$work/prefix/include/mace_tune/c_api.h"
test -f "$work/prefix/lib/cmake/mace_tune/mace_tuneConfigVersion.cmake"
if readelf -S --wide "$lib" | grep -q '\.debug_info'; then fail "installed $lib carries debug info"; fi
grep -q -- "-lstdc++\|-lc++" "$work/prefix/lib/pkgconfig/mace_tune_runtime.pc" || fail "pkg-config lacks the C++ library"
if grep -q CL_TARGET_OPENCL_VERSION "$work/prefix/lib/pkgconfig/mace_tune_runtime.pc" \
     "$work/prefix/lib/cmake/mace_tune/"*.cmake; then fail "CL_TARGET_OPENCL_VERSION imposed on apps"; fi
# The CLI's component too: installed stripped from this RelWithDebInfo tree.
cmake --install "$build" --prefix "$work/cli" --component cli >/dev/null
if readelf -S --wide "$work/cli/bin/mace_tune" | grep -q '\.debug_info'; then fail "installed mace_tune carries debug info"; fi
echo "installed: $(du -k "$lib" | cut -f1) KiB static runtime, $(du -k "$work/cli/bin/mace_tune" | cut -f1) KiB mace_tune, no debug info"

# 2. CMake, C only.
cmake -S "$src/examples/installed_app" -B "$work/app" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/app" >/dev/null
"$work/app/installed_app" --cache "$work/cache.bin"
"$work/app/installed_app" --cache "$work/cache.bin"   # the second start uses the cache file

# 3. pkg-config, the C compiler linking: gcc main.c $(pkg-config --cflags --libs --static ...).
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
cc -DCL_TARGET_OPENCL_VERSION=120 "$src/examples/installed_app/main.c" -o "$work/app_pc" \
  $(pkg-config --cflags --libs --static mace_tune_runtime)
"$work/app_pc"

# 4. C++ without -std under clang 14 (C++14 by default), OpenCL 3.0 headers, -Werror.
if command -v clang++-14 >/dev/null; then
  cmake -S "$src/tests/cl/cxx_consumer" -B "$work/cxx" -DCMAKE_PREFIX_PATH="$work/prefix" \
        -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
  cmake --build "$work/cxx" >/dev/null || { cmake --build "$work/cxx" 2>&1 | tail -20; fail "C++ consumer"; }
  "$work/cxx/cxx_consumer"
else
  echo "skipped: the clang++-14 consumer (no clang++-14; scripts/setup.sh installs it)"
fi

# 5. A shared runtime exports the public API only (build/runtime/shared is the same objects).
so="$build/runtime/shared/libmace_tune_runtime.so"
if [ -f "$so" ]; then
  nm -DC --defined-only "$so" > "$work/exports.txt"
  # Every exported mace_tune:: name must be declared in include/mace_tune/ (std:: instantiations
  # are libstdc++'s business); mace_tune::detail, mace_tune::desc, the OpenCL wrappers must not show.
  sed -n 's/^[0-9a-f]* [A-Za-z] \(mace_tune::[^(]*\).*/\1/p' "$work/exports.txt" | sed 's/\[abi:cxx11\]//g' |
    awk -F'::' '{print $NF}' | tr -d '~' | grep -v '^operator' | sort -u > "$work/names.txt"
  while read -r name; do
    grep -qw -- "$name" "$src"/runtime/include/mace_tune/*.h || fail "the shared runtime exports mace_tune::...$name, not API"
  done < "$work/names.txt"
  if grep -E 'mace_tune::(detail|desc)::' "$work/exports.txt"; then fail "the shared runtime exports internals"; fi
  for symbol in mace_tune_runtime_create mace_tune_version 'mace_tune::Runtime::Prepare'; do
    grep -q "$symbol" "$work/exports.txt" || fail "the shared runtime does not export $symbol"
  done
  echo "shared runtime: $(grep -c . "$work/exports.txt") exported symbols, no internals"
  cc -DCL_TARGET_OPENCL_VERSION=120 "$src/examples/installed_app/main.c" -o "$work/app_so" \
    -I"$work/prefix/include" -L"$build/runtime/shared" -lmace_tune_runtime -lOpenCL -lm
  LD_LIBRARY_PATH="$build/runtime/shared" "$work/app_so"
fi
