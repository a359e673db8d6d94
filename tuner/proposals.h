// SPDX-License-Identifier: Apache-2.0
// The strategy's proposals as the tune loop takes them: one at a time, or a batch at a time when
// several workers build ahead. A strategy that learns decides its next config only once it has been
// told the last result, so with one proposal at a time a build made "ahead" starts only one
// measurement (a few ms) before it is needed; a batch of N proposals is known before the first of
// them is measured, so N programs compile side by side (batch-sequential search).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "search_strategies/strategy.h"

namespace mace_tune {

class ProposalQueue {
 public:
  // `batch` >= 1 proposals are drawn at once (1: exactly the strategy's own sequence).
  ProposalQueue(SearchStrategy& strategy, size_t batch) : strategy_(strategy), batch_(batch < 1 ? 1 : batch) {}

  // The next config; draws a new batch, of at most `budget_left` proposals, when the last is used.
  std::optional<size_t> Next(size_t budget_left);
  // Up to n configs that will be measured next: the rest of the batch, then what the strategy
  // itself knows it will propose.
  std::vector<size_t> Upcoming(size_t n);

 private:
  SearchStrategy& strategy_;
  size_t batch_;
  std::deque<size_t> drawn_;
};

}  // namespace mace_tune
