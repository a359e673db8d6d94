// SPDX-License-Identifier: Apache-2.0
// The replay comparison as a text table and as JSON (replay.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "formats/json.h"
#include "replay/replay.h"

namespace mace_tune {
namespace {

std::string Cell(const std::vector<int64_t>& v) {
  const int64_t med = EvalsPercentile(v, 0.5), lo = EvalsPercentile(v, 0.25), hi = EvalsPercentile(v, 0.75);
  auto show = [](int64_t x) { return x < 0 ? std::string("-") : std::to_string(x); };
  if (med < 0) return lo < 0 ? std::string("-") : fmt::format("- [{}-]", lo);
  return fmt::format("{} [{}-{}]", med, show(lo), show(hi));
}

double Reached(const std::vector<int64_t>& v) {
  if (v.empty()) return 0;
  return static_cast<double>(std::count_if(v.begin(), v.end(), [](int64_t x) { return x >= 0; })) /
         static_cast<double>(v.size());
}

double MedianRatio(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string Optimum(const ReplayStats& s) {
  if (s.objective == "time") return fmt::format("{:.4f} ms", s.optimum_ns / 1e6);
  return fmt::format("{:.6g} {}", s.higher_is_better ? 1 / s.optimum_ns : s.optimum_ns, s.objective);
}

std::string ExactMedian(double m) { return m == std::floor(m) ? fmt::format("{:.0f}", m) : fmt::format("{:.1f}", m); }

// Uniform random search computed, not sampled: its median per tolerance and its chance of getting
// within 5% in the replay's budget.
std::string RandomExactRow(const ReplayStats& s) {
  const double reach = RandomReachProbability(s.space_size, s.good[1], static_cast<size_t>(s.max_evals));
  return fmt::format("{:<11} {:>19} {:>19} {:>19} {:>7.0f}% {:>12}\n", "random*", ExactMedian(s.random_median[2]),
                     ExactMedian(s.random_median[1]), ExactMedian(s.random_median[0]), 100 * reach, "");
}

}  // namespace

int64_t EvalsPercentile(std::vector<int64_t> values, double q) {
  if (values.empty()) return -1;
  for (auto& x : values) {
    if (x < 0) x = INT64_MAX;
  }
  std::sort(values.begin(), values.end());
  const size_t i = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5));
  return values[i] == INT64_MAX ? -1 : values[i];
}

std::string FormatReplayTable(const std::vector<ReplayStats>& stats) {
  std::string out;
  std::string space;
  for (const auto& s : stats) {
    if (s.space != space) {
      space = s.space;
      out += fmt::format("\nspace {}: {} configs, {} passed, optimum {}; {} seeds, at most {} evaluations each\n",
                         s.space, s.space_size, s.passed, Optimum(s), s.best_at_budget.size(), s.max_evals);
      out += fmt::format("{:<11} {:>19} {:>19} {:>19} {:>8} {:>12}\n", "strategy", "evals to 10%", "evals to 5%",
                         "evals to 1%", "reach 5%", fmt::format("best@{}", s.fixed_budget));
      out += RandomExactRow(s);
    }
    out += fmt::format("{:<11} {:>19} {:>19} {:>19} {:>7.0f}% {:>11.3f}x\n", s.strategy, Cell(s.evals_to[2]),
                       Cell(s.evals_to[1]), Cell(s.evals_to[0]), 100 * Reached(s.evals_to[1]),
                       MedianRatio(s.best_at_budget));
  }
  out +=
      "\nevaluations: median [25th-75th percentile] over the seeds ('-': not reached by that share of seeds);\n"
      "best@N: median over the seeds of the best time within N evaluations / the space's optimum;\n"
      "random*: uniform random search without replacement, exact (computed, not sampled): its median and its\n"
      "chance of reaching 5% within the evaluations allowed\n";
  return out;
}

std::string ReplayJson(const std::vector<ReplayStats>& stats, const ReplayOptions& options,
                       const std::string& tool_version) {
  JsonWriter out;
  out.BeginObject().Field("format", "mace_tune replay").Field("format_version", 1).Field("tool_version", tool_version);
  out.Field("seeds", options.seeds).Field("first_seed", options.first_seed).Field("fixed_budget", options.fixed_budget);
  out.BeginArray("results");
  for (const auto& s : stats) {
    out.BeginObject().Field("strategy", s.strategy).Field("space", s.space).Field("space_size", s.space_size);
    out.Field("passed", s.passed).Field("optimum_ns", s.optimum_ns).Field("max_evals", s.max_evals);
    out.Field("objective", s.objective).Field("higher_is_better", s.higher_is_better);
    const char* names[3] = {"within_1pct", "within_5pct", "within_10pct"};
    for (int j = 0; j < 3; ++j) {
      out.BeginObject(names[j]);
      out.Field("median", EvalsPercentile(s.evals_to[j], 0.5)).Field("p25", EvalsPercentile(s.evals_to[j], 0.25));
      out.Field("p75", EvalsPercentile(s.evals_to[j], 0.75)).Field("reached_fraction", Reached(s.evals_to[j]));
      out.Field("good_configs", s.good[j]).Field("random_exact_median", s.random_median[j]);
      out.BeginArray("per_seed");
      for (int64_t v : s.evals_to[j]) out.Value(v);
      out.EndArray().EndObject();
    }
    out.Field("best_at_budget_median_ratio", MedianRatio(s.best_at_budget));
    out.EndObject();
  }
  out.EndArray().EndObject();
  return out.str() + "\n";
}

}  // namespace mace_tune
