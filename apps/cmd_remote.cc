// SPDX-License-Identifier: Apache-2.0
// `mace_tune merge`, `mace_tune remote-tune` and `mace_tune farm` (docs/remote.md): databases from
// other devices folded into one, and tuning on a phone (adb) or board (ssh), one or many at once.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "apps/commands.h"
#include "apps/option_checks.h"
#include "apps/results_json.h"
#include "kernels/description_file.h"
#include "kernels/kernel_family.h"
#include "remote/farm.h"
#include "remote/remote_tune.h"
#include "runtime/desc/registry.h"
#include "search_strategies/strategy.h"
#include "store/merge.h"
#include "workloads/workload.h"

namespace mace_tune::cli {
namespace {

namespace fs = std::filesystem;

void PrintMerge(const std::string& src, const std::string& dest, const MergeReport& r) {
  fmt::print("merged {} into {}: {} new measurements ({} samples), {} already present", src, dest, r.measurements_added,
             r.samples_added, r.measurements_identical);
  if (r.measurements_conflicting > 0) fmt::print(", {} differing (kept {}'s)", r.measurements_conflicting, dest);
  fmt::print("; {} new devices, {} new runs", r.devices_added, r.runs_added);
  if (r.finals_added + r.device_states_added + r.cool_downs_added > 0) {
    fmt::print(" ({} final re-measurements, {} device-state readings, {} cool-downs)", r.finals_added,
               r.device_states_added, r.cool_downs_added);
  }
  if (r.descriptions_added > 0) fmt::print(", {} user kernel descriptions", r.descriptions_added);
  fmt::print("\n");
}

// While alive, what is printed to stdout goes to stderr instead: with --json, stdout carries the
// document alone, and the session's lines (the target's progress among them) stay readable.
class StdoutToStderr {
 public:
  explicit StdoutToStderr(bool on) {
    if (!on) return;
    std::fflush(stdout);
    saved_ = dup(1);
    dup2(2, 1);
  }
  ~StdoutToStderr() { Restore(); }
  StdoutToStderr(const StdoutToStderr&) = delete;
  StdoutToStderr& operator=(const StdoutToStderr&) = delete;
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stdout);
    dup2(saved_, 1);
    close(saved_);
    saved_ = -1;
  }

 private:
  int saved_ = -1;
};

std::vector<std::string> StrategyChoices() {
  std::vector<std::string> names;
  for (const auto& n : StrategyNames()) names.emplace_back(n);
  return names;
}

// The options of a remote session, shared by remote-tune and farm. `tune` options pass through as
// text, checked here as `tune` checks them, so that a typo fails on the host, not on the target.
struct RemoteFlags {
  RemoteTuneOptions options;
  TransportOptions transport;
  std::string db = "mace_tune.db";
  std::string strategy, max_evals, time_limit, seed, min_samples, timeout_ms;
  std::string cool_down, cool_down_temp, cool_down_max_wait, build_jobs, storage;
  bool quiet = false;
  bool json = false;
  std::vector<std::string> kernels;

