// SPDX-License-Identifier: Apache-2.0
// Prior results for the transfer strategy, from the store (prior_results.h).
#include "tuner/prior_results.h"

#include <algorithm>
#include <cmath>

namespace mace_tune {

double ShapeDistance(const std::string& a, const std::string& b) {
  TuningKey ka, kb;
  if (!TuningKey::Parse(a, &ka).ok() || !TuningKey::Parse(b, &kb).ok()) return 100;
  double d = ka.dtype == kb.dtype ? 0 : 2;
  for (const auto& [dim, value] : ka.shape) {
    const int64_t other = kb.Dim(dim, 0);
    if (value <= 0 || other <= 0) {
      d += 2;
      continue;
    }
    d += std::fabs(std::log2(static_cast<double>(value) / static_cast<double>(other)));
  }
  return d;
}

std::vector<PriorResult> LoadPriorResults(const Store& store, int64_t device_id, const std::string& tuning_key,
                                          const std::string& family, size_t per_source) {
  std::vector<PriorResult> out;
  for (const DeviceRow& device : store.Devices()) {
    for (const InstanceSummary& s : store.Summaries(device.id)) {
      if (s.family != family || (device.id == device_id && s.tuning_key == tuning_key) || !s.best) continue;
      std::vector<Measurement> ok;
      for (auto& m : store.Measurements(device.id, s.tuning_key)) {
        if (m.ok()) ok.push_back(std::move(m));
      }
      std::sort(ok.begin(), ok.end(), [](const auto& x, const auto& y) { return x.median_ns < y.median_ns; });
      for (size_t i = 0; i < ok.size() && i < per_source; ++i) {
        PriorResult r;
        if (!ParseParams(ok[i].params, &r.params).ok()) continue;
        r.time_ns = ok[i].median_ns;
        r.distance = ShapeDistance(tuning_key, s.tuning_key) + (device.id == device_id ? 0 : 4);
        r.source = device.fingerprint.Id() + "/" + s.tuning_key;
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

std::vector<PriorResult> ImportedPriorResults(const std::vector<ImportedPrior>& priors, const std::string& tuning_key,
                                              const std::string& family) {
  std::vector<PriorResult> out;
  for (const ImportedPrior& p : priors) {
    if (p.family != family) continue;
    PriorResult r;
    r.params = p.params;
    r.distance = ShapeDistance(tuning_key, p.tuning_key) + 2;
    r.source = p.source;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mace_tune
