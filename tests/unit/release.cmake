# SPDX-License-Identifier: Apache-2.0
# Unit tests of the release side without a device: MACE's own files and inspect on bundles.
mace_tune_test(NAME mace_format_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/mace_format_test.cc
               LIBS mace_tune::formats)
# LICENSE, an SPDX line in every source file, and one version in CHANGELOG.md, project() and --version.
add_test(NAME license_test
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/license_test.sh ${PROJECT_SOURCE_DIR} ${PROJECT_VERSION} $<TARGET_FILE:mace_tune_cli>)
set_tests_properties(license_test PROPERTIES LABELS unit)
# Every C and C++ source as clang-format 14 writes it (.clang-format); skipped with another version.
add_test(NAME format_check COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/format_check.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(format_check PROPERTIES LABELS unit SKIP_RETURN_CODE 77)
