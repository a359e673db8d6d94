# SPDX-License-Identifier: Apache-2.0
# MACE interop (docs/runtime.md "Shipping to a MACE app"): writing MACE's key/value files and its
# names (artifact writer, no device), emit --format mace and the import of MACE's tuned parameters.
target_sources(mace_tune_tuner PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/mace_emit.cc
  ${CMAKE_CURRENT_LIST_DIR}/mace_import.cc)
