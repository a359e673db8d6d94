// SPDX-License-Identifier: Apache-2.0
// The search space of one kernel instance on one device: every valid config, in a fixed order,
// plus the shared services strategies use (random config, neighbours, a normalized encoding and
// the nearest valid config to a point), so each strategy stays a few tens of lines (KTT's Searcher).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "runtime/desc/tunable_param.h"

namespace mace_tune {

class SearchSpace {
 public:
  // `check` returns an empty string for a valid config, else why it is not.
  using Check = std::function<std::string(const ParamMap&)>;
  // Optional, for speed: false when no config whose first `bound` axes take `values[0 .. bound)`
  // can pass `check`, so that part of the product is skipped unenumerated (a kernel description's
  // constraints on those axes alone, desc::KernelDescription::PrefixCheck). It must never reject a
  // prefix of a valid config: the space is the same with or without it, only built faster.
  using Prefix = std::function<bool(size_t bound, const std::vector<int64_t>& values)>;
  SearchSpace(std::vector<TunableParam> params, const Check& check, const Prefix& prefix = nullptr);

  const std::vector<TunableParam>& params() const { return params_; }
  const std::vector<ParamMap>& configs() const { return configs_; }
  size_t size() const { return configs_.size(); }
  // Combinations of the axes that the constraints removed.
  size_t rejected() const { return rejected_; }

  std::optional<size_t> IndexOf(const ParamMap& config) const;
  // The exact config if valid, else the first valid config that agrees with every axis `config`
  // names (a default config may leave out an axis it does not use, e.g. GEMM's KT at LOCAL=0).
  // A config naming a parameter the space does not have is another family's: nullopt.
  std::optional<size_t> Match(const ParamMap& config) const;
  size_t RandomIndex(std::mt19937_64& rng) const;

  // Per axis, the position of the config's value in that axis' value list.
  const std::vector<int>& Digits(size_t index) const { return digits_[index]; }
  // The config as a point of [0,1]^axes: each axis' value position over (values - 1).
  const std::vector<double>& Encode(size_t index) const { return encoded_[index]; }
  // Valid configs one step away along exactly one axis (its neighbouring value); when there are
  // none, those that differ in exactly one axis by any amount.
  std::vector<size_t> Neighbours(size_t index) const;
  // One step along each axis (its neighbouring values), where the space's constraints allow it:
  // the config itself when valid, else the valid config with that value that changes the fewest
  // other axes (then the least). So a step can leave a region that only a change of two axes
  // reaches, e.g. from LOCAL=1,KT=32 to LOCAL=0, which exists only with KT=8.
  std::vector<size_t> Steps(size_t index) const;
  // The valid config whose encoding is closest (squared distance) to `point`; `skip` (if given,
  // one flag per config) excludes configs, and nullopt comes back when every config is skipped.
  std::optional<size_t> Nearest(const std::vector<double>& point, const std::vector<bool>* skip = nullptr) const;
  // The config built from value positions per axis, if it is valid.
  std::optional<size_t> IndexOfDigits(const std::vector<int>& digits) const;

 private:
  void Enumerate(size_t depth, const Check& check, const Prefix& prefix, std::vector<int>* digits,
                 std::vector<int64_t>* values);
  void Add(const std::vector<int>& digits, const Check& check);

  std::vector<TunableParam> params_;
  std::vector<ParamMap> configs_;
  std::vector<std::vector<int>> digits_;
  std::vector<std::vector<double>> encoded_;
  std::map<std::vector<int>, size_t> by_digits_;
  std::vector<std::vector<std::vector<size_t>>> by_value_;  // [axis][value position] -> configs
  size_t rejected_ = 0;
};

}  // namespace mace_tune
