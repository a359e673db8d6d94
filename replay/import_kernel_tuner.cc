// SPDX-License-Identifier: Apache-2.0
// Import of Kernel Tuner's cache file (tune_kernel(..., cache=FILE)): "tune_params" gives the axes,
// "cache" maps "v1,v2,..." to a record with the parameters and the objective ("time" in ms unless
// "objective" names another), or a string such as "CompilationFailedConfig" for a failure. Configs
// the restrictions removed are absent, hence invalid. A file that cannot be represented exactly
// (an unknown objective direction, two records of one config) is refused with the reason.
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "formats/json_value.h"
#include "replay/replay.h"

namespace mace_tune {
namespace {

// One axis: how its JSON values become our integers. An axis of integers keeps them; an axis of
// booleans becomes 0/1; any other axis (a float such as 0.25, a string, a mix) becomes the
// positions of its values in tune_params, so that no two values ever share an integer.
struct Axis {
  std::string name;
  std::vector<JsonValue> domain;
  enum class Kind { kInteger, kBoolean, kPosition } kind = Kind::kInteger;
};

bool SameValue(const JsonValue& a, const JsonValue& b) {
  if (a.type != b.type) return false;
  if (a.IsNumber()) return a.number == b.number;
  if (a.IsString()) return a.string == b.string;
  return a.type != JsonValue::Type::kBool || a.boolean == b.boolean;
}

Axis MakeAxis(const std::string& name, const JsonValue& values, const std::string& path) {
  if (!values.IsArray() || values.array.empty())
    throw std::runtime_error(path + ": tune_params " + name + " is not a list of values");
  Axis axis{name, values.array, Axis::Kind::kInteger};
  bool integers = true, booleans = true;
  for (size_t i = 0; i < values.array.size(); ++i) {
    int64_t n = 0;
    integers = integers && JsonInteger(values.array[i], &n);
    booleans = booleans && values.array[i].type == JsonValue::Type::kBool;
    for (size_t j = 0; j < i; ++j) {
      if (SameValue(values.array[i], values.array[j]))
        throw std::runtime_error(path + ": tune_params " + name + " lists a value twice");
    }
  }
  axis.kind = integers ? Axis::Kind::kInteger : booleans ? Axis::Kind::kBoolean : Axis::Kind::kPosition;
  return axis;
}

int64_t ValueOf(const Axis& axis, const JsonValue& v, const std::string& where) {
  for (size_t i = 0; i < axis.domain.size(); ++i) {
    if (!SameValue(axis.domain[i], v)) continue;
    int64_t n = 0;
    if (axis.kind == Axis::Kind::kInteger && JsonInteger(v, &n)) return n;
    if (axis.kind == Axis::Kind::kBoolean) return v.boolean ? 1 : 0;
    return static_cast<int64_t>(i);
  }
  throw std::runtime_error(where + ": " + axis.name + " has a value outside tune_params");
}

// The objective and its direction: "objective" (a name, or a list of one), else "time";
// "objective_higher_is_better" when given, else known for Kernel Tuner's usual names.
struct Objective {
  std::string name = "time";
  bool higher_is_better = false;
};

Objective ReadObjective(const JsonValue& doc, const std::string& path) {
  Objective o;
  const JsonValue* name = doc.Find("objective");
  if (name != nullptr && name->IsArray()) {
    if (name->array.size() != 1) throw std::runtime_error(path + ": several objectives; replay needs one");
    name = &name->array[0];
  }
  if (name != nullptr && name->IsString()) o.name = name->string;
  const JsonValue* higher = doc.Find("objective_higher_is_better");
  if (higher != nullptr && higher->IsArray() && higher->array.size() == 1) higher = &higher->array[0];
  if (higher != nullptr && higher->type == JsonValue::Type::kBool) {
    o.higher_is_better = higher->boolean;
    return o;
  }
  const std::string& n = o.name;
  const bool rate = n.size() > 2 && (n.compare(n.size() - 2, 2, "/s") == 0 || n.compare(n.size() - 2, 2, "/W") == 0 ||
                                     n.compare(n.size() - 2, 2, "/J") == 0);
  if (rate || n == "fitness") {
    o.higher_is_better = true;
  } else if (n != "time" && n != "energy" && n != "cost" && n != "loss") {
    throw std::runtime_error(path + ": objective " + n +
                             " without objective_higher_is_better: its direction is unknown");
  }
  return o;
}

// What the strategies minimise: time in ns, another lower-is-better objective as it is, a
// higher-is-better one as its inverse; +inf for a failure (any field holding Kernel Tuner's error string).
double CostOf(const JsonValue& record, const Objective& o, const std::string& where) {
  for (const auto& field : record.object) {
    const std::string& s = field.second.string;
    if (s == "ErrorConfig" || s == "InvalidConfig" || s == "CompilationFailedConfig" || s == "RuntimeFailedConfig") {
      return std::numeric_limits<double>::infinity();
    }
  }
  const JsonValue* v = record.Find(o.name);
  if (v == nullptr || !v->IsNumber()) throw std::runtime_error(where + ": no " + o.name + " and no failure");
  if (!std::isfinite(v->number) || v->number <= 0) return std::numeric_limits<double>::infinity();
  if (o.higher_is_better) return 1.0 / v->number;
  return o.name == "time" ? v->number * 1e6 : v->number;
}

// Kernel Tuner appends one cache entry per line and leaves the file without its closing "}}" while
// (and if interrupted, after) tuning; it closes the object itself when reading it back. So do we.
JsonValue ParseCache(const std::string& path) {
  std::string text = ReadJsonText(path);
  try {
    return ParseJson(text);
  } catch (const std::runtime_error& first) {
    while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ','))
      text.pop_back();
    try {
      return ParseJson(text + "\n}\n}");
    } catch (const std::runtime_error&) {
      throw std::runtime_error(path + ": " + first.what());
    }
  }
}

