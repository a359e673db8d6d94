// SPDX-License-Identifier: Apache-2.0
// A pool of evaluation worker processes (worker.h) that builds the configs a strategy will propose
// next while the device measures: each worker builds, launches once and verifies a config on its
// own (compilers that work one program at a time per process, as NVIDIA's OpenCL does, then run
// side by side), and the config is later timed in that same worker, so nothing is rebuilt and a
// driver that compiles at the first launch (PoCL) has done so too. Kernels run under one device
// lock (device_lock.h): no verification launch ever overlaps another worker's timed runs. On a CPU
// device the other workers are also stopped (SIGSTOP) while one times, so their compiling cannot
// take the cores the timed kernel runs on.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tuner/worker.h"

namespace mace_tune {

struct BuildPoolStats {
  double build_wait_ms = 0;  // time evaluations waited for builds still running (critical path)
  int64_t prebuilt = 0;      // evaluations served by a build made ahead
  int64_t evaluations = 0;
};

class BuildPool {
 public:
  // `jobs` workers, started on first use and kept for every key; `pause_others`: a CPU device.
  BuildPool(const WorkerOptions& options, int jobs, bool pause_others, const MeasureOptions& measure);
  ~BuildPool();

  // The next tuning key: every started worker re-initializes for it, in parallel.
  void SetKey(const TuningKey& key, uint64_t seed);
  // Queues a config's build on the least busy worker unless it is queued already; at most
  // `depth` builds wait per worker. With two workers or more, worker 0 builds nothing ahead: it
  // evaluates the configs nobody built, so those never wait behind guesses.
  void Prebuild(const ParamMap& params);
  // Times the config in the worker that built it (waiting for that build), else in worker 0; a
  // crash or hang is a result (worker.h).
  // `ahead` (if given): whether a build made ahead served it.
  Measurement Evaluate(const ParamMap& params, bool* ahead = nullptr);

  // Stops / continues every worker (e.g. while the parent times configs itself).
  void PauseAll();
  void ResumeAll();

  int jobs() const { return static_cast<int>(workers_.size()); }
  int restarts() const;
  const BuildPoolStats& stats() const { return stats_; }

 private:
  WorkerEvaluator& Worker(size_t i);
  size_t LeastBusy() const;

  WorkerOptions options_;
  bool pause_others_;
  MeasureOptions measure_;
  TuningKey key_;
  uint64_t seed_ = 1;
  std::string lock_path_;                                  // the workers' device lock (device_lock.h)
  std::vector<std::unique_ptr<WorkerEvaluator>> workers_;  // null until first used
  BuildPoolStats stats_;
  static constexpr size_t kDepth = 2;
};

}  // namespace mace_tune
