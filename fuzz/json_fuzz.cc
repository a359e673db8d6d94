// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the JSON parser and the two importers built on it (CLBlast's tuner output,
// Kernel Tuner's cache, read by `replay` and `report`). Errors must be std::runtime_error; any
// other exception, a crash or a sanitizer report is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "formats/json_value.h"
#include "replay/replay.h"

namespace {

size_t Walk(const mace_tune::JsonValue& v) {
  size_t n = 1 + v.string.size();
  for (const auto& item : v.array) n += Walk(item);
  for (const auto& [key, item] : v.object) n += key.size() + Walk(item);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Walk(mace_tune::ParseJson(text));
  } catch (const std::runtime_error&) {
  }
  // The importers read a file: the input goes to one per process, rewritten for every run.
  static const std::string path = [] {
    static std::string name = "/tmp/mace_tune_fuzz_json_" + std::to_string(::getpid()) + ".json";
    std::atexit([] { ::unlink(name.c_str()); });
    return name;
  }();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(text.data(), static_cast<std::streamsize>(size));
  for (auto* import : {&mace_tune::ImportClblast, &mace_tune::ImportKernelTuner}) {
    try {
      const mace_tune::RecordedSpace space = import(path);
      if (space.times.empty()) __builtin_trap();  // the importers promise at least one config
    } catch (const std::runtime_error&) {
    }
  }
  return 0;
}
