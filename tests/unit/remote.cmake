# SPDX-License-Identifier: Apache-2.0
# Unit tests of merging stores and of the transports' device-free parts (target specs, quoting,
# child processes). The adb and ssh transports themselves are tested in tests/cl/remote.cmake.
mace_tune_test(NAME merge_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/merge_test.cc
               LIBS mace_tune::store)
mace_tune_test(NAME transport_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/transport_test.cc
               LIBS mace_tune::remote)
# The real adb client without a phone (server start, devices, connect to a closed port, -s with no
# device); skipped where adb is not installed.
add_test(NAME adb_client_test COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/adb_client_test.sh $<TARGET_FILE:mace_tune_cli>)
set_tests_properties(adb_client_test PROPERTIES LABELS unit SKIP_RETURN_CODE 77 TIMEOUT 120)
