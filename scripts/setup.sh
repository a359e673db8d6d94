#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs everything mace_tune needs on Debian 12 / Ubuntu 24.04, non-interactively and
# idempotently: compilers and CMake, OpenCL ICD loader and headers, PoCL (OpenCL on the CPU),
# clinfo, SQLite3, fmt, CLI11, toml++ (kernel descriptions), Catch2, Google Benchmark, python3-matplotlib for reports,
# python3-protobuf (the MACE interop test's independent reader), OpenSSH
# (the ssh transport's test), adb (the real adb client's test), libsodium (signatures) and clang-14
# with its sanitizer runtime, clang-format (the format check) and
# libFuzzer (the fuzz targets), oclgrind (the kernels' out-of-bounds and data-race check).
set -euo pipefail

packages=(build-essential cmake pkg-config ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
          libsqlite3-dev sqlite3 libfmt-dev libcli11-dev libtomlplusplus-dev catch2 libbenchmark-dev python3 python3-matplotlib
          python3-protobuf
          openssh-client openssh-server adb
          libsodium-dev clang-14 clang-format-14 libclang-rt-14-dev libfuzzer-14-dev
          oclgrind)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
