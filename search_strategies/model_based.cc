// SPDX-License-Identifier: Apache-2.0
// Model-based search (Bayesian optimisation with a tree-ensemble surrogate, as in SMAC) with a
// model-guided local search: after a few random configs, fit extremely randomized trees to
// log(time); while the best configs have unseen neighbours (SearchSpace::Steps: one step along
// one axis, moving other axes too where the constraints demand it), evaluate the one the model predicts
// fastest (refine around the incumbents), else the config of a candidate pool (random unseen +
// unseen neighbours of the best) with the highest expected improvement (explore). Failed configs
// enter the model as slower than the slowest success. Besides each axis, the trees see the
// work-group size log2(LX*LY*LZ): what matters most on a GPU is the product, which no single
// local-size axis shows. `hybrid` is this with recombination turns (model_based.h, hybrid.cc).
#include "model_based.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>

#include "extra_trees.h"
#include "strategies.h"

namespace mace_tune::detail {
namespace {

constexpr size_t kInitial = 5;
constexpr int kTrees = 40;
constexpr size_t kPool = 300;
constexpr size_t kTopNeighbours = 5;  // the exploring pool also holds these configs' neighbours
constexpr size_t kLocalTop = 3;       // local steps go to neighbours of the 3 best configs

double ExpectedImprovement(double best, double mean, double sd) {
  const double gain = best - mean;
  if (sd < 1e-12) return std::max(0.0, gain);
  const double z = gain / sd;
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  return gain * cdf + sd * pdf;
}

class ModelBased final : public SearchStrategy {
 public:
  ModelBased(const SearchSpace& space, const StrategyOptions& o, const ModelSettings& settings)
      : space_(space),
        settings_(settings),
        rng_(o.seed),
        seen_(space),
        model_(kTrees, 1),
        features_(ModelFeatures(space, settings.foreign_local_names)) {}
  std::string_view Name() const override { return settings_.name; }

  std::optional<size_t> Next() override {
    if (!drawn_.empty()) {
      const size_t pick = drawn_.front();
      drawn_.pop_front();
      return pick;
    }
    std::optional<size_t> pick;
    const std::vector<size_t> ranked = seen_.Ranked();
    if (ranked.size() < kInitial || !seen_.Best()) {
      pick = seen_.RandomUnseen(rng_);
    } else {
      if (Stale(ranked.size())) Fit(ranked);
      if (Recombining(ranked) && ++turns_ % settings_.recombine_every == 0) {
        pick = Recombine(ranked);
      }
      if (!pick) pick = Local(ranked);
      if (!pick && settings_.recombine_when_stalled && Recombining(ranked)) pick = Recombine(ranked);
      if (!pick) pick = ByExpectedImprovement(ranked);
    }
    if (pick) seen_.Mark(*pick);
    return pick;
  }
  void Tell(size_t index, const EvalOutcome& o) override { seen_.Record(index, o); }
  // The random start is known ahead: while fewer than kInitial configs are seen (told or
  // proposed), Next() draws at random whatever the outcomes, so drawing those now, in the same
  // order from the same generator, proposes exactly what it would have proposed anyway.
  std::vector<size_t> Upcoming(size_t n) override {
    while (drawn_.size() < n && seen_.count() < kInitial) {
      const auto pick = seen_.RandomUnseen(rng_);
      if (!pick) break;
      seen_.Mark(*pick);
      drawn_.push_back(*pick);
    }
    return {drawn_.begin(), drawn_.begin() + static_cast<std::ptrdiff_t>(std::min(n, drawn_.size()))};
  }

 private:
  bool Recombining(const std::vector<size_t>& ranked) const {
    return settings_.recombine_from > 0 && ranked.size() >= settings_.recombine_from;
  }

  // Whether to refit the trees: always for `model`; for `hybrid` once the history grew by
  // refit_growth since the last fit (every 100th evaluation at 1,000), which keeps a proposal's
  // cost near flat as the history grows, while trees fitted on 90% of it predict alike.
  bool Stale(size_t history) const {
    return fitted_ == 0 || static_cast<double>(history) >= static_cast<double>(fitted_) * (1 + settings_.refit_growth);
  }

