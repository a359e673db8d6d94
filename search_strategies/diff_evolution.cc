// SPDX-License-Identifier: Apache-2.0
// Differential evolution (DE/rand/1/bin) in the normalized encoding of the space: each target of
// the population gets a trial a + F (b - c) crossed with it; the trial snaps to the nearest unseen
// valid config and replaces its target when faster.
#include <algorithm>
#include <cmath>
#include <map>

#include "strategies.h"

namespace mace_tune::detail {
namespace {

constexpr double kF = 0.7;
constexpr double kCrossover = 0.8;

class DiffEvolution final : public SearchStrategy {
 public:
  DiffEvolution(const SearchSpace& space, const StrategyOptions& o)
      : space_(space), rng_(o.seed), seen_(space), size_(std::clamp<size_t>(space.size() / 20, 5, 12)) {}
  std::string_view Name() const override { return "diffevo"; }

  std::optional<size_t> Next() override {
    if (seen_.Full()) return std::nullopt;
    std::optional<size_t> pick;
    if (members_.size() + trial_of_.size() < size_) {
      pick = seen_.RandomUnseen(rng_);
      if (pick) trial_of_[*pick] = members_.size() + trial_of_.size();  // a new member
    } else if (members_.size() >= 4) {
      const size_t target = next_target_++ % members_.size();
      pick = space_.Nearest(Trial(target), &seen_.flags());
      if (pick) trial_of_[*pick] = target;
    } else {
      pick = seen_.RandomUnseen(rng_);  // the first members failed: keep drawing
    }
    if (pick) seen_.Mark(*pick);
    return pick;
  }

  void Tell(size_t index, const EvalOutcome& o) override {
    seen_.Record(index, o);
    const auto it = trial_of_.find(index);
    if (it == trial_of_.end()) return;
    const size_t target = it->second;
    trial_of_.erase(it);
    if (!o.ok) return;
    if (target >= members_.size()) {
      members_.push_back(index);
    } else if (o.time_ns < seen_.Time(members_[target])) {
      members_[target] = index;
    }
  }

 private:
  std::vector<double> Trial(size_t target) {
    std::uniform_int_distribution<size_t> any(0, members_.size() - 1);
    size_t a, b, c;
    do {
      a = any(rng_);
    } while (a == target);
    do {
      b = any(rng_);
    } while (b == target || b == a);
    do {
      c = any(rng_);
    } while (c == target || c == a || c == b);
    const auto& x = space_.Encode(members_[target]);
    const auto &va = space_.Encode(members_[a]), &vb = space_.Encode(members_[b]), &vc = space_.Encode(members_[c]);
    std::vector<double> trial = x;
    const size_t axes = x.size();
    const size_t forced = std::uniform_int_distribution<size_t>(0, axes == 0 ? 0 : axes - 1)(rng_);
    std::uniform_real_distribution<double> u(0, 1);
    for (size_t d = 0; d < axes; ++d) {
      if (d == forced || u(rng_) < kCrossover) trial[d] = std::clamp(va[d] + kF * (vb[d] - vc[d]), 0.0, 1.0);
    }
    return trial;
  }

  const SearchSpace& space_;
  std::mt19937_64 rng_;
  Seen seen_;
  size_t size_;
  std::vector<size_t> members_;        // indices of the population's configs
  std::map<size_t, size_t> trial_of_;  // proposed config -> the member it competes with
  size_t next_target_ = 0;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeDiffEvolution(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<DiffEvolution>(space, o);
}

}  // namespace mace_tune::detail
