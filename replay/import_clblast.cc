// SPDX-License-Identifier: Apache-2.0
// Import of CLBlast's tuner output (clblast_tuner_xgemm and friends write clblast_<kernel>_<precision>.json):
// "results" is a list of {"kernel", "time" (ms), "parameters": {NAME: integer}}; only configs that
// compiled and verified are listed, so every other config of the axes counts as invalid. A file that
// cannot be represented exactly (a config listed twice, results naming different parameters) is refused.
#include <cmath>
#include <limits>
#include <stdexcept>

#include "formats/json_value.h"
#include "replay/replay.h"

namespace mace_tune {
namespace {

bool SameNames(const ParamMap& a, const ParamMap& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    if (i->first != j->first) return false;
  }
  return true;
}

}  // namespace

RecordedSpace ImportClblast(const std::string& path) {
  const JsonValue doc = ParseJsonFile(path);
  const JsonValue* results = doc.Find("results");
  if (results == nullptr || !results->IsArray())
    throw std::runtime_error(path + ": no \"results\" list (not a CLBlast tuner file)");
  RecordedSpace space;
  space.origin = path;
  const JsonValue* family = doc.Find("kernel_family");
  space.name = "clblast:" + (family != nullptr && family->IsString() ? family->string : std::string("?"));
  std::string dims;  // the problem size the file was tuned at, e.g. 128x128x128
  for (const char* arg : {"arg_m", "arg_n", "arg_k"}) {
    if (const JsonValue* v = doc.Find(arg); v != nullptr && v->IsString())
      dims += (dims.empty() ? "" : "x") + v->string;
  }
  if (!dims.empty()) space.name += "_" + dims;
  for (size_t i = 0; i < results->array.size(); ++i) {
    const JsonValue& r = results->array[i];
    const std::string where = path + ": result " + std::to_string(i + 1);
    const JsonValue* time = r.Find("time");
    const JsonValue* params = r.Find("parameters");
    if (params == nullptr || !params->IsObject()) throw std::runtime_error(where + " has no \"parameters\"");
    if (time == nullptr || !time->IsNumber()) throw std::runtime_error(where + " has no time");
    ParamMap config;
    for (const auto& [name, v] : params->object) {
      if (!JsonInteger(v, &config[name]))
        throw std::runtime_error(where + ": parameter " + name + " is not an integer");
    }
    if (!space.times.empty() && !SameNames(config, space.times.begin()->first)) {
      throw std::runtime_error(where + " names other parameters than result 1");
    }
    const double ns =
        std::isfinite(time->number) && time->number > 0 ? time->number * 1e6 : std::numeric_limits<double>::infinity();
    if (!space.times.emplace(config, ns).second)
      throw std::runtime_error(where + " repeats the config of an earlier result");
  }
  if (space.times.empty()) throw std::runtime_error(path + ": no results");
  space.params = AxesOf(space.times);
  return space;
}

}  // namespace mace_tune
