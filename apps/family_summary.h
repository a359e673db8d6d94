// SPDX-License-Identifier: Apache-2.0
// The per-family block of `mace_tune tune`'s summary: each kernel family's share of the workload
// (every key times its layer count), tuned vs default, the FLOP/s and bytes/s reached and, given
// the device's measured limits (clpeak), the fraction of the limit that binds the family.
#pragma once

#include "tuner/tuner.h"

namespace mace_tune::cli {

struct DeviceLimitsMeasured {
  double gflops = 0;  // FP32 compute, GFLOP/s (clpeak "Single-precision compute")
  double gbps = 0;    // global memory bandwidth, GB/s (clpeak "Global memory bandwidth")
};

// `limits`: "GFLOPS,GBS" or empty. Throws std::invalid_argument for a malformed value.
DeviceLimitsMeasured ParseMeasuredLimits(const std::string& limits);
void PrintFamilySummary(const TuneReport& report, const DeviceLimitsMeasured& limits);

}  // namespace mace_tune::cli
