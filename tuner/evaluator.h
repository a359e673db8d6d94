// Evaluates configs of one kernel instance (DESIGN.md "Measurement"): random inputs, the CPU
// reference once, then per config: build, poison the output, run, verify, warm up, and time with
// profiling events until a count or time budget. A failing config is a result, never an exception.
#pragma once

#include <cstdint>
#include <vector>

#include "kernel_family.h"
#include "program_cache.h"
#include "store.h"
#include "tune_context.h"

namespace mace_tune {

struct MeasureOptions {
  int warmup = 1;
  int min_samples = 5;
  int max_samples = 50;
  double sample_budget_ms = 100;  // keep sampling until min_samples and this much kernel time
  double timeout_ms = 10000;      // one run longer than this: status "timeout"
};

class InstanceEvaluator {
 public:
  InstanceEvaluator(TuneContext& ctx, ProgramCache& cache, const KernelFamily& family,
                    const TuningKey& key, uint64_t seed, const MeasureOptions& options);

  // Fills everything of Measurement except run_id; status is one of ok, build_failed,
  // launch_failed, wrong_result, timeout, invalid.
  Measurement Evaluate(const ParamMap& params);

  const TuningKey& key() const { return key_; }

 private:
  Measurement Fail(Measurement m, const char* status, std::string reason) const;

  TuneContext& ctx_;
  ProgramCache& cache_;
  const KernelFamily& family_;
  TuningKey key_;
  MeasureOptions options_;
  std::vector<BufferSpec> specs_;
  std::vector<std::vector<float>> host_;       // one per buffer; outputs hold the poison pattern
  std::vector<std::vector<float>> reference_;  // one per output buffer
  std::vector<Buffer> device_buffers_;
};

// Median, and median absolute deviation, of a sample (copied: the input keeps its order).
double Median(std::vector<double> values);
double MedianAbsoluteDeviation(const std::vector<double>& values);

}  // namespace mace_tune
