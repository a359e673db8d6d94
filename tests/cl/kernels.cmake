# SPDX-License-Identifier: Apache-2.0
# Every GEMM variant against the CPU reference on awkward small shapes (PoCL in CI).
mace_tune_test(NAME gemm_test LABEL cl SOURCES gemm_test.cc LIBS mace_tune::kernels)
# Every other family x variant x dtype against its reference (tests/cl/family_sweep.h).
mace_tune_test(NAME families_test LABEL cl SOURCES families_test.cc family_sweep.cc LIBS mace_tune::kernels)
