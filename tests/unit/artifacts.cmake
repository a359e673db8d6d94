# SPDX-License-Identifier: Apache-2.0
# Unit tests of the release artifacts (no device): the byte format and its checks, atomic
# writing, inspect output and the JSON writer.
mace_tune_test(NAME format_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/format_test.cc
               LIBS mace_tune::runtime)
mace_tune_test(NAME artifact_writer_test LABEL unit
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/artifact_writer_test.cc
               LIBS mace_tune::formats)
