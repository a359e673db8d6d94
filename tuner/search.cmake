# SPDX-License-Identifier: Apache-2.0
# Search-side parts of the tuner library: prior results for transfer, the replay engine and the
# importers of other tuners' files (CLBlast, Kernel Tuner), with their small JSON reader.
target_sources(mace_tune_tuner PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/prior_results.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/device_state.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/worker.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/build_pool.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/device_lock.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/json_value.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/replay.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/replay_report.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/random_baseline.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/import_clblast.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/import_kernel_tuner.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/export_kernel_tuner.cc)
