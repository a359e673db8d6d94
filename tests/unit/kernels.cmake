# SPDX-License-Identifier: Apache-2.0
# Device-free tests of the kernel families' descriptors and of output verification.
mace_tune_test(NAME gemm_family_test LABEL unit SOURCES gemm_family_test.cc LIBS mace_tune::kernels)
# The description expressions (runtime/desc/expr.h) and the description format's errors.
mace_tune_test(NAME expr_test LABEL unit SOURCES expr_test.cc description_test.cc LIBS mace_tune::kernels)
# A description's prefix check leaves every family's search space as it was (tests/unit/space_prefix_test.cc).
mace_tune_test(NAME space_prefix_test LABEL unit SOURCES space_prefix_test.cc LIBS mace_tune::kernels mace_tune::strategies)
