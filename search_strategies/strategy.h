// The one interface every search strategy implements (DESIGN.md "Strategies"): propose the next
// config, be told each result. Budgets live in the caller; the seed is explicit and recorded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "search_space.h"

namespace mace_tune {

struct EvalOutcome {
  bool ok = false;     // built, ran and matched the reference
  double time_ns = 0;  // median kernel time when ok
};

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  virtual std::string_view Name() const = 0;
  // Index into the space's configs() of the next config to evaluate; nullopt when the strategy
  // has nothing more to propose.
  virtual std::optional<size_t> Next() = 0;
  virtual void Tell(size_t index, const EvalOutcome& outcome) = 0;
};

// Throws std::invalid_argument naming the known strategies for an unknown name.
std::unique_ptr<SearchStrategy> MakeStrategy(std::string_view name, const SearchSpace& space,
                                             uint64_t seed);
std::vector<std::string_view> StrategyNames();

}  // namespace mace_tune
