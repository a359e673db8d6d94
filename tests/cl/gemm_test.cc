// SPDX-License-Identifier: Apache-2.0
// Every GEMM variant (TM x TN x VW x LOCAL x KT that CheckConfig allows) with a few local sizes,
// on awkward small shapes, against the CPU reference: the embedded gemm.cl built with the runtime's
// build options and launched with its geometry, exactly as the tuner and apps do.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "catch.h"
#include "kernels/kernel_family.h"
#include "kernels/verify.h"
#include "test_device.h"

namespace mace_tune {
namespace {

TuningKey GemmKey(int64_t m, int64_t n, int64_t k) { return TuningKey{"gemm", {{"M", m}, {"N", n}, {"K", k}}, "fp32"}; }

const KernelFamily& Gemm() { return *FindKernelFamily("gemm"); }

uint64_t LocalMemBytes(const TuningKey& key, const ParamMap& params) {
  int64_t bytes = 0;
  REQUIRE(Gemm().description().LocalMemory(key, params, &bytes).ok());
  return static_cast<uint64_t>(bytes);
}

DeviceLimits Limits() {
  DeviceLimits limits;
  const Status status = QueryDeviceLimits(test::Device().device(), &limits);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  return limits;
}

// One shape's buffers, random inputs and reference, made once and shared by every variant.
struct Instance {
  TuningKey key;
  Buffer a, b, c;
  std::vector<float> ref;
  std::vector<float> out;

  explicit Instance(const TuningKey& k) : key(k) {
    auto& dev = test::Device();
    const auto specs = Gemm().Buffers(key);
    std::vector<float> host_a(specs[0].elements), host_b(specs[1].elements);
    FillRandom(&host_a, 11);
    FillRandom(&host_b, 12);
    ref = Gemm().cpu_reference()(key, {&host_a, &host_b})[0];
    out.resize(specs[2].elements);
    a = CreateBuffer(dev.context.get(), CL_MEM_READ_ONLY, host_a.size() * sizeof(float));
    b = CreateBuffer(dev.context.get(), CL_MEM_READ_ONLY, host_b.size() * sizeof(float));
    c = CreateBuffer(dev.context.get(), CL_MEM_READ_WRITE, out.size() * sizeof(float));
    WriteBuffer(dev.queue.get(), a.get(), host_a.data(), host_a.size() * sizeof(float));
    WriteBuffer(dev.queue.get(), b.get(), host_b.data(), host_b.size() * sizeof(float));
  }
};

// Programs built once per distinct build options (LOCAL=0 variants share one across local sizes).
class ProgramCache {
 public:
  cl_kernel Get(const std::string& options) {
    auto it = kernels_.find(options);
    if (it == kernels_.end()) {
      auto& dev = test::Device();
      const auto start = std::chrono::steady_clock::now();
      Program program = BuildFromSource(dev.context.get(), dev.device(), ProgramSource("gemm"), options);
      Kernel kernel = CreateKernel(program.get(), "gemm");
      build_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      it = kernels_.emplace(options, Entry{std::move(program), std::move(kernel)}).first;
    }
    return it->second.kernel.get();
  }
  size_t size() const { return kernels_.size(); }
  double build_seconds() const { return build_seconds_; }

