// SPDX-License-Identifier: Apache-2.0
// Import of Kernel Tuner's cache file (tune_kernel(..., cache=FILE)): "tune_params" gives the axes,
// "cache" maps "v1,v2,..." to a record with the parameters and "time" (ms), or a string such as
// "InvalidConfig" / "CompilationFailedConfig" / "RuntimeFailedConfig" for a failure. Configs the
// restrictions removed are absent, hence invalid. Non-integer values are replaced by their position.
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "formats/json_value.h"
#include "replay/replay.h"

namespace mace_tune {
namespace {

int64_t AsInteger(const JsonValue& v, const std::vector<JsonValue>& domain) {
  if (int64_t n = 0; JsonInteger(v, &n)) return n;
  for (size_t i = 0; i < domain.size(); ++i) {
    if (domain[i].type == v.type && domain[i].number == v.number && domain[i].string == v.string) return static_cast<int64_t>(i);
  }
  throw std::runtime_error("a value outside its parameter's domain");
}

// Kernel Tuner appends one cache entry per line and leaves the file without its closing "}}" while
// (and if interrupted, after) tuning; it closes the object itself when reading it back. So do we.
JsonValue ParseCache(const std::string& path) {
  std::string text = ReadJsonText(path);
  try {
    return ParseJson(text);
  } catch (const std::runtime_error& first) {
    while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ',')) text.pop_back();
    try {
      return ParseJson(text + "\n}\n}");
    } catch (const std::runtime_error&) {
      throw std::runtime_error(path + ": " + first.what());
    }
  }
}

}  // namespace

RecordedSpace ImportKernelTuner(const std::string& path) {
  const JsonValue doc = ParseCache(path);
  const JsonValue* cache = doc.Find("cache");
  const JsonValue* tune_params = doc.Find("tune_params");
  if (cache == nullptr || !cache->IsObject() || tune_params == nullptr || !tune_params->IsObject()) {
    throw std::runtime_error(path + ": no \"cache\" and \"tune_params\" (not a Kernel Tuner cache file)");
  }
  RecordedSpace space;
  space.origin = path;
  const JsonValue* kernel = doc.Find("kernel_name");
  space.name = "kt:" + (kernel != nullptr && kernel->IsString() ? kernel->string : std::string("?"));
  if (const JsonValue* size = doc.Find("problem_size"); size != nullptr && size->IsArray()) {
    std::string dims;
    for (const auto& d : size->array) {
      int64_t n = 0;
      dims += (dims.empty() ? "" : "x") + (JsonInteger(d, &n) ? std::to_string(n) : std::string("?"));
    }
    space.name += "_" + dims;
  }
  for (const auto& [name, values] : tune_params->object) {
    TunableParam axis{name, {}};
    for (const auto& v : values.array) axis.values.push_back(AsInteger(v, values.array));
    space.params.push_back(std::move(axis));
  }
  for (const auto& [key, record] : cache->object) {
    ParamMap config;
    for (const auto& [name, values] : tune_params->object) {
      const JsonValue* v = record.Find(name);
      if (v == nullptr) throw std::runtime_error(path + ": cache entry " + key + " has no " + name);
      config[name] = AsInteger(*v, values.array);
    }
    const JsonValue* time = record.Find("time");
    const double ns = time != nullptr && time->IsNumber() && std::isfinite(time->number) && time->number > 0
                          ? time->number * 1e6
                          : std::numeric_limits<double>::infinity();
    space.times[config] = ns;
  }
  if (space.times.empty()) throw std::runtime_error(path + ": the cache is empty");
  return space;
}

}  // namespace mace_tune
