# SPDX-License-Identifier: Apache-2.0
# Crash-proof tuning on a real device: the evaluation worker crashes and hangs, tuning completes.
mace_tune_test(NAME isolate_test LABEL cl
               SOURCES isolate_test.cc $<TARGET_OBJECTS:mace_tune_remote_test_util> LIBS mace_tune::tuner)
