// SPDX-License-Identifier: Apache-2.0
// emit --format mace (mace_emit.h): the same winners as `emit`, keyed and laid out as MACE reads them.
#include "emit/mace_emit.h"

#include <filesystem>
#include <stdexcept>

#include "emit/emit.h"
#include "formats/artifact_writer.h"
#include "formats/mace_writer.h"
#include "mace_tune/families.h"
#include "runtime/cl/cl_core.h"

namespace mace_tune {
namespace {

// MACE's own keys in the compiled-program file (its OpenCL runtime's constants).
constexpr const char* kPlatformInfoKey = "mace_opencl_precompiled_platform_info_key";
constexpr const char* kDeviceNameKey = "mace_opencl_precompiled_device_name_key";
constexpr const char* kProgramHashPrefix = "program_hash_ ";

MaceKvEntry Text(const std::string& key, const std::string& text) {
  MaceKvEntry e;
  e.key = key;
  e.value.assign(text.begin(), text.end());
  return e;
}

std::vector<std::string> Dims(const std::string& family) {
  std::vector<std::string> dims;
  for (std::string_view d : FindFamily(family)->shape_dims) dims.emplace_back(d);
  return dims;
}

// Tuning key -> [lws..., block]; a family with a template gets the key its MACE op asks for.
std::map<std::string, MaceKvEntry> TunedEntries(const TunedParamFile& tuned, const MaceEmitRequest& request,
                                                MaceEmitReport* report) {
  for (const MaceKeyTemplate& t : request.key_templates) {
    if (FindFamily(t.family) == nullptr) {
      throw std::runtime_error("--mace-key " + t.family + "=" + t.pattern + ": no family " + t.family +
                               " in this build or the database");
    }
    const std::string why = t.Check(Dims(t.family), false);
    if (!why.empty()) throw std::runtime_error("--mace-key " + t.family + "=" + t.pattern + ": " + why);
  }
  std::map<std::string, MaceKvEntry> out;
  std::map<std::string, std::string> source_of;
  for (const TunedEntry& e : tuned.entries) {
    TuningKey key;
    if (!TuningKey::Parse(e.tuning_key, &key).ok()) continue;
    MaceKvEntry entry;
    entry.key = e.tuning_key;
    if (const MaceKeyTemplate* t = FindMaceKeyTemplate(request.key_templates, key.family)) {
      entry.key = t->Render(key);
      ++report->mace_named;
    }
    if (const auto it = source_of.find(entry.key); it != source_of.end()) {
      throw std::runtime_error("tuning keys " + it->second + " and " + e.tuning_key + " would both be MACE key " +
                               entry.key + ": give the template the dims that tell them apart");
    }
    source_of[entry.key] = e.tuning_key;
    entry.uint32s = MaceTunedValues(e.dims, e.lws);
    out[entry.key] = std::move(entry);
  }
  report->keys = out.size();
  return out;
}

// Every program the winners and their defaults need, built here with MACE's options, under MACE's
// program key, with its hash entry.
void AddPrograms(TuneContext& ctx, const TunedSelection& selection, const MaceEmitRequest& request,
                 std::map<std::string, MaceKvEntry>* out, MaceEmitReport* report) {
  std::map<std::string, std::pair<std::string, std::string>> wanted;  // MACE key -> (program, key options)
  for (const auto& [program, options] : selection.programs) {
    const auto extra = request.program_options.find(program);
    const std::string key_options = options + (extra == request.program_options.end() ? "" : " " + extra->second);
    wanted[MaceProgramKey(program, key_options)] = {program, key_options};
  }
  std::vector<std::pair<std::string, std::string>> builds;
  for (const auto& [key, what] : wanted) builds.emplace_back(what.first, what.second + " " + kMaceAlwaysBuildOptions);
  const ProgramBinaryFile built = BuildProgramBinaryFile(ctx.context.get(), ctx.device(), builds, "mace_tune");
  for (const auto& [key, what] : wanted) {
    const std::string options = NormalizeBuildOptions(what.second + " " + kMaceAlwaysBuildOptions);
    for (const ProgramEntry& p : built.programs) {
      if (p.program_name != what.first || p.build_options != options) continue;
      MaceKvEntry binary;
      binary.key = key;
      binary.value = p.binary;
      report->binary_bytes += p.binary.size();
      (*out)[key] = std::move(binary);
      // MACE compares this with its own build's hash of the source only for its cache file.
      (*out)[kProgramHashPrefix + key] = Text(kProgramHashPrefix + key, p.source_digest);
      report->program_keys.push_back(key);
    }
  }
  report->programs = report->program_keys.size();
}

std::vector<MaceKvEntry> Values(std::map<std::string, MaceKvEntry>&& entries) {
  std::vector<MaceKvEntry> out;
  for (auto& [key, e] : entries) out.push_back(std::move(e));
  return out;
}

void Write(const std::string& path, const std::vector<uint8_t>& bytes, const std::string& what) {
  const Status status = WriteFileAtomic(path, bytes);
  if (!status.ok()) throw std::runtime_error("writing " + what + ": " + status.ToString());
}

}  // namespace

MaceEmitReport EmitMace(TuneContext& ctx, Store& store, const MaceEmitRequest& request) {
  const TunedSelection selection = SelectTuned(store, DeviceIdIn(store, ctx.fingerprint));
  MaceEmitReport report;
  std::map<std::string, MaceKvEntry> tuned = TunedEntries(selection.tuned, request, &report);

  cl_platform_id platform = nullptr;
  clGetDeviceInfo(ctx.device(), CL_DEVICE_PLATFORM, sizeof platform, &platform, nullptr);
  report.platform_info =
      MacePlatformInfo(PlatformString(platform, CL_PLATFORM_NAME), PlatformString(platform, CL_PLATFORM_PROFILE),
                       PlatformString(platform, CL_PLATFORM_VERSION), request.mace_version);
  report.device_name = request.device_name_given ? request.device_name
                                                 : MaceDeviceName(DeviceString(ctx.device(), CL_DEVICE_NAME),
                                                                  DeviceString(ctx.device(), CL_DEVICE_VERSION));
  std::map<std::string, MaceKvEntry> programs;
  programs[kPlatformInfoKey] = Text(kPlatformInfoKey, report.platform_info);
  programs[kDeviceNameKey] = Text(kDeviceNameKey, report.device_name);
  AddPrograms(ctx, selection, request, &programs, &report);

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(request.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create output directory " + request.out_dir + ": " + ec.message());
  report.binary_path = (fs::path(request.out_dir) / request.binary_name).string();
  report.params_path = (fs::path(request.out_dir) / request.params_name).string();
  const std::vector<uint8_t> params = EncodeMaceKvFile(Values(std::move(tuned)), request.layout);
  Write(report.binary_path, EncodeMaceKvFile(Values(std::move(programs)), request.layout),
        "MACE's compiled-program file");
  Write(report.params_path, params, "MACE's tuned-parameter file");
  report.params_bytes = params.size();
  return report;
}

}  // namespace mace_tune
