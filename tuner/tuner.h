// The tuning loop (DESIGN.md "Flow" 2): for each instance, a strategy proposes configs, the
// evaluator measures them, and every outcome is recorded as it happens. A config already in the
// database is never measured again: re-running the same command resumes where it stopped.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evaluator.h"
#include "store.h"
#include "tune_context.h"
#include "workload.h"

namespace mace_tune {

struct TuneRequest {
  Workload workload;
  std::string strategy = "random";
  int64_t max_evals = 0;    // per instance; 0 = no limit
  double time_limit_s = 0;  // per instance, wall time; 0 = no limit
  uint64_t seed = 1;
  MeasureOptions measure;
  std::string command;      // recorded with the run
  std::string tool_version;
  bool progress = false;    // a live progress line on stderr
};

struct InstanceReport {
  std::string tuning_key;
  int count = 1;
  size_t space_size = 0;
  int64_t evaluated = 0;  // proposals handled in this run (measured now or found recorded)
  int64_t measured = 0;   // newly measured in this run
  int64_t failed = 0;
  std::optional<Measurement> best;
  std::optional<Measurement> default_config;
};

struct TuneReport {
  int64_t run_id = 0;
  std::vector<InstanceReport> instances;
  bool interrupted = false;
  double wall_s = 0;
  double measure_wall_s = 0;  // wall time of the new evaluations only
  int64_t measured = 0;
};

// `stop` is polled between evaluations (set it from a SIGINT handler); the current evaluation
// finishes and is recorded first.
TuneReport Tune(TuneContext& ctx, Store& store, const TuneRequest& request,
                const std::atomic<bool>* stop);

}  // namespace mace_tune
