// SPDX-License-Identifier: Apache-2.0
// Factories of the built-in strategies, one file each; registry.cc maps names to them. Also the
// bookkeeping most strategies share: what was evaluated and how fast it was.
#pragma once

#include <limits>
#include <random>

#include "strategy.h"

namespace mace_tune::detail {

// Outcomes known so far, one slot per config of the space: NaN unknown, +inf failed.
class Seen {
 public:
  explicit Seen(const SearchSpace& space);
  bool Has(size_t i) const { return seen_[i]; }
  const std::vector<bool>& flags() const { return seen_; }
  double Time(size_t i) const { return time_[i]; }
  size_t count() const { return count_; }
  bool Full() const { return count_ >= seen_.size(); }
  void Record(size_t i, const EvalOutcome& o);
  // Marks as proposed without an outcome yet (Time stays NaN until Record).
  void Mark(size_t i);
  std::optional<size_t> Best() const { return best_; }
  double BestTime() const { return best_ ? time_[*best_] : std::numeric_limits<double>::infinity(); }
  // A uniformly drawn config not yet seen; nullopt when all are.
  std::optional<size_t> RandomUnseen(std::mt19937_64& rng) const;
  // Every config seen with an outcome, fastest first (failures last).
  std::vector<size_t> Ranked() const;

 private:
  const SearchSpace& space_;
  std::vector<bool> seen_;
  std::vector<double> time_;
  size_t count_ = 0;
  std::optional<size_t> best_;
};

// The genetic algorithm's child (genetic.cc), also the hybrid's recombination: two parents by binary
// tournament from `parents` (fastest first), uniform crossover of the value positions, then a
// one-step mutation per axis with probability 1/axes. The digits may name an invalid config.
std::vector<int> Offspring(const SearchSpace& space, const std::vector<size_t>& parents, std::mt19937_64& rng);

std::unique_ptr<SearchStrategy> MakeExhaustive(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeRandom(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeAnnealing(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeGenetic(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeDiffEvolution(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeModelBased(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeMaceBaseline(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeTransfer(const SearchSpace& space, const StrategyOptions& o);
std::unique_ptr<SearchStrategy> MakeHybrid(const SearchSpace& space, const StrategyOptions& o);

}  // namespace mace_tune::detail
