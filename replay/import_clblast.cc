// SPDX-License-Identifier: Apache-2.0
// Import of CLBlast's tuner output (clblast_tuner_xgemm and friends write clblast_<kernel>_<precision>.json):
// "results" is a list of {"kernel", "time" (ms), "parameters": {NAME: integer}}; only configs that
// compiled and verified are listed, so every other config of the axes counts as invalid.
#include <cmath>
#include <limits>
#include <stdexcept>

#include "formats/json_value.h"
#include "replay/replay.h"

namespace mace_tune {

RecordedSpace ImportClblast(const std::string& path) {
  const JsonValue doc = ParseJsonFile(path);
  const JsonValue* results = doc.Find("results");
  if (results == nullptr || !results->IsArray()) throw std::runtime_error(path + ": no \"results\" list (not a CLBlast tuner file)");
  RecordedSpace space;
  space.origin = path;
  const JsonValue* family = doc.Find("kernel_family");
  space.name = "clblast:" + (family != nullptr && family->IsString() ? family->string : std::string("?"));
  std::string dims;  // the problem size the file was tuned at, e.g. 128x128x128
  for (const char* arg : {"arg_m", "arg_n", "arg_k"}) {
    if (const JsonValue* v = doc.Find(arg); v != nullptr && v->IsString()) dims += (dims.empty() ? "" : "x") + v->string;
  }
  if (!dims.empty()) space.name += "_" + dims;
  for (const JsonValue& r : results->array) {
    const JsonValue* time = r.Find("time");
    const JsonValue* params = r.Find("parameters");
    if (params == nullptr || !params->IsObject()) throw std::runtime_error(path + ": a result without \"parameters\"");
    ParamMap config;
    for (const auto& [name, v] : params->object) {
      if (!JsonInteger(v, &config[name])) throw std::runtime_error(path + ": parameter " + name + " is not an integer");
    }
    const double ns = time != nullptr && time->IsNumber() && std::isfinite(time->number) && time->number > 0
                          ? time->number * 1e6
                          : std::numeric_limits<double>::infinity();
    auto [it, inserted] = space.times.emplace(config, ns);
    if (!inserted) it->second = std::min(it->second, ns);
  }
  if (space.times.empty()) throw std::runtime_error(path + ": no results");
  space.params = AxesOf(space.times);
  return space;
}

}  // namespace mace_tune
