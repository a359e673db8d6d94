// SPDX-License-Identifier: Apache-2.0
// Activations and the accumulation tolerance model of the built-in families.
#include "kernels/family_util.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <thread>
#include <vector>

namespace mace_tune {

double Activate(double x, int64_t act) {
  switch (act) {
    case 1:
      return std::max(x, 0.0);
    case 2:
      return std::min(std::max(x, 0.0), 6.0);
    case 3:
      return x >= 0 ? x : 0.1 * x;
    case 4:
      return 1.0 / (1.0 + std::exp(-x));
    default:
      return x;
  }
}

Tolerance SumTolerance(double terms, const TuningKey& key) {
  const double k = std::max(terms, 1.0);
  const double eps = FLT_EPSILON;
  Tolerance tol;
  tol.rel_l2 = 2.0 * eps * std::sqrt(k);
  tol.abs_max = 2.0 * eps * k;
  tol.rel_max = 2.0 * eps * std::sqrt(k);
  if (key.dtype == "fp16") {
    const double half_eps = 1.0 / 1024;  // 2x the rounding of an fp16 store (2^-11)
    tol.rel_l2 += half_eps;
    tol.rel_max += half_eps;
    tol.abs_max += 1e-6;
  }
  return tol;
}

void ParallelRanges(int64_t count, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  grain = std::max<int64_t>(grain, 1);
  const int64_t blocks = (count + grain - 1) / grain;
  const int64_t threads = std::min<int64_t>(std::max(1u, std::thread::hardware_concurrency()), blocks);
  if (threads <= 1) {
    if (count > 0) body(0, count);
    return;
  }
  const int64_t per = (blocks + threads - 1) / threads * grain;
  std::vector<std::thread> pool;
  for (int64_t begin = per; begin < count; begin += per) {
    pool.emplace_back(body, begin, std::min(count, begin + per));
  }
  body(0, std::min(count, per));
  for (auto& t : pool) t.join();
}

}  // namespace mace_tune
