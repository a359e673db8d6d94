// SPDX-License-Identifier: Apache-2.0
// Exact -> nearest -> default resolution of launch configs, and the local-size checks.
#include "runtime/src/launch_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mace_tune::detail {
namespace {

// Fills `config` for `key` from a tuned entry (possibly of another shape); returns why the entry
// cannot be used (empty when it can).
std::string TunedLaunch(const desc::KernelDescription& d, const TuningKey& key, const TunedEntry& entry,
                        const DeviceLimits& limits, LaunchConfig* config) {
  config->key = key;
  Status status = ParseParams(entry.params, &config->params);
  if (status.ok()) status = d.BuildOptions(key, config->params, &config->build_options);
  if (status.ok()) status = d.Geometry(key, config->params, &config->geometry);
  if (!status.ok()) return "tuned entry unusable: " + status.message();
  if (NormalizeBuildOptions(entry.build_options) != config->build_options) {
    return "tuned entry's build options '" + entry.build_options + "' differ from '" + config->build_options +
           "' that this runtime derives from its parameters";
  }
  const std::string problem = d.CheckRunnable(key, config->params, limits);
  if (!problem.empty()) return "tuned config " + FormatParams(config->params) + " cannot run here: " + problem;
  config->tuned = true;
  config->reason.clear();
  return {};
}

std::string Distance(double d) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", d);
  return text;
}

}  // namespace

std::string LwsText(const LaunchGeometry& g) {
  std::string text;
  for (uint32_t i = 0; i < g.dims && i < 3; ++i) text += (i ? "x" : "") + std::to_string(g.lws[i]);
  return text;
}

size_t LwsProduct(const LaunchGeometry& g) {
  size_t product = 1;
  for (uint32_t i = 0; i < g.dims && i < 3; ++i) product *= g.lws[i];
  return product;
}

Status DefaultLaunch(const desc::KernelDescription& d, const TuningKey& key, const DeviceLimits& limits,
                     std::string reason, LaunchConfig* config) {
  config->key = key;
  config->tuned = false;
  config->origin = LaunchOrigin::kDefault;
  config->tuned_key.clear();
  config->distance = 0;
  config->reason = std::move(reason);
  Status status = d.DefaultParams(key, limits, &config->params);
  if (status.ok()) status = d.BuildOptions(key, config->params, &config->build_options);
  if (status.ok()) status = d.Geometry(key, config->params, &config->geometry);
  return status;
}

Status LoadDescriptions(const TunedParamFile& file, desc::DescriptionSet* out) {
  for (const auto& bytes : file.descriptions) {
    desc::DescriptionText text;
    desc::DescriptionPtr description;
    std::string error;
    if (!desc::DecodeDescription(bytes.data(), bytes.size(), &text, &error) ||
        !desc::KernelDescription::Build(std::move(text), &description, &error)) {
      return Status(StatusCode::kBadFormat, "DESC section: " + error);
    }
    if (description->builtin()) return Status(StatusCode::kBadFormat, "DESC section claims a built-in family");
    if (desc::FindDescription(description->name()) != nullptr &&
        desc::FindDescription(description->name())->builtin()) {
      return Status(StatusCode::kBadFormat,
                    "DESC section for '" + description->name() + "', the name of a built-in family");
    }
    Status status = out->Add(std::move(description));
    if (!status.ok()) return Status(StatusCode::kBadFormat, "DESC section: " + status.message());
  }
  return Status::Ok();
}

double ShapeDistance(const TuningKey& a, const TuningKey& b) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (a.family != b.family || a.dtype != b.dtype || a.shape.size() != b.shape.size()) return kInf;
  double sum = 0;
  for (auto ia = a.shape.begin(), ib = b.shape.begin(); ia != a.shape.end(); ++ia, ++ib) {
    if (ia->first != ib->first || ia->second < 1 || ib->second < 1) return kInf;
    const double d = std::log2(static_cast<double>(ia->second)) - std::log2(static_cast<double>(ib->second));
    sum += d * d;
  }
  return std::sqrt(sum);
}

void LaunchTable::Load(std::vector<TunedEntry> entries) {
  std::map<std::string, Item> index;
  for (auto& entry : entries) {
    Item item;
    // A key written in another order still finds its entry; one that does not parse is kept
    // under its own text (it can only be found exactly, and then fails with its reason).
    const bool parsed = TuningKey::Parse(entry.tuning_key, &item.key).ok();
    const std::string canonical = parsed ? item.key.ToString() : entry.tuning_key;
    item.entry = std::move(entry);
    index[canonical] = std::move(item);
  }
  entries_ = std::move(index);
  loaded_ = true;
  rejected_.clear();
}

std::string LaunchTable::NoEntryReason() const {
  if (loaded_) return "no tuned entry";
  return rejected_.empty() ? "no tuned entry (no tuned-parameter file loaded)"
                           : "no tuned entry (tuned-parameter file rejected: " + rejected_ + ")";
}

Status LaunchTable::Resolve(const desc::KernelDescription& description, const TuningKey& key,
                            const DeviceLimits& limits, double max_distance, LaunchConfig* out) const {
  LaunchConfig config;
  const std::string canonical = key.ToString();
  std::string why = NoEntryReason();
  if (const auto it = entries_.find(canonical); it != entries_.end()) {
    why = TunedLaunch(description, key, it->second.entry, limits, &config);
    if (why.empty()) {
      config.origin = LaunchOrigin::kExact;
      config.tuned_key = canonical;
      *out = std::move(config);
      return Status::Ok();
    }
  }
  if (max_distance >= 0 && !entries_.empty()) {
    std::vector<std::pair<double, const Item*>> near;
    for (const auto& [text, item] : entries_) {
      if (text == canonical) continue;
      const double d = ShapeDistance(key, item.key);
      if (d <= max_distance) near.emplace_back(d, &item);
    }
    // Ties go to the smaller key text (map order, stable sort): the same file always answers alike.
    std::stable_sort(near.begin(), near.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t unusable = 0;
    for (const auto& [d, item] : near) {
      if (!TunedLaunch(description, key, item->entry, limits, &config).empty()) {
        ++unusable;
        continue;
      }
      config.origin = LaunchOrigin::kNearest;
      config.tuned_key = item->key.ToString();
      config.distance = d;
      config.reason = why + "; nearest tuned shape " + config.tuned_key + " (distance " + Distance(d) + ")";
      *out = std::move(config);
      return Status::Ok();
    }
    if (unusable > 0) why += "; " + std::to_string(unusable) + " nearby tuned shapes unusable on this device";
  }
  Status status = DefaultLaunch(description, key, limits, why, &config);
  if (status.ok()) *out = std::move(config);
  return status;
}

}  // namespace mace_tune::detail
