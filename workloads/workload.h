// SPDX-License-Identifier: Apache-2.0
// Workloads: lists of kernel instances, one tuning key per line ("# label" after it), read from a
// file or by name from the workloads/ bundled into the binary. Repeated keys are merged, counted.
// A line "@kernels PATH" registers users' kernels (a description file or a folder of them,
// relative to the workload file) for the keys that follow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mace_tune/tuning_key.h"

namespace mace_tune {

struct WorkloadItem {
  TuningKey key;
  std::string label;  // the first line's label
  int count = 1;      // how many layers of the network have this key
};

struct Workload {
  std::string name;
  std::string source;               // file path, or "bundled"
  std::vector<WorkloadItem> items;  // distinct keys, in first-seen order
};

// `name_or_path`: an existing file, else a bundled workload name ("small", "mobilenet_v2_gemm").
// Throws std::runtime_error "FILE:LINE: reason" for an unknown kernel, an impossible shape or a
// malformed line, and names the bundled workloads when the name is unknown.
Workload LoadWorkload(const std::string& name_or_path);
Workload ParseWorkload(const std::string& name, const std::string& text);
std::vector<std::string> BundledWorkloadNames();
// The same network at batch `batch` (>= 1): the batch dimension of every key is multiplied by it
// (N of the NHWC families, M of gemm, whose rows are the output pixels); the name gets "@bB".
Workload WithBatch(const Workload& workload, int64_t batch);

}  // namespace mace_tune
