# SPDX-License-Identifier: Apache-2.0
# MACE interop without a device: MACE's two file layouts as we write them, and MACE's names.
mace_tune_test(NAME mace_writer_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/mace_writer_test.cc
               LIBS mace_tune::formats)
