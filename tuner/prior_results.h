// SPDX-License-Identifier: Apache-2.0
// What the transfer strategy starts from: the fastest configs already recorded for the same kernel
// family on other devices and at other shapes, read from the store into plain PriorResults so the
// strategies never depend on SQLite.
#pragma once

#include <string>
#include <vector>

#include "search_strategies/strategy.h"
#include "store/store.h"

namespace mace_tune {

// Up to `per_source` fastest ok configs of every (device, tuning key) of `family` in the store,
// except (device_id, tuning_key) itself. distance = shape distance (sum over dims of
// |log2 ratio|) + 4 for another device.
std::vector<PriorResult> LoadPriorResults(const Store& store, int64_t device_id, const std::string& tuning_key,
                                          const std::string& family, size_t per_source = 3);

// A config known from outside the store (`tune --prior-from`: an app's MACE tuned-parameter file).
struct ImportedPrior {
  std::string tuning_key, family, source;
  ParamMap params;
};

// The imported configs of `family` as prior results for `tuning_key`, its own key included. Their
// device is not known: distance = shape distance + 2, between this device's (+0) and another's (+4).
std::vector<PriorResult> ImportedPriorResults(const std::vector<ImportedPrior>& priors, const std::string& tuning_key,
                                              const std::string& family);

// Distance between two tuning keys of one family (sum over their shape dims of |log2 ratio|).
double ShapeDistance(const std::string& a, const std::string& b);

}  // namespace mace_tune
