# SPDX-License-Identifier: Apache-2.0
# Tests on a real OpenCL device: the OpenCL core, the tuning loop, resume after kill -9, the CLI.
mace_tune_test(NAME cl_core_test LABEL cl SOURCES cl_core_test.cc LIBS mace_tune::tuner)
mace_tune_test(NAME tune_test LABEL cl
               SOURCES tune_test.cc cli_test.cc hardening_cli_test.cc cli_json_test.cc $<TARGET_OBJECTS:mace_tune_remote_test_util>
               LIBS mace_tune::tuner mace_tune::formats)
add_dependencies(tune_test mace_tune_cli)
target_compile_definitions(tune_test PRIVATE MACE_TUNE_TEST_VERSION="${PROJECT_VERSION}")
# What a run records besides evaluations (final re-measurement, device state, cool-down; emit's
# choice) and the build threads, on a real device.
mace_tune_test(NAME tune_record_test LABEL cl SOURCES tune_record_test.cc prebuild_test.cc
               LIBS mace_tune::tuner mace_tune::emit)
# A user's kernel (tests/data/user_kernels/scale.toml) tuned, emitted and launched by the runtime.
mace_tune_test(NAME user_kernel_test LABEL cl SOURCES user_kernel_test.cc LIBS mace_tune::tuner mace_tune::emit)