  void Register(CLI::App* cmd) {
    cmd->add_option("--kernel", kernels,
                    "a user's kernel description or a folder of them, as for tune: sent to the target with its "
                    "source (repeatable; a workload's own @kernels lines count too)");
    cmd->add_option("-w,--workload", options.workload, "workload file (pushed) or bundled name")->capture_default_str();
    cmd->add_option("--db", db, "host database the target's results are merged into")->capture_default_str();
    cmd->add_option("--results", options.results_dir, "local folder; one sub-folder per device")->capture_default_str();
    cmd->add_option("--campaign", options.campaign, "names the target's working folder and database")
        ->capture_default_str();
    cmd->add_option("--remote-dir", options.remote_dir,
                    "target working folder (default: /data/local/tmp/mace_tune/CAMPAIGN on adb, "
                    "~/.mace_tune/CAMPAIGN over ssh)")
        ->check(CLI::Validator(
            [](std::string& path) -> std::string {
              try {
                CheckRemotePath(path);
                return {};
              } catch (const std::exception& e) {
                return e.what();
              }
            },
            "PATH"));
    cmd->add_option("--target-bin", options.target_bin,
                    "mace_tune built for the target (default: this one, if the target's arch is ours)");
    cmd->add_option("--target-lib", options.target_libs,
                    "shared library to push with it (repeatable; default: ldd's non-system ones)");
    cmd->add_flag("!--no-libs", options.push_libs, "push no shared libraries");
    cmd->add_flag("--emit", options.emit, "also emit both artifacts on the target and pull them");
    cmd->add_option("--ssh-config", transport.ssh_config, "ssh -F file");
    cmd->add_option("--ssh-option", transport.ssh_options, "ssh -o option (repeatable)");
    cmd->add_option("-s,--strategy", strategy, "as for tune")->check(CLI::IsMember(StrategyChoices()));
    // Checked here as tune checks them: a bad value fails before anything is pushed.
    cmd->add_option("--max-evals", max_evals, "as for tune")->check(IntWithin(0, kMaxEvals));
    cmd->add_option("--time-limit", time_limit, "as for tune")->check(Within(0, kMaxSeconds));
    cmd->add_option("--seed", seed, "as for tune")->check(IntWithin(0, kMaxSeed));
    cmd->add_option("--min-samples", min_samples, "as for tune")->check(IntWithin(1, kMaxSamples));
    cmd->add_option("--timeout-ms", timeout_ms, "as for tune")->check(Within(0.001, kMaxSeconds * 1e3));
    cmd->add_option("--cool-down", cool_down, "as for tune: seconds to sleep between tuning keys")
        ->check(Within(0, kMaxSeconds));
    cmd->add_option("--cool-down-temp", cool_down_temp, "as for tune: wait for the GPU below this (C) before each key")
        ->check(Within(0, 200));
    cmd->add_option("--cool-down-max-wait", cool_down_max_wait, "as for tune")->check(Within(0, kMaxSeconds));
    cmd->add_option("--build-jobs", build_jobs, "as for tune (the target's worker processes)")->check(IntWithin(0, 64));
    cmd->add_option("--storage", storage, "as for tune: any, buffer or image")
        ->check(CLI::IsMember({"any", "buffer", "image"}));
    cmd->add_flag("--json", json, "the sessions' results as JSON on stdout (their progress goes to stderr)");
    cmd->add_flag("-q,--quiet", quiet, "no progress output from the target");
  }

  RemoteTuneOptions Resolve(const GlobalOptions& global) {
    RemoteTuneOptions o = options;
    o.platform = global.platform;
    o.device = global.device;
    o.host_db = db;
    const std::pair<const char*, const std::string*> pass[] = {{"--strategy", &strategy},
                                                               {"--max-evals", &max_evals},
                                                               {"--time-limit", &time_limit},
                                                               {"--seed", &seed},
                                                               {"--min-samples", &min_samples},
                                                               {"--timeout-ms", &timeout_ms},
                                                               {"--cool-down", &cool_down},
                                                               {"--cool-down-temp", &cool_down_temp},
                                                               {"--cool-down-max-wait", &cool_down_max_wait},
                                                               {"--build-jobs", &build_jobs},
                                                               {"--storage", &storage}};
    for (const auto& [flag, value] : pass) {
      if (!value->empty()) o.tune_args.insert(o.tune_args.end(), {flag, *value});
    }
    if (quiet) o.tune_args.push_back("-q");
    // Users' kernels travel as their encodings (description and source in one file each).
    for (const auto& path : kernels) RegisterKernelPath(path);
    if (fs::is_regular_file(o.workload)) LoadWorkload(o.workload);  // registers its @kernels
    for (const auto& name : desc::RegisteredNames()) {
      const desc::KernelDescription* d = desc::FindDescription(name);
      if (!d->builtin()) o.user_kernels.emplace_back(name, desc::EncodeDescription(d->text()));
    }
    return o;
  }
};

// farm --split keys: a workload's keys split between one file per target (in results_dir), each
// key in exactly one, spread by estimated cost (FLOPs + bytes, largest first, to the least loaded
// target). Throws when there are fewer keys than targets.
std::vector<std::string> SplitWorkload(const std::string& workload, const std::vector<TargetSpec>& targets,
                                       const std::string& results_dir) {
  const Workload w = LoadWorkload(workload);
  if (w.items.size() < targets.size()) {
    throw std::runtime_error("--split keys: " + std::to_string(w.items.size()) + " keys for " +
                             std::to_string(targets.size()) + " targets");
  }
  std::vector<std::pair<double, const WorkloadItem*>> items;
  for (const auto& item : w.items) {
    const KernelFamily* family = FindKernelFamily(item.key.family);
    items.emplace_back(family->Flops(item.key) + family->BytesMoved(item.key), &item);
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<double> load(targets.size(), 0);
  std::vector<std::string> texts(targets.size());
  for (const auto& [cost, item] : items) {
    const size_t part = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[part] += cost + 1;
    texts[part] += item->key.ToString() + "  # " + item->label + "\n";
  }
  fs::create_directories(results_dir);
  std::vector<std::string> paths;
  for (size_t i = 0; i < targets.size(); ++i) {
    paths.push_back(results_dir + "/" + SafeName(targets[i].text) + ".workload");
    std::ofstream(paths.back()) << "# " + w.name + ", the keys of " + targets[i].text + " (farm --split keys)\n" +
                                       texts[i];
  }
  return paths;
}

// Exit code of a session: 0, or 1 with a line saying how to resume.
int Report(const std::string& prefix, const std::string& target, const RemoteTuneResult& r, const std::string& db) {
  if (!r.local_db.empty()) fmt::print("{}results of {} in {}\n", prefix, target, r.local_db);
  for (const auto& a : r.artifacts) fmt::print("{}artifact: {}\n", prefix, a);
  if (r.merged) PrintMerge(r.local_db, db, r.merge);
  if (r.remote_exit == 0) return 0;
  fmt::print(stderr, "{}{}: the target's tune {} (exit {}); what it recorded is {}; run the same command to resume\n",
             prefix, target, r.remote_exit == 255 ? "lost its connection" : "did not finish", r.remote_exit,
             r.merged ? "merged" : "kept on the target");
  return 1;
}

}  // namespace

