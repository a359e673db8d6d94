// SPDX-License-Identifier: Apache-2.0
// Strategy names -> factories, and the default strategy.
#include <stdexcept>

#include "strategies.h"

namespace mace_tune {
namespace {

struct Entry {
  std::string_view name;
  std::unique_ptr<SearchStrategy> (*make)(const SearchSpace&, const StrategyOptions&);
};

constexpr Entry kStrategies[] = {
    {"exhaustive", detail::MakeExhaustive}, {"random", detail::MakeRandom},
    {"annealing", detail::MakeAnnealing},   {"genetic", detail::MakeGenetic},
    {"diffevo", detail::MakeDiffEvolution}, {"model", detail::MakeModelBased},
    {"mace", detail::MakeMaceBaseline},     {"transfer", detail::MakeTransfer},
    {"hybrid", detail::MakeHybrid},
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeStrategy(std::string_view name, const SearchSpace& space,
                                             const StrategyOptions& options) {
  for (const auto& e : kStrategies) {
    if (e.name == name) return e.make(space, options);
  }
  std::string known;
  for (const auto& e : kStrategies) known += (known.empty() ? "" : ", ") + std::string(e.name);
  throw std::invalid_argument("unknown strategy '" + std::string(name) + "' (known: " + known + ")");
}

std::unique_ptr<SearchStrategy> MakeStrategy(std::string_view name, const SearchSpace& space, uint64_t seed) {
  StrategyOptions options;
  options.seed = seed;
  return MakeStrategy(name, space, options);
}

std::vector<std::string_view> StrategyNames() {
  std::vector<std::string_view> names;
  for (const auto& e : kStrategies) names.push_back(e.name);
  return names;
}

std::string_view DefaultStrategyName() { return "hybrid"; }

}  // namespace mace_tune
