# SPDX-License-Identifier: Apache-2.0
# `mace_tune report` (cmd_report.cc) finds reports/mace_tune_report.py in the source tree or in
# the installed share/mace_tune/reports; and mace_bench, the Google Benchmark workload runner.
# Included from apps/CMakeLists.txt.
set(MACE_TUNE_REPORTS_INSTALL_DIR ${CMAKE_INSTALL_DATADIR}/mace_tune/reports)
set_property(SOURCE ${CMAKE_CURRENT_LIST_DIR}/cmd_report.cc APPEND PROPERTY COMPILE_DEFINITIONS
             MACE_TUNE_REPORTS_SOURCE_DIR="${PROJECT_SOURCE_DIR}/reports"
             MACE_TUNE_REPORTS_INSTALL_DIR="${MACE_TUNE_REPORTS_INSTALL_DIR}")
install(FILES ${PROJECT_SOURCE_DIR}/reports/mace_tune_report.py ${PROJECT_SOURCE_DIR}/reports/report_data.py
              ${PROJECT_SOURCE_DIR}/reports/report_plots.py ${PROJECT_SOURCE_DIR}/reports/report_render.py
              ${PROJECT_SOURCE_DIR}/reports/report_summary.py ${PROJECT_SOURCE_DIR}/reports/report_states.py
              ${PROJECT_SOURCE_DIR}/reports/report_figures.py
        DESTINATION ${MACE_TUNE_REPORTS_INSTALL_DIR} COMPONENT cli)
# The report reads layer counts from share/mace_tune/workloads (reports/../workloads).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/workloads/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mace_tune/workloads
        COMPONENT cli FILES_MATCHING PATTERN "*.workload")

if(MACE_TUNE_BUILD_BENCH)
  find_package(benchmark QUIET)
endif()
if(TARGET benchmark::benchmark)
  add_executable(mace_bench ${CMAKE_CURRENT_LIST_DIR}/mace_bench.cc)
  target_link_libraries(mace_bench PRIVATE mace_tune::tuner benchmark::benchmark)
  target_compile_definitions(mace_bench PRIVATE MACE_TUNE_VERSION="${PROJECT_VERSION}")
  mace_tune_warnings(mace_bench)
  install(TARGETS mace_bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
endif()
