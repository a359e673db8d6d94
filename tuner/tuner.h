// SPDX-License-Identifier: Apache-2.0
// The tuning loop (DESIGN.md "Flow" 2): for each instance, a strategy proposes configs, the
// evaluator measures them, and every outcome is recorded as it happens. A config already in the
// database is never measured again: re-running the same command resumes where it stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/device_reading.h"
#include "results/measurement.h"
#include "store/store.h"
#include "tuner/cool_down.h"
#include "tuner/evaluator.h"
#include "tuner/prior_results.h"
#include "tuner/stop_conditions.h"
#include "tuner/tune_context.h"
#include "tuner/tune_reporter.h"
#include "tuner/worker.h"
#include "workloads/workload.h"

namespace mace_tune {

// The final interleaved re-measurement of each key's fastest configs.
struct RemeasureOptions {
  int top_k = 0;    // > 1: re-measure the k fastest interleaved at the end to pick the winner
  int rounds = 10;  // timed runs of each of them in that re-measurement
};

struct TuneRequest {
  Workload workload;
  // Configs measured for every key right after the default, before the strategy's own (a known
  // good config from another tuner, say); one whose parameter names are not the family's is skipped.
  std::vector<ParamMap> extra_configs;
  std::string strategy = "random";
  // `--prior-from`: configs from outside the store that the transfer strategy also starts from.
  std::vector<ImportedPrior> imported_priors;
  SearchBudget budget;  // per instance: evaluations, wall time, patience (stop_conditions.h)
  uint64_t seed = 1;
  MeasureOptions measure;
  RemeasureOptions remeasure;
  CoolDownOptions cool_down;  // for phones, before each tuning key (cool_down.h)
  // Threads that build the programs of the configs the strategy will propose next while the device
  // measures (ProgramCache::Prebuild, SearchStrategy::Upcoming); 0 = build on demand only. Not
  // used with isolate (the worker builds).
  int build_threads = 0;
  // Worker processes that build ahead and evaluate (build_pool.h); 0 = off. They replace the
  // build threads and give --isolate's protection too.
  int build_jobs = 0;
  // Which tensor storage configs may use: "any", "buffer" (IMG=0: for apps that pass buffers only)
  // or "image" (IMG=1). The default config is measured either way, as the baseline.
  std::string storage = "any";
  bool isolate = false;  // evaluate in a worker process under a watchdog (worker.h)
  WorkerOptions worker;
  std::string command;  // recorded with the run
  std::string tool_version;
};

// One of the top-k in the final interleaved re-measurement.
struct Remeasured {
  std::string params;
  int slot = 0;                    // its place in each interleaved round
  double first_median_ns = 0;      // from its evaluation
  std::vector<double> samples_ns;  // interleaved re-measurement
  double median_ns = 0;
};

struct InstanceReport {
  std::string tuning_key;
  int count = 1;
  size_t space_size = 0;
  int64_t evaluated = 0;  // proposals handled in this run (measured now or found recorded)
  int64_t measured = 0;   // newly measured in this run
  int64_t pruned = 0;     // configs skipped unbuilt: a work-group beyond what their variant's kernel allows
  int64_t failed = 0;
  bool patience_stop = false;  // stopped by --patience
  std::optional<Measurement> best;
  std::optional<Measurement> default_config;
  std::vector<Remeasured> final;      // top-k re-measured, winner first; empty when off
  std::optional<CoolDown> cool_down;  // when --cool-down or --cool-down-temp asked for one
};

// Where the harness's time went, summed over a run's new evaluations, in seconds: what stood on
// the critical path (the device waited for it) and, with build jobs, what workers did meanwhile.
struct OverheadAccount {
  double build = 0;         // compiling that evaluations waited for
  double hidden_build = 0;  // compiling, first launches and checks workers did ahead (not waited for)
  double setup = 0, first_launch = 0, verify = 0, warmup = 0;
  double sampling_gaps = 0;  // timed runs' wall time minus the kernels' own time
  double store_write = 0;    // recording each evaluation (SQLite, durable)
  // Outside the evaluations (not in "harness overhead", which is their wall time minus the kernels'):
  double init = 0;          // instances' inputs and references (in this process)
  double store_lookup = 0;  // finding an evaluation already recorded (resume)
  double strategy = 0;      // proposing and learning
  double space = 0;         // building each key's search space (its valid configs)
  void Add(const EvalPhases& p, bool ahead);
};

struct TuneReport {
  int64_t run_id = 0;
  std::vector<InstanceReport> instances;
  bool interrupted = false;
  double wall_s = 0;
  double measure_wall_s = 0;  // wall time of the new evaluations only
  double kernel_s = 0;        // the kernels' own time (sum of the timed samples) within it
  double build_s = 0;         // program builds within it
  int64_t measured = 0;
  int64_t pruned = 0;  // configs skipped unbuilt: a work-group beyond what their variant's kernel allows
  std::string device_state_start, device_state_end;  // clocks/temperature, see device_state.h
  int worker_restarts = 0;                           // crashes and hangs of the evaluation worker
  int64_t prebuilt_used = 0;                         // programs built ahead (build threads or jobs) and then used
  int build_jobs = 0;                                // worker processes of the build pool (0: none)
  double build_wait_s = 0;  // with build jobs: time evaluations waited for builds still running
  OverheadAccount overhead;
  // The overhead per evaluation, part by part, in ms: "build 1.20 (+3.40 done ahead in workers),
  // setup ..., other 0.10; outside the evaluations: strategy ..."; the parts before "outside" add
  // up to OverheadPerEvalMs().
  std::string OverheadBreakdown() const;
  // Harness overhead per new evaluation: its wall time minus the kernel's own timed runs.
  double OverheadPerEvalMs() const {
    return measured > 0 ? (measure_wall_s - kernel_s) * 1e3 / static_cast<double>(measured) : 0;
  }
};

// `stop` is polled between evaluations (set it from a SIGINT handler); the current evaluation
// finishes and is recorded first. `reporter` (optional) is told of the progress as it goes.
TuneReport Tune(TuneContext& ctx, Store& store, const TuneRequest& request, const std::atomic<bool>* stop,
                TuneReporter* reporter = nullptr);

}  // namespace mace_tune
