// SPDX-License-Identifier: Apache-2.0
// Exhaustive search: every config once, in the space's order.
#include "strategies.h"

namespace mace_tune::detail {
namespace {

class Exhaustive final : public SearchStrategy {
 public:
  explicit Exhaustive(const SearchSpace& space) : size_(space.size()) {}
  std::string_view Name() const override { return "exhaustive"; }
  std::optional<size_t> Next() override {
    if (next_ >= size_) return std::nullopt;
    return next_++;
  }
  void Tell(size_t, const EvalOutcome&) override {}
  std::vector<size_t> Upcoming(size_t n) override {
    std::vector<size_t> out;
    for (size_t i = next_; i < size_ && out.size() < n; ++i) out.push_back(i);
    return out;
  }

 private:
  size_t size_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeExhaustive(const SearchSpace& space, const StrategyOptions&) {
  return std::make_unique<Exhaustive>(space);
}

}  // namespace mace_tune::detail
