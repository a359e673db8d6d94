// SPDX-License-Identifier: Apache-2.0
// The three ConfigEvaluators: in this process, in an isolated worker, by the build pool.
#include "tuner/config_evaluator.h"

namespace mace_tune {

InstanceEvaluator& LocalEvaluator::Instance() {
  if (!instance_) instance_.emplace(ctx_, cache_, family_, key_, seed_, measure_);
  return *instance_;
}

Measurement LocalEvaluator::Evaluate(const ParamMap& params, const std::string& text, bool* ahead) {
  if (ahead != nullptr) *ahead = false;
  return Instance().Evaluate(params, text);
}

void LocalEvaluator::Prebuild(const ParamMap& params, const std::string& options) {
  (void)params;
  cache_.Prebuild(program_, options);
}

// The worker writes the config's text on its pipe itself.
Measurement IsolatedEvaluator::Evaluate(const ParamMap& params, const std::string& text, bool* ahead) {
  (void)text;
  if (ahead != nullptr) *ahead = false;
  return worker_.Evaluate(params);
}

void IsolatedEvaluator::Prebuild(const ParamMap& params, const std::string& options) {
  (void)params;
  (void)options;
}

Measurement PoolEvaluator::Evaluate(const ParamMap& params, const std::string& text, bool* ahead) {
  (void)text;
  return pool_.Evaluate(params, ahead);
}

void PoolEvaluator::Prebuild(const ParamMap& params, const std::string& options) {
  (void)options;
  pool_.Prebuild(params);
}

}  // namespace mace_tune
