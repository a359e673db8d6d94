// SPDX-License-Identifier: Apache-2.0
// Shared by the runtime's cl tests: a fresh Runtime on the test device, the GEMM instance they
// use, and a check that a prepared kernel computes it like the CPU does.
#pragma once

#include <memory>
#include <string>

#include "mace_tune/runtime.h"
#include "test_device.h"

namespace mace_tune::test {

// Odd sizes, so every edge guard of the kernel runs.
inline constexpr const char* kKey = "gemm:K=19,M=37,N=29:fp32";

std::unique_ptr<Runtime> NewRuntime(const RuntimeOptions& options = RuntimeOptions());

// Runs the kernel with its config's geometry on random inputs and compares C with a double
// precision CPU GEMM (Catch2 checks).
void CheckGemm(const PreparedKernel& kernel);

}  // namespace mace_tune::test
