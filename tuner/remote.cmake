# SPDX-License-Identifier: Apache-2.0
# Merging stores, the transports (local, adb, ssh), remote tuning sessions and the farm
# (DESIGN.md "Flow" 7). Included from tuner/CMakeLists.txt; the CLI and tests link these.
find_package(Threads REQUIRED)
add_library(mace_tune_remote STATIC
  ${CMAKE_CURRENT_LIST_DIR}/process.cc
  ${CMAKE_CURRENT_LIST_DIR}/transport.cc
  ${CMAKE_CURRENT_LIST_DIR}/transport_adb.cc
  ${CMAKE_CURRENT_LIST_DIR}/transport_ssh.cc
  ${CMAKE_CURRENT_LIST_DIR}/remote_tune.cc
  ${CMAKE_CURRENT_LIST_DIR}/farm.cc)
add_library(mace_tune::remote ALIAS mace_tune_remote)
target_link_libraries(mace_tune_remote PUBLIC mace_tune::store Threads::Threads)
mace_tune_warnings(mace_tune_remote)
