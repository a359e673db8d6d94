// SPDX-License-Identifier: Apache-2.0
// `mace_tune emit` (DESIGN.md "Flow" 3): from the database and the device, the compiled-program
// binary (the winners' and defaults' programs, built here) and the tuned-parameter file.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mace_tune/artifacts.h"
#include "store/store.h"
#include "tuner/tune_context.h"

namespace mace_tune {

struct EmitRequest {
  std::string out_dir = ".";
  std::string binary_name = "mace_cl_compiled_program.bin";
  std::string params_name = "mace_tuned_params.bin";
  std::string tool_version;
};

struct EmitEntry {
  std::string tuning_key;
  std::string params;
  double tuned_ns = 0;
  double default_ns = 0;
  bool final_winner = false;  // chosen by the latest interleaved re-measurement, not the best median
};

struct EmitReport {
  std::string binary_path;
  std::string params_path;
  size_t programs = 0;
  size_t binary_bytes = 0;
  size_t user_kernels = 0;  // descriptions of users' kernels in the tuned-parameter file
  std::vector<EmitEntry> entries;
};

// Throws std::runtime_error with one clear line: no results for this device in the database,
// a program that no longer builds, an unwritable output directory.
EmitReport Emit(TuneContext& ctx, Store& store, const EmitRequest& request);

// What Emit writes, chosen once for every output format: per tuned key of the device, the final
// winner on the current source (else the lowest median), the (program, build options) pairs the
// winners and their defaults need, and the descriptions of the users' kernels among them.
struct TunedSelection {
  TunedParamFile tuned;  // entries and descriptions; meta and device are the writer's
  std::set<std::pair<std::string, std::string>> programs;
  std::vector<EmitEntry> entries;
};
// The device's id in the store; throws (listing the devices it has) when it has none of it.
int64_t DeviceIdIn(Store& store, const DeviceFingerprint& fingerprint);
// Registers the store's user kernels first. Throws when no key has a usable result.
TunedSelection SelectTuned(Store& store, int64_t device_id);

}  // namespace mace_tune
