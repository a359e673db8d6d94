# SPDX-License-Identifier: Apache-2.0
# The commands of README.md and docs/*.md, run as written from a copy of the repository root whose
# `build` is this build tree (tests/cl/docs_test.py); blocks that need a GPU, a phone or root say so.
add_test(NAME docs_test
         COMMAND sh -c "[ -x /usr/bin/python3 ] || { echo 'SKIP: no /usr/bin/python3'; exit 77; }; exec /usr/bin/python3 \"$@\""
                 docs_test ${CMAKE_CURRENT_LIST_DIR}/docs_test.py ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
set_tests_properties(docs_test PROPERTIES LABELS cl SKIP_RETURN_CODE 77 TIMEOUT 900)
