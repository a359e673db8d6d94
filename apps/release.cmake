# SPDX-License-Identifier: Apache-2.0
# The release commands' optional libsodium (sign, verify, keygen): only with MACE_TUNE_WITH_SODIUM.
if(MACE_TUNE_WITH_SODIUM)
  target_compile_definitions(mace_tune_cli PRIVATE MACE_TUNE_WITH_SODIUM=1)
  target_include_directories(mace_tune_cli PRIVATE ${MACE_TUNE_SODIUM_INCLUDE_DIRS})
  target_link_libraries(mace_tune_cli PRIVATE ${MACE_TUNE_SODIUM_LINK_LIBRARIES})
endif()
