// SPDX-License-Identifier: Apache-2.0
// `mace_tune emit --format mace`: the tuned results written as the two files a MACE app loads
// (docs/runtime.md "Shipping to a MACE app"): MACE's compiled-program file, built on this device,
// and its tuned-parameter file, in MACE's protobuf container or its legacy raw layout.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "formats/mace_format.h"
#include "formats/mace_naming.h"
#include "store/store.h"
#include "tuner/tune_context.h"

namespace mace_tune {

struct MaceEmitRequest {
  std::string out_dir = ".";
  std::string binary_name = "mace_cl_compiled_program.bin";
  std::string params_name = "mace_tuned_params.bin";
  MaceKvFile::Layout layout = MaceKvFile::Layout::kProtobuf;
  // The string MACE logs as its version at start; part of the platform-info string it compares.
  // Empty: the platform info without it, as MACE releases before it was added compose it.
  std::string mace_version;
  std::string device_name;  // overrides the name derived as MACE derives it (MaceDeviceName)
  bool device_name_given = false;
  std::vector<MaceKeyTemplate> key_templates;          // how the app's MACE ops name tuning keys
  std::map<std::string, std::string> program_options;  // program -> the options MACE's op adds
};

struct MaceEmitReport {
  std::string binary_path, params_path;
  std::string platform_info, device_name;
  size_t programs = 0, binary_bytes = 0, params_bytes = 0;
  size_t keys = 0;        // tuned keys written
  size_t mace_named = 0;  // of them, named by a --mace-key template (what MACE's ops ask for)
  std::vector<std::string> program_keys;
};

// Throws std::runtime_error with one line: what Emit throws for, a template that does not fit
// its family, two tuning keys that a template names alike, an unwritable output.
MaceEmitReport EmitMace(TuneContext& ctx, Store& store, const MaceEmitRequest& request);

}  // namespace mace_tune
