# SPDX-License-Identifier: Apache-2.0
# The report generator (reports/) and `mace_tune report`: report_test.py builds small schema-v1
# databases, makes every format and checks them against the data. Runs with Debian's python3
# (/usr/bin/python3, which has python3-matplotlib); exits 77 (skipped) without it or matplotlib.
add_test(NAME report_test
         COMMAND sh -c "[ -x /usr/bin/python3 ] || { echo 'SKIP: no /usr/bin/python3'; exit 77; }; exec /usr/bin/python3 \"$@\""
                 report_test ${CMAKE_CURRENT_LIST_DIR}/report_test.py ${PROJECT_SOURCE_DIR} $<TARGET_FILE:mace_tune_cli>)
set_tests_properties(report_test PROPERTIES LABELS unit SKIP_RETURN_CODE 77 TIMEOUT 120)
# scripts/compare_designs.py (the side-by-side phases' family figures): compare_designs_test.py checks the
# layer-count weighting on a small database and the committed H100 figures of docs/performance.md.
add_test(NAME compare_designs_test
         COMMAND sh -c "[ -x /usr/bin/python3 ] || { echo 'SKIP: no /usr/bin/python3'; exit 77; }; exec /usr/bin/python3 \"$@\""
                 compare_designs_test ${CMAKE_CURRENT_LIST_DIR}/compare_designs_test.py ${PROJECT_SOURCE_DIR})
set_tests_properties(compare_designs_test PROPERTIES LABELS unit SKIP_RETURN_CODE 77 TIMEOUT 60)
