# MACE interop (docs/runtime.md "Shipping to a MACE app"): writing MACE's key/value files and its
# names (artifact writer, no device).
target_sources(mace_tune_artifact_writer PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/mace_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/mace_naming.cc)
