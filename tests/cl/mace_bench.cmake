# SPDX-License-Identifier: Apache-2.0
# mace_bench (apps/mace_bench.cc) on the test device: its Google Benchmark JSON, read back by the
# report generator. Skipped (77) without an OpenCL device.
if(TARGET mace_bench)
  add_test(NAME mace_bench_test
           COMMAND sh -c "[ -x /usr/bin/python3 ] || { echo 'SKIP: no /usr/bin/python3'; exit 77; }; exec /usr/bin/python3 \"$@\""
                   mace_bench_test ${CMAKE_CURRENT_LIST_DIR}/mace_bench_test.py ${PROJECT_SOURCE_DIR}
                   $<TARGET_FILE:mace_bench> $<TARGET_FILE:mace_tune_cli>)
  set_tests_properties(mace_bench_test PROPERTIES LABELS cl SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
