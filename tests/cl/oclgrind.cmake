# SPDX-License-Identifier: Apache-2.0
# The kernels under oclgrind's out-of-bounds, data-race and API checks (label "oclgrind":
# `ctest -L oclgrind`). Skips (77) when oclgrind is not installed.
find_program(OCLGRIND_EXECUTABLE oclgrind)
add_executable(oclgrind_kernels oclgrind_kernels.cc family_sweep.cc $<TARGET_OBJECTS:mace_tune_test_main_cl>)
target_link_libraries(oclgrind_kernels PRIVATE mace_tune_test_main_cl mace_tune::kernels)
mace_tune_warnings(oclgrind_kernels)
add_test(NAME oclgrind_kernels_test
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/oclgrind_test.sh "${OCLGRIND_EXECUTABLE}" $<TARGET_FILE:oclgrind_kernels>)
set_tests_properties(oclgrind_kernels_test PROPERTIES LABELS oclgrind SKIP_RETURN_CODE 77 TIMEOUT 1800)
