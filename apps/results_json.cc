// SPDX-License-Identifier: Apache-2.0
// Writes the JSON documents of results_json.h. Times are in milliseconds (as the tables print
// them), a missing value is null, never 0: a key whose default failed has no speed-up.
#include "apps/results_json.h"

#include "apps/commands.h"
#include "formats/json.h"

namespace mace_tune::cli {
namespace {

JsonWriter Begin(const std::string& format) {
  JsonWriter out;
  out.BeginObject().Field("format", format).Field("format_version", 1).Field("tool", ToolVersion());
  return out;
}

void Ms(JsonWriter& out, std::string_view name, double ns) {
  if (ns > 0) {
    out.Field(name, ns / 1e6);
  } else {
    out.Null(name);
  }
}

void Ratio(JsonWriter& out, std::string_view name, double num, double den) {
  if (num > 0 && den > 0) {
    out.Field(name, num / den);
  } else {
    out.Null(name);
  }
}

// {"config": "...", "status": "ok", "median_ms": 0.12} or null.
void Config(JsonWriter& out, std::string_view name, const std::optional<Measurement>& m) {
  if (!m) {
    out.Null(name);
    return;
  }
  out.BeginObject(name).Field("config", m->params).Field("status", MeasurementStatusName(m->status));
  Ms(out, "median_ms", m->ok() ? m->median_ns : 0);
  if (!m->ok()) out.Field("reason", m->reason);
  out.EndObject();
}

void Merge(JsonWriter& out, const MergeReport& r) {
  out.Field("measurements_added", r.measurements_added)
      .Field("samples_added", r.samples_added)
      .Field("measurements_identical", r.measurements_identical)
      .Field("measurements_conflicting", r.measurements_conflicting)
      .Field("devices_added", r.devices_added)
      .Field("runs_added", r.runs_added)
      .Field("runs_updated", r.runs_updated)
      .Field("default_configs_added", r.default_configs_added)
      .Field("finals_added", r.finals_added)
      .Field("device_states_added", r.device_states_added)
      .Field("cool_downs_added", r.cool_downs_added)
      .Field("descriptions_added", r.descriptions_added);
}

}  // namespace

std::string TuneJson(const TuneContext& ctx, const TuneRequest& request, const TuneReport& report,
                     const std::string& db) {
  JsonWriter out = Begin("mace_tune tune");
  out.Field("db", db)
      .Field("run_id", report.run_id)
      .Field("workload", request.workload.name)
      .Field("strategy", request.strategy)
      .Field("seed", request.seed)
      .Field("max_evals", request.budget.max_evals)
      .Field("interrupted", report.interrupted);
  out.BeginObject("device")
      .Field("id", ctx.fingerprint.Id())
      .Field("description", ctx.fingerprint.Describe())
      .EndObject();
  double net_default = 0, net_tuned = 0;
  out.BeginArray("keys");
  for (const auto& r : report.instances) {
    const double def = r.default_config && r.default_config->ok() ? r.default_config->median_ns : 0;
    const double best = r.best ? r.best->median_ns : 0;
    net_default += def * r.count;
    net_tuned += best * r.count;
    out.BeginObject()
        .Field("tuning_key", r.tuning_key)
        .Field("layers", r.count)
        .Field("space_size", static_cast<int64_t>(r.space_size))
        .Field("evaluations", r.evaluated)
        .Field("measured", r.measured)
        .Field("failed", r.failed);
    Config(out, "default", r.default_config);
    Config(out, "best", r.best);
    Ratio(out, "speedup", def, best);
    out.EndObject();
  }
  out.EndArray();
  out.BeginObject("workload_total");  // each key times its layer count
  Ms(out, "default_ms", net_default > 0 && net_tuned > 0 ? net_default : 0);
  Ms(out, "tuned_ms", net_default > 0 && net_tuned > 0 ? net_tuned : 0);
  Ratio(out, "speedup", net_tuned > 0 ? net_default : 0, net_tuned);
  out.EndObject();
  out.Field("new_measurements", report.measured).Field("wall_s", report.wall_s);
  return out.EndObject().str();
}

std::string EmitJson(const EmitReport& report, const std::string& db, const std::string& cpp_path) {
  JsonWriter out = Begin("mace_tune emit");
  out.Field("db", db);
  out.BeginObject("binary")
      .Field("path", report.binary_path)
      .Field("programs", static_cast<int64_t>(report.programs))
      .Field("bytes", static_cast<int64_t>(report.binary_bytes))
      .EndObject();
  out.BeginObject("params")
      .Field("path", report.params_path)
      .Field("tuning_keys", static_cast<int64_t>(report.entries.size()))
      .Field("user_kernels", static_cast<int64_t>(report.user_kernels))
      .EndObject();
  if (cpp_path.empty()) {
    out.Null("cpp");
  } else {
    out.Field("cpp", cpp_path);
  }
  out.BeginArray("keys");
  for (const auto& e : report.entries) {
    out.BeginObject().Field("tuning_key", e.tuning_key).Field("config", e.params);
    Ms(out, "tuned_ms", e.tuned_ns);
    Ms(out, "default_ms", e.default_ns);
    Ratio(out, "speedup", e.default_ns, e.tuned_ns);
    out.Field("final_winner", e.final_winner).EndObject();
  }
  return out.EndArray().EndObject().str();
}

std::string MergeJson(const std::string& dest, const std::vector<std::pair<std::string, MergeReport>>& merged) {
  JsonWriter out = Begin("mace_tune merge");
  out.Field("dest", dest).BeginArray("sources");
  for (const auto& [src, report] : merged) {
    out.BeginObject().Field("src", src);
    Merge(out, report);
    out.EndObject();
  }
  return out.EndArray().EndObject().str();
}

std::string RemoteJson(const std::vector<RemoteOutcome>& outcomes, const std::string& host_db, bool farm) {
  JsonWriter out = Begin(farm ? "mace_tune farm" : "mace_tune remote-tune");
  out.Field("host_db", host_db).BeginArray("targets");
  for (const auto& o : outcomes) {
    const RemoteTuneResult& r = o.result;
    out.BeginObject().Field("target", o.target);
    if (!o.error.empty()) {
      out.Field("error", o.error).EndObject();
      continue;
    }
    out.BeginObject("info")
        .Field("os", r.info.os)
        .Field("arch", r.info.arch)
        .Field("abi", r.info.abi)
        .Field("board", r.info.board)
        .Field("model", r.info.model)
        .Field("hostname", r.info.hostname)
        .Field("name", r.info.name)
        .EndObject();
    out.Field("remote_exit", r.remote_exit).Field("done", r.remote_exit == 0).Field("local_dir", r.local_dir);
    if (r.local_db.empty()) {
      out.Null("local_db");
    } else {
      out.Field("local_db", r.local_db);
    }
    if (r.merged) {
      out.BeginObject("merge");
      Merge(out, r.merge);
      out.EndObject();
    } else {
      out.Null("merge");
    }
    out.BeginArray("artifacts");
    for (const auto& a : r.artifacts) out.Value(a);
    out.EndArray().EndObject();
  }
  return out.EndArray().EndObject().str();
}

}  // namespace mace_tune::cli
