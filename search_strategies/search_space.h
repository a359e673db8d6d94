// The search space of one kernel instance on one device: every valid config, in a fixed order,
// plus the shared services strategies use (random config, index lookup), so each strategy stays
// a few tens of lines (KTT's Searcher idea).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernel_family.h"

namespace mace_tune {

class SearchSpace {
 public:
  // `check` returns an empty string for a valid config, else why it is not.
  using Check = std::function<std::string(const ParamMap&)>;
  SearchSpace(std::vector<TunableParam> params, const Check& check);

  const std::vector<TunableParam>& params() const { return params_; }
  const std::vector<ParamMap>& configs() const { return configs_; }
  size_t size() const { return configs_.size(); }
  // Combinations of the axes that the constraints removed.
  size_t rejected() const { return rejected_; }

  std::optional<size_t> IndexOf(const ParamMap& config) const;
  size_t RandomIndex(std::mt19937_64& rng) const;

 private:
  std::vector<TunableParam> params_;
  std::vector<ParamMap> configs_;
  size_t rejected_ = 0;
};

}  // namespace mace_tune
