# Unit tests of the release side without a device: MACE's own files and inspect on bundles.
mace_tune_test(NAME mace_format_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/mace_format_test.cc
               LIBS mace_tune::artifact_writer)
