// SPDX-License-Identifier: Apache-2.0
// How the tune loop has a config measured: one interface over the three ways (in this process, in
// an --isolate worker under a watchdog, by the build pool's workers), so the loop neither knows nor
// branches on which. Each also says whether and how configs can be built ahead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kernels/kernel_family.h"
#include "mace_tune/families.h"
#include "results/measurement.h"
#include "tuner/build_pool.h"
#include "tuner/evaluator.h"
#include "tuner/program_cache.h"
#include "tuner/tune_context.h"
#include "tuner/worker.h"

namespace mace_tune {

class ConfigEvaluator {
 public:
  virtual ~ConfigEvaluator() = default;
  // Every field of the Measurement but run_id; a failure, a crash or a hang is a result. `text`:
  // FormatParams(params), made once by the loop. `ahead` (if given): set when a build made ahead
  // served it.
  virtual Measurement Evaluate(const ParamMap& params, const std::string& text, bool* ahead) = 0;
  // Starts building a config the strategy will propose soon (`options`: its build options).
  virtual void Prebuild(const ParamMap& params, const std::string& options) = 0;
  // Threads or workers that build ahead; 0: asking for the configs to come is pointless.
  virtual int builders() const = 0;
  // Whether there are workers to spare for guesses beyond what the strategy knows it will propose.
  virtual bool speculates() const { return false; }
  // Proposals to draw at once, so that as many programs compile side by side (proposals.h).
  virtual size_t batch() const { return 1; }
  // Crashes and hangs of a worker so far.
  virtual int restarts() const { return 0; }
};

// In this process. Its InstanceEvaluator (inputs, reference) is made on first use: with the other
// evaluators only the final re-measurement needs one.
class LocalEvaluator final : public ConfigEvaluator {
 public:
  LocalEvaluator(TuneContext& ctx, ProgramCache& cache, const KernelFamily& family, const TuningKey& key, uint64_t seed,
                 const MeasureOptions& measure)
      : ctx_(ctx),
        cache_(cache),
        family_(family),
        key_(key),
        seed_(seed),
        measure_(measure),
        program_(FindFamily(key.family)->program) {}
  Measurement Evaluate(const ParamMap& params, const std::string& text, bool* ahead) override;
  void Prebuild(const ParamMap& params, const std::string& options) override;
  int builders() const override { return cache_.build_threads(); }

  InstanceEvaluator& Instance();
  // Making the inputs and the reference, in seconds (0 while not made).
  double init_s() const { return instance_ ? instance_->init_ms() / 1e3 : 0; }

 private:
  TuneContext& ctx_;
  ProgramCache& cache_;
  const KernelFamily& family_;
  TuningKey key_;
  uint64_t seed_;
  MeasureOptions measure_;
  std::string program_;  // the family's program name, as the cache keys it
  std::optional<InstanceEvaluator> instance_;
};

// In a worker process of its own (--isolate): nothing is built ahead.
class IsolatedEvaluator final : public ConfigEvaluator {
 public:
  IsolatedEvaluator(const WorkerOptions& options, const TuningKey& key, uint64_t seed, const MeasureOptions& measure)
      : worker_(options, key, seed, measure) {}
  Measurement Evaluate(const ParamMap& params, const std::string& text, bool* ahead) override;
  void Prebuild(const ParamMap& params, const std::string& options) override;
  int builders() const override { return 0; }
  int restarts() const override { return worker_.restarts(); }

 private:
  WorkerEvaluator worker_;
};

// By the build pool (build_pool.h), set to this key; the pool itself lives for the whole run.
class PoolEvaluator final : public ConfigEvaluator {
 public:
  PoolEvaluator(BuildPool& pool, const TuningKey& key, uint64_t seed) : pool_(pool) { pool_.SetKey(key, seed); }
  Measurement Evaluate(const ParamMap& params, const std::string& text, bool* ahead) override;
  void Prebuild(const ParamMap& params, const std::string& options) override;
  int builders() const override { return pool_.jobs(); }
  bool speculates() const override { return true; }
  // Worker 0 builds nothing ahead: a batch for each of the others.
  size_t batch() const override { return pool_.jobs() > 1 ? static_cast<size_t>(pool_.jobs() - 1) : 1; }

 private:
  BuildPool& pool_;
};

}  // namespace mace_tune
