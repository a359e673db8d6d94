// SPDX-License-Identifier: Apache-2.0
// Start-up of a workload through the runtime up to the first finished inference (every kernel
// prepared, run once, clFinish): cold (every program from source), warm (from the compiled-program
// binary, mapped), warm from the cache file of cache-update mode; and the cost of a tuned-parameter
// lookup per launch (memoized exact key) and of a first resolution (nearest shape).
// For honest cold numbers disable the driver's cache:
//   POCL_KERNEL_CACHE=0 CUDA_CACHE_DISABLE=1 build/bench/runtime_bench
// MACE_TUNE_BENCH_WORKLOAD picks the workload (default: mobilenet_v2_gemm); device: MACE_TUNE_DEVICE.
#include <benchmark/benchmark.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "formats/artifact_writer.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"
#include "mace_tune/runtime.h"
#include "runtime/cl/cl_core.h"
#include "tuner/tune_context.h"
#include "workloads/workload.h"

namespace mace_tune {
namespace {

struct Fixture {
  TuneContext ctx;
  std::vector<std::string> keys;
  std::vector<uint8_t> binary;              // the default configs' programs, built once
  std::vector<uint8_t> tuned;               // a tuned file mapping each key to its default config
  std::vector<std::vector<Buffer>> memory;  // each key's arguments (the default config's storage)
  std::string binary_path;                  // `binary` as a file (mapped at load)
  std::string cache_path;                   // cache-update mode's file, filled by the first cache run
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* fx = new Fixture{OpenDevice("", ""), {}, {}, {}};
    const char* name = std::getenv("MACE_TUNE_BENCH_WORKLOAD");
    const Workload w = LoadWorkload(name != nullptr ? name : "mobilenet_v2_gemm");
    std::vector<std::pair<std::string, std::string>> programs;
    TunedParamFile tuned;
    tuned.device = fx->ctx.fingerprint;
    for (const auto& item : w.items) {
      fx->keys.push_back(item.key.ToString());
      ParamMap p;
      std::string options;
      LaunchGeometry g;
      if (!FamilyDefaultParams(item.key, fx->ctx.limits, &p).ok() || !FamilyBuildOptions(item.key, p, &options).ok() ||
          !FamilyGeometry(item.key, p, &g).ok()) {
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
      // Arguments in the default config's storage (buffers; IMG=0 is every family's default).
      const KernelFamily* family = FindKernelFamily(item.key.family);
      std::vector<Buffer> memory;
      for (const auto& spec : family->Buffers(item.key)) {
        std::vector<float> values(spec.elements, 0.5f);
        memory.push_back(CreateStorage(fx->ctx.context.get(), fx->ctx.queue.get(), values,
                                       spec.is_tensor() ? &spec.nhwc : nullptr, spec.type, false));
      }
      fx->memory.push_back(std::move(memory));
    }
    fx->binary = EncodeProgramBinaryFile(
        BuildProgramBinaryFile(fx->ctx.context.get(), fx->ctx.device(), programs, "runtime_bench"));
    fx->tuned = EncodeTunedParamFile(tuned);
    const std::string dir = "/tmp/mace_tune_bench_" + std::to_string(::getpid());
    ::mkdir(dir.c_str(), 0755);
    fx->binary_path = dir + "/programs.bin";
    fx->cache_path = dir + "/cache.bin";
    if (!WriteFileAtomic(fx->binary_path, fx->binary).ok()) throw std::runtime_error("cannot write " + fx->binary_path);
    return fx;
  }();
  return *f;
}

enum class Start { kSource, kBinaryFile, kCacheFile };

// Create the runtime, load what `start` says, prepare every kernel, run each once, clFinish.
void StartUp(benchmark::State& state, Start start) {
  Fixture& f = Get();
  int64_t from_artifact = 0;
  RuntimeOptions options;
  if (start == Start::kCacheFile) {
    options.cache_path = f.cache_path;
    std::unique_ptr<Runtime> fill;  // the first start of an app: builds and writes the cache
    PreparedKernel k;
    if (!Runtime::Create(f.ctx.context.get(), f.ctx.device(), options, &fill).ok()) state.SkipWithError("Create");
    for (const auto& key : f.keys) fill->Prepare(key, &k);
  }
  for (auto _ : state) {
    std::unique_ptr<Runtime> rt;
    if (!Runtime::Create(f.ctx.context.get(), f.ctx.device(), options, &rt).ok()) state.SkipWithError("Create failed");
    if (start == Start::kBinaryFile && !rt->LoadProgramBinaries(f.binary_path).ok())
      state.SkipWithError("binary rejected");
    for (size_t i = 0; i < f.keys.size(); ++i) {
      PreparedKernel k;
      if (!rt->Prepare(f.keys[i], &k).ok()) state.SkipWithError("Prepare failed");
      from_artifact += k.origin() != ProgramOrigin::kSource;
      const LaunchConfig& config = k.config();
      std::vector<cl_mem> mems;
      for (const auto& m : f.memory[i]) mems.push_back(m.get());
      FindKernelFamily(config.key.family)->SetArgs(k.kernel(), config.key, config.params, mems);
      Launch(f.ctx.queue.get(), k.kernel(), config.geometry.dims, config.geometry.gws, config.geometry.lws);
    }
    clFinish(f.ctx.queue.get());  // the first inference has finished
  }
  state.counters["kernels"] = static_cast<double>(f.keys.size());
  state.counters["from_artifact"] =
      benchmark::Counter(static_cast<double>(from_artifact), benchmark::Counter::kAvgIterations);
}

void BM_StartupCold_FromSource(benchmark::State& state) { StartUp(state, Start::kSource); }
void BM_StartupWarm_FromBinaryFile(benchmark::State& state) { StartUp(state, Start::kBinaryFile); }
void BM_StartupWarm_FromCacheFile(benchmark::State& state) { StartUp(state, Start::kCacheFile); }
BENCHMARK(BM_StartupCold_FromSource)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_StartupWarm_FromBinaryFile)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_StartupWarm_FromCacheFile)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

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

// The first lookup of a key not in the file: parse, validate, nearest-shape search over the
// workload's entries, geometry. Distinct keys (more than the memo holds) so each one resolves.
void BM_NearestResolve(benchmark::State& state) {
  Fixture& f = Get();
  std::unique_ptr<Runtime> rt;
  Runtime::Create(f.ctx.context.get(), f.ctx.device(), &rt);
  rt->LoadTunedParamsFromMemory(f.tuned.data(), f.tuned.size());
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back("gemm:K=" + std::to_string(17 + i) + ",M=3000,N=100:fp32");
  LaunchConfig config;
  size_t i = 0;
  int64_t nearest = 0;
  for (auto _ : state) {
    rt->GetLaunch(keys[i++ % keys.size()], &config);
    nearest += config.origin == LaunchOrigin::kNearest;
  }
  state.counters["nearest"] = benchmark::Counter(static_cast<double>(nearest), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_NearestResolve);

}  // namespace
}  // namespace mace_tune

BENCHMARK_MAIN();
