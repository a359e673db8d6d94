#!/bin/sh
# Installs the runtime component into a temp prefix, builds examples/installed_app against it with
# find_package (and once more with pkg-config), and runs it on the OpenCL device (PoCL in CI).
#   installed_app_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" --component runtime >/dev/null
test -f "$work/prefix/include/mace_tune/c_api.h"
test -f "$work/prefix/lib/cmake/mace_tune/mace_tuneConfigVersion.cmake"
cmake -S "$src/examples/installed_app" -B "$work/app" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/app" >/dev/null
"$work/app/installed_app" --cache "$work/cache.bin"
"$work/app/installed_app" --cache "$work/cache.bin"   # the second start uses the cache file
# pkg-config, as a non-CMake build would.
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
cc -c "$src/examples/installed_app/main.c" -o "$work/main.o" $(pkg-config --cflags mace_tune_runtime)
c++ "$work/main.o" -o "$work/app_pc" $(pkg-config --libs --static mace_tune_runtime) -lm
"$work/app_pc"
