#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds mace_tune for TARGET, tunes on it and fetches the results (docs/remote.md):
#   scripts/target_tune.sh adb:SERIAL|ssh:[user@]host[:port]|local [remote-tune options ...]
# Same-arch targets get this host's build; aarch64 boards the cross build (CMake preset
# aarch64-linux); arm64 phones the NDK build (preset android-arm64, needs $ANDROID_NDK).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/target_tune.sh adb:SERIAL|ssh:[user@]host[:port]|local [remote-tune options]}"
shift
jobs="${JOBS:-$(nproc)}"
host_build="${BUILD_DIR:-build}"  # the host CLI that drives the session
host_arch="$(uname -m)"

case "$target" in
  adb:*)
    abi="$(adb -s "${target#adb:}" shell getprop ro.product.cpu.abi | tr -d '\r')"
    case "$abi" in arm64-v8a) arch=aarch64 ;; *) arch="$abi" ;; esac
    os=android ;;
  ssh:*)
    dest="${target#ssh:}"
    port=()
    if [[ "$dest" =~ ^(.*):([0-9]+)$ ]]; then dest="${BASH_REMATCH[1]}"; port=(-p "${BASH_REMATCH[2]}"); fi
    arch="$(ssh "${port[@]}" -o BatchMode=yes "$dest" uname -m)"
    os=linux ;;
  local) arch="$host_arch"; os=linux ;;
  *) echo "target_tune: unknown target '$target'" >&2; exit 2 ;;
esac
echo "target_tune: $target is $os $arch"

# The host's CLI drives the session in every case.
cmake -S . -B "$host_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$host_build" -j"$jobs" --target mace_tune_cli
extra=()
if [ "$os" = android ] && [ "$arch" = aarch64 ]; then
  : "${ANDROID_NDK:?set ANDROID_NDK to an Android NDK (r25+); see docs/remote.md}"
  cmake --preset android-arm64 >/dev/null
  cmake --build --preset android-arm64 -j"$jobs" --target mace_tune_cli
  extra=(--target-bin build-android-arm64/apps/mace_tune --no-libs)
elif [ "$arch" = "$host_arch" ]; then
  :  # this build, with the shared libraries ldd lists outside the base system
elif [ "$arch" = aarch64 ]; then
  cmake --preset aarch64-linux >/dev/null
  cmake --build --preset aarch64-linux -j"$jobs" --target mace_tune_cli
  extra=(--target-bin build-aarch64/apps/mace_tune --no-libs)
  # Push the target's copies of what is not in a base system (fmt, SQLite ...).
  for lib in $(aarch64-linux-gnu-readelf -d build-aarch64/apps/mace_tune | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    case "$lib" in libc.so*|libm.so*|libstdc++*|libgcc_s*|ld-linux*|libOpenCL*) continue ;; esac
    extra+=(--target-lib "/usr/lib/aarch64-linux-gnu/$lib")
  done
else
  echo "target_tune: no build recipe for $os $arch; build mace_tune for it and run" >&2
  echo "  $host_build/apps/mace_tune remote-tune --target $target --target-bin PATH" >&2
  exit 2
fi
"$host_build"/apps/mace_tune remote-tune --target "$target" "${extra[@]}" --emit "$@"
