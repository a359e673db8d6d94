// SPDX-License-Identifier: Apache-2.0
// A recorded space written as a Kernel Tuner cache (replay --export-kt), so that Kernel Tuner's own
// strategies can run on exactly the space our replay sees, in its simulation mode
// (scripts/compare_kernel_tuner.py): the same axes and values, the same configs, the same failures.
#include <cmath>

#include "formats/json.h"
#include "replay/replay.h"

namespace mace_tune {

// "time" holds the replay's cost: ms for a time, else the cost as replay ranks it (lower is better),
// so that Kernel Tuner minimises the same order. A failure is Kernel Tuner's RuntimeFailedConfig.
std::string KernelTunerCacheJson(const RecordedSpace& space) {
  JsonWriter out;
  out.BeginObject().Field("device_name", space.origin).Field("kernel_name", space.name);
  out.BeginArray("problem_size").Value(1).EndArray();
  out.BeginArray("tune_params_keys");
  for (const auto& p : space.params) out.Value(p.name);
  out.EndArray().BeginObject("tune_params");
  for (const auto& p : space.params) {
    out.BeginArray(p.name);
    for (int64_t v : p.values) out.Value(v);
    out.EndArray();
  }
  out.EndObject().Field("objective", "time").Field("objective_higher_is_better", false);
  out.Field("replay_objective", space.objective).BeginObject("cache");
  const double scale = space.objective == "time" ? 1e-6 : 1.0;
  for (const auto& [config, cost] : space.times) {
    std::string key;
    for (const auto& p : space.params) key += (key.empty() ? "" : ",") + std::to_string(config.at(p.name));
    out.BeginObject(key);
    for (const auto& p : space.params) out.Field(p.name, config.at(p.name));
    if (std::isfinite(cost)) {
      out.Field("time", cost * scale);
    } else {
      out.Field("time", "RuntimeFailedConfig");
    }
    out.EndObject();
  }
  out.EndObject().EndObject();
  return out.str() + "\n";
}

}  // namespace mace_tune
