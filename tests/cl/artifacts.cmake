# The embedded runtime with both artifacts on a real device (PoCL in CI): program binaries used
# or rejected with a reason, tuned launch configs, GEMM through Prepare() against the CPU.
mace_tune_test(NAME runtime_test LABEL cl
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/runtime_test.cc
                       ${CMAKE_CURRENT_LIST_DIR}/runtime_tuned_test.cc
                       ${CMAKE_CURRENT_LIST_DIR}/runtime_test_util.cc
               LIBS mace_tune::artifact_writer)
