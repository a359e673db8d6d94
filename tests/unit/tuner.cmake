# SPDX-License-Identifier: Apache-2.0
# Device-free tests of the OpenCL error table, strategies, workloads and device profiles.
mace_tune_test(NAME cl_error_test LABEL unit SOURCES cl_error_test.cc LIBS mace_tune::runtime)
mace_tune_test(NAME strategies_test LABEL unit SOURCES strategies_test.cc LIBS mace_tune::strategies)
mace_tune_test(NAME tuner_unit_test LABEL unit SOURCES workload_test.cc profiles_test.cc proposals_test.cc LIBS mace_tune::tuner)
mace_tune_test(NAME kernel_limits_test LABEL unit SOURCES kernel_limits_test.cc LIBS mace_tune::tuner)
