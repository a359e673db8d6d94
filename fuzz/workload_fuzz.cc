// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: workload files (`tune --workload`): every line's tuning key through the
// families' checked key rules, merged and counted, then scaled by a batch size. "@kernels" lines
// are dropped: they read other files, which would make runs depend on the disk.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "workloads/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (line.find("@kernels") == std::string::npos) text += line + "\n";
  }
  try {
    const mace_tune::Workload w = mace_tune::ParseWorkload("fuzz.workload", text);
    for (int64_t batch : {int64_t{2}, int64_t{4096}}) {
      try {
        mace_tune::WithBatch(w, batch);
      } catch (const std::runtime_error&) {
      }
    }
  } catch (const std::runtime_error&) {
  }
  return 0;
}
