// SPDX-License-Identifier: Apache-2.0
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

// A result recorded elsewhere (another device, another shape of the same family), for the transfer
// strategy. Strategies never see the database: the caller fills these.
struct PriorResult {
  ParamMap params;
  double time_ns = 0;
  double distance = 0;  // how far its source is from this instance: smaller = more alike
  std::string source;   // where it comes from ("device/tuning key"); results group by it
};

struct StrategyOptions {
  uint64_t seed = 1;
  std::optional<ParamMap> start;     // the instance's default config, when there is one
  std::vector<PriorResult> history;  // for transfer; empty elsewhere
};

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  virtual std::string_view Name() const = 0;
  // Index into the space's configs() of the next config to evaluate; nullopt when the strategy
  // has nothing more to propose. Strategies other than exhaustive never propose a config twice.
  virtual std::optional<size_t> Next() = 0;
  // Also accepted for configs the strategy did not propose (results known beforehand).
  virtual void Tell(size_t index, const EvalOutcome& outcome) = 0;
  // Up to n configs that the next calls of Next() will return, in that order, whatever outcomes
  // are told meanwhile for configs it proposed: a hint for building their programs early. Calling
  // it never changes what is proposed. Strategies whose next proposal depends on results still to
  // come return fewer or none (the default): exhaustive, random and model's random start do.
  virtual std::vector<size_t> Upcoming(size_t n) {
    (void)n;
    return {};
  }
};

// Throws std::invalid_argument naming the known strategies for an unknown name.
std::unique_ptr<SearchStrategy> MakeStrategy(std::string_view name, const SearchSpace& space,
                                             const StrategyOptions& options);
std::unique_ptr<SearchStrategy> MakeStrategy(std::string_view name, const SearchSpace& space, uint64_t seed);
std::vector<std::string_view> StrategyNames();
// The strategy `tune` uses when none is named (chosen from the replay comparison, docs/search.md).
std::string_view DefaultStrategyName();

}  // namespace mace_tune
