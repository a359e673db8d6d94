// SPDX-License-Identifier: Apache-2.0
// MACE interop on the command line (docs/runtime.md "Shipping to a MACE app"): emit --format mace's
// options, `import-mace FILE` (what an app's MACE tuned parameters become), tune --prior-from.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "apps/commands.h"
#include "emit/emit.h"
#include "emit/mace_emit.h"
#include "emit/mace_import.h"
#include "kernels/description_file.h"
#include "store/store.h"
#include "tuner/tuner.h"

namespace mace_tune::cli {
namespace {

std::vector<MaceKeyTemplate> Templates(const std::vector<std::string>& specs) {
  std::vector<MaceKeyTemplate> out;
  for (const auto& spec : specs) out.push_back(MaceKeyTemplate::Parse(spec));
  return out;
}

CLI::Option* AddKeyOption(CLI::App* cmd, std::vector<std::string>* keys) {
  return cmd->add_option("--mace-key", *keys,
                         "FAMILY=TEMPLATE: the tuning key the app's MACE op asks for, with {DIM} for the family's "
                         "dims and {dtype}, e.g. bias_relu=bias_relu_opencl_kernel_{N}_{H}_{W}_{C} (repeatable)");
}

struct MaceEmitCli {
  MaceEmitRequest request;
  std::string layout = "protobuf";
  std::string mace_version;
  std::vector<std::string> keys, options;
  CLI::Option* device_name = nullptr;
  std::vector<CLI::Option*> all;
};

MaceEmitCli& EmitCli() {
  static MaceEmitCli cli;
  return cli;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

void AddMaceEmitOptions(CLI::App* emit) {
  MaceEmitCli& c = EmitCli();
  c.all.push_back(emit->add_option("--mace-layout", c.layout,
                                   "with --format mace: protobuf (MACE 1.1 and later) or legacy (the raw layout of "
                                   "MACE 0.9 to 1.0)")
                      ->check(CLI::IsMember({"protobuf", "legacy"}))
                      ->capture_default_str());
  c.all.push_back(emit->add_option("--mace-version", c.mace_version,
                                   "with --format mace (required): the version the app's MACE logs at start; it is "
                                   "part of the platform info MACE compares. 'none' for releases without it"));
  c.device_name = emit->add_option("--mace-device-name", c.request.device_name,
                                   "with --format mace: the device name to record instead of the one derived as MACE "
                                   "derives it");
  c.all.push_back(c.device_name);
  c.all.push_back(AddKeyOption(emit, &c.keys));
  c.all.push_back(emit->add_option("--mace-options", c.options,
                                   "with --format mace: PROGRAM=OPTIONS, the build options the app's MACE op adds for "
                                   "that program (part of MACE's program key; repeatable)"));
}

bool MaceEmitOptionsGiven() {
  for (const CLI::Option* o : EmitCli().all) {
    if (o->count() > 0) return true;
  }
  return false;
}

void RunMaceEmit(const GlobalOptions& global, const std::string& db, const EmitRequest& emit) {
  MaceEmitCli& c = EmitCli();
  if (c.mace_version.empty()) {
    throw std::runtime_error(
        "--format mace needs --mace-version: the version the app's MACE logs at start "
        "(\"MACE version: ...\"), or 'none' for MACE releases whose platform info has none");
  }
  MaceEmitRequest request = c.request;
  request.out_dir = emit.out_dir;
  request.binary_name = emit.binary_name;
  request.params_name = emit.params_name;
  request.layout = c.layout == "legacy" ? MaceKvFile::Layout::kRaw : MaceKvFile::Layout::kProtobuf;
  request.mace_version = c.mace_version == "none" ? "" : c.mace_version;
  request.device_name_given = c.device_name->count() > 0;
  request.key_templates = Templates(c.keys);
  for (const auto& spec : c.options) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::runtime_error("--mace-options " + spec + ": expected PROGRAM=OPTIONS");
    }
    request.program_options[spec.substr(0, eq)] += " " + spec.substr(eq + 1);
  }
  TuneContext ctx = OpenDevice(global.platform, global.device);
  Store store = Store::Open(db);
  const MaceEmitReport r = EmitMace(ctx, store, request);
  const char* layout = c.layout == "legacy" ? "MACE 0.9-1.0 raw layout" : "MACE protobuf container + CRC-32";
  fmt::print("MACE compiled-program file: {} ({}, {} programs, {} bytes of device binaries)\n", r.binary_path, layout,
             r.programs, r.binary_bytes);
  fmt::print("  platform info: {} (MACE uses the file only if its own string is exactly this)\n",
             Quoted(r.platform_info));
  fmt::print("  device name:   {}\n", Quoted(r.device_name));
  for (const auto& key : r.program_keys) fmt::print("  program key:   {}\n", Quoted(key));
  fmt::print(
      "MACE tuned-parameter file:  {} ({} tuning keys: {} follow MACE's naming (--mace-key), {} keep "
      "mace_tune's)\n",
      r.params_path, r.keys, r.mace_named, r.keys - r.mace_named);
}

void AddPriorFromOptions(CLI::App* tune, std::string* prior_from, std::vector<std::string>* keys) {
  tune->add_option("--prior-from", *prior_from,
                   "with --strategy transfer: also start from the configs of this MACE tuned-parameter file "
                   "(`mace_tune import-mace FILE` shows them; its keys are read with --mace-key)");
  AddKeyOption(tune, keys);
}

void ApplyPriorFrom(const std::string& prior_from, const std::vector<std::string>& keys, const DeviceLimits& limits,
                    bool quiet, TuneRequest* request) {
  if (prior_from.empty()) return;
  if (request->strategy != "transfer") throw std::runtime_error("--prior-from needs --strategy transfer");
  request->imported_priors = ToImportedPriors(ReadMacePriors(prior_from, Templates(keys), limits), prior_from);
  if (!quiet) {
    fmt::print(stderr, "{} configs from {} for the transfer strategy\n", request->imported_priors.size(), prior_from);
  }
}

void AddImportMaceCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("import-mace",
                                 "show the configs an app's MACE tuned-parameter file gives `tune --strategy transfer "
                                 "--prior-from FILE` to start from");
  static std::string path, db;
  static std::vector<std::string> keys, kernels;
  cmd->add_option("file", path, "MACE's tuned-parameter file (either layout)")->required();
  AddKeyOption(cmd, &keys)->required();
  cmd->add_option("--kernel", kernels, "a user's kernel description (.toml) or a folder of them (repeatable)");
  cmd->add_option("--db", db, "also know the user kernels stored in this database");
  cmd->callback([&global] {
    for (const auto& k : kernels) RegisterKernelPath(k);
    if (!db.empty()) {
      Store store = Store::OpenCopy(db);
      for (const auto& [digest, bytes] : store.Descriptions()) RegisterKernelBytes(bytes, db + ": kernel " + digest);
    }
    const TuneContext ctx = OpenDevice(global.platform, global.device);
    const std::vector<MacePrior> priors = ReadMacePriors(path, Templates(keys), ctx.limits);
    size_t mapped = 0;
    for (const MacePrior& p : priors) {
      fmt::print("{} [{}]", p.mace_key, fmt::join(p.values, ","));
      if (p.tuning_key.empty()) {
        fmt::print(" skipped: {}\n", p.note);
        continue;
      }
      ++mapped;
      const std::string moved = p.note.empty() ? "" : " (moved into the space: " + p.note + ")";
      fmt::print(" -> {} {}{}\n", p.tuning_key, FormatParams(p.params), moved);
    }
    fmt::print("{} of {} entries become configs that `tune --strategy transfer --prior-from {}` starts from\n", mapped,
               priors.size(), path);
  });
}

}  // namespace mace_tune::cli
