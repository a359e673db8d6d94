// SPDX-License-Identifier: Apache-2.0
// Replay (DESIGN.md "Strategies"): run strategies against recorded data instead of a device, to
// compare them over many seeds. A recorded space comes from our SQLite store or from another
// tuner's output (CLBlast's tuner JSON, Kernel Tuner's cache JSON); configs never measured are
// invalid, measured failures are failures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search_strategies/strategy.h"
#include "store/store.h"

namespace mace_tune {

struct RecordedSpace {
  std::string name;    // short, for the table
  std::string origin;  // the file it came from
  std::vector<TunableParam> params;
  // Every measured config: its time in ns, +inf if it failed. When the source optimised another
  // objective, its cost instead: the value when lower is better, 1 / value when higher is better.
  std::map<ParamMap, double> times;
  std::string objective = "time";
  bool higher_is_better = false;
  std::optional<ParamMap> start;     // the default config, when the source has one
  std::vector<PriorResult> history;  // for the transfer strategy, when the source has any
  double Optimum() const;            // fastest time; +inf when nothing passed
  size_t Passed() const;
};

// Axes from the configs themselves: per parameter name, its distinct values, sorted.
std::vector<TunableParam> AxesOf(const std::map<ParamMap, double>& times);

struct ReplayOptions {
  std::vector<std::string> strategies;
  int seeds = 50;
  uint64_t first_seed = 1;
  int64_t max_evals = 0;      // per replay run; 0 = the space's size
  int64_t fixed_budget = 20;  // report the best found within this many evaluations
};

// Within 1%, 5% and 10% of the optimum.
inline constexpr double kReplayTolerances[3] = {0.01, 0.05, 0.10};

struct ReplayStats {
  std::string strategy, space;
  size_t space_size = 0, passed = 0;
  double optimum_ns = 0;  // the optimum's cost (RecordedSpace::times)
  std::string objective = "time";
  bool higher_is_better = false;
  int64_t fixed_budget = 0, max_evals = 0;
  std::vector<int64_t> evals_to[3];     // per seed, per tolerance; -1: not reached within max_evals
  size_t good[3] = {0, 0, 0};           // per tolerance: configs within it of the optimum
  double random_median[3] = {0, 0, 0};  // per tolerance: uniform random search's exact median
  std::vector<double> best_at_budget;   // per seed: best within fixed_budget over the optimum
};

// Uniform random search without replacement over n configs of which `good` count as reached:
// P(a good one within the first k draws) = 1 - C(n-good, k) / C(n, k), and its exact median, the
// smallest k where that is >= 1/2 (k + 0.5 where it is exactly 1/2 at k).
double RandomReachProbability(size_t n, size_t good, size_t k);
double RandomExactMedian(size_t n, size_t good);

// One ReplayStats per strategy of `options`.
std::vector<ReplayStats> Replay(const RecordedSpace& space, const ReplayOptions& options);

// "db:PATH[:TUNING_KEY][@DEVICE]" (DEVICE: fingerprint id or a substring of the device name; the
// key and device may be left out when the store holds only one), "clblast:PATH", "kt:PATH"; a
// bare path is recognized by its content (.db: store; JSON with "results": CLBlast; with "cache":
// Kernel Tuner).
RecordedSpace LoadRecordedSpace(const std::string& spec);
RecordedSpace LoadStoreSpace(const std::string& path, const std::string& tuning_key, const std::string& device);
RecordedSpace ImportClblast(const std::string& path);
RecordedSpace ImportKernelTuner(const std::string& path);

// The space as a Kernel Tuner cache file (JSON) whose "time" is the replay's cost (ms for a time),
// for Kernel Tuner's simulation mode on exactly the configs the replay sees.
std::string KernelTunerCacheJson(const RecordedSpace& space);

// The comparison table: evaluations to within 1/5/10% of the optimum (median [25th-75th
// percentile] over the seeds, "-" when more than half the seeds never got there) and the best
// found at the fixed budget (median ratio to the optimum).
std::string FormatReplayTable(const std::vector<ReplayStats>& stats);
std::string ReplayJson(const std::vector<ReplayStats>& stats, const ReplayOptions& options,
                       const std::string& tool_version);
// Percentile (0..1) with not-reached (-1) counted as larger than everything; -1 when it falls there.
int64_t EvalsPercentile(std::vector<int64_t> values, double q);

}  // namespace mace_tune
