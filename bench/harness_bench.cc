// SPDX-License-Identifier: Apache-2.0
// The tuning harness's own cost per evaluation, with a kernel that does next to nothing (one item
// stores one value), so what is measured is the harness: verification, timing loop, store writes,
// strategy — not the device. A regression shows up here without a GPU (PoCL runs it).
//   harness_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "kernels/description_file.h"
#include "kernels/kernel_family.h"
#include "store/store.h"
#include "tuner/evaluator.h"
#include "tuner/tuner.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

const char* const kDescription = R"toml([kernel]
name = "bench_noop"
sources = ["noop.cl"]
dims = ["n"]
[parameters]
LX = [1, 2, 4, 8, 16, 32, 64]
U = [0, 1, 2, 3, 4, 5, 6, 7]
[launch]
global = ["n"]
local = ["LX"]
[defaults]
LX = 1
U = 0
[[argument]]
name = "out"
kind = "buffer"
size = "n"
access = "out"
[verify]
reference = "default"
)toml";

struct Fixture {
  std::string dir = (fs::temp_directory_path() / ("mt_harness_bench_" + std::to_string(::getpid()))).string();
  TuneContext ctx = OpenDevice("", "");
  TuningKey key{"bench_noop", {{"n", 64}}, "fp32"};
  Fixture() {
    fs::create_directories(dir);
    std::ofstream(dir + "/noop.cl") << "__kernel void bench_noop(__global float* out) { out[get_global_id(0)] = U; }\n";
    std::ofstream(dir + "/noop.toml") << kDescription;
    RegisterKernelPath(dir + "/noop.toml");
  }
  ~Fixture() { fs::remove_all(dir); }
};

Fixture& Get() {
  static Fixture* f = new Fixture();
  return *f;
}

MeasureOptions Quick() {
  MeasureOptions m;
  m.min_samples = 5;
  m.max_samples = 5;
  return m;
}

// One evaluation of an already built config: verification launch, warm-up, 5 timed runs.
void BM_EvaluateBuilt(benchmark::State& state) {
  Fixture& f = Get();
  ProgramCache cache(f.ctx.context.get(), f.ctx.device());
  InstanceEvaluator evaluator(f.ctx, cache, *FindKernelFamily("bench_noop"), f.key, 1, Quick());
  const ParamMap params = {{"LX", 8}, {"U", 0}};
  evaluator.Evaluate(params);  // built once
  double kernel_ns = 0;
  for (auto _ : state) {
    const Measurement m = evaluator.Evaluate(params);
    for (double ns : m.samples_ns) kernel_ns += ns;
  }
  state.counters["kernel_us_per_eval"] = benchmark::Counter(kernel_ns / 1e3 / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_EvaluateBuilt)->Unit(benchmark::kMillisecond);

// The tune loop around it: each iteration tunes a fresh database for the 56-config space with
// every config's program already built, so what is left is per-evaluation harness work (store
// writes, strategy, verification, timing loop).
void BM_TuneLoop(benchmark::State& state) {
  Fixture& f = Get();
  int64_t evaluations = 0;
  int run = 0;
  for (auto _ : state) {
    const std::string db = f.dir + "/t" + std::to_string(run++) + ".db";
    Store store = Store::Open(db);
    TuneRequest request;
    request.workload = ParseWorkload("bench", f.key.ToString() + "\n");
    request.strategy = state.range(0) == 0 ? "random" : "model";
    request.budget.max_evals = 30;
    request.measure = Quick();
    const TuneReport report = Tune(f.ctx, store, request, nullptr);
    evaluations += report.measured;
    fs::remove(db);
  }
  state.counters["per_eval"] =
      benchmark::Counter(static_cast<double>(evaluations), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TuneLoop)->Arg(0)->Arg(1)->ArgName("model")->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace mace_tune

BENCHMARK_MAIN();
