// SPDX-License-Identifier: Apache-2.0
// MACE's tuned parameters as priors (mace_import.h). MACE's local sizes come from its own fixed
// candidate list (fractions of the global size), so most are not powers of two: each is moved to
// the nearest value of the parameter's domain, which is what a search seed needs.
#include "emit/mace_import.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "formats/mace_format.h"
#include "mace_tune/artifacts.h"
#include "runtime/desc/registry.h"

namespace mace_tune {
namespace {

std::vector<uint32_t> ValuesOf(const MaceKvEntry& e) {
  if (!e.uint32s.empty()) return e.uint32s;
  std::vector<uint32_t> values;
  if (e.value.size() % 4 != 0) return values;
  for (size_t i = 0; i + 4 <= e.value.size(); i += 4) {
    values.push_back(static_cast<uint32_t>(e.value[i]) | static_cast<uint32_t>(e.value[i + 1]) << 8 |
                     static_cast<uint32_t>(e.value[i + 2]) << 16 | static_cast<uint32_t>(e.value[i + 3]) << 24);
  }
  return values;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The domain's value nearest to `value` in ratio (|log2(v / value)|), the smaller on a tie.
int64_t Nearest(const std::vector<int64_t>& domain, int64_t value) {
  const auto distance = [value](int64_t v) {
    return std::fabs(
        std::log2(static_cast<double>(std::max<int64_t>(v, 1)) / static_cast<double>(std::max<int64_t>(value, 1))));
  };
  int64_t best = domain.front();
  for (int64_t v : domain) {
    if (distance(v) < distance(best) || (distance(v) == distance(best) && v < best)) best = v;
  }
  return best;
}

// The config for one entry, or the reason there is none (in p->note).
void Map(const TuningKey& key, const DeviceLimits& limits, MacePrior* p) {
  const desc::KernelDescription* d = desc::FindDescription(key.family);
  if (const Status valid = ValidateKey(key); !valid.ok()) {
    p->note = valid.message();
    return;
  }
  const std::vector<std::string>& local = d->text().local;
  if (p->values.size() != local.size() + 1) {
    p->note = std::to_string(p->values.size()) + " values, expected " + std::to_string(local.size() + 1) +
              " (the local size of " + key.family + " and MACE's block)";
    return;
  }
  std::vector<desc::Axis> axes;
  ParamMap params;
  if (!d->Parameters(key, limits, &axes).ok() || !d->DefaultParams(key, limits, &params).ok()) {
    p->note = "no search space for it on this device";
    return;
  }
  for (size_t i = 0; i < local.size(); ++i) {
    const desc::Axis* axis = nullptr;
    const std::string name = Trim(local[i]);
    for (const auto& a : axes) axis = a.name == name ? &a : axis;
    if (axis == nullptr || axis->values.empty()) {
      p->note = "the local size of " + key.family + " (" + local[i] + ") is not one of its parameters";
      return;
    }
    const int64_t value = Nearest(axis->values, p->values[i]);
    if (value != p->values[i]) {
      p->note += (p->note.empty() ? "" : ", ") + axis->name + " " + std::to_string(p->values[i]) + " -> " +
                 std::to_string(value);
    }
    params[axis->name] = value;
  }
  if (const std::string why = d->CheckConfig(key, params, limits); !why.empty()) {
    p->note = FormatParams(params) + " does not run here: " + why;
    return;
  }
  p->tuning_key = key.ToString();
  p->params = params;
}

}  // namespace

std::vector<MacePrior> ReadMacePriors(const std::string& path, const std::vector<MaceKeyTemplate>& templates,
                                      const DeviceLimits& limits) {
  for (const auto& t : templates) {
    const FamilyInfo* family = FindFamily(t.family);
    if (family == nullptr) throw std::runtime_error("--mace-key " + t.family + "=...: unknown family " + t.family);
    const std::string why = t.Check({family->shape_dims.begin(), family->shape_dims.end()}, true);
    if (!why.empty()) throw std::runtime_error("--mace-key " + t.family + "=" + t.pattern + ": " + why);
  }
  std::vector<uint8_t> bytes;
  Status status = ReadFileBytes(path, &bytes);
  MaceKvFile file;
  if (status.ok()) status = ReadMaceKvFile(bytes.data(), bytes.size(), &file);
  if (!status.ok()) throw std::runtime_error(path + ": " + status.ToString());
  std::vector<MacePrior> out;
  for (const MaceKvEntry& e : file.entries) {
    MacePrior p;
    p.mace_key = e.key;
    p.values = ValuesOf(e);
    std::optional<TuningKey> key;
    for (const auto& t : templates) {
      if (!key) key = t.Match(e.key);
    }
    if (p.values.empty()) {
      p.note = "not tuned parameters";
    } else if (!key) {
      p.note = "no --mace-key template matches it";
    } else {
      Map(*key, limits, &p);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<ImportedPrior> ToImportedPriors(const std::vector<MacePrior>& priors, const std::string& path) {
  std::vector<ImportedPrior> out;
  for (const MacePrior& p : priors) {
    if (p.tuning_key.empty()) continue;
    TuningKey key;
    if (!TuningKey::Parse(p.tuning_key, &key).ok()) continue;
    out.push_back({p.tuning_key, key.family, "mace:" + path + "/" + p.mace_key, p.params});
  }
  return out;
}

}  // namespace mace_tune
