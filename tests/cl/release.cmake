# SPDX-License-Identifier: Apache-2.0
# The runtime's release features on a real device (bundles, file and memory loading, cache-update mode,
# background builds, signatures, nearest-shape fallback) and the C API from C.
mace_tune_test(NAME runtime_release_test LABEL cl
               SOURCES ${CMAKE_CURRENT_LIST_DIR}/runtime_release_test.cc
                       ${CMAKE_CURRENT_LIST_DIR}/runtime_test_util.cc
               LIBS mace_tune::formats)
target_compile_definitions(runtime_release_test PRIVATE MACE_TUNE_TEST_VERSION="${PROJECT_VERSION}")
if(MACE_TUNE_WITH_SODIUM)
  target_compile_definitions(runtime_release_test PRIVATE MACE_TUNE_WITH_SODIUM=1)
  target_link_libraries(runtime_release_test PRIVATE ${MACE_TUNE_SODIUM_LINK_LIBRARIES})
endif()
# The installed package: cmake --install (runtime component) into a temp prefix, then the example
# app in examples/installed_app configured with find_package, built, and run; then via pkg-config.
add_test(NAME installed_app_test
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/installed_app_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(installed_app_test PROPERTIES LABELS cl SKIP_RETURN_CODE 77)
# The release commands end to end: emit --format cpp, bundle, keygen/sign/verify, inspect.
add_test(NAME release_cli_test
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/release_cli_test.sh $<TARGET_FILE:mace_tune_cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(release_cli_test PROPERTIES LABELS cl)
# The user-kernel examples: tuned from their descriptions through the CLI, emitted, and launched
# by apps built against the installed runtime (examples/user_kernels/).
add_test(NAME user_kernel_examples_test
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/user_kernel_examples_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
                 $<TARGET_FILE:mace_tune_cli>)
set_tests_properties(user_kernel_examples_test PROPERTIES LABELS cl SKIP_RETURN_CODE 77)
# The Debian packages (cpack): fields, file lists, dpkg's dependency check, and both unpacked into a
# scratch root and used from there.
add_test(NAME package_test
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/package_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${PROJECT_VERSION})
set_tests_properties(package_test PROPERTIES LABELS cl SKIP_RETURN_CODE 77 TIMEOUT 300)
