# Unit tests of merging stores and of the transports' device-free parts (target specs, quoting,
# child processes). The adb and ssh transports themselves are tested in tests/cl/remote.cmake.
mace_tune_test(NAME merge_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/merge_test.cc
               LIBS mace_tune::merge)
mace_tune_test(NAME transport_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/transport_test.cc
               LIBS mace_tune::remote)
