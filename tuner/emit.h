// `mace_tune emit` (DESIGN.md "Flow" 3): from the database and the device, the compiled-program
// binary (the winners' and defaults' programs, built here) and the tuned-parameter file.
#pragma once

#include <string>
#include <vector>

#include "store.h"
#include "tune_context.h"

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

}  // namespace mace_tune
