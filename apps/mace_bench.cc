// SPDX-License-Identifier: Apache-2.0
// mace_bench: runs a workload through the embedded runtime as an app would, with given artifacts,
// and times it with Google Benchmark: per kernel and per network, tuned vs default launch
// parameters (default = a Runtime without the tuned file), start-up cold (from source) vs warm
// (from the compiled-program binary). Kernel times come from OpenCL profiling events (manual time).
//
//   mace_bench [--workload NAME|FILE] [--binary FILE] [--params FILE] [--platform P] [--device D]
//              [--benchmark_out=FILE.json --benchmark_out_format=json] [other --benchmark_* flags]
// Benchmark names: kernel/KEY/{tuned,default}, network/{tuned,default}, startup/{cold,warm};
// `mace_tune report --bench FILE.json` pairs each /tuned with its /default.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"
#include "mace_tune/runtime.h"
#include "runtime/cl/cl_core.h"
#include "tuner/tune_context.h"
#include "workloads/workload.h"

namespace mace_tune {
namespace {

struct Options {
  std::string workload = "small", binary, params, platform, device;
};

// One layer's kernel ready to launch, with its buffers.
struct Layer {
  std::string key;
  int count = 1;
  double flops = 0;
  PreparedKernel kernel;
  std::vector<Buffer> buffers;
};

struct Bench {
  Options options;
  TuneContext ctx;
  std::unique_ptr<Runtime> tuned_rt, default_rt;
  std::vector<Layer> tuned, defaults;
};

Bench* g_bench = nullptr;

std::unique_ptr<Runtime> MakeRuntime(const Bench& b, bool with_binary, bool with_params) {
  std::unique_ptr<Runtime> rt;
  Status s = Runtime::Create(b.ctx.context.get(), b.ctx.device(), &rt);
  if (!s.ok()) throw std::runtime_error("Runtime::Create: " + s.ToString());
  if (with_binary && !b.options.binary.empty() && !(s = rt->LoadProgramBinaries(b.options.binary)).ok()) {
    std::fprintf(stderr, "mace_bench: binary not used (%s): programs are built from source\n", s.ToString().c_str());
  }
  if (with_params && !(s = rt->LoadTunedParams(b.options.params)).ok()) {
    throw std::runtime_error("tuned-parameter file " + b.options.params + ": " + s.ToString());
  }
  return rt;
}

std::vector<Layer> PrepareLayers(Bench& b, Runtime& rt, const Workload& w) {
  std::vector<Layer> layers;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (const auto& item : w.items) {
    const KernelFamily* family = FindKernelFamily(item.key.family);
    if (family == nullptr) throw std::runtime_error("unknown kernel family " + item.key.family);
    Layer layer;
    layer.key = item.key.ToString();
    layer.count = item.count;
    layer.flops = family->Flops(item.key);
    const Status s = rt.Prepare(layer.key, &layer.kernel);
    if (!s.ok()) throw std::runtime_error(layer.key + ": " + s.ToString());
    // Each argument in the storage the config asks for: NHWC4 tensors in buffers or images, fp16 or fp32.
    const ParamMap& params = layer.kernel.config().params;
    const bool image = family->UsesImages(item.key, params);
    std::vector<cl_mem> mems;
    for (const auto& spec : family->Buffers(item.key)) {
      std::vector<float> host(spec.elements);
      for (auto& x : host) x = dist(rng);
      layer.buffers.push_back(CreateStorage(b.ctx.context.get(), b.ctx.queue.get(), host,
                                            spec.is_tensor() ? &spec.nhwc : nullptr, spec.type,
                                            image && spec.is_tensor()));
      mems.push_back(layer.buffers.back().get());
    }
    family->SetArgs(layer.kernel.kernel(), item.key, params, mems);
    layers.push_back(std::move(layer));
  }
  return layers;
}

// Device time of one launch, in seconds, from the profiling event.
double RunOnce(const Bench& b, const Layer& layer) {
  const auto& g = layer.kernel.config().geometry;
  Event e = Launch(b.ctx.queue.get(), layer.kernel.kernel(), g.dims, g.gws, g.lws);
  const cl_event event = e.get();
  MT_CL_CHECK(clWaitForEvents(1, &event));
  return static_cast<double>(EventNanoseconds(e.get())) * 1e-9;
}

void KernelBench(benchmark::State& state, const std::vector<Layer>* layers, size_t i) {
  const Layer& layer = (*layers)[i];
  RunOnce(*g_bench, layer);  // warm-up
  double total = 0;
  for (auto _ : state) {
    const double s = RunOnce(*g_bench, layer);
    total += s;
    state.SetIterationTime(s);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(layer.flops * 1e-9 * static_cast<double>(state.iterations()) / total);
  state.counters["layers"] = layer.count;
  state.counters["tuned"] = layer.kernel.config().tuned ? 1 : 0;
  state.SetLabel(layer.kernel.config().tuned ? FormatParams(layer.kernel.config().params) : "default");
}

// The whole network: every layer, each key as many times as the network has that layer.
void NetworkBench(benchmark::State& state, const std::vector<Layer>* layers) {
  for (const auto& layer : *layers) RunOnce(*g_bench, layer);
  double flops = 0;
  for (const auto& layer : *layers) flops += layer.flops * layer.count;
  double total = 0;
  for (auto _ : state) {
    double s = 0;
    for (const auto& layer : *layers) {
      for (int c = 0; c < layer.count; ++c) s += RunOnce(*g_bench, layer);
    }
    total += s;
    state.SetIterationTime(s);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9 * static_cast<double>(state.iterations()) / total);
}

// Start-up as an app sees it (wall time): create the runtime, load the artifacts, prepare every
// kernel. Cold builds every program from source; warm loads the compiled-program binary. Disable
// the driver's own cache for honest cold numbers (POCL_KERNEL_CACHE=0, CUDA_CACHE_DISABLE=1).
void StartupBench(benchmark::State& state, const Workload* w, bool warm) {
  int64_t from_binary = 0;
  for (auto _ : state) {
    auto rt = MakeRuntime(*g_bench, warm, !g_bench->options.params.empty());
    for (const auto& item : w->items) {
      PreparedKernel k;
      if (!rt->Prepare(item.key.ToString(), &k).ok()) state.SkipWithError("Prepare failed");
      from_binary += k.origin() == ProgramOrigin::kBinary;
    }
  }
  state.counters["kernels"] = static_cast<double>(w->items.size());
  state.counters["from_binary"] =
      benchmark::Counter(static_cast<double>(from_binary), benchmark::Counter::kAvgIterations);
}

// Removes our own flags from argv (Google Benchmark's stay for benchmark::Initialize).
Options ParseOptions(int* argc, char** argv) {
  Options o;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = argv[i];
    std::string* target = arg == "--workload"   ? &o.workload
                          : arg == "--binary"   ? &o.binary
                          : arg == "--params"   ? &o.params
                          : arg == "--platform" ? &o.platform
                          : arg == "--device"   ? &o.device
                                                : nullptr;
    if (target != nullptr) {
      if (i + 1 >= *argc) throw std::runtime_error(arg + " needs a value");
      *target = argv[++i];
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  return o;
}

}  // namespace
}  // namespace mace_tune

int main(int argc, char** argv) {
  using namespace mace_tune;
  try {
    auto* b = new Bench{ParseOptions(&argc, argv), {}, {}, {}, {}, {}};
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    g_bench = b;
    b->ctx = OpenDevice(b->options.platform, b->options.device);
    static const Workload w = LoadWorkload(b->options.workload);
    b->default_rt = MakeRuntime(*b, true, false);
    b->defaults = PrepareLayers(*b, *b->default_rt, w);
    if (!b->options.params.empty()) {
      b->tuned_rt = MakeRuntime(*b, true, true);
      b->tuned = PrepareLayers(*b, *b->tuned_rt, w);
    } else {
      std::fprintf(stderr, "mace_bench: no --params: only default launch parameters are measured\n");
    }
    for (size_t i = 0; i < w.items.size(); ++i) {
      const std::string key = w.items[i].key.ToString();
      if (!b->tuned.empty()) {
        benchmark::RegisterBenchmark(("kernel/" + key + "/tuned").c_str(), KernelBench, &b->tuned, i)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
      }
      benchmark::RegisterBenchmark(("kernel/" + key + "/default").c_str(), KernelBench, &b->defaults, i)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
    if (!b->tuned.empty()) {
      benchmark::RegisterBenchmark("network/tuned", NetworkBench, &b->tuned)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark("network/default", NetworkBench, &b->defaults)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("startup/cold", StartupBench, &w, false)
        ->UseRealTime()
        ->Iterations(2)
        ->Unit(benchmark::kMillisecond);
    if (!b->options.binary.empty()) {
      benchmark::RegisterBenchmark("startup/warm", StartupBench, &w, true)
          ->UseRealTime()
          ->Iterations(2)
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::AddCustomContext("mace_bench.version", std::string("mace_tune ") + MACE_TUNE_VERSION);
    benchmark::AddCustomContext("mace_bench.workload", w.name);
    benchmark::AddCustomContext("mace_bench.device", b->ctx.fingerprint.Describe());
    benchmark::AddCustomContext("mace_bench.binary", b->options.binary);
    benchmark::AddCustomContext("mace_bench.params", b->options.params);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mace_bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
