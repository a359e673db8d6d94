// SPDX-License-Identifier: Apache-2.0
// Choosing the winners and writing both artifacts atomically.
#include "emit/emit.h"

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "formats/artifact_writer.h"
#include "kernels/description_file.h"
#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"
#include "runtime/desc/registry.h"

namespace mace_tune {
namespace {

void Check(const Status& status, const std::string& what) {
  if (!status.ok()) throw std::runtime_error(what + ": " + status.ToString());
}

}  // namespace

int64_t DeviceIdIn(Store& store, const DeviceFingerprint& fingerprint) {
  std::string known;
  for (const auto& row : store.Devices()) {
    if (row.fingerprint.Id() == fingerprint.Id()) return row.id;
    known += "\n  " + row.fingerprint.Describe();
  }
  throw std::runtime_error("the database " + store.path() + " has no results for this device (" +
                           fingerprint.Describe() + "); it has:" + (known.empty() ? " none" : known));
}

TunedSelection SelectTuned(Store& store, int64_t device_id) {
  // Users' kernels come with the results: their descriptions and sources are in the database.
  for (const auto& [digest, bytes] : store.Descriptions())
    RegisterKernelBytes(bytes, store.path() + ": kernel " + digest);
  TunedSelection out;
  std::set<std::string> families;
  for (InstanceSummary& s : store.Summaries(device_id)) {
    if (!s.best) continue;
    TuningKey key;
    Check(TuningKey::Parse(s.tuning_key, &key), "tuning key in the database");
    if (!ValidateKey(key).ok()) continue;  // a family this build no longer knows
    const std::string program(FindFamily(key.family)->program);
    // The winner of the latest interleaved re-measurement on this source beats the lowest median:
    // it was timed side by side with its rivals, under the same clocks and temperature.
    bool final_winner = false;
    if (auto winner = store.FinalWinner(device_id, s.tuning_key, ProgramSourceDigest(program))) {
      s.best = std::move(winner);
      final_winner = true;
    }
    if (s.best->source_digest != ProgramSourceDigest(program)) continue;  // measured on older source
    ParamMap params;
    Check(ParseParams(s.best->params, &params), s.tuning_key);
    TunedEntry e;
    e.tuning_key = s.tuning_key;
    e.params = s.best->params;
    Check(FamilyBuildOptions(key, params, &e.build_options), s.tuning_key);
    LaunchGeometry g;
    Check(FamilyGeometry(key, params, &g), s.tuning_key);
    e.dims = g.dims;
    for (int i = 0; i < 3; ++i) {
      if (g.gws[i] > UINT32_MAX || g.lws[i] > UINT32_MAX) {
        throw std::runtime_error(s.tuning_key + ": a global size beyond 2^32 does not fit the tuned-parameter file");
      }
      e.gws[i] = static_cast<uint32_t>(g.gws[i]);
      e.lws[i] = static_cast<uint32_t>(g.lws[i]);
    }
    e.tuned_ns = s.best->median_ns;
    out.programs.emplace(program, e.build_options);
    if (s.default_config) {
      e.default_params = s.default_config->params;
      if (s.default_config->ok()) e.default_ns = s.default_config->median_ns;
      ParamMap dp;
      std::string default_options;
      if (ParseParams(e.default_params, &dp).ok() && FamilyBuildOptions(key, dp, &default_options).ok()) {
        out.programs.emplace(program, default_options);  // so the fallback also starts from the binary
      }
    }
    out.entries.push_back({e.tuning_key, e.params, e.tuned_ns, e.default_ns, final_winner});
    out.tuned.entries.push_back(std::move(e));
    families.insert(key.family);
  }
  if (out.tuned.entries.empty()) {
    throw std::runtime_error("the database " + store.path() +
                             " has no successful measurement for this device with the current kernel "
                             "sources: run `mace_tune tune` first");
  }
  // The runtime launches a user's kernel from what the tuned file carries: its description.
  for (const auto& name : families) {
    const desc::KernelDescription* d = desc::FindDescription(name);
    if (d != nullptr && !d->builtin()) out.tuned.descriptions.push_back(desc::EncodeDescription(d->text()));
  }
  return out;
}

EmitReport Emit(TuneContext& ctx, Store& store, const EmitRequest& request) {
  TunedSelection selection = SelectTuned(store, DeviceIdIn(store, ctx.fingerprint));
  ArtifactMeta meta;
  meta.writer_version = request.tool_version;
  meta.created_unix = static_cast<int64_t>(std::time(nullptr));
  TunedParamFile tuned = std::move(selection.tuned);
  tuned.meta = meta;
  tuned.device = ctx.fingerprint;
  const auto& programs = selection.programs;
  EmitReport report;
  report.entries = std::move(selection.entries);
  report.user_kernels = tuned.descriptions.size();
  const ProgramBinaryFile binary =
      BuildProgramBinaryFile(ctx.context.get(), ctx.device(), {programs.begin(), programs.end()}, request.tool_version);
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(request.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create output directory " + request.out_dir + ": " + ec.message());
  report.binary_path = (fs::path(request.out_dir) / request.binary_name).string();
  report.params_path = (fs::path(request.out_dir) / request.params_name).string();
  // Both staged before either replaces its file; the binary is renamed first (the order does not
  // matter to the runtime, see WriteFilesAtomic).
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
  files.emplace_back(report.binary_path, EncodeProgramBinaryFile(binary));
  files.emplace_back(report.params_path, EncodeTunedParamFile(tuned));
  report.binary_bytes = files[0].second.size();
  Check(WriteFilesAtomic(files), "writing the artifacts");
  report.programs = binary.programs.size();
  return report;
}

}  // namespace mace_tune
