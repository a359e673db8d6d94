#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Debian packages as a user gets them: `cpack` in the build tree, then each package's fields
# (version, dependencies), its file list, no debug info, dpkg's dependency check against this
# system (as root: what `apt install ./FILE.deb` resolves), and both unpacked into a scratch root
# and used from there: the CLI's version and a report through the packaged generator, the C example
# app built against the packaged runtime with CMake and with pkg-config, and run.
#   package_test.sh BUILD_DIR SOURCE_DIR VERSION
set -eu
build=$1
src=$2
version=$3
command -v dpkg-deb >/dev/null || { echo "SKIP: no dpkg-deb (not a Debian system)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

(cd "$build" && cpack -B "$work/pkgs") > "$work/cpack.txt" 2>&1 || { cat "$work/cpack.txt"; fail "cpack"; }
cli=$(ls "$work"/pkgs/mace-tune_"$version"_*.deb)
dev=$(ls "$work"/pkgs/libmace-tune-runtime-dev_"$version"_*.deb)

field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$cli" Version)" = "$version" ] || fail "mace-tune version $(field "$cli" Version)"
[ "$(field "$dev" Version)" = "$version" ] || fail "runtime-dev version $(field "$dev" Version)"
for dep in libsqlite3-0 libfmt libtomlplusplus3 ocl-icd-libopencl1 libstdc++6; do
  field "$cli" Depends | grep -q "$dep" || fail "mace-tune does not depend on $dep: $(field "$cli" Depends)"
done
field "$cli" Recommends | grep -q python3-matplotlib || fail "mace-tune does not recommend python3-matplotlib"
field "$dev" Depends | grep -q "ocl-icd-opencl-dev | opencl-dev" || fail "runtime-dev Depends: $(field "$dev" Depends)"
if field "$dev" Depends | grep -q "sqlite\|fmt\|toml"; then fail "the runtime package depends on the tuner's libraries"; fi
# A runtime built with signatures links libsodium: its package must bring it.
if grep -q -- "-lsodium" "$build/mace_tune_runtime.pc" 2>/dev/null && ! field "$dev" Depends | grep -q libsodium-dev; then
  fail "the runtime links libsodium but its package does not depend on libsodium-dev"
fi

dpkg-deb -c "$cli" | awk '{print $6}' > "$work/cli.txt"
dpkg-deb -c "$dev" | awk '{print $6}' > "$work/dev.txt"
for f in ./usr/bin/mace_tune ./usr/share/mace_tune/reports/mace_tune_report.py ./usr/share/mace_tune/reports/report_plots.py \
         ./usr/share/mace_tune/workloads/mobilenet_v2.workload ./usr/share/doc/mace-tune/copyright \
         ./usr/share/doc/mace-tune/docs/cli.md; do
  grep -qx "$f" "$work/cli.txt" || fail "mace-tune lacks $f"
done
for f in ./usr/lib/libmace_tune_runtime.a ./usr/include/mace_tune/c_api.h ./usr/include/mace_tune/runtime.h \
         ./usr/lib/cmake/mace_tune/mace_tuneConfig.cmake ./usr/lib/cmake/mace_tune/mace_tuneConfigVersion.cmake \
         ./usr/lib/pkgconfig/mace_tune_runtime.pc ./usr/share/doc/libmace-tune-runtime-dev/copyright \
         ./usr/share/doc/libmace-tune-runtime-dev/examples/installed_app/main.c; do
  grep -qx "$f" "$work/dev.txt" || fail "libmace-tune-runtime-dev lacks $f"
done
if grep -q "^./usr/bin\|^./usr/share/mace_tune" "$work/dev.txt"; then fail "the runtime package holds CLI files"; fi

if [ "$(id -u)" -eq 0 ]; then
  dpkg --dry-run -i "$cli" "$dev" > "$work/dpkg.txt" 2>&1 || { cat "$work/dpkg.txt"; fail "dpkg refuses the packages"; }
else
  echo "not root: dpkg's dependency check skipped"
fi

root="$work/root"
dpkg-deb -x "$cli" "$root"
dpkg-deb -x "$dev" "$root"
for f in "$root/usr/bin/mace_tune" "$root/usr/lib/libmace_tune_runtime.a"; do
  if readelf -S --wide "$f" | grep -q '\.debug_info'; then fail "$f carries debug info"; fi
done
echo "packages: $(basename "$cli") $(du -k "$cli" | cut -f1) KiB, $(basename "$dev") $(du -k "$dev" | cut -f1) KiB"

[ "$("$root/usr/bin/mace_tune" --version)" = "mace_tune $version" ] || fail "packaged mace_tune --version"
"$root/usr/bin/mace_tune" report "$src/docs/sample_data/pocl_mobilenet_v2.db" --format json --out "$work/report"
grep -q '"tool": "mace_tune '"$version"'"' "$work/report/report.json" || fail "the report does not name mace_tune $version"

cmake -S "$root/usr/share/doc/libmace-tune-runtime-dev/examples/installed_app" -B "$work/app" \
      -DCMAKE_PREFIX_PATH="$root/usr" >/dev/null
cmake --build "$work/app" >/dev/null
"$work/app/installed_app"
PKG_CONFIG_PATH="$root/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR= \
  sh -c 'cc -DCL_TARGET_OPENCL_VERSION=120 "$1" -o "$2" $(pkg-config --cflags --libs --static mace_tune_runtime)' \
  sh "$root/usr/share/doc/libmace-tune-runtime-dev/examples/installed_app/main.c" "$work/app_pc"
"$work/app_pc"
echo "packages: OK"
