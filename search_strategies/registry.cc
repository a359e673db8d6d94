// Strategy names -> factories.
#include <stdexcept>

#include "strategies.h"

namespace mace_tune {
namespace {

struct Entry {
  std::string_view name;
  std::unique_ptr<SearchStrategy> (*make)(const SearchSpace&, uint64_t);
};

constexpr Entry kStrategies[] = {
    {"exhaustive", detail::MakeExhaustive},
    {"random", detail::MakeRandom},
};

}  // namespace

std::unique_ptr<SearchStrategy> MakeStrategy(std::string_view name, const SearchSpace& space,
                                             uint64_t seed) {
  for (const auto& e : kStrategies) {
    if (e.name == name) return e.make(space, seed);
  }
  std::string known;
  for (const auto& e : kStrategies) known += (known.empty() ? "" : ", ") + std::string(e.name);
  throw std::invalid_argument("unknown strategy '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string_view> StrategyNames() {
  std::vector<std::string_view> names;
  for (const auto& e : kStrategies) names.push_back(e.name);
  return names;
}

}  // namespace mace_tune
