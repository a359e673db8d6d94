# Every GEMM variant against the CPU reference on awkward small shapes (PoCL in CI).
mace_tune_test(NAME gemm_test LABEL cl SOURCES gemm_test.cc LIBS mace_tune::kernels)