 private:
  double build_seconds_ = 0.0;
  struct Entry {
    Program program;
    Kernel kernel;
  };
  std::map<std::string, Entry> kernels_;
};

// Poisons C, runs one config, reads C back and verifies it; throws on an OpenCL error.
VerifyResult RunAndVerify(ProgramCache* cache, Instance* inst, const ParamMap& params) {
  auto& dev = test::Device();
  std::string options;
  LaunchGeometry geometry;
  Status status = FamilyBuildOptions(inst->key, params, &options);
  if (status.ok()) status = FamilyGeometry(inst->key, params, &geometry);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  const cl_kernel kernel = cache->Get(options);
  Poison(&inst->out);
  WriteBuffer(dev.queue.get(), inst->c.get(), inst->out.data(), inst->out.size() * sizeof(float));
  Gemm().SetArgs(kernel, inst->key, params, {inst->a.get(), inst->b.get(), inst->c.get()});
  Event done = Launch(dev.queue.get(), kernel, geometry.dims, geometry.gws, geometry.lws);
  ReadBuffer(dev.queue.get(), inst->c.get(), inst->out.data(), inst->out.size() * sizeof(float));
  return Verify(inst->out, inst->ref, Gemm().ToleranceFor(inst->key));
}

std::vector<std::unique_ptr<Instance>> MakeInstances(const std::vector<TuningKey>& keys) {
  std::vector<std::unique_ptr<Instance>> instances;
  for (const auto& key : keys) instances.push_back(std::make_unique<Instance>(key));
  return instances;
}

}  // namespace

// Runs every variant with the given LOCAL (all TM, TN, VW, KT that CheckConfig allows), each with
// one or two local sizes, on every shape; returns the number of variants. Failures are listed, then fail.
static size_t SweepVariants(int64_t local) {
  const auto start = std::chrono::steady_clock::now();
  const DeviceLimits limits = Limits();
  // N=1, K=1, M and N below and not multiples of VW or TM/TN, K not a multiple of KT.
  auto instances = MakeInstances({GemmKey(1, 1, 1), GemmKey(7, 13, 5), GemmKey(33, 24, 16), GemmKey(64, 96, 32),
                                  GemmKey(9, 1, 37), GemmKey(5, 3, 70)});
  // Device fit is judged on the largest shape, where the size rule admits every tile tested; the
  // kernels then run on every shape, even where that rule would keep the tuner away: a config must
  // be correct whatever the shape.
  const TuningKey fit_key = GemmKey(64, 96, 32);
  const std::vector<std::pair<int64_t, int64_t>> local_sizes = {{1, 1}, {4, 4}, {8, 2}, {16, 8}};
  const auto params = Gemm().Parameters(fit_key, limits);

  ProgramCache cache;
  size_t variants = 0, runs = 0, skipped = 0;
  std::vector<std::string> failures;
  for (int64_t tm : params[0].values)
    for (int64_t tn : params[1].values)
      for (int64_t vw : params[2].values)
        for (int64_t kt : params[4].values) {
          ParamMap p = {{"TM", tm}, {"TN", tn}, {"VW", vw}, {"LOCAL", local}, {"KT", kt}, {"LX", 1}, {"LY", 1}};
          if (!Gemm().CheckConfig(fit_key, p, limits).empty()) continue;
          ++variants;
          // Direct variants get two local sizes: a single item, and a larger one rotating so that
          // each meets every kind of variant. Tiled variants, where each local size is a separate
          // program (a PoCL compile of ~0.5 s), get one, rotating through all four, to keep the
          // cold-cache run of CI within minutes.
          const std::vector<size_t> chosen =
              local == 0 ? std::vector<size_t>{0, 1 + variants % 3} : std::vector<size_t>{variants % 4};
          // Tiled variants alternate STRN (strided columns) too, every local size meeting both.
          if (local == 1) p["STRN"] = static_cast<int64_t>((variants / 4) % 2);
          for (size_t l : chosen) {
            p["LX"] = local_sizes[l].first;
            p["LY"] = local_sizes[l].second;
            if (!Gemm().CheckConfig(fit_key, p, limits).empty()) {
              ++skipped;
              continue;
            }
            for (auto& inst : instances) {
              ++runs;
              const std::string what = FormatParams(p) + " on " + inst->key.ToString() + ": ";
              try {
                const VerifyResult r = RunAndVerify(&cache, inst.get(), p);
                if (!r.ok) failures.push_back(what + r.reason);
              } catch (const ClError& e) {
                failures.push_back(what + e.what() + "\n" + e.detail());
              }
            }
          }
        }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // On PoCL the first launch of each program and local size compiles its work-group function, so
  // the total holds compile time beyond "builds"; PoCL's kernel cache (~/.cache/pocl) makes later
  // runs much faster.
  std::printf(
      "gemm LOCAL=%d: %zu variants, %zu programs, %zu runs over %zu shapes (%zu local sizes "
      "skipped), %zu failures, %.1f s (builds %.1f s)\n",
      static_cast<int>(local), variants, cache.size(), runs, instances.size(), skipped, failures.size(), seconds,
      cache.build_seconds());
  for (size_t i = 0; i < failures.size() && i < 20; ++i) std::printf("  FAIL %s\n", failures[i].c_str());
  CHECK(runs > 0);
  CHECK(failures.empty());
  return variants;
}

TEST_CASE("every direct (LOCAL=0) gemm variant matches the reference on awkward shapes", "[gemm][cl]") {
  CHECK(SweepVariants(0) == 40);  // (TM, TN, VW | TN): 4 * (1 + 2 + 3 + 4); KT only at its canonical value
}

TEST_CASE("every tiled (LOCAL=1) gemm variant matches the reference on awkward shapes", "[gemm][cl][tiled]") {
  // TN=16 is tiled-only: 4 * (1 + 2 + 3 + 4 + 5) (TM, TN, VW | TN), times KT in {8, 16, 32}.
  CHECK(SweepVariants(1) == 3 * 56);
}

TEST_CASE("the default gemm config is valid and correct", "[gemm][cl]") {
  const DeviceLimits limits = Limits();
  auto instances = MakeInstances({GemmKey(1, 1, 1), GemmKey(7, 13, 5), GemmKey(3136, 24, 144), GemmKey(128, 128, 128),
                                  GemmKey(33, 1, 200), GemmKey(2, 517, 9)});
  ProgramCache cache;
  for (auto& inst : instances) {
    ParamMap p;
    REQUIRE(FamilyDefaultParams(inst->key, limits, &p).ok());
    INFO(inst->key.ToString() << " default " << FormatParams(p));
    CHECK(Gemm().CheckConfig(inst->key, p, limits).empty());
    const VerifyResult r = RunAndVerify(&cache, inst.get(), p);
    INFO(r.reason);
    CHECK(r.ok);
  }
}

TEST_CASE("Verify rejects a device result with one element changed or unwritten", "[gemm][cl]") {
  const DeviceLimits limits = Limits();
  // 128 x 128: the default's work-group (16 x 16 items of 4 x 4) covers a quarter of C.
  auto instances = MakeInstances({GemmKey(128, 128, 16)});
  Instance& inst = *instances[0];
  ProgramCache cache;
  ParamMap p;
  REQUIRE(FamilyDefaultParams(inst.key, limits, &p).ok());
  REQUIRE(RunAndVerify(&cache, &inst, p).ok);
  const Tolerance tol = Gemm().ToleranceFor(inst.key);

  std::vector<float> out = inst.out;
  out[100] += 0.01f;
  VerifyResult r = Verify(out, inst.ref, tol);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_index == 100);
  out = inst.out;
  out[out.size() - 1] = std::numeric_limits<float>::quiet_NaN();
  r = Verify(out, inst.ref, tol);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_index == out.size() - 1);

  // A launch that covers only the first work-group leaves the poison in place: caught as NaN.
  LaunchGeometry g;
  REQUIRE(FamilyGeometry(inst.key, p, &g).ok());
  std::string options;
  REQUIRE(FamilyBuildOptions(inst.key, p, &options).ok());
  auto& dev = test::Device();
  const cl_kernel kernel = cache.Get(options);
  Poison(&inst.out);
  WriteBuffer(dev.queue.get(), inst.c.get(), inst.out.data(), inst.out.size() * sizeof(float));
  Gemm().SetArgs(kernel, inst.key, p, {inst.a.get(), inst.b.get(), inst.c.get()});
  Event done = Launch(dev.queue.get(), kernel, g.dims, g.lws, g.lws);
  ReadBuffer(dev.queue.get(), inst.c.get(), inst.out.data(), inst.out.size() * sizeof(float));
  r = Verify(inst.out, inst.ref, tol);
  CHECK_FALSE(r.ok);
  CHECK(r.reason.find("NaN") != std::string::npos);
}