  void Fit(const std::vector<size_t>& ranked) {
    fitted_ = ranked.size();
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    double worst = -1e300;
    for (size_t i : ranked) {
      if (std::isfinite(seen_.Time(i))) worst = std::max(worst, std::log(seen_.Time(i)));
    }
    for (size_t i : ranked) {
      x.push_back(features_[i]);
      y.push_back(std::isfinite(seen_.Time(i)) ? std::log(seen_.Time(i)) : worst + 1.0);
    }
    model_.Fit(x, y, rng_);
  }

  // Unseen neighbours of the first `top` ranked configs, plus `random` random unseen configs.
  std::set<size_t> Candidates(const std::vector<size_t>& ranked, size_t top, size_t random) {
    std::set<size_t> pool;
    for (size_t k = 0; k < top && k < ranked.size(); ++k) {
      for (size_t n : StepsOf(ranked[k])) {
        if (!seen_.Has(n)) pool.insert(n);
      }
    }
    for (size_t k = 0; k < random; ++k) {
      if (auto r = seen_.RandomUnseen(rng_)) pool.insert(*r);
    }
    return pool;
  }

  // SearchSpace::Steps, remembered: the best configs change rarely, and each proposal asks again.
  const std::vector<size_t>& StepsOf(size_t index) {
    auto it = steps_.find(index);
    if (it == steps_.end()) it = steps_.emplace(index, space_.Steps(index)).first;
    return it->second;
  }

  // Recombination screened by the trees: of `children` offspring of the best `parents` configs
  // (the genetic algorithm's crossover and mutation), the unseen valid one predicted fastest. It
  // reaches combinations of the incumbents' values that no single step does.
  std::optional<size_t> Recombine(const std::vector<size_t>& ranked) {
    const size_t n = std::min(settings_.parents, ranked.size());
    const std::vector<size_t> parents(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n));
    std::optional<size_t> pick;
    double pick_mean = 1e300;
    for (size_t k = 0; k < settings_.children; ++k) {
      const auto child = space_.IndexOfDigits(Offspring(space_, parents, rng_));
      if (!child || seen_.Has(*child)) continue;
      double mean = 0, sd = 0;
      model_.Predict(features_[*child], &mean, &sd);
      if (mean < pick_mean) {
        pick_mean = mean;
        pick = child;
      }
    }
    return pick;
  }

  // The unseen neighbour of the best configs with the lowest predicted time, if there is one.
  std::optional<size_t> Local(const std::vector<size_t>& ranked) {
    std::optional<size_t> pick;
    double pick_mean = 1e300;
    for (size_t c : Candidates(ranked, kLocalTop, 0)) {
      double mean = 0, sd = 0;
      model_.Predict(features_[c], &mean, &sd);
      if (mean < pick_mean) {
        pick_mean = mean;
        pick = c;
      }
    }
    return pick;
  }

  std::optional<size_t> ByExpectedImprovement(const std::vector<size_t>& ranked) {
    const double best = std::log(seen_.BestTime());
    std::optional<size_t> pick;
    double pick_ei = -1;
    for (size_t c : Candidates(ranked, kTopNeighbours, kPool)) {
      double mean = 0, sd = 0;
      model_.Predict(features_[c], &mean, &sd);
      const double ei = ExpectedImprovement(best, mean, sd);
      if (ei > pick_ei) {
        pick_ei = ei;
        pick = c;
      }
    }
    return pick;
  }

  const SearchSpace& space_;
  ModelSettings settings_;
  std::mt19937_64 rng_;
  Seen seen_;
  ExtraTrees model_;
  std::deque<size_t> drawn_;                   // drawn ahead by Upcoming(), proposed first
  std::vector<std::vector<double>> features_;  // what the trees see of each config
  std::unordered_map<size_t, std::vector<size_t>> steps_;
  size_t fitted_ = 0;  // history size at the last fit
  size_t turns_ = 0;   // proposals since recombination began
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeModelBased(const SearchSpace& space, const StrategyOptions& o,
                                               const ModelSettings& settings) {
  return std::make_unique<ModelBased>(space, o, settings);
}

std::unique_ptr<SearchStrategy> MakeModelBased(const SearchSpace& space, const StrategyOptions& o) {
  return MakeModelBased(space, o, ModelSettings{});
}

}  // namespace mace_tune::detail
