// SPDX-License-Identifier: Apache-2.0
// Each kernel variant's work-group limit, learnt while tuning, so configs it cannot run are answered
// without a build (a GPU's register-heavy variants allow fewer work-items than the device does).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "mace_tune/tuning_key.h"
#include "results/measurement.h"

namespace mace_tune {

// What a variant's built kernel allows (CL_KERNEL_WORK_GROUP_SIZE, by build options): learnt from
// the first evaluation that built it, then every config of that variant whose work-group is
// larger is answered "invalid" without a build. Register-heavy variants on a GPU allow fewer
// work-items than the device does.
class KernelLimits {
 public:
  void Learn(const Measurement& m);
  // An "invalid" result for a config its variant cannot run, without building it; else nullopt.
  std::optional<Measurement> Prune(const TuningKey& key, const ParamMap& params, const std::string& key_text,
                                   const std::string& digest) const;

 private:
  std::map<std::string, uint64_t> max_;
};

}  // namespace mace_tune