std::string SpaceName(const JsonValue& doc) {
  const JsonValue* kernel = doc.Find("kernel_name");
  std::string name = "kt:" + (kernel != nullptr && kernel->IsString() ? kernel->string : std::string("?"));
  if (const JsonValue* size = doc.Find("problem_size"); size != nullptr && size->IsArray()) {
    std::string dims;
    for (const auto& d : size->array) {
      int64_t n = 0;
      dims += (dims.empty() ? "" : "x") + (JsonInteger(d, &n) ? std::to_string(n) : std::string("?"));
    }
    name += "_" + dims;
  }
  return name;
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
  space.name = SpaceName(doc);
  const Objective objective = ReadObjective(doc, path);
  space.objective = objective.name;
  space.higher_is_better = objective.higher_is_better;
  std::vector<Axis> axes;
  for (const auto& [name, values] : tune_params->object) {
    axes.push_back(MakeAxis(name, values, path));
    TunableParam param{name, {}};
    for (const auto& v : values.array) param.values.push_back(ValueOf(axes.back(), v, path));
    space.params.push_back(std::move(param));
  }
  std::map<ParamMap, std::string> key_of;  // which cache entry gave each config
  for (const auto& [key, record] : cache->object) {
    const std::string where = path + ": cache entry " + key;
    ParamMap config;
    for (const Axis& axis : axes) {
      const JsonValue* v = record.Find(axis.name);
      if (v == nullptr) throw std::runtime_error(where + " has no " + axis.name);
      config[axis.name] = ValueOf(axis, *v, where);
    }
    if (const auto [it, fresh] = key_of.emplace(config, key); !fresh) {
      throw std::runtime_error(where + " is the same config as entry " + it->second);
    }
    space.times[config] = CostOf(record, objective, where);
  }
  if (space.times.empty()) throw std::runtime_error(path + ": the cache is empty");
  return space;
}

}  // namespace mace_tune
