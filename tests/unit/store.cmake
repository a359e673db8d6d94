# SPDX-License-Identifier: Apache-2.0
# Unit tests of the SQLite results store (store/store.h): real files in a temporary directory.
mace_tune_test(NAME store_test LABEL unit SOURCES ${CMAKE_CURRENT_LIST_DIR}/store_test.cc
               LIBS mace_tune::store)
