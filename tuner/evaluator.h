// SPDX-License-Identifier: Apache-2.0
// Evaluates configs of one kernel instance (DESIGN.md "Measurement"): random inputs, the CPU
// reference once, then per config: build, poison the output, run, verify, warm up, and time with
// profiling events until a count or time budget. A failing config is a result, never an exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kernels/instance_data.h"
#include "kernels/kernel_family.h"
#include "results/measurement.h"
#include "tuner/device_lock.h"
#include "tuner/program_cache.h"
#include "tuner/tune_context.h"

namespace mace_tune {

struct MeasureOptions {
  int warmup = 1;
  int min_samples = 5;
  int max_samples = 50;
  double sample_budget_ms = 100;  // keep sampling until min_samples and this much kernel time
  double timeout_ms = 10000;      // one run longer than this: status "timeout"
  // Adaptive repeats: when > 0, sampling goes on past min_samples until the 95% confidence
  // interval of the median is within +-ci_target (relative), max_samples, or sample_cap_ms of
  // kernel time, replacing sample_budget_ms.
  double ci_target = 0;
  double sample_cap_ms = 1000;
};

class InstanceEvaluator {
 public:
  InstanceEvaluator(TuneContext& ctx, ProgramCache& cache, const KernelFamily& family, const TuningKey& key,
                    uint64_t seed, const MeasureOptions& options,
                    std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now());

  // Fills everything of Measurement except run_id; status is one of ok, build_failed,
  // launch_failed, wrong_result, timeout, invalid. Prepare() then Time(). `params_text`, when
  // given, is FormatParams(params), made once by the caller.
  Measurement Evaluate(const ParamMap& params);
  Measurement Evaluate(const ParamMap& params, const std::string& params_text);

  // A config made ready to time: built, its kernel's work-group limit checked, its arguments set,
  // and its output verified by one launch on poisoned outputs (on PoCL that first launch also
  // compiles the work-group function). `failed` when any step did not pass: `m` says which.
  struct Prepared {
    Measurement m;
    bool failed = true;
    std::optional<Kernel> kernel;
    LaunchGeometry geometry;
  };
  Prepared Prepare(const ParamMap& params);
  Prepared Prepare(const ParamMap& params, const std::string& params_text);
  // Warm-up, then timed runs until the sample budget; Prepare()'s failures pass through.
  Measurement Time(Prepared prepared);
  // Interleaved re-measurement (A B C A B C ...): `rounds` timed runs of each config, one config
  // after the other, so slow drifts of clock or temperature hit all of them alike. Configs that
  // fail now get an empty sample list.
  std::vector<std::vector<double>> Remeasure(const std::vector<ParamMap>& configs, int rounds);

  const TuningKey& key() const { return key_; }
  // Held around everything that runs kernels (the verification launch, warm-up and timed runs),
  // when several processes share the device (the build pool). Not owned; null: none.
  void SetDeviceLock(DeviceLock* lock) { lock_ = lock; }
  // Called when a timing starts, the device lock held (the build pool's worker says so then).
  void SetTimingHook(std::function<void()> hook) { timing_hook_ = std::move(hook); }
  // Making the instance's inputs and reference (the CPU reference, or the reference kernel's run).
  double init_ms() const { return init_ms_; }

 private:
  Measurement Fail(Measurement m, MeasurementStatus status, std::string reason) const;

  TuneContext& ctx_;
  ProgramCache& cache_;
  const KernelFamily& family_;
  TuningKey key_;
  // Of the key, made once: its text, its family's program and that program's source digest.
  std::string key_text_;
  const FamilyInfo* info_;
  std::string digest_;
  MeasureOptions options_;
  InstanceData data_;
  double init_ms_ = 0;
  DeviceLock* lock_ = nullptr;
  std::function<void()> timing_hook_;
};

// Median, and median absolute deviation, of a sample (copied: the input keeps its order).
double Median(std::vector<double> values);
double MedianAbsoluteDeviation(const std::vector<double>& values);
// Half-width of the distribution-free 95% confidence interval of the median, relative to the
// median: order statistics at ranks n/2 -+ 0.98 sqrt(n) (binomial, normal approximation).
// Infinity with fewer than 6 samples (the interval would span the whole sample).
double MedianCiRelative(std::vector<double> values);

}  // namespace mace_tune
