# SPDX-License-Identifier: Apache-2.0
# The artifact writers and inspector (included from tuner/CMakeLists.txt): atomic file writing,
# the program-binary builder, `inspect` text/JSON (ours and MACE's files). Links only the runtime, which owns the format.
add_library(mace_tune_artifact_writer
  ${CMAKE_CURRENT_LIST_DIR}/artifact_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/inspect.cc
  ${CMAKE_CURRENT_LIST_DIR}/mace_format.cc
  ${CMAKE_CURRENT_LIST_DIR}/json.cc)
add_library(mace_tune::artifact_writer ALIAS mace_tune_artifact_writer)
target_link_libraries(mace_tune_artifact_writer PUBLIC mace_tune::runtime)
mace_tune_warnings(mace_tune_artifact_writer)
