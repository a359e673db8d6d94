// SPDX-License-Identifier: Apache-2.0
// Random search: configs drawn uniformly without replacement, from a seeded permutation, so the
// same seed proposes the same sequence (which is what makes resume exact).
#include <algorithm>
#include <numeric>
#include <random>

#include "strategies.h"

namespace mace_tune::detail {
namespace {

class RandomSearch final : public SearchStrategy {
 public:
  RandomSearch(const SearchSpace& space, uint64_t seed) : order_(space.size()), seen_(space) {
    std::iota(order_.begin(), order_.end(), size_t{0});
    std::mt19937_64 rng(seed);
    std::shuffle(order_.begin(), order_.end(), rng);
  }
  std::string_view Name() const override { return "random"; }
  std::optional<size_t> Next() override {
    while (next_ < order_.size() && seen_.Has(order_[next_])) ++next_;
    if (next_ >= order_.size()) return std::nullopt;
    seen_.Mark(order_[next_]);
    return order_[next_++];
  }
  std::vector<size_t> Upcoming(size_t n) override {
    std::vector<size_t> out;
    for (size_t i = next_; i < order_.size() && out.size() < n; ++i) {
      if (!seen_.Has(order_[i])) out.push_back(order_[i]);
    }
    return out;
  }
  // A config told without being proposed (known beforehand) is not proposed again.
  void Tell(size_t index, const EvalOutcome& outcome) override { seen_.Record(index, outcome); }

 private:
  std::vector<size_t> order_;
  size_t next_ = 0;
  Seen seen_;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeRandom(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<RandomSearch>(space, o.seed);
}

}  // namespace mace_tune::detail
