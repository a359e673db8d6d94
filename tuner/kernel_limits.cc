// SPDX-License-Identifier: Apache-2.0
// Learning and applying CL_KERNEL_WORK_GROUP_SIZE per variant (build options).
#include "tuner/kernel_limits.h"

#include "mace_tune/families.h"

namespace mace_tune {

void KernelLimits::Learn(const Measurement& m) {
  if (m.kernel_max_work_group > 0) max_[m.build_options] = m.kernel_max_work_group;
}

std::optional<Measurement> KernelLimits::Prune(const TuningKey& key, const ParamMap& params,
                                               const std::string& key_text, const std::string& digest) const {
  if (max_.empty()) return std::nullopt;
  std::string options;
  LaunchGeometry g;
  if (!FamilyBuildOptions(key, params, &options).ok() || !FamilyGeometry(key, params, &g).ok()) return std::nullopt;
  const auto it = max_.find(options);
  const size_t lws = g.lws[0] * g.lws[1] * g.lws[2];
  if (it == max_.end() || lws <= it->second) return std::nullopt;
  Measurement m;
  m.tuning_key = key_text;
  m.family = key.family;
  m.params = FormatParams(params);
  m.source_digest = digest;
  m.status = MeasurementStatus::kInvalid;
  m.reason = "local size " + std::to_string(lws) + " exceeds CL_KERNEL_WORK_GROUP_SIZE " + std::to_string(it->second) +
             " of this variant (known from an earlier build; not built)";
  return m;
}

}  // namespace mace_tune
