// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the lines of the --isolate worker pipe: INIT (parent to worker) and RESULT
// (worker to parent, whose bad answers must read as a crash, never as a wrong record). A line that
// decodes must encode back to one that decodes to the same measurement.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tuner/worker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  mace_tune::Measurement m;
  if (mace_tune::DecodeMeasurement(line, &m)) {
    mace_tune::Measurement again;
    if (!mace_tune::DecodeMeasurement(mace_tune::EncodeMeasurement(m), &again) || again.status != m.status ||
        again.reason != m.reason || again.samples_ns.size() != m.samples_ns.size()) {
      __builtin_trap();
    }
  }
  mace_tune::TuningKey key;
  uint64_t seed = 0;
  mace_tune::MeasureOptions measure;
  if (mace_tune::DecodeInit(line, &key, &seed, &measure)) {
    std::string init = mace_tune::EncodeInit(key, seed, measure);
    init.pop_back();  // the newline
    mace_tune::TuningKey key2;
    if (!mace_tune::DecodeInit(init, &key2, &seed, &measure) || !(key2 == key)) __builtin_trap();
  }
  return 0;
}
