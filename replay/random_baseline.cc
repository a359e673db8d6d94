// SPDX-License-Identifier: Apache-2.0
// Uniform random search without replacement, computed rather than sampled (replay.h): the baseline
// every replayed strategy is read against, exact where 50 or 1,000 sampled seeds still wander.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "replay/replay.h"

namespace mace_tune {
namespace {

// P(none of the first k draws is good) = C(n-g, k) / C(n, k) = prod_{i<g} (n-k-i) / (n-i): g terms.
long double NoneGood(size_t n, size_t good, size_t k) {
  if (k + good > n) return 0;
  long double p = 1;
  for (size_t i = 0; i < good; ++i) p *= static_cast<long double>(n - k - i) / static_cast<long double>(n - i);
  return p;
}

// Whether C(n-g, k) / C(n, k) is exactly 1/2, in integers where they fit (g <= 7 for n < 2^16
// keeps 2^(16g+1) < 2^128); for larger g the products are not exact, and a tie is all but impossible.
bool ExactlyHalf(size_t n, size_t good, size_t k) {
  if (good > 7 || n >= (size_t{1} << 16) || k + good > n) return false;
  unsigned __int128 top = 2, bottom = 1;
  for (size_t i = 0; i < good; ++i) {
    top *= n - k - i;
    bottom *= n - i;
  }
  return top == bottom;
}

}  // namespace

double RandomReachProbability(size_t n, size_t good, size_t k) {
  if (good == 0) return 0;
  return static_cast<double>(1 - NoneGood(n, good, std::min(k, n)));
}

double RandomExactMedian(size_t n, size_t good) {
  if (good == 0 || good > n) throw std::invalid_argument("random search's median needs 1 <= good <= configs");
  size_t lo = 1, hi = n - good + 1;  // by hi draws a good config has surely come
  while (lo < hi) {                  // the smallest k with P(first good <= k) >= 1/2
    const size_t mid = lo + (hi - lo) / 2;
    if (ExactlyHalf(n, good, mid) || 1 - NoneGood(n, good, mid) >= 0.5L) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  // Where P(first good <= k) is exactly 1/2 every point of [k, k+1] is a median: take the middle,
  // as the median of many seeds would (one good config among 4,362: 2181.5).
  return ExactlyHalf(n, good, lo) ? static_cast<double>(lo) + 0.5 : static_cast<double>(lo);
}

}  // namespace mace_tune