void AddMergeCommand(CLI::App& app, const GlobalOptions&) {
  auto* cmd =
      app.add_subcommand("merge", "merge result databases into DEST (idempotent; devices kept apart by fingerprint)");
  static std::string dest;
  static std::vector<std::string> sources;
  cmd->add_option("DEST", dest, "database merged into (created if missing)")->required();
  cmd->add_option("SRC", sources, "databases to merge from")->required();
  static bool json = false;
  cmd->add_flag("--json", json, "what was merged as JSON on stdout");
  cmd->callback([] {
    std::vector<std::pair<std::string, MergeReport>> merged;
    for (const auto& src : sources) {
      merged.emplace_back(src, MergeStores(dest, src));
      if (!json) PrintMerge(src, dest, merged.back().second);
    }
    if (json) fmt::print("{}\n", MergeJson(dest, merged));
  });
}

void AddRemoteTuneCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd =
      app.add_subcommand("remote-tune", "tune on a phone (adb) or board (ssh), pull and merge the results; resumable");
  static RemoteFlags flags;
  static std::string target = "local";
  cmd->add_option("-t,--target", target, "local | adb:SERIAL | ssh:[user@]host[:port]")->capture_default_str();
  flags.Register(cmd);
  cmd->callback([&global] {
    const TargetSpec spec = ParseTarget(target);
    const RemoteTuneOptions options = flags.Resolve(global);
    auto transport = MakeTransport(spec, flags.transport);
    StdoutToStderr redirect(flags.json);
    const RemoteTuneResult r = RemoteTune(*transport, options);
    exit_code = Report("", spec.text, r, options.host_db);
    redirect.Restore();
    if (flags.json) fmt::print("{}\n", RemoteJson({{spec.text, "", r}}, options.host_db, false));
  });
}

void AddFarmCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("farm", "tune on many targets in parallel, each into its own database, then merge");
  static RemoteFlags flags;
  static std::string targets;
  static std::string split = "all";
  cmd->add_option("--targets", targets,
                  "comma-separated: adb:SERIAL (host:port serials too), ssh:[user@]host[:port], local, "
                  "local:DEVICE (one of this host's devices, e.g. 'local:NVIDIA H200#1')")
      ->required();
  cmd->add_option("--split", split,
                  "all: every target tunes every key (variance across boards); keys: each key is tuned on one "
                  "target only (the workload split between them)")
      ->check(CLI::IsMember({"all", "keys"}))
      ->capture_default_str();
  flags.Register(cmd);
  cmd->callback([&global] {
    const auto specs = ParseTargets(targets);
    const RemoteTuneOptions options = flags.Resolve(global);
    const std::vector<std::string> parts =
        split == "keys" ? SplitWorkload(options.workload, specs, options.results_dir) : std::vector<std::string>{};
    StdoutToStderr redirect(flags.json);
    const auto outcomes = Farm(specs, flags.transport, options, parts);
    int failed = 0;
    for (const auto& o : outcomes) {
      const std::string prefix = "[" + o.target.text + "] ";
      if (!o.error.empty()) {
        fmt::print(stderr, "{}error: {}\n", prefix, o.error);
        ++failed;
        continue;
      }
      failed += Report(prefix, o.target.text, o.result, options.host_db);
    }
    fmt::print("farm: {} of {} targets done\n", outcomes.size() - static_cast<size_t>(failed), outcomes.size());
    if (failed > 0) exit_code = 1;
    redirect.Restore();
    if (flags.json) {
      std::vector<RemoteOutcome> all;
      for (const auto& o : outcomes) all.push_back({o.target.text, o.error, o.result});
      fmt::print("{}\n", RemoteJson(all, options.host_db, true));
    }
  });
}

}  // namespace mace_tune::cli
