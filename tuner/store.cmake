# SPDX-License-Identifier: Apache-2.0
# The SQLite results store (DESIGN.md "SQLite store"): the RAII SQLite wrapper, the schema with
# its migrations, and the Store.
# Included from tuner/CMakeLists.txt; the tuner and tests link mace_tune::store.
add_library(mace_tune_store STATIC
  ${CMAKE_CURRENT_LIST_DIR}/sqlite_db.cc
  ${CMAKE_CURRENT_LIST_DIR}/store_schema.cc
  ${CMAKE_CURRENT_LIST_DIR}/store.cc
  ${CMAKE_CURRENT_LIST_DIR}/store_records.cc
  ${CMAKE_CURRENT_LIST_DIR}/store_claims.cc)
add_library(mace_tune::store ALIAS mace_tune_store)
target_link_libraries(mace_tune_store PUBLIC mace_tune::runtime PRIVATE SQLite::SQLite3 fmt::fmt)
target_compile_definitions(mace_tune_store PRIVATE
  MACE_TUNE_STORE_WRITER="mace_tune ${PROJECT_VERSION}")
mace_tune_warnings(mace_tune_store)
