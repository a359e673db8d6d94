// SPDX-License-Identifier: Apache-2.0
// Output checking, deterministic random inputs and NaN poisoning (see verify.h).
#include "kernels/verify.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace mace_tune {

VerifyResult Verify(const std::vector<float>& out, const std::vector<float>& ref, const Tolerance& tol) {
  VerifyResult result;
  if (out.size() != ref.size()) {
    result.reason = "output has " + std::to_string(out.size()) + " elements, reference " + std::to_string(ref.size());
    return result;
  }
  double diff2 = 0.0;
  double ref2 = 0.0;
  size_t worst = VerifyResult::kNoIndex;  // the first element beyond tolerance by the largest margin
  double worst_excess = 0.0;
  for (size_t i = 0; i < out.size(); ++i) {
    const double r = ref[i];
    const double o = out[i];
    if (!std::isfinite(r)) {
      result.first_bad_index = i;
      result.reason = "reference[" + std::to_string(i) + "] is not finite";
      return result;
    }
    if (!std::isfinite(o)) {
      result.rel_l2 = result.max_abs_error = std::numeric_limits<double>::infinity();
      result.first_bad_index = i;
      result.reason = std::string("out[") + std::to_string(i) + "] is " + (std::isnan(o) ? "NaN" : "Inf") +
                      " (not written, or overflow)";
      return result;
    }
    const double d = std::fabs(o - r);
    diff2 += d * d;
    ref2 += r * r;
    result.max_abs_error = std::max(result.max_abs_error, d);
    const double allowed = tol.abs_max + tol.rel_max * std::fabs(r);
    if (d > allowed) {
      if (result.first_bad_index == VerifyResult::kNoIndex) result.first_bad_index = i;
      if (d - allowed > worst_excess) {
        worst_excess = d - allowed;
        worst = i;
      }
    }
  }
  const double diff_norm = std::sqrt(diff2);
  const double ref_norm = std::sqrt(ref2);
  result.rel_l2 = ref_norm > 0.0 ? diff_norm / ref_norm : (diff_norm > 0.0 ? HUGE_VAL : 0.0);

  if (result.first_bad_index != VerifyResult::kNoIndex) {
    const size_t i = result.first_bad_index;
    result.reason = "out[" + std::to_string(i) + "] = " + std::to_string(out[i]) + ", expected " +
                    std::to_string(ref[i]) + "; worst out[" + std::to_string(worst) +
                    "] = " + std::to_string(out[worst]) + ", expected " + std::to_string(ref[worst]) +
                    " (max abs error " + std::to_string(result.max_abs_error) + ")";
    return result;
  }
  if (result.rel_l2 > tol.rel_l2 && diff_norm > tol.abs_max) {
    result.reason = "relative L2 error " + std::to_string(result.rel_l2) + " exceeds " + std::to_string(tol.rel_l2);
    return result;
  }
  result.ok = true;
  return result;
}

void FillRandom(std::vector<float>* v, uint64_t seed) {
  std::mt19937_64 engine(seed);
  constexpr double kScale = 1.0 / 16777216.0;  // 2^-24
  for (float& x : *v) {
    // u = the top 24 bits; (2u + 1) / 2^24 - 1 spans (-1, 1) in steps of 2^-23 and is never 0.
    const uint64_t odd = ((engine() >> 40) << 1) | 1;
    x = static_cast<float>(static_cast<double>(odd) * kScale - 1.0);
  }
}

void Poison(std::vector<float>* v) { std::fill(v->begin(), v->end(), std::numeric_limits<float>::quiet_NaN()); }

}  // namespace mace_tune
