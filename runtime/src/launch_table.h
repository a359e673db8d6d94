// SPDX-License-Identifier: Apache-2.0
// The launch-parameter side of the runtime: the loaded tuned entries, and the fallback chain
// exact tuning key -> nearest tuned shape of the same family -> family default, with every
// local size re-validated against this device's limits (docs/runtime.md "Launch configs").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mace_tune/artifacts.h"
#include "mace_tune/runtime.h"
#include "runtime/desc/kernel_description.h"
#include "runtime/desc/registry.h"

namespace mace_tune::detail {

std::string LwsText(const LaunchGeometry& g);
size_t LwsProduct(const LaunchGeometry& g);

// The family default (the description's defaults) with a reason.
Status DefaultLaunch(const desc::KernelDescription& description, const TuningKey& key, const DeviceLimits& limits,
                     std::string reason, LaunchConfig* config);

// The user kernels a tuned file carries, into `out`; a malformed one, or one that would replace a
// built-in family, rejects the whole file (kBadFormat).
Status LoadDescriptions(const TunedParamFile& file, desc::DescriptionSet* out);

// Distance between two shapes of one family and dtype: the Euclidean norm of the differences of
// log2 of each dimension (doubling one dimension is 1.0). Infinite across families, dtypes or
// dimension sets.
double ShapeDistance(const TuningKey& a, const TuningKey& b);

class LaunchTable {
 public:
  // Replaces the entries; keys are indexed by their canonical text.
  void Load(std::vector<TunedEntry> entries);
  void SetRejected(std::string reason) { rejected_ = std::move(reason); }
  bool loaded() const { return loaded_; }
  size_t size() const { return entries_.size(); }

  // The whole chain for a key that `description` validated. max_distance < 0 turns the
  // nearest-shape step off. A tuned entry must pass the description's runtime checks on this
  // device (CheckRunnable: domains, hard constraints, work-group and local-memory limits).
  Status Resolve(const desc::KernelDescription& description, const TuningKey& key, const DeviceLimits& limits,
                 double max_distance, LaunchConfig* out) const;

 private:
  struct Item {
    TuningKey key;
    TunedEntry entry;
  };
  std::string NoEntryReason() const;
  std::map<std::string, Item> entries_;  // by canonical tuning key
  bool loaded_ = false;
  std::string rejected_;  // why the last file offered was rejected, while none is loaded
};

}  // namespace mace_tune::detail
