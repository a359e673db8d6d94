// Enumeration of the valid configs: the cartesian product of the axes, filtered by the check.
#include "search_space.h"

#include <algorithm>
#include <stdexcept>

namespace mace_tune {

SearchSpace::SearchSpace(std::vector<TunableParam> params, const Check& check) : params_(std::move(params)) {
  std::vector<size_t> digit(params_.size(), 0);
  for (const auto& p : params_) {
    if (p.values.empty()) throw std::invalid_argument("parameter " + p.name + " has no values");
  }
  while (true) {
    ParamMap config;
    for (size_t i = 0; i < params_.size(); ++i) config[params_[i].name] = params_[i].values[digit[i]];
    if (check(config).empty()) {
      configs_.push_back(std::move(config));
    } else {
      ++rejected_;
    }
    size_t i = params_.size();
    while (i > 0) {
      --i;
      if (++digit[i] < params_[i].values.size()) break;
      digit[i] = 0;
      if (i == 0) return;
    }
    if (params_.empty()) return;
  }
}

std::optional<size_t> SearchSpace::IndexOf(const ParamMap& config) const {
  const auto it = std::find(configs_.begin(), configs_.end(), config);
  if (it == configs_.end()) return std::nullopt;
  return static_cast<size_t>(it - configs_.begin());
}

size_t SearchSpace::RandomIndex(std::mt19937_64& rng) const {
  if (configs_.empty()) throw std::logic_error("random config of an empty search space");
  return std::uniform_int_distribution<size_t>(0, configs_.size() - 1)(rng);
}

}  // namespace mace_tune
