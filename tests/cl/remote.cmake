# SPDX-License-Identifier: Apache-2.0
# Remote tuning through real transports: adb against the stand-in tests/fake_adb/adb (and the farm),
# ssh against a real OpenSSH server on a loopback port (skipped where sshd is not installed).
add_library(mace_tune_remote_test_util OBJECT ${CMAKE_CURRENT_LIST_DIR}/remote_test_util.cc)
target_link_libraries(mace_tune_remote_test_util PUBLIC Catch2::Catch2 mace_tune::store)
target_include_directories(mace_tune_remote_test_util PUBLIC ${PROJECT_SOURCE_DIR}/tests)
mace_tune_test(NAME remote_adb_test LABEL cl
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/remote_adb_test.cc $<TARGET_OBJECTS:mace_tune_remote_test_util>
               LIBS mace_tune::store mace_tune::tuner mace_tune::formats)
mace_tune_test(NAME remote_ssh_test LABEL cl
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/remote_ssh_test.cc $<TARGET_OBJECTS:mace_tune_remote_test_util>
               LIBS mace_tune::store)
foreach(t remote_adb_test remote_ssh_test)
  target_include_directories(${t} PRIVATE ${CMAKE_CURRENT_LIST_DIR})
  add_dependencies(${t} mace_tune_cli)
  set_tests_properties(${t} PROPERTIES TIMEOUT 240)
endforeach()
# Identical devices on one host (two PoCL devices): selection by #N, farm over local:DEVICE targets.
add_test(NAME multi_device_test COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/multi_device_test.sh $<TARGET_FILE:mace_tune_cli>)
set_tests_properties(multi_device_test PROPERTIES LABELS cl)
