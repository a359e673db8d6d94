// Model-based search (Bayesian optimisation with a tree-ensemble surrogate, as in SMAC): after a
// few random configs, fit extremely randomized trees to log(time) and evaluate the config of a
// candidate pool (random unseen configs + unseen neighbours of the best) with the highest expected
// improvement. Failed configs enter the model as slower than the slowest success.
#include <algorithm>
#include <cmath>
#include <deque>
#include <set>

#include "extra_trees.h"
#include "strategies.h"

namespace mace_tune::detail {
namespace {

constexpr size_t kInitial = 10;
constexpr size_t kPool = 300;
constexpr size_t kTopNeighbours = 5;

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
  ModelBased(const SearchSpace& space, const StrategyOptions& o)
      : space_(space), rng_(o.seed), seen_(space), model_(24, 1) {}
  std::string_view Name() const override { return "model"; }

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
      pick = ByExpectedImprovement(ranked);
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
  std::optional<size_t> ByExpectedImprovement(const std::vector<size_t>& ranked) {
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    double worst = -1e300;
    for (size_t i : ranked) {
      if (std::isfinite(seen_.Time(i))) worst = std::max(worst, std::log(seen_.Time(i)));
    }
    for (size_t i : ranked) {
      x.push_back(space_.Encode(i));
      y.push_back(std::isfinite(seen_.Time(i)) ? std::log(seen_.Time(i)) : worst + 1.0);
    }
    model_.Fit(x, y, rng_);
    std::set<size_t> pool;
    for (size_t k = 0; k < kTopNeighbours && k < ranked.size(); ++k) {
      for (size_t n : space_.Neighbours(ranked[k])) {
        if (!seen_.Has(n)) pool.insert(n);
      }
    }
    for (size_t k = 0; k < kPool; ++k) {
      if (auto r = seen_.RandomUnseen(rng_)) pool.insert(*r);
    }
    const double best = std::log(seen_.BestTime());
    std::optional<size_t> pick;
    double pick_ei = -1;
    for (size_t c : pool) {
      double mean = 0, sd = 0;
      model_.Predict(space_.Encode(c), &mean, &sd);
      const double ei = ExpectedImprovement(best, mean, sd);
      if (ei > pick_ei) {
        pick_ei = ei;
        pick = c;
      }
    }
    return pick;
  }

  const SearchSpace& space_;
  std::mt19937_64 rng_;
  Seen seen_;
  ExtraTrees model_;
  std::deque<size_t> drawn_;  // drawn ahead by Upcoming(), proposed first
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeModelBased(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<ModelBased>(space, o);
}

}  // namespace mace_tune::detail
