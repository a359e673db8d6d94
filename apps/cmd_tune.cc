// SPDX-License-Identifier: Apache-2.0
// `mace_tune tune` and `mace_tune emit`. Ctrl-C during tune finishes the evaluation in hand,
// records it and exits 130; a second Ctrl-C exits at once (every finished one is already saved).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "apps/commands.h"
#include "apps/family_summary.h"
#include "apps/option_checks.h"
#include "apps/results_json.h"
#include "emit/emit.h"
#include "formats/artifact_writer.h"
#include "kernels/description_file.h"
#include "search_strategies/strategy.h"
#include "store/store.h"
#include "tuner/tuner.h"

namespace mace_tune::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSigint(int) {
  g_stop.store(true);
  std::signal(SIGINT, SIG_DFL);
}

std::string Ms(double ns) { return ns > 0 ? fmt::format("{:.3f}", ns / 1e6) : "-"; }

void PrintTuneSummary(const TuneContext& ctx, const TuneReport& report, const DeviceLimitsMeasured& limits) {
  fmt::print("device: {}\n", ctx.fingerprint.Describe());
  fmt::print("{:<34} {:>6} {:>9} {:>11} {:>11} {:>8}  {}\n", "tuning key", "layers", "configs", "default ms",
             "tuned ms", "speed-up", "best config");
  double net_default = 0, net_tuned = 0;
  for (const auto& r : report.instances) {
    const double def = r.default_config && r.default_config->ok() ? r.default_config->median_ns : 0;
    const double best = r.best ? r.best->median_ns : 0;
    net_default += def * r.count;
    net_tuned += best * r.count;
    fmt::print("{:<34} {:>6} {:>9} {:>11} {:>11} {:>8}  {}\n", r.tuning_key, r.count,
               fmt::format("{}/{}", r.evaluated, r.space_size), Ms(def), Ms(best),
               def > 0 && best > 0 ? fmt::format("{:.2f}x", def / best) : "-", r.best ? r.best->params : "none passed");
  }
  if (net_default > 0 && net_tuned > 0) {
    fmt::print("workload total (each key times its layer count): default {} ms, tuned {} ms, {:.2f}x\n",
               Ms(net_default), Ms(net_tuned), net_default / net_tuned);
  }
  PrintFamilySummary(report, limits);
  fmt::print("{} new measurements in {:.1f} s ({:.2f} configs/s measured); run {} took {:.1f} s\n", report.measured,
             report.measure_wall_s,
             report.measure_wall_s > 0 ? static_cast<double>(report.measured) / report.measure_wall_s : 0.0,
             report.run_id, report.wall_s);
  if (report.measured > 0) {
    fmt::print("harness overhead: {:.2f} ms per evaluation (wall time minus kernel time): {}\n",
               report.OverheadPerEvalMs(), report.OverheadBreakdown());
  }
  if (report.pruned > 0) {
    fmt::print(
        "{} configs skipped unbuilt: their work-group exceeds what their variant's kernel allows "
        "(CL_KERNEL_WORK_GROUP_SIZE, learnt from an earlier build)\n",
        report.pruned);
  }
  if (report.build_jobs > 0) {
    fmt::print(
        "build jobs: {} worker processes; {} evaluations were built ahead; waiting for builds: {:.2f} ms per "
        "evaluation\n",
        report.build_jobs, report.prebuilt_used,
        report.measured > 0 ? report.build_wait_s * 1e3 / static_cast<double>(report.measured) : 0.0);
  } else if (report.prebuilt_used > 0) {
    fmt::print("build threads: {} programs were built while the device measured other configs\n", report.prebuilt_used);
  }
  for (const auto& r : report.instances) {
    if (r.final.empty()) continue;
    fmt::print("final re-measurement of {} ({} interleaved rounds):", r.tuning_key, r.final.front().samples_ns.size());
    for (const auto& f : r.final)
      fmt::print("  {} {} ms (first {} ms)", f.params, Ms(f.median_ns), Ms(f.first_median_ns));
    fmt::print("\n");
  }
  for (const auto& r : report.instances) {
    if (!r.cool_down) continue;
    const CoolDown& c = *r.cool_down;
    fmt::print("cool-down before {}: slept {:.1f} s", r.tuning_key, c.slept_s);
    if (c.threshold_c) {
      if (c.reached) {
        fmt::print(", waited {:.1f} s for < {:.1f} C ({}: {:.1f} C -> {:.1f} C{})", c.waited_s, *c.threshold_c,
                   c.source, c.temperature_before_c.value_or(0), c.temperature_after_c.value_or(0),
                   *c.reached ? "" : ", gave up at the cap");
      } else {
        fmt::print(", no GPU temperature exposed to wait on");
      }
    }
    fmt::print("\n");
  }
  if (report.worker_restarts > 0) {
    fmt::print("evaluation worker: {} crash(es) or hang(s), each recorded against its config\n",
               report.worker_restarts);
  }
  if (!report.device_state_start.empty()) {
    fmt::print("device state: start {} / end {}\n", report.device_state_start, report.device_state_end);
  }
}

