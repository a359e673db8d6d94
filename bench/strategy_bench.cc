// SPDX-License-Identifier: Apache-2.0
// A strategy's own cost per proposal (Next() + Tell()) as its history grows, on a synthetic space
// the size of a GEMM tuning space (18,000 configs, 7 axes, local sizes LX/LY): what a long tune
// pays between evaluations, without a device; and what building one key's space costs.
//   strategy_bench [--benchmark_filter=Model]
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "kernels/kernel_family.h"
#include "search_strategies/strategy.h"

namespace mace_tune {
namespace {

SearchSpace GemmLikeSpace() {
  std::vector<TunableParam> params = {{"LX", {4, 8, 16, 32}},   {"LY", {4, 8, 16, 32}}, {"TM", {1, 2, 4, 8}},
                                      {"TN", {1, 2, 4, 8}},     {"KT", {4, 8, 16, 32}}, {"VW", {1, 2, 4, 8}},
                                      {"U", {0, 1, 2, 3, 4, 5}}};
  // A work-group of at most 1024 items (as a GPU's limit would cut the space).
  return SearchSpace(params, [](const ParamMap& p) {
    return p.at("LX") * p.at("LY") <= 1024 && p.at("VW") <= p.at("TN") * 2 ? "" : "too large";
  });
}

// A smooth landscape with one optimum and some unevenness, so the model has something to learn.
double SyntheticTime(const ParamMap& p) {
  double t = 1.0;
  for (const auto& [name, value] : p) {
    const double x = std::log2(static_cast<double>(value) + 1.0);
    t += 0.3 * std::pow(x - 2.5, 2) + 0.05 * std::sin(3.0 * x + static_cast<double>(name.size()));
  }
  return t * 1e5;
}

// Args: strategy index, history length before the timed proposals. Each iteration is one proposal.
void BM_Proposal(benchmark::State& state, const char* strategy) {
  static const SearchSpace space = GemmLikeSpace();
  auto s = MakeStrategy(strategy, space, 1);
  auto step = [&] {
    const auto pick = s->Next();
    if (pick) s->Tell(*pick, {true, SyntheticTime(space.configs()[*pick])});
    return pick.has_value();
  };
  for (int64_t i = 0; i < state.range(0); ++i) step();
  for (auto _ : state) {
    if (!step()) state.SkipWithError("space exhausted");
  }
  state.counters["history"] = static_cast<double>(state.range(0));
  state.counters["configs"] = static_cast<double>(space.size());
}
BENCHMARK_CAPTURE(BM_Proposal, model, "model")
    ->Arg(100)
    ->Arg(300)
    ->Arg(1000)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond);
// hybrid refits its trees once per 10% of growth: 100 proposals at 1,000 cover one refit, so the
// mean is the cost per proposal over a refit cycle.
BENCHMARK_CAPTURE(BM_Proposal, hybrid, "hybrid")
    ->Arg(100)
    ->Arg(300)
    ->Arg(1000)
    ->Iterations(100)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Proposal, random, "random")->Arg(1000)->Iterations(20)->Unit(benchmark::kMillisecond);

// Building one key's space, as tune does before its first proposal: ResNet-50's conv2d_1x1 at
// batch 32 (3.2 million combinations of its 13 axes) on a GPU of 1,024 work-items; arg 1: with the
// description's prefix check, 0: every combination checked whole (as before it existed).
void BM_KeySpace(benchmark::State& state) {
  const KernelFamily& family = *FindKernelFamily("conv2d_1x1");
  const TuningKey key{"conv2d_1x1",
                      {{"ACT", 1}, {"BIAS", 1}, {"C", 256}, {"H", 56}, {"K", 128}, {"N", 32}, {"S", 1}, {"W", 56}},
                      "fp32"};
  DeviceLimits limits;
  limits.max_work_group_size = 1024;
  limits.max_work_item_sizes = {1024, 1024, 64};
  limits.local_mem_size = 48 * 1024;
  limits.image_support = true;
  limits.image2d_max_width = limits.image2d_max_height = 32768;
  size_t configs = 0;
  for (auto _ : state) {
    const SearchSpace space(
        family.Parameters(key, limits), [&](const ParamMap& p) { return family.CheckConfig(key, p, limits); },
        state.range(0) != 0 ? family.description().Prefix(key, limits) : nullptr);
    configs = space.size();
  }
  state.counters["configs"] = static_cast<double>(configs);
}
BENCHMARK(BM_KeySpace)->Arg(0)->Arg(1)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mace_tune

BENCHMARK_MAIN();
