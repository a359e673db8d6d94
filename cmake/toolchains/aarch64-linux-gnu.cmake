# SPDX-License-Identifier: Apache-2.0
# Cross-compiling for aarch64 Linux boards with Debian's g++-aarch64-linux-gnu. The target's -dev
# packages come from dpkg multiarch (arm64): see docs/remote.md "Building for a board".
# cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(MACE_TUNE_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${MACE_TUNE_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${MACE_TUNE_CROSS_TRIPLE}-g++)
# Multiarch: headers in /usr/include (shared), libraries in /usr/lib/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE ${MACE_TUNE_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${MACE_TUNE_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${MACE_TUNE_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
# Run target binaries (tests, try_run) through qemu-user when it is installed.
find_program(MACE_TUNE_QEMU qemu-aarch64-static qemu-aarch64)
if(MACE_TUNE_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MACE_TUNE_QEMU} -L /usr/${MACE_TUNE_CROSS_TRIPLE})
endif()