// emit --format cpp: both files just written, embedded in one C++ source next to them.
std::string WriteCppArtifacts(const std::string& dir, const EmitReport& report) {
  std::vector<uint8_t> programs, params;
  Status status = ReadFileBytes(report.binary_path, &programs);
  if (status.ok()) status = ReadFileBytes(report.params_path, &params);
  const std::string path = dir + "/mace_tune_artifacts.cc";
  const std::string text = CppEmbeddingSource(programs, params, "mace_tune_artifacts");
  if (status.ok()) status = WriteFileAtomic(path, std::vector<uint8_t>(text.begin(), text.end()));
  if (!status.ok()) throw std::runtime_error(status.ToString());
  return path;
}

// The live progress of `tune` on stderr: on a terminal a line rewritten after each evaluation, and
// a line per key once it is done (not with --quiet: then there is no reporter at all).
class ConsoleReporter final : public TuneReporter {
 public:
  explicit ConsoleReporter(int64_t max_evals) : tty_(isatty(STDERR_FILENO) != 0), max_evals_(max_evals) {}

  void OnProgress(const InstanceReport& r, size_t index, size_t total, double elapsed_s) override {
    if (!tty_) return;
    const int64_t space = static_cast<int64_t>(r.space_size);
    const int64_t goal = max_evals_ > 0 ? std::min<int64_t>(max_evals_, space) : space;
    const double eta =
        r.evaluated > 0 ? elapsed_s / static_cast<double>(r.evaluated) * static_cast<double>(goal - r.evaluated) : 0;
    std::fprintf(stderr, "\r\033[K[%zu/%zu] %s  %lld/%lld  best %s  ETA %.0fs", index + 1, total, r.tuning_key.c_str(),
                 static_cast<long long>(r.evaluated), static_cast<long long>(goal),
                 r.best ? WithUnit(r.best->median_ns).c_str() : "-", eta);
    std::fflush(stderr);
  }

  void OnInstanceDone(const InstanceReport& r, size_t index, size_t total) override {
    if (tty_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "[%zu/%zu] %s: %lld configs (%lld new, %lld failed) of %zu, best %s, default %s\n", index + 1,
                 total, r.tuning_key.c_str(), static_cast<long long>(r.evaluated), static_cast<long long>(r.measured),
                 static_cast<long long>(r.failed), r.space_size, r.best ? WithUnit(r.best->median_ns).c_str() : "none",
                 r.default_config->ok() ? WithUnit(r.default_config->median_ns).c_str()
                                        : MeasurementStatusName(r.default_config->status));
  }

 private:
  static std::string WithUnit(double ns) { return fmt::format("{:.3f} ms", ns / 1e6); }

  bool tty_;
  int64_t max_evals_;
};

// `tune`'s options as parsed, before they become a TuneRequest.
struct TuneOptions {
  TuneRequest request;
  std::string workload = "small";
  std::string db = "mace_tune.db";
  bool quiet = false;
  bool json = false;
  int64_t batch = 1;
  std::vector<std::string> keys, extra_configs, kernels, mace_keys;
  std::string limits, prior_from;
  int build_threads = -1;
  int build_jobs = 0;
};