TEST_CASE("CheckConfig rejects work-groups and local memory beyond this device", "[gemm][cl]") {
  const DeviceLimits limits = Limits();
  const TuningKey key = GemmKey(4096, 4096, 4096);
  uint64_t lx = 1;
  while (lx <= limits.max_work_group_size) lx <<= 1;  // the first power of two over the limit
  ParamMap p = {{"TM", 4}, {"TN", 4}, {"VW", 4}, {"LOCAL", 0}, {"KT", 8}, {"LX", static_cast<int64_t>(lx)}, {"LY", 1}};
  CHECK_FALSE(Gemm().CheckConfig(key, p, limits).empty());
  p["LX"] = static_cast<int64_t>(lx / 2);
  p["LY"] = 2;
  CHECK_FALSE(Gemm().CheckConfig(key, p, limits).empty());

  // Large tiles: accepted with exactly the local memory they need, rejected with one byte less.
  p = {{"TM", 8}, {"TN", 8}, {"VW", 8}, {"LOCAL", 1}, {"KT", 32}, {"LX", 8}, {"LY", 8}};
  DeviceLimits tight = limits;
  tight.local_mem_size = LocalMemBytes(key, p);
  CHECK(Gemm().CheckConfig(key, p, tight).empty());
  tight.local_mem_size -= 1;
  CHECK_FALSE(Gemm().CheckConfig(key, p, tight).empty());
  // And CheckConfig does not undercount what the built kernel reports using.
  std::string options;
  REQUIRE(FamilyBuildOptions(key, p, &options).ok());
  ProgramCache cache;
  CHECK(KernelLocalMemSize(cache.Get(options), test::Device().device()) >= LocalMemBytes(key, p));
}

}  // namespace mace_tune
