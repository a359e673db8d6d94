// SPDX-License-Identifier: Apache-2.0
// The GEMM family's CPU reference (double accumulation). Everything else about the family is its
// description, kernels/gemm.toml.
//
// The tolerance (gemm.toml: verify.accumulate = "K", the model of family_util.h's SumTolerance),
// for inputs uniform in [-1, 1] (FillRandom): an fp32 dot product of length K accumulated in any order (sequential,
// tiled, with or without FMA) rounds O(K) partial sums of typical size ~sqrt(k/9); the errors add like a random walk,
// so (measured, sequential order, the worst common one) the relative L2 error is ~0.15-0.22 * eps * sqrt(K) and the
// largest absolute error over 4096 outputs ~0.25-0.45 * eps * K, eps = FLT_EPSILON. Elements with a large |C| carry
// large partial sums, hence an extra relative term ~ eps * sqrt(K) * |ref|. The thresholds
// sit ~10x above the typical and ~4x above the largest errors seen for K = 1..4096 (see
// tests/unit/gemm_family_test.cc), yet a missing or wrong element (off by a product |a*b| ~ 0.25,
// or by a whole |C| ~ sqrt(K)/3) exceeds them by orders of magnitude; NaN always fails.
#include <algorithm>

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"

namespace mace_tune {
namespace {

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
  const auto m = static_cast<size_t>(key.Dim("M")), n = static_cast<size_t>(key.Dim("N"));
  const auto k = static_cast<size_t>(key.Dim("K"));
  const float* a = inputs[0]->data();
  const float* b = inputs[1]->data();
  std::vector<float> c(m * n);
  // Loop order i, k, j over blocks of kRows rows: each row of B, streamed once per block, updates
  // kRows double accumulator rows that stay in cache; the j loop is contiguous and vectorizes.
  // Blocks of rows are independent: one range of them per thread.
  constexpr size_t kRows = 4;
  ParallelRanges(static_cast<int64_t>(m), kRows, [&](int64_t first, int64_t last) {
    std::vector<double> acc(kRows * n);
    for (auto i0 = static_cast<size_t>(first); i0 < static_cast<size_t>(last); i0 += kRows) {
      const size_t rows = std::min(kRows, static_cast<size_t>(last) - i0);
      std::fill(acc.begin(), acc.end(), 0.0);
      for (size_t kk = 0; kk < k; ++kk) {
        const float* brow = b + kk * n;
        for (size_t r = 0; r < rows; ++r) {
          const double av = a[(i0 + r) * k + kk];
          double* crow = acc.data() + r * n;
          for (size_t j = 0; j < n; ++j) crow[j] += av * static_cast<double>(brow[j]);
        }
      }
      for (size_t r = 0; r < rows; ++r) {
        for (size_t j = 0; j < n; ++j) c[(i0 + r) * n + j] = static_cast<float>(acc[r * n + j]);
      }
    }
  });
  return {std::move(c)};
}

}  // namespace

MT_REGISTER_CPU_REFERENCE(gemm, Reference);

}  // namespace mace_tune
