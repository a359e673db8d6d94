// SPDX-License-Identifier: Apache-2.0
// Per-family summary of a tune run.
#include "apps/family_summary.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>

#include "kernels/kernel_family.h"

namespace mace_tune::cli {

DeviceLimitsMeasured ParseMeasuredLimits(const std::string& text) {
  DeviceLimitsMeasured limits;
  if (text.empty()) return limits;
  const size_t comma = text.find(',');
  try {
    if (comma == std::string::npos) throw std::invalid_argument("no comma");
    limits.gflops = std::stod(text.substr(0, comma));
    limits.gbps = std::stod(text.substr(comma + 1));
  } catch (const std::exception&) {
    throw std::invalid_argument("--limits wants GFLOPS,GBS (e.g. 64503,4386), got '" + text + "'");
  }
  if (limits.gflops <= 0 || limits.gbps <= 0) throw std::invalid_argument("--limits must be positive");
  return limits;
}

void PrintFamilySummary(const TuneReport& report, const DeviceLimitsMeasured& limits) {
  struct Sum {
    int layers = 0, keys = 0;
    double default_ns = 0, tuned_ns = 0, flops = 0, bytes = 0;
    bool complete = true;  // every key has a default and a tuned time
  };
  std::map<std::string, Sum> families;
  for (const auto& r : report.instances) {
    TuningKey key;
    if (!TuningKey::Parse(r.tuning_key, &key).ok()) continue;
    const KernelFamily* family = FindKernelFamily(key.family);
    Sum& s = families[key.family];
    s.layers += r.count;
    ++s.keys;
    const bool has_default = r.default_config && r.default_config->ok();
    if (!has_default || !r.best || family == nullptr) {
      s.complete = false;
      continue;
    }
    s.default_ns += r.default_config->median_ns * r.count;
    s.tuned_ns += r.best->median_ns * r.count;
    s.flops += family->Flops(key) * r.count;
    s.bytes += family->BytesMoved(key) * r.count;
  }
  if (families.size() < 2 && limits.gflops <= 0) return;
  fmt::print("\n{:<18} {:>6} {:>5} {:>11} {:>11} {:>8} {:>10} {:>9}{}\n", "family", "layers", "keys", "default ms",
             "tuned ms", "speed-up", "GFLOP/s", "GB/s",
             limits.gflops > 0 ? fmt::format(" {:>9} {:>9}  {}", "% FLOP/s", "% GB/s", "bound") : "");
  for (const auto& [name, s] : families) {
    if (s.tuned_ns <= 0) {
      fmt::print("{:<18} {:>6} {:>5}   (no complete result)\n", name, s.layers, s.keys);
      continue;
    }
    const double gflops = s.flops / s.tuned_ns, gbps = s.bytes / s.tuned_ns;  // per ns = G per s
    std::string fractions;
    if (limits.gflops > 0) {
      // The binding limit: the family's arithmetic intensity against the device's ridge point.
      const bool compute_bound = s.flops / s.bytes > limits.gflops / limits.gbps;
      fractions = fmt::format(" {:>8.1f}% {:>8.1f}%  {}", 100 * gflops / limits.gflops, 100 * gbps / limits.gbps,
                              compute_bound ? "compute" : "memory");
    }
    fmt::print("{:<18} {:>6} {:>5} {:>11.3f} {:>11.3f} {:>7.2f}x {:>10.1f} {:>9.1f}{}{}\n", name, s.layers, s.keys,
               s.default_ns / 1e6, s.tuned_ns / 1e6, s.default_ns / s.tuned_ns, gflops, gbps, fractions,
               s.complete ? "" : "  (some keys missing)");
  }
}

}  // namespace mace_tune::cli
