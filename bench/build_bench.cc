// SPDX-License-Identifier: Apache-2.0
// What a program build costs on the device, and what a tuner can do about it: builds one at a time;
// P processes building at once (does the driver compile in parallel, i.e. can a build pool help?);
// and one program holding k GEMM variants (how much of a build is a fixed cost that variants
// could share). Every build's source is new (a nonce comment), so no driver cache answers it; run
// with CUDA_CACHE_DISABLE=1 (NVIDIA) or POCL_KERNEL_CACHE=0 (PoCL).
//   build_bench [--benchmark_filter=...]      (--child N NONCE: a helper process, internal)
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "mace_tune/families.h"
#include "tuner/tune_context.h"

extern char** environ;

namespace mace_tune {
namespace {

// Real GEMM variants of the kind a tune proposes (tiled, different tiles and vector widths).
const char* const kConfigs[] = {
    "-DLOCAL=1 -DKT=16 -DLX=16 -DLY=16 -DTM=8 -DTN=8 -DVW=4 -DSTRN=1",
    "-DLOCAL=1 -DKT=32 -DLX=8 -DLY=16 -DTM=4 -DTN=8 -DVW=4 -DSTRN=0",
    "-DLOCAL=1 -DKT=8 -DLX=16 -DLY=8 -DTM=8 -DTN=4 -DVW=2 -DSTRN=1",
    "-DLOCAL=0 -DTM=4 -DTN=4 -DVW=4",
};
constexpr int kConfigCount = 4;
std::atomic<long> nonce{0};

std::string Unique(const std::string& source) {
  return "// build_bench " + std::to_string(::getpid()) + "." + std::to_string(nonce++) + "\n" + source;
}

// `-DNAME=V` options as #define lines, for variants that share one program.
std::string AsDefines(const std::string& options, std::vector<std::string>* names) {
  std::string out;
  size_t at = 0;
  while ((at = options.find("-D", at)) != std::string::npos) {
    const size_t eq = options.find('=', at), end = options.find(' ', at);
    names->push_back(options.substr(at + 2, eq - at - 2));
    out +=
        "#define " + names->back() + " " + options.substr(eq + 1, end == std::string::npos ? end : end - eq - 1) + "\n";
    at = eq;
  }
  return out;
}

// k GEMM variants in one program: each copy's kernel, helpers and type renamed, its parameters defined
// before it and every macro (its own and the source's) undefined after it.
std::string Batched(const std::string& source, int k) {
  std::vector<std::string> own;
  for (size_t at = 0; (at = source.find("#define ", at)) != std::string::npos; at += 8) {
    const size_t begin = at + 8, end = source.find_first_of(" (\n", begin);
    own.push_back(source.substr(begin, end - begin));
  }
  std::string out;
  for (int i = 0; i < k; ++i) {
    std::vector<std::string> names = {"gemm", "OuterProduct", "StoreBlock", "floatv"};
    for (const auto& n : names) out += "#define " + n + " " + n + "_" + std::to_string(i) + "\n";
    out += AsDefines(kConfigs[i % kConfigCount], &names) + source + "\n";
    for (const auto& n : names) out += "#undef " + n + "\n";
    for (const auto& n : own) out += "#undef " + n + "\n";
  }
  return out;
}

TuneContext& Device() {
  static TuneContext* ctx = new TuneContext(OpenDevice("", ""));
  return *ctx;
}

void BuildOne(TuneContext& ctx, int i) {
  BuildFromSource(ctx.context.get(), ctx.device(), Unique(ProgramSource("gemm")), kConfigs[i % kConfigCount]);
}

// One GEMM variant after another, in this process.
void BM_BuildSerial(benchmark::State& state) {
  TuneContext& ctx = Device();
  int i = 0;
  for (auto _ : state) BuildOne(ctx, i++);
}
BENCHMARK(BM_BuildSerial)->Unit(benchmark::kMillisecond)->Iterations(8)->UseRealTime();

// P fresh processes (exec'd, so no driver state is shared through fork), each opening the device
// and building 4 variants; the time is wall time until all are done. Builds that overlap give
// builds_per_s well above 1000 / BM_BuildSerial's ms; a driver that serialises them across processes does not.
void BM_BuildProcesses(benchmark::State& state) {
  const int processes = static_cast<int>(state.range(0));
  constexpr int kPerChild = 4;
  for (auto _ : state) {
    std::vector<pid_t> pids;
    for (int p = 0; p < processes; ++p) {
      std::string count = std::to_string(kPerChild), tag = std::to_string(nonce++);
      char* argv[] = {const_cast<char*>("/proc/self/exe"), const_cast<char*>("--child"), count.data(), tag.data(),
                      nullptr};
      pid_t pid = 0;
      if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv, environ) != 0) state.SkipWithError("spawn");
      pids.push_back(pid);
    }
    for (pid_t pid : pids) {
      int status = 0;
      waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) state.SkipWithError("a child failed");
    }
  }
  state.counters["builds_per_s"] =
      benchmark::Counter(processes * kPerChild, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BuildProcesses)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->ArgName("processes")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

// k variants compiled as one program.
void BM_BuildBatched(benchmark::State& state) {
  TuneContext& ctx = Device();
  const int k = static_cast<int>(state.range(0));
  const std::string source = Batched(ProgramSource("gemm"), k);
  for (auto _ : state) BuildFromSource(ctx.context.get(), ctx.device(), Unique(source), "");
  state.counters["variants_per_s"] = benchmark::Counter(k, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BuildBatched)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->ArgName("variants")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

int Child(int count) {
  TuneContext ctx = OpenDevice("", "");
  for (int i = 0; i < count; ++i) BuildOne(ctx, i);
  return 0;
}

}  // namespace
}  // namespace mace_tune

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--child") == 0) return mace_tune::Child(std::atoi(argv[2]));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
