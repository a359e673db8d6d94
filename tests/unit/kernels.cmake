# Device-free tests of the kernel families' descriptors and of output verification.
mace_tune_test(NAME gemm_family_test LABEL unit SOURCES gemm_family_test.cc LIBS mace_tune::kernels)
