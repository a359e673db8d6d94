// SPDX-License-Identifier: Apache-2.0
// What the built-in families' CPU references and tolerances share: the fused activations, the
// tolerance model of fp32 / fp16 accumulation (a description's verify.accumulate), and a parallel
// loop for the references that are large (a 4096^3 GEMM is 137 GFLOP in double).
#pragma once

#include <cstdint>
#include <functional>

#include "kernels/kernel_family.h"

namespace mace_tune {

// The fused activation ACT (kernels/mt_tensor.cl): 0 none, 1 relu, 2 relu6, 3 leaky relu
// (alpha 0.1), 4 sigmoid.
double Activate(double x, int64_t act);

// Tolerance for outputs that are sums of `terms` products of inputs uniform in (-1, 1), accumulated
// in fp32 in any order (kernels/gemm_family.cc has the model), plus fp16 storage rounding of the
// output (relative 2^-11, with margin) for fp16 keys.
Tolerance SumTolerance(double terms, const TuningKey& key);

// body(begin, end) over [0, count) split into one contiguous range per hardware thread, each a
// multiple of `grain`; in the calling thread alone when the work is small. Ranges are disjoint, so
// a body that writes only its own rows needs no lock.
void ParallelRanges(int64_t count, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

}  // namespace mace_tune
