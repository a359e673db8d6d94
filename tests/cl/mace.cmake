# SPDX-License-Identifier: Apache-2.0
# MACE interop end to end (docs/runtime.md "Shipping to a MACE app"): the MACE-convention example
# kernel tuned, emitted with --format mace in both layouts, decoded by an independent reader
# (python3-protobuf, zlib's CRC-32, struct), read back by inspect and import-mace, and used by
# tune --prior-from. Skipped (77) without an OpenCL device or python3-protobuf.
add_test(NAME mace_interop_test
         COMMAND sh -c "[ -x /usr/bin/python3 ] || { echo 'SKIP: no /usr/bin/python3'; exit 77; }; exec /usr/bin/python3 \"$@\""
                 mace_interop_test ${CMAKE_CURRENT_LIST_DIR}/mace_interop_test.py ${PROJECT_SOURCE_DIR}
                 $<TARGET_FILE:mace_tune_cli>)
set_tests_properties(mace_interop_test PROPERTIES LABELS cl SKIP_RETURN_CODE 77 TIMEOUT 300)
