// SPDX-License-Identifier: Apache-2.0
// Transfer: first the best configs recorded for other devices and nearby shapes (options.history;
// sources nearest first, each source's fastest first, round robin), then an inner strategy that is
// told every result, so it starts from the best seed.
#include <algorithm>
#include <map>

#include "strategies.h"

namespace mace_tune::detail {
namespace {

constexpr size_t kPerSource = 3;
constexpr size_t kMaxSeeds = 12;

class Transfer final : public SearchStrategy {
 public:
  Transfer(const SearchSpace& space, const StrategyOptions& o) : seen_(space), inner_(MakeAnnealing(space, o)) {
    std::map<std::string, std::vector<const PriorResult*>> by_source;
    for (const auto& r : o.history) by_source[r.source].push_back(&r);
    std::vector<std::vector<const PriorResult*>> sources;
    for (auto& [name, results] : by_source) {
      std::sort(results.begin(), results.end(), [](auto* a, auto* b) { return a->time_ns < b->time_ns; });
      sources.push_back(results);
    }
    std::stable_sort(sources.begin(), sources.end(),
                     [](const auto& a, const auto& b) { return a.front()->distance < b.front()->distance; });
    for (size_t rank = 0; rank < kPerSource; ++rank) {
      for (const auto& s : sources) {
        if (rank >= s.size() || seeds_.size() >= kMaxSeeds) continue;
        const auto i = space.IndexOf(s[rank]->params);
        if (i && std::find(seeds_.begin(), seeds_.end(), *i) == seeds_.end()) seeds_.push_back(*i);
      }
    }
  }
  std::string_view Name() const override { return "transfer"; }
  std::optional<size_t> Next() override {
    while (next_ < seeds_.size() && seen_.Has(seeds_[next_])) ++next_;
    if (next_ < seeds_.size()) {
      seen_.Mark(seeds_[next_]);
      return seeds_[next_++];
    }
    while (auto pick = inner_->Next()) {
      if (!seen_.Has(*pick)) {
        seen_.Mark(*pick);
        return pick;
      }
    }
    return std::nullopt;
  }
  void Tell(size_t index, const EvalOutcome& o) override {
    seen_.Record(index, o);
    inner_->Tell(index, o);
  }
  size_t seeds() const { return seeds_.size(); }

 private:
  Seen seen_;
  std::unique_ptr<SearchStrategy> inner_;
  std::vector<size_t> seeds_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeTransfer(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<Transfer>(space, o);
}

}  // namespace mace_tune::detail
