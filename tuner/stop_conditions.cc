// SPDX-License-Identifier: Apache-2.0
// The stop conditions of one key's search: evaluations, wall time and patience.
#include "tuner/stop_conditions.h"

#include <algorithm>

namespace mace_tune {

StopReason EvaluationBudget::Check(const SearchProgress& p) const {
  return p.evaluated >= max_ ? StopReason::kEvaluations : StopReason::kNone;
}

size_t EvaluationBudget::EvaluationsLeft(const SearchProgress& p) const {
  return static_cast<size_t>(max_ - p.evaluated);
}

StopReason TimeBudget::Check(const SearchProgress& p) const {
  return p.elapsed_s >= seconds_ ? StopReason::kTime : StopReason::kNone;
}

StopReason Patience::Check(const SearchProgress& p) const {
  return p.since_best >= evaluations_ ? StopReason::kPatience : StopReason::kNone;
}

StopConditions StopConditions::From(const SearchBudget& budget) {
  StopConditions all;
  if (budget.max_evals > 0) all.Add(std::make_unique<EvaluationBudget>(budget.max_evals));
  if (budget.time_limit_s > 0) all.Add(std::make_unique<TimeBudget>(budget.time_limit_s));
  if (budget.patience > 0) all.Add(std::make_unique<Patience>(budget.patience));
  return all;
}

StopReason StopConditions::Check(const SearchProgress& p) const {
  for (const auto& c : conditions_) {
    if (const StopReason reason = c->Check(p); reason != StopReason::kNone) return reason;
  }
  return StopReason::kNone;
}

size_t StopConditions::EvaluationsLeft(const SearchProgress& p) const {
  size_t left = StopCondition::kUnlimited;
  for (const auto& c : conditions_) left = std::min(left, c->EvaluationsLeft(p));
  return left;
}

}  // namespace mace_tune
