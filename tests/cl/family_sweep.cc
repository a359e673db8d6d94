// SPDX-License-Identifier: Apache-2.0
// Variant sweep of one family over its test keys.
#include "family_sweep.h"

#include <cstdio>

#include "kernels/instance_data.h"
#include "test_device.h"

namespace mace_tune::test {
namespace {

bool IsLocal(const std::string& name) { return name == "LX" || name == "LY" || name == "LZ"; }

// The cartesian product of the non-local parameters' values (a parameter named in `only`: that value).
std::vector<ParamMap> Variants(const std::vector<TunableParam>& space, const ParamMap& only) {
  std::vector<ParamMap> out = {ParamMap{}};
  for (const auto& p : space) {
    if (IsLocal(p.name)) continue;
    const auto fixed = only.find(p.name);
    std::vector<ParamMap> next;
    for (const auto& partial : out) {
      for (const int64_t v : p.values) {
        if (fixed != only.end() && v != fixed->second) continue;
        ParamMap m = partial;
        m[p.name] = v;
        next.push_back(std::move(m));
      }
    }
    out = std::move(next);
  }
  return out;
}

// Local sizes to try with each variant: the default's; with `extra`, also all ones and a skewed
// one (8 x 2 x 2 clipped to the space) so global sizes are rounded up differently.
std::vector<ParamMap> LocalSizes(const ParamMap& defaults, const std::vector<TunableParam>& space, bool extra) {
  ParamMap base;
  for (const auto& p : space) {
    if (IsLocal(p.name)) base[p.name] = defaults.count(p.name) != 0 ? defaults.at(p.name) : 1;
  }
  std::vector<ParamMap> out = {base};
  if (!extra) return out;
  ParamMap ones = base, skew = base;
  for (auto& [name, v] : ones) v = 1;
  for (const auto& p : space) {
    if (!IsLocal(p.name)) continue;
    const int64_t want = p.name == "LX" ? 8 : 2;
    int64_t pick = p.values.front();
    for (const int64_t v : p.values) {
      if (v <= want) pick = v;
    }
    skew[p.name] = pick;
  }
  for (const auto& m : {ones, skew}) {
    if (m != base) out.push_back(m);
  }
  return out;
}

}  // namespace

SweepResult SweepFamily(const KernelFamily& family, const SweepOptions& options) {
  auto& dev = Device();
  DeviceLimits limits;
  const Status status = QueryDeviceLimits(dev.device(), &limits);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  SweepResult result;
  bool first = true;
  for (const TuningKey& base_key : family.TestKeys()) {
    std::vector<std::string> dtypes = {"fp32"};
    TuningKey half_key = base_key;
    half_key.dtype = "fp16";
    if (options.fp16 && ValidateKey(half_key).ok()) dtypes.push_back("fp16");
    for (const auto& dtype : dtypes) {
      TuningKey key = base_key;
      key.dtype = dtype;
      const Status valid = ValidateKey(key);
      if (!valid.ok()) {
        result.failures.push_back(key.ToString() + ": test key invalid: " + valid.ToString());
        continue;
      }
      ParamMap defaults;
      (void)FamilyDefaultParams(key, limits, &defaults);
      InstanceData data(dev.context.get(), dev.device(), dev.queue.get(), family, key, 7, limits);
      const auto space = family.Parameters(key, limits);
      const auto locals = LocalSizes(defaults, space, options.extra_local && first);
      // Every runnable (variant, local size) pair; with max_variants, the runnable variants are
      // thinned evenly first, so every axis still varies.
      std::vector<std::vector<ParamMap>> runnable;
      for (const auto& variant : Variants(space, options.only)) {
        std::vector<ParamMap> configs;
        for (const auto& local : locals) {
          ParamMap params = variant;
          params.insert(local.begin(), local.end());
          if (family.CheckConfig(key, params, limits).empty()) {
            configs.push_back(std::move(params));
          } else {
            ++result.skipped;
          }
        }
        if (!configs.empty()) runnable.push_back(std::move(configs));
      }
      if (options.max_variants != 0 && runnable.size() > options.max_variants) {
        std::vector<std::vector<ParamMap>> spread;
        for (size_t i = 0; i < options.max_variants; ++i)
          spread.push_back(runnable[i * runnable.size() / options.max_variants]);
        runnable = std::move(spread);
      }
      for (const auto& configs : runnable) {
        for (const auto& params : configs) {
          const std::string why =
              RunAndVerify(dev.context.get(), dev.device(), dev.queue.get(), data, family, key, params, limits);
          ++result.runs;
          if (!why.empty()) result.failures.push_back(key.ToString() + " " + FormatParams(params) + ": " + why);
        }
      }
      first = false;
    }
  }
  return result;
}

}  // namespace mace_tune::test
