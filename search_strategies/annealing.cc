// SPDX-License-Identifier: Apache-2.0
// Simulated annealing over the neighbour graph of the space: step to an unseen neighbour, accept a
// slower one with probability exp(-relative slowdown / temperature), cool geometrically, and jump
// back to the best config after a run of steps without improvement.
#include <cmath>

#include "strategies.h"

namespace mace_tune::detail {
namespace {

constexpr double kStartTemperature = 0.3;  // a 30% slower config is accepted with p = 1/e at first
constexpr double kCooling = 0.93;
constexpr double kMinTemperature = 0.002;
constexpr int kRestartAfter = 12;  // steps without a new best before returning to the best

class Annealing final : public SearchStrategy {
 public:
  Annealing(const SearchSpace& space, const StrategyOptions& o) : space_(space), rng_(o.seed), seen_(space) {
    if (o.start) current_ = space.Match(*o.start);
  }
  std::string_view Name() const override { return "annealing"; }

  std::optional<size_t> Next() override {
    std::optional<size_t> pick;
    if (current_) {
      std::vector<size_t> open;
      for (size_t n : space_.Neighbours(*current_)) {
        if (!seen_.Has(n)) open.push_back(n);
      }
      if (!open.empty()) pick = open[std::uniform_int_distribution<size_t>(0, open.size() - 1)(rng_)];
    }
    if (!pick) pick = seen_.RandomUnseen(rng_);  // start, or a dead end: restart elsewhere
    if (pick) seen_.Mark(*pick);
    return pick;
  }

  void Tell(size_t index, const EvalOutcome& o) override {
    const double best_before = seen_.BestTime();
    seen_.Record(index, o);
    stale_ = seen_.BestTime() < best_before ? 0 : stale_ + 1;
    temperature_ = std::max(kMinTemperature, temperature_ * kCooling);
    if (!o.ok) return;
    const double here = current_ ? seen_.Time(*current_) : std::nan("");
    if (!current_ || std::isnan(here) || std::isinf(here) || o.time_ns <= here) {
      current_ = index;
    } else if (std::uniform_real_distribution<double>(0, 1)(rng_) < std::exp(-(o.time_ns / here - 1) / temperature_)) {
      current_ = index;
    }
    if (stale_ >= kRestartAfter) {
      current_ = seen_.Best();
      stale_ = 0;
    }
  }

 private:
  const SearchSpace& space_;
  std::mt19937_64 rng_;
  Seen seen_;
  std::optional<size_t> current_;
  double temperature_ = kStartTemperature;
  int stale_ = 0;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeAnnealing(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<Annealing>(space, o);
}

}  // namespace mace_tune::detail
