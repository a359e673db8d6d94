// SPDX-License-Identifier: Apache-2.0
// Enumeration of the valid configs (the cartesian product of the axes, filtered by the check) and
// the services on it that strategies share.
#include "search_space.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace mace_tune {

SearchSpace::SearchSpace(std::vector<TunableParam> params, const Check& check, const Prefix& prefix)
    : params_(std::move(params)) {
  for (const auto& p : params_) {
    if (p.values.empty()) throw std::invalid_argument("parameter " + p.name + " has no values");
  }
  std::vector<int> digits(params_.size(), 0);
  std::vector<int64_t> values(params_.size(), 0);
  Enumerate(0, check, prefix, &digits, &values);
  by_value_.resize(params_.size());
  for (size_t a = 0; a < params_.size(); ++a) by_value_[a].resize(params_[a].values.size());
  for (size_t c = 0; c < configs_.size(); ++c) {
    for (size_t a = 0; a < params_.size(); ++a) by_value_[a][static_cast<size_t>(digits_[c][a])].push_back(c);
  }
}

// Depth-first over the axes, the last one fastest (the order of the cartesian product); a prefix
// that `prefix` rejects is skipped with every config below it.
void SearchSpace::Enumerate(size_t depth, const Check& check, const Prefix& prefix, std::vector<int>* digits,
                            std::vector<int64_t>* values) {
  if (depth == params_.size()) {
    Add(*digits, check);
    return;
  }
  const std::vector<int64_t>& axis = params_[depth].values;
  for (size_t v = 0; v < axis.size(); ++v) {
    (*digits)[depth] = static_cast<int>(v);
    (*values)[depth] = axis[v];
    if (prefix && !prefix(depth + 1, *values)) {
      size_t below = 1;
      for (size_t a = depth + 1; a < params_.size(); ++a) below *= params_[a].values.size();
      rejected_ += below;
      continue;
    }
    Enumerate(depth + 1, check, prefix, digits, values);
  }
}

void SearchSpace::Add(const std::vector<int>& digits, const Check& check) {
  ParamMap config;
  for (size_t i = 0; i < params_.size(); ++i)
    config[params_[i].name] = params_[i].values[static_cast<size_t>(digits[i])];
  if (!check(config).empty()) {
    ++rejected_;
    return;
  }
  std::vector<double> point(params_.size(), 0.0);
  for (size_t i = 0; i < params_.size(); ++i) {
    const size_t n = params_[i].values.size();
    point[i] = n > 1 ? static_cast<double>(digits[i]) / static_cast<double>(n - 1) : 0.0;
  }
  by_digits_.emplace(digits, configs_.size());
  configs_.push_back(std::move(config));
  digits_.push_back(digits);
  encoded_.push_back(std::move(point));
}

std::optional<size_t> SearchSpace::IndexOf(const ParamMap& config) const {
  if (config.size() != params_.size()) return std::nullopt;
  std::vector<int> digits(params_.size(), 0);
  for (size_t i = 0; i < params_.size(); ++i) {
    const auto it = config.find(params_[i].name);
    if (it == config.end()) return std::nullopt;
    const auto& values = params_[i].values;
    const auto pos = std::find(values.begin(), values.end(), it->second);
    if (pos == values.end()) return std::nullopt;
    digits[i] = static_cast<int>(pos - values.begin());
  }
  return IndexOfDigits(digits);
}

std::optional<size_t> SearchSpace::Match(const ParamMap& config) const {
  if (auto exact = IndexOf(config)) return exact;
  for (const auto& named : config) {
    if (std::none_of(params_.begin(), params_.end(), [&](const TunableParam& p) { return p.name == named.first; }))
      return std::nullopt;
  }
  for (size_t i = 0; i < configs_.size(); ++i) {
    bool agrees = true;
    for (const auto& [name, value] : config) {
      const auto it = configs_[i].find(name);
      if (it != configs_[i].end() && it->second != value) agrees = false;
    }
    if (agrees) return i;
  }
  return std::nullopt;
}

std::optional<size_t> SearchSpace::IndexOfDigits(const std::vector<int>& digits) const {
  const auto it = by_digits_.find(digits);
  if (it == by_digits_.end()) return std::nullopt;
  return it->second;
}

size_t SearchSpace::RandomIndex(std::mt19937_64& rng) const {
  if (configs_.empty()) throw std::logic_error("random config of an empty search space");
  return std::uniform_int_distribution<size_t>(0, configs_.size() - 1)(rng);
}

std::vector<size_t> SearchSpace::Neighbours(size_t index) const {
  std::vector<size_t> near, far;
  std::vector<int> digits = digits_[index];
  for (size_t axis = 0; axis < params_.size(); ++axis) {
    const int own = digits[axis];
    for (int v = 0; v < static_cast<int>(params_[axis].values.size()); ++v) {
      if (v == own) continue;
      digits[axis] = v;
      if (auto found = IndexOfDigits(digits)) (std::abs(v - own) == 1 ? near : far).push_back(*found);
    }
    digits[axis] = own;
  }
  return near.empty() ? far : near;
}

std::vector<size_t> SearchSpace::Steps(size_t index) const {
  std::vector<size_t> out;
  const std::vector<int>& own = digits_[index];
  for (size_t axis = 0; axis < params_.size(); ++axis) {
    for (int step : {-1, 1}) {
      const int v = own[axis] + step;
      if (v < 0 || v >= static_cast<int>(params_[axis].values.size())) continue;
      std::vector<int> digits = own;
      digits[axis] = v;
      if (auto exact = IndexOfDigits(digits)) {
        out.push_back(*exact);
        continue;
      }
      std::optional<size_t> best;
      std::pair<int, int> best_cost{std::numeric_limits<int>::max(), 0};
      for (size_t c : by_value_[axis][static_cast<size_t>(v)]) {
        std::pair<int, int> cost{0, 0};
        for (size_t a = 0; a < params_.size(); ++a) {
          if (a == axis || digits_[c][a] == own[a]) continue;
          ++cost.first;
          cost.second += std::abs(digits_[c][a] - own[a]);
        }
        if (cost < best_cost) {
          best_cost = cost;
          best = c;
        }
      }
      if (best) out.push_back(*best);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<size_t> SearchSpace::Nearest(const std::vector<double>& point, const std::vector<bool>* skip) const {
  std::optional<size_t> best;
  double best_d = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < configs_.size(); ++i) {
    if (skip != nullptr && (*skip)[i]) continue;
    double d = 0;
    for (size_t a = 0; a < point.size() && a < encoded_[i].size(); ++a) {
      const double diff = point[a] - encoded_[i][a];
      d += diff * diff;
    }
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  return best;
}

}  // namespace mace_tune