// What to tune: the keys, their extra configs and priors, the users' kernels, the database.
void AddWorkloadOptions(CLI::App* cmd, TuneOptions& o) {
  cmd->add_option("-w,--workload", o.workload,
                  "workload file, or a bundled name (small, mobilenet_v1, mobilenet_v2, resnet18, resnet50, "
                  "mobilenet_v2_gemm, gemm_square)")
      ->capture_default_str();
  cmd->add_option("--batch", o.batch, "batch size: scales every key's batch dimension")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{4096}));
  cmd->add_option("--limits", o.limits,
                  "the device's measured FP32 GFLOP/s and GB/s (clpeak), e.g. 64503,4386: the summary then gives "
                  "each family's fraction of them");
  cmd->add_option("--config", o.extra_configs,
                  "also measure this config (NAME=VALUE,...) for every key whose space holds it, right after the "
                  "default (repeatable)");
  cmd->add_option("-k,--key", o.keys, "tune these tuning keys instead of a workload (repeatable)");
  AddPriorFromOptions(cmd, &o.prior_from, &o.mace_keys);
  cmd->add_option("--kernel", o.kernels,
                  "a user's kernel description (.toml, docs/user_kernels.md) or a folder of them, whose keys can "
                  "then be tuned like the built-in families' (repeatable)");
  cmd->add_option("--db", o.db, "SQLite results database (created if missing)")->capture_default_str();
}

// How to search: the strategy, its budgets and seed.
void AddSearchOptions(CLI::App* cmd, TuneRequest& request) {
  request.strategy = std::string(DefaultStrategyName());
  cmd->add_option("-s,--strategy", request.strategy,
                  "search strategy: " + fmt::format("{}", fmt::join(StrategyNames(), ", ")))
      ->capture_default_str();
  cmd->add_option("--max-evals", request.budget.max_evals, "configs per instance, 0 = no limit")
      ->capture_default_str()
      ->check(IntWithin(0, kMaxEvals));
  cmd->add_option("--time-limit", request.budget.time_limit_s, "seconds per instance, 0 = no limit")
      ->capture_default_str()
      ->check(Within(0, kMaxSeconds));
  cmd->add_option("--patience", request.budget.patience,
                  "stop an instance after this many evaluations without a new best, 0 = off")
      ->capture_default_str()
      ->check(IntWithin(0, kMaxEvals));
  cmd->add_option("--seed", request.seed, "random seed (recorded)")
      ->capture_default_str()
      ->check(IntWithin(0, kMaxSeed));
}

// How to measure: samples, the final re-measurement, the cool-down between keys.
void AddMeasureOptions(CLI::App* cmd, TuneRequest& request) {
  cmd->add_option("--min-samples", request.measure.min_samples, "timed runs per config, at least")
      ->capture_default_str()
      ->check(IntWithin(1, kMaxSamples));
  cmd->add_option("--ci-target", request.measure.ci_target,
                  "adaptive repeats: sample until the median's 95% CI is within +-this fraction, 0 = off")
      ->capture_default_str()
      ->check(Within(0, 1));
  cmd->add_option("--max-samples", request.measure.max_samples, "timed runs per config, at most")
      ->capture_default_str()
      ->check(IntWithin(1, kMaxSamples));
  cmd->add_option("--final-top-k", request.remeasure.top_k,
                  "re-measure the k fastest interleaved to pick the winner, 0 = off")
      ->capture_default_str()
      ->check(IntWithin(0, 1000));
  cmd->add_option("--final-rounds", request.remeasure.rounds, "rounds of that re-measurement")
      ->capture_default_str()
      ->check(IntWithin(1, kMaxSamples));
  cmd->add_option("--cool-down", request.cool_down.sleep_s, "phones: seconds to sleep between tuning keys, 0 = off")
      ->capture_default_str()
      ->check(Within(0, kMaxSeconds));
  cmd->add_option("--cool-down-temp", request.cool_down.temp_c,
                  "phones: before each key, wait until the GPU is below this temperature (C), 0 = off")
      ->capture_default_str()
      ->check(Within(0, 200));
  cmd->add_option("--cool-down-max-wait", request.cool_down.max_wait_s, "cap on that wait, seconds")
      ->capture_default_str()
      ->check(Within(0, kMaxSeconds));
  cmd->add_option("--cool-down-poll", request.cool_down.poll_s, "seconds between temperature readings")
      ->capture_default_str()
      ->check(Within(0.01, 3600));
}

