// SPDX-License-Identifier: Apache-2.0
// ProposalQueue: batches of proposals for building ahead (proposals.h).
#include "tuner/proposals.h"

#include <algorithm>

namespace mace_tune {

std::optional<size_t> ProposalQueue::Next(size_t budget_left) {
  if (drawn_.empty()) {
    // Every strategy marks what it proposes, so asking again before a result is told gives the
    // next-best config, not the same one.
    const size_t n = std::max<size_t>(1, std::min(batch_, budget_left));
    for (size_t i = 0; i < n; ++i) {
      const std::optional<size_t> next = strategy_.Next();
      if (!next) break;
      drawn_.push_back(*next);
    }
  }
  if (drawn_.empty()) return std::nullopt;
  const size_t next = drawn_.front();
  drawn_.pop_front();
  return next;
}

std::vector<size_t> ProposalQueue::Upcoming(size_t n) {
  std::vector<size_t> out(drawn_.begin(), drawn_.begin() + static_cast<std::ptrdiff_t>(std::min(n, drawn_.size())));
  if (out.size() < n) {
    for (size_t i : strategy_.Upcoming(n - out.size())) out.push_back(i);
  }
  return out;
}

}  // namespace mace_tune
