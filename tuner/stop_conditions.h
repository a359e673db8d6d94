// SPDX-License-Identifier: Apache-2.0
// When the search of one tuning key stops (KTT's StopCondition): small objects the loop asks before
// each proposal, one per budget of the request (evaluations, wall time, patience), so a new kind of
// budget is a new class here and not another branch in the loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace mace_tune {

// Where the search of one key stands, as the stop conditions see it.
struct SearchProgress {
  int64_t evaluated = 0;   // proposals handled (measured now or found recorded)
  int64_t since_best = 0;  // evaluations since the best last improved
  double elapsed_s = 0;    // wall time since the key's search began (after its cool-down)
};

// The budgets of a request, per key; 0 turns one off.
struct SearchBudget {
  int64_t max_evals = 0;    // evaluations
  double time_limit_s = 0;  // wall time
  int64_t patience = 0;     // stop after this many evaluations without a new best
};

enum class StopReason { kNone, kEvaluations, kTime, kPatience };

class StopCondition {
 public:
  static constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();
  virtual ~StopCondition() = default;
  // kNone while the search may go on.
  virtual StopReason Check(const SearchProgress& p) const = 0;
  // Evaluations still allowed: a batch of proposals is never drawn larger.
  virtual size_t EvaluationsLeft(const SearchProgress& p) const {
    (void)p;
    return kUnlimited;
  }
};

// At most `max_evals` evaluations per key.
class EvaluationBudget final : public StopCondition {
 public:
  explicit EvaluationBudget(int64_t max_evals) : max_(max_evals) {}
  StopReason Check(const SearchProgress& p) const override;
  size_t EvaluationsLeft(const SearchProgress& p) const override;

 private:
  int64_t max_;
};

// At most `seconds` of wall time per key.
class TimeBudget final : public StopCondition {
 public:
  explicit TimeBudget(double seconds) : seconds_(seconds) {}
  StopReason Check(const SearchProgress& p) const override;

 private:
  double seconds_;
};

// Stop after `evaluations` evaluations in a row without a new best.
class Patience final : public StopCondition {
 public:
  explicit Patience(int64_t evaluations) : evaluations_(evaluations) {}
  StopReason Check(const SearchProgress& p) const override;

 private:
  int64_t evaluations_;
};

// Conditions checked in the order added: the first reached gives the reason.
class StopConditions {
 public:
  // Those of a budget, in this order: evaluations, time, patience.
  static StopConditions From(const SearchBudget& budget);
  void Add(std::unique_ptr<StopCondition> condition) { conditions_.push_back(std::move(condition)); }
  StopReason Check(const SearchProgress& p) const;
  size_t EvaluationsLeft(const SearchProgress& p) const;  // the smallest; kUnlimited without a budget

 private:
  std::vector<std::unique_ptr<StopCondition>> conditions_;
};

}  // namespace mace_tune
