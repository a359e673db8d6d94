// Start-up of a workload through the runtime, cold (every program from source) vs warm (from the
// compiled-program binary), up to the first finished run of every kernel; and the cost of one
// tuned-parameter lookup. For honest cold numbers disable the driver's cache:
//   POCL_KERNEL_CACHE=0 CUDA_CACHE_DISABLE=1 build/bench/runtime_bench
// MACE_TUNE_BENCH_WORKLOAD picks the workload (default: small); the device: MACE_TUNE_DEVICE.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>

#include "artifact_writer.h"
#include "mace_tune/runtime.h"
#include "tune_context.h"
#include "workload.h"

namespace mace_tune {
namespace {

struct Fixture {
  TuneContext ctx;
  std::vector<std::string> keys;
  std::vector<uint8_t> binary;  // the default configs' programs, built once
  std::vector<uint8_t> tuned;   // a tuned file mapping each key to its default config
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture{OpenDevice("", ""), {}, {}, {}};
    const char* name = std::getenv("MACE_TUNE_BENCH_WORKLOAD");
    const Workload w = LoadWorkload(name != nullptr ? name : "small");
    std::vector<std::pair<std::string, std::string>> programs;
    TunedParamFile tuned;
    tuned.device = fx->ctx.fingerprint;
    for (const auto& item : w.items) {
      fx->keys.push_back(item.key.ToString());
      ParamMap p;
      std::string options;
      LaunchGeometry g;
      if (!FamilyDefaultParams(item.key, fx->ctx.limits, &p).ok() ||
          !FamilyBuildOptions(item.key, p, &options).ok() || !FamilyGeometry(item.key, p, &g).ok()) {
        throw std::runtime_error("bad workload key " + item.key.ToString());
      }
      programs.emplace_back(std::string(FindFamily(item.key.family)->program), options);
      TunedEntry e;
      e.tuning_key = item.key.ToString();
      e.params = FormatParams(p);
      e.build_options = options;
      e.dims = g.dims;
      for (int i = 0; i < 3; ++i) {
        e.gws[i] = static_cast<uint32_t>(g.gws[i]);
        e.lws[i] = static_cast<uint32_t>(g.lws[i]);
      }
      tuned.entries.push_back(e);
    }
    fx->binary = EncodeProgramBinaryFile(
        BuildProgramBinaryFile(fx->ctx.context.get(), fx->ctx.device(), programs, "runtime_bench"));
    fx->tuned = EncodeTunedParamFile(tuned);
    return fx;
  }();
  return *f;
}

// Create the runtime, optionally load the binary, prepare and run every kernel once.
void StartUp(benchmark::State& state, bool with_binary) {
  Fixture& f = Get();
  int64_t from_binary = 0;
  for (auto _ : state) {
    std::unique_ptr<Runtime> rt;
    if (!Runtime::Create(f.ctx.context.get(), f.ctx.device(), &rt).ok()) state.SkipWithError("Create failed");
    if (with_binary && !rt->LoadProgramBinariesFromMemory(f.binary.data(), f.binary.size()).ok()) {
      state.SkipWithError("binary rejected");
    }
    for (const auto& key : f.keys) {
      PreparedKernel k;
      if (!rt->Prepare(key, &k).ok()) state.SkipWithError("Prepare failed");
      from_binary += k.origin() == ProgramOrigin::kBinary;
    }
  }
  state.counters["kernels"] = static_cast<double>(f.keys.size());
  state.counters["from_binary"] = benchmark::Counter(static_cast<double>(from_binary), benchmark::Counter::kAvgIterations);
}

void BM_StartupFromSource(benchmark::State& state) { StartUp(state, false); }
void BM_StartupFromBinary(benchmark::State& state) { StartUp(state, true); }
BENCHMARK(BM_StartupFromSource)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_StartupFromBinary)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_TunedLookup(benchmark::State& state) {
  Fixture& f = Get();
  std::unique_ptr<Runtime> rt;
  Runtime::Create(f.ctx.context.get(), f.ctx.device(), &rt);
  rt->LoadTunedParamsFromMemory(f.tuned.data(), f.tuned.size());
  LaunchConfig config;
  size_t i = 0;
  for (auto _ : state) {
    rt->GetLaunch(f.keys[i++ % f.keys.size()], &config);
    benchmark::DoNotOptimize(config);
  }
}
BENCHMARK(BM_TunedLookup);

}  // namespace
}  // namespace mace_tune

BENCHMARK_MAIN();
