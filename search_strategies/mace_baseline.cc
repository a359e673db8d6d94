// SPDX-License-Identifier: Apache-2.0
// The baseline of MACE's OpenCL tuner: keep the variant as it is (the default config's, else a
// seeded random one) and try only MACE's fixed list of 2-D work-group shapes derived from the
// largest work-group K: (K/2,2) (K/4,4) ... (K/256,256), (K,1), (1,K). Stops when the list is done.
#include <algorithm>

#include "strategies.h"

namespace mace_tune::detail {
namespace {

// Names of the two local-size axes in our families and in the imported tuners' spaces.
constexpr std::pair<const char*, const char*> kLocalAxes[] = {
    {"LX", "LY"}, {"MDIMC", "NDIMC"}, {"block_size_x", "block_size_y"}, {"MDIMCD", "NDIMCD"}};

class MaceBaseline final : public SearchStrategy {
 public:
  MaceBaseline(const SearchSpace& space, const StrategyOptions& o) : seen_(space) {
    if (space.size() == 0) return;
    std::mt19937_64 rng(o.seed);
    std::optional<size_t> base = o.start ? space.Match(*o.start) : std::nullopt;
    if (!base) base = space.RandomIndex(rng);
    list_.push_back(*base);
    const ParamMap& variant = space.configs()[*base];
    for (const auto& [x, y] : kLocalAxes) {
      if (variant.count(x) == 0 || variant.count(y) == 0) continue;
      int64_t kwg = 1;  // the largest work-group any config of this space uses
      for (const auto& c : space.configs()) kwg = std::max(kwg, c.at(x) * c.at(y));
      std::vector<std::pair<int64_t, int64_t>> shapes;
      for (int64_t d = 2; d <= 256; d *= 2) shapes.emplace_back(kwg / d, d);
      shapes.emplace_back(kwg, 1);
      shapes.emplace_back(1, kwg);
      for (const auto& [lx, ly] : shapes) {
        if (lx * ly <= 0 || lx * ly > kwg) continue;
        ParamMap config = variant;
        config[x] = lx;
        config[y] = ly;
        if (auto i = space.IndexOf(config); i && std::find(list_.begin(), list_.end(), *i) == list_.end()) {
          list_.push_back(*i);
        }
      }
      break;
    }
  }
  std::string_view Name() const override { return "mace"; }
  std::optional<size_t> Next() override {
    while (next_ < list_.size() && seen_.Has(list_[next_])) ++next_;
    if (next_ >= list_.size()) return std::nullopt;
    seen_.Mark(list_[next_]);
    return list_[next_++];
  }
  void Tell(size_t index, const EvalOutcome& o) override { seen_.Record(index, o); }

 private:
  Seen seen_;
  std::vector<size_t> list_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeMaceBaseline(const SearchSpace& space, const StrategyOptions& o) {
  return std::make_unique<MaceBaseline>(space, o);
}

}  // namespace mace_tune::detail
