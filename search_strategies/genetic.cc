// SPDX-License-Identifier: Apache-2.0
// A (mu + lambda) genetic algorithm on the value positions of the axes: parents by binary
// tournament among the best evaluated configs, uniform crossover, a one-step mutation per axis with
// probability 1/axes; a child that is invalid or already seen snaps to the nearest unseen config.
#include <algorithm>
#include <deque>

#include "strategies.h"

namespace mace_tune::detail {
namespace {

class Genetic final : public SearchStrategy {
 public:
  Genetic(const SearchSpace& space, const StrategyOptions& o)
      : space_(space), rng_(o.seed), seen_(space), population_(std::clamp<size_t>(space.size() / 20, 6, 16)) {}
  std::string_view Name() const override { return "genetic"; }

  std::optional<size_t> Next() override {
    while (true) {
      if (seen_.Full()) return std::nullopt;
      if (pending_.empty()) Breed();
      if (pending_.empty()) return std::nullopt;
      const size_t pick = pending_.front();
      pending_.pop_front();
      if (seen_.Has(pick)) continue;
      seen_.Mark(pick);
      return pick;
    }
  }
  void Tell(size_t index, const EvalOutcome& o) override { seen_.Record(index, o); }

 private:
  void Breed() {
    const std::vector<size_t> ranked = seen_.Ranked();
    if (ranked.size() < population_) {  // first generation: random
      for (size_t i = 0; i < population_; ++i) Push(seen_.RandomUnseen(rng_));
      return;
    }
    const std::vector<size_t> parents(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(population_));
    const size_t axes = space_.params().size();
    for (size_t c = 0; c < population_; ++c) {
      const std::vector<int> child = Offspring(space_, parents, rng_);
      std::optional<size_t> index = space_.IndexOfDigits(child);
      if (!index || seen_.Has(*index) || Pending(*index)) {
        std::vector<double> point(axes);
        for (size_t x = 0; x < axes; ++x) {
          const size_t n = space_.params()[x].values.size();
          point[x] = n > 1 ? child[x] / static_cast<double>(n - 1) : 0.0;
        }
        std::vector<bool> skip = seen_.flags();
        for (size_t p : pending_) skip[p] = true;
        index = space_.Nearest(point, &skip);
      }
      Push(index);
    }
  }
  bool Pending(size_t i) const { return std::find(pending_.begin(), pending_.end(), i) != pending_.end(); }
  void Push(std::optional<size_t> i) {
    if (i && !Pending(*i)) pending_.push_back(*i);
  }

  const SearchSpace& space_;
  std::mt19937_64 rng_;
  Seen seen_;
  size_t population_;
  std::deque<size_t> pending_;
};

}  // namespace

std::vector<int> Offspring(const SearchSpace& space, const std::vector<size_t>& parents, std::mt19937_64& rng) {
  std::uniform_int_distribution<size_t> any(0, parents.size() - 1);
  auto tournament = [&] { return parents[std::min(any(rng), any(rng))]; };  // sorted: lower is faster
  const auto& a = space.Digits(tournament());
  const auto& b = space.Digits(tournament());
  const size_t axes = space.params().size();
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<int> child(axes);
  for (size_t x = 0; x < axes; ++x) {
    child[x] = u(rng) < 0.5 ? a[x] : b[x];
    if (u(rng) < 1.0 / static_cast<double>(axes)) {
      const int top = static_cast<int>(space.params()[x].values.size()) - 1;
      child[x] = std::clamp(child[x] + (u(rng) < 0.5 ? -1 : 1), 0, top);
    }
  }
  return child;
}

std::unique_ptr<SearchStrategy> MakeGenetic(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<Genetic>(space, o);
}

}  // namespace mace_tune::detail
