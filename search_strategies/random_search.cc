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
  RandomSearch(const SearchSpace& space, uint64_t seed) : order_(space.size()) {
    std::iota(order_.begin(), order_.end(), size_t{0});
    std::mt19937_64 rng(seed);
    std::shuffle(order_.begin(), order_.end(), rng);
  }
  std::string_view Name() const override { return "random"; }
  std::optional<size_t> Next() override {
    if (next_ >= order_.size()) return std::nullopt;
    return order_[next_++];
  }
  void Tell(size_t, const EvalOutcome&) override {}

 private:
  std::vector<size_t> order_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeRandom(const SearchSpace& space, uint64_t seed) {
  return std::make_unique<RandomSearch>(space, seed);
}

}  // namespace mace_tune::detail
