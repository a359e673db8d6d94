// SPDX-License-Identifier: Apache-2.0
// The shared record of what a strategy has evaluated (strategies.h).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "strategies.h"

namespace mace_tune::detail {

Seen::Seen(const SearchSpace& space) : space_(space), seen_(space.size(), false), time_(space.size(), std::nan("")) {}

void Seen::Mark(size_t i) {
  if (!seen_[i]) ++count_;
  seen_[i] = true;
}

void Seen::Record(size_t i, const EvalOutcome& o) {
  Mark(i);
  time_[i] = o.ok ? o.time_ns : std::numeric_limits<double>::infinity();
  if (o.ok && (!best_ || o.time_ns < time_[*best_])) best_ = i;
}

std::optional<size_t> Seen::RandomUnseen(std::mt19937_64& rng) const {
  if (Full() || seen_.empty()) return std::nullopt;
  for (int tries = 0; tries < 64; ++tries) {
    const size_t i = space_.RandomIndex(rng);
    if (!seen_[i]) return i;
  }
  // Mostly seen: a uniform choice among the rest.
  std::vector<size_t> rest;
  for (size_t i = 0; i < seen_.size(); ++i) {
    if (!seen_[i]) rest.push_back(i);
  }
  return rest[std::uniform_int_distribution<size_t>(0, rest.size() - 1)(rng)];
}

std::vector<size_t> Seen::Ranked() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < seen_.size(); ++i) {
    if (seen_[i] && !std::isnan(time_[i])) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) { return time_[a] < time_[b]; });
  return out;
}

}  // namespace mace_tune::detail