// Where configs are built and evaluated, and what is printed.
void AddEvaluationOptions(CLI::App* cmd, TuneOptions& o) {
  TuneRequest& request = o.request;
  cmd->add_option("--build-threads", o.build_threads,
                  "threads that build the next candidates' programs while the device measures; -1 = auto "
                  "(1, but 0 on a CPU device, whose cores also run the timed kernels)")
      ->capture_default_str()
      ->check(IntWithin(-1, kMaxBuildThreads));
  cmd->add_option("--build-jobs", o.build_jobs,
                  "worker processes that build the next candidates ahead and evaluate them (one times at a "
                  "time; on a CPU device the others are paused meanwhile); 0 = off (measured no faster on "
                  "NVIDIA's OpenCL, where builds side by side each take longer: docs/performance.md)")
      ->capture_default_str()
      ->check(IntWithin(0, 64));
  cmd->add_option("--storage", request.storage,
                  "tensor storage the tuned configs may use: any, buffer (IMG=0, for apps that pass buffers "
                  "only) or image (IMG=1)")
      ->check(CLI::IsMember({"any", "buffer", "image"}))
      ->capture_default_str();
  cmd->add_flag("--isolate", request.isolate,
                "evaluate in a worker process: a crash or hang is recorded and tuning goes on");
  cmd->add_option("--watchdog", request.worker.watchdog_s,
                  "with --isolate: seconds without an answer before the worker is killed")
      ->capture_default_str()
      ->check(Within(0.1, kMaxSeconds));
  cmd->add_option("--timeout-ms", request.measure.timeout_ms, "a single run slower than this is a timeout")
      ->capture_default_str()
      ->check(Within(0.001, kMaxSeconds * 1e3));
  cmd->add_flag("-q,--quiet", o.quiet, "no progress output");
  cmd->add_flag("--json", o.json,
                "the summary as JSON on stdout (per key: default, best, config, speed-up, evaluations)");
}

// The request from the parsed options, before the device is opened: the workload, the extra
// configs, the users' kernels, and the command line recorded with the run. Returns --limits.
DeviceLimitsMeasured PrepareRequest(const CLI::App* cmd, TuneOptions& o) {
  TuneRequest& request = o.request;
  std::string key_lines;
  for (const auto& key : o.keys) key_lines += key + "\n";
  for (const auto& text : o.extra_configs) {
    ParamMap params;
    const Status parsed = ParseParams(text, &params);
    if (!parsed.ok()) throw std::runtime_error("--config " + text + ": " + parsed.ToString());
    request.extra_configs.push_back(params);
  }
  const DeviceLimitsMeasured measured_limits = ParseMeasuredLimits(o.limits);  // before tuning, not after
  for (const auto& path : o.kernels) RegisterKernelPath(path);
  request.workload = WithBatch(o.keys.empty() ? LoadWorkload(o.workload) : ParseWorkload("--key", key_lines), o.batch);
  request.worker.kernels = RegisteredKernelPaths();
  const auto names = StrategyNames();
  if (std::find(names.begin(), names.end(), request.strategy) == names.end()) {
    throw std::runtime_error(
        fmt::format("unknown strategy '{}' (known: {})", request.strategy, fmt::join(names, ", ")));
  }
  request.tool_version = ToolVersion();
  request.command = "mace_tune tune";
  for (const auto* opt : cmd->get_options()) {
    if (opt->count() > 0 && !opt->get_lnames().empty()) {
      request.command += " --" + opt->get_lnames()[0] + (opt->get_type_size() != 0 ? " " + opt->as<std::string>() : "");
    }
  }
  return measured_limits;
}

void RunTune(const GlobalOptions& global, const CLI::App* cmd, TuneOptions& o) {
  TuneRequest& request = o.request;
  const DeviceLimitsMeasured measured_limits = PrepareRequest(cmd, o);
  TuneContext ctx = OpenDevice(global.platform, global.device);
  cl_device_type type = 0;
  clGetDeviceInfo(ctx.device(), CL_DEVICE_TYPE, sizeof type, &type, nullptr);
  const bool cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
  request.build_jobs = o.build_jobs;
  request.build_threads = o.build_threads >= 0 ? o.build_threads : cpu ? 0 : 1;
  ApplyPriorFrom(o.prior_from, o.mace_keys, ctx.limits, o.quiet, &request);
  request.worker.platform = global.platform;
  request.worker.device = global.device;
  Store store = Store::Open(o.db);
  if (!o.quiet) {
    fmt::print(stderr, "tuning workload '{}' ({} distinct keys) on {} into {}\n", request.workload.name,
               request.workload.items.size(), ctx.fingerprint.Describe(), o.db);
  }
  ConsoleReporter console(request.budget.max_evals);
  std::signal(SIGINT, OnSigint);
  const TuneReport report = Tune(ctx, store, request, &g_stop, o.quiet ? nullptr : &console);
  std::signal(SIGINT, SIG_DFL);
  if (o.json) {
    fmt::print("{}\n", TuneJson(ctx, request, report, o.db));
  } else {
    PrintTuneSummary(ctx, report, measured_limits);
  }
  if (report.interrupted) {
    fmt::print(stderr, "interrupted: {} measurements of this run are recorded in {}; run the same command to resume\n",
               report.measured, o.db);
    exit_code = 130;
  }
}

}  // namespace

void AddTuneCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("tune", "tune every instance of a workload on the device; resumable");
  static TuneOptions options;
  AddWorkloadOptions(cmd, options);
  AddSearchOptions(cmd, options.request);
  AddMeasureOptions(cmd, options.request);
  AddEvaluationOptions(cmd, options);
  cmd->callback([&global, cmd] { RunTune(global, cmd, options); });
}

void AddEmitCommand(CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("emit", "write the compiled-program binary and the tuned-parameter file");
  static EmitRequest request;
  static std::string db = "mace_tune.db";
  cmd->add_option("--db", db, "SQLite results database")->capture_default_str();
  cmd->add_option("-o,--out", request.out_dir, "output directory")->capture_default_str();
  cmd->add_option("--binary-name", request.binary_name, "file name of the compiled-program binary")
      ->capture_default_str();
  cmd->add_option("--params-name", request.params_name, "file name of the tuned-parameter file")->capture_default_str();
  static std::string format = "bin";
  cmd->add_option("--format", format,
                  "bin: the two files; cpp: also mace_tune_artifacts.cc embedding both; mace: the two files a MACE "
                  "app loads, in MACE's own layout (docs/runtime.md)")
      ->check(CLI::IsMember({"bin", "cpp", "mace"}))
      ->capture_default_str();
  AddMaceEmitOptions(cmd);
  static bool json = false;
  cmd->add_flag("--json", json,
                "what was written as JSON on stdout (files, and per key: config, tuned and default ms)");
  cmd->callback([&global] {
    struct stat info {};  // not std::ifstream: opening a FIFO would wait for a writer
    if (::stat(db.c_str(), &info) != 0) {
      throw std::runtime_error("database " + db + " not found: run `mace_tune tune --db " + db + "` first");
    }
    if (format != "mace" && MaceEmitOptionsGiven()) throw std::runtime_error("the --mace-* options need --format mace");
    if (format == "mace" && json)
      throw std::runtime_error("--json describes the bin and cpp formats, not --format mace");
    if (format == "mace") return RunMaceEmit(global, db, request);
    request.tool_version = ToolVersion();
    TuneContext ctx = OpenDevice(global.platform, global.device);
    Store store = Store::Open(db);
    const EmitReport report = Emit(ctx, store, request);
    if (json) {
      const std::string cpp = format == "cpp" ? WriteCppArtifacts(request.out_dir, report) : "";
      fmt::print("{}\n", EmitJson(report, db, cpp));
      return;
    }
    double def = 0, tuned = 0;
    for (const auto& e : report.entries) {
      if (e.default_ns > 0) {
        def += e.default_ns;
        tuned += e.tuned_ns;
      }
    }
    fmt::print("compiled-program binary: {} ({} programs, {} bytes)\n", report.binary_path, report.programs,
               report.binary_bytes);
    fmt::print("tuned-parameter file:    {} ({} tuning keys", report.params_path, report.entries.size());
    if (report.user_kernels > 0) fmt::print(", {} user kernel descriptions", report.user_kernels);
    fmt::print(")\n");
    if (format == "cpp") fmt::print("C++ source:              {}\n", WriteCppArtifacts(request.out_dir, report));
    if (def > 0) {
      fmt::print("gain over the default launch: {:.3f} ms -> {:.3f} ms summed over the keys ({:.2f}x)\n", def / 1e6,
                 tuned / 1e6, def / tuned);
    }
  });
}

}  // namespace mace_tune::cli
