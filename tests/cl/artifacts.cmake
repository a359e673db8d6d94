# SPDX-License-Identifier: Apache-2.0
# The embedded runtime with both artifacts on a real device (PoCL in CI): program binaries used
# or rejected with a reason, tuned launch configs, GEMM through Prepare() against the CPU.
mace_tune_test(NAME runtime_test LABEL cl
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/runtime_test.cc
                       ${CMAKE_CURRENT_LIST_DIR}/runtime_tuned_test.cc
                       ${CMAKE_CURRENT_LIST_DIR}/runtime_test_util.cc
               LIBS mace_tune::formats)
# The audit's attacks on the runtime (also in the ASan/UBSan run of scripts/test.sh).
mace_tune_test(NAME runtime_hardening_test LABEL cl
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/runtime_hardening_test.cc
                       ${CMAKE_CURRENT_LIST_DIR}/runtime_test_util.cc
               LIBS mace_tune::formats)
if(MACE_TUNE_WITH_SODIUM)
  target_compile_definitions(runtime_hardening_test PRIVATE MACE_TUNE_WITH_SODIUM=1)
  target_link_libraries(runtime_hardening_test PRIVATE ${MACE_TUNE_SODIUM_LINK_LIBRARIES})
endif()
