// SPDX-License-Identifier: Apache-2.0
// Device-free tests of the GEMM description (reference, FLOPs, bytes, constraints, tolerance model)
// and of output verification, random inputs and poisoning.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <set>

#include "catch.h"
#include "kernels/kernel_family.h"
#include "kernels/verify.h"

namespace mace_tune {
namespace {

TuningKey GemmKey(int64_t m, int64_t n, int64_t k) { return TuningKey{"gemm", {{"M", m}, {"N", n}, {"K", k}}, "fp32"}; }

const KernelFamily& Gemm() { return *FindKernelFamily("gemm"); }

// gemm.toml's launch.local_memory for a config.
uint64_t LocalMemBytes(const ParamMap& params) {
  int64_t bytes = 0;
  REQUIRE(Gemm().description().LocalMemory(GemmKey(256, 256, 256), params, &bytes).ok());
  return static_cast<uint64_t>(bytes);
}

// A mid-range mobile GPU: 256 work-items, 32 KiB of local memory.
DeviceLimits SmallGpu() {
  DeviceLimits limits;
  limits.max_work_group_size = 256;
  limits.max_work_item_sizes = {256, 256, 64};
  limits.local_mem_size = 32 * 1024;
  return limits;
}

ParamMap Config(int64_t tm, int64_t tn, int64_t vw, int64_t local, int64_t kt, int64_t lx, int64_t ly) {
  return {{"TM", tm}, {"TN", tn}, {"VW", vw}, {"LOCAL", local}, {"KT", kt}, {"LX", lx}, {"LY", ly}};
}

// fp32 dot products as gemm.cl forms them: one sequential sum over k per output (LOCAL=1 only
// regroups the loop into KT-slices), with or without fused multiply-adds.
std::vector<float> Fp32Gemm(const std::vector<float>& a, const std::vector<float>& b, int m, int n, int k, bool fused) {
  std::vector<float> c(static_cast<size_t>(m * n));
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (int p = 0; p < k; ++p) {
        if (fused) {
          acc = std::fma(a[i * k + p], b[p * n + j], acc);
        } else {
          const float product = a[i * k + p] * b[p * n + j];
          acc += product;
        }
      }
      c[i * n + j] = acc;
    }
  }
  return c;
}

}  // namespace

TEST_CASE("gemm reference matches a hand-computed 2x3x2 product", "[gemm]") {
  const KernelFamily& gemm = Gemm();
  const TuningKey key = GemmKey(2, 2, 3);              // M=2, N=2, K=3
  const std::vector<float> a = {1, 2, 3, 4, 5, 6};     // 2x3
  const std::vector<float> b = {7, 8, 9, 10, 11, 12};  // 3x2
  const auto c = gemm.cpu_reference()(key, {&a, &b});
  REQUIRE(c.size() == 1);
  // [1 2 3; 4 5 6] * [7 8; 9 10; 11 12] = [58 64; 139 154]
  CHECK(c[0] == std::vector<float>{58, 64, 139, 154});
}

TEST_CASE("gemm reference handles rows beyond its row blocking", "[gemm]") {
  const KernelFamily& gemm = Gemm();
  const int m = 7, n = 5, k = 3;  // 7 rows: one full block of 4 and a partial block of 3
  std::vector<float> a(m * k), b(k * n);
  FillRandom(&a, 1);
  FillRandom(&b, 2);
  const auto c = gemm.cpu_reference()(GemmKey(m, n, k), {&a, &b})[0];
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int p = 0; p < k; ++p) s += static_cast<double>(a[i * k + p]) * b[p * n + j];
      CHECK(c[i * n + j] == static_cast<float>(s));
    }
  }
}

TEST_CASE("gemm flops, bytes and buffers", "[gemm]") {
  const KernelFamily& gemm = Gemm();
  const TuningKey key = GemmKey(2, 2, 3);
  CHECK(gemm.Flops(key) == 24.0);                    // 2 * M * N * K
  CHECK(gemm.BytesMoved(key) == 4.0 * (6 + 6 + 4));  // A + B + C, fp32
  CHECK(gemm.Flops(GemmKey(1024, 1024, 1024)) == 2.0 * 1024 * 1024 * 1024);
  const auto buffers = gemm.Buffers(GemmKey(3136, 24, 144));
  REQUIRE(buffers.size() == 3);
  CHECK((buffers[0].name == "A" && buffers[0].elements == 3136u * 144 && !buffers[0].is_output));
  CHECK((buffers[1].name == "B" && buffers[1].elements == 144u * 24 && !buffers[1].is_output));
  CHECK((buffers[2].name == "C" && buffers[2].elements == 3136u * 24 && buffers[2].is_output));
}

TEST_CASE("the registry finds every family by name and nothing else", "[gemm]") {
  REQUIRE(FindKernelFamily("gemm") != nullptr);
  CHECK(FindKernelFamily("gemm")->Name() == "gemm");
  for (const auto name : FamilyNames()) {
    REQUIRE(FindKernelFamily(name) != nullptr);
    CHECK(FindKernelFamily(name)->Name() == name);
  }
  CHECK(FindKernelFamily("conv9x9") == nullptr);
  CHECK(FindKernelFamily("") == nullptr);
}

TEST_CASE("gemm parameters follow the device limits", "[gemm]") {
  const KernelFamily& gemm = Gemm();
  DeviceLimits limits = SmallGpu();
  limits.max_work_group_size = 64;
  limits.max_work_item_sizes = {64, 32, 16};
  const auto params = gemm.Parameters(GemmKey(64, 64, 64), limits);
  REQUIRE(params.size() == 8);
  CHECK(params[4].name == "KT");
  CHECK(params[4].values.front() == 8);
  CHECK(params[5].name == "STRN");
  CHECK(params[6].name == "LX");
  CHECK(params[6].values == std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64});
  CHECK(params[7].name == "LY");
  CHECK(params[7].values == std::vector<int64_t>{1, 2, 4, 8, 16, 32});
  limits.max_work_group_size = 4096;
  limits.max_work_item_sizes = {4096, 4096, 4096};
  CHECK(gemm.Parameters(GemmKey(64, 64, 64), limits)[6].values.back() == 256);
}

TEST_CASE("gemm CheckConfig", "[gemm]") {
  const KernelFamily& gemm = Gemm();
  const DeviceLimits limits = SmallGpu();
  const TuningKey key = GemmKey(256, 256, 256);
  CHECK(gemm.CheckConfig(key, Config(4, 4, 4, 0, 8, 16, 16), limits).empty());
  CHECK(gemm.CheckConfig(key, Config(4, 4, 4, 1, 16, 8, 8), limits).empty());
  // Work-group beyond the device: 32 x 16 = 512 > 256, and LY beyond max_work_item_sizes[1].
  CHECK_FALSE(gemm.CheckConfig(key, Config(1, 1, 1, 0, 8, 32, 16), limits).empty());
  DeviceLimits narrow = limits;
  narrow.max_work_item_sizes[1] = 4;
  CHECK_FALSE(gemm.CheckConfig(key, Config(1, 1, 1, 0, 8, 1, 8), narrow).empty());
  // Local memory, KT*(LY*TM + 4) + KT*LX*TN floats (TM % 4 == 0 pads by 4): 32*(8*8+4) + 32*32*8
  // = 10368 floats = 41472 B > 32 KiB; the same tiles with LOCAL=0 are fine, and 16 x 8 items need
  // 32*68 + 32*128 floats. TM=2 pads by one float: 32*(8*2+1) + 32*32*8 = 8736 floats.
  const ParamMap big_tiles = Config(8, 8, 4, 1, 32, 32, 8);
  CHECK(LocalMemBytes(big_tiles) == 41472u);
  CHECK(LocalMemBytes(Config(2, 8, 4, 1, 32, 32, 8)) == 34944u);
  CHECK_FALSE(gemm.CheckConfig(key, big_tiles, limits).empty());
  CHECK(gemm.CheckConfig(key, Config(8, 8, 4, 0, 8, 32, 8), limits).empty());
  CHECK(LocalMemBytes(Config(8, 8, 4, 1, 32, 16, 8)) == 25088u);
  CHECK(gemm.CheckConfig(key, Config(8, 8, 4, 1, 32, 16, 8), limits).empty());
  DeviceLimits roomy = limits;
  roomy.local_mem_size = 41472;
  CHECK(gemm.CheckConfig(key, big_tiles, roomy).empty());
  // A work-group of more than 65,536 accumulators (PoCL's 4,096 items of 8 x 8 crashed its driver),
  // on a device that would allow the work-group itself; 65,536 are fine.
  DeviceLimits cpu = roomy;
  cpu.max_work_group_size = 4096;
  cpu.max_work_item_sizes = {4096, 4096, 4096};
  cpu.local_mem_size = 4 << 20;
  const TuningKey big = GemmKey(1024, 1024, 1024);
  CHECK(gemm.CheckConfig(big, Config(8, 8, 4, 0, 8, 64, 64), cpu).find("65,536 accumulators") != std::string::npos);
  CHECK(gemm.CheckConfig(big, Config(8, 8, 4, 1, 16, 64, 64), cpu).find("65,536 accumulators") != std::string::npos);
  CHECK(gemm.CheckConfig(big, Config(8, 8, 4, 1, 16, 32, 32), cpu).empty());
  CHECK(gemm.CheckConfig(big, Config(4, 4, 4, 0, 8, 64, 64), cpu).empty());
  // Parameters that do not fit together or lie outside the domains.
  CHECK_FALSE(gemm.CheckConfig(key, Config(4, 2, 4, 0, 8, 4, 4), limits).empty());  // VW > TN
  CHECK_FALSE(gemm.CheckConfig(key, Config(3, 4, 4, 0, 8, 4, 4), limits).empty());
  CHECK_FALSE(gemm.CheckConfig(key, Config(4, 4, 4, 2, 8, 4, 4), limits).empty());
  CHECK_FALSE(gemm.CheckConfig(key, Config(4, 4, 4, 1, 12, 4, 4), limits).empty());
  CHECK_FALSE(gemm.CheckConfig(key, Config(4, 4, 4, 0, 8, 3, 4), limits).empty());
  ParamMap extra = Config(4, 4, 4, 0, 8, 4, 4);
  extra["FOO"] = 1;
  CHECK_FALSE(gemm.CheckConfig(key, extra, limits).empty());
  ParamMap missing = Config(4, 4, 4, 0, 8, 4, 4);
  missing.erase("LY");
  CHECK_FALSE(gemm.CheckConfig(key, missing, limits).empty());
  // LOCAL=0 ignores KT: kept once, at the canonical value; a missing KT reads as KT=8 (older
  // configs), also with LOCAL=1.
  CHECK_FALSE(gemm.CheckConfig(key, Config(4, 4, 4, 0, 16, 4, 4), limits).empty());
  ParamMap no_kt = Config(4, 4, 4, 0, 8, 4, 4);
  no_kt.erase("KT");
  CHECK(gemm.CheckConfig(key, no_kt, limits).empty());
  no_kt["LOCAL"] = 1;
  CHECK(gemm.CheckConfig(key, no_kt, limits).empty());
  CHECK(FormatParams(no_kt).find("KT") == std::string::npos);
  // Size rule: tiles far larger than the problem; a single work-item per dimension always passes.
  const TuningKey thin = GemmKey(3, 1, 2);
  CHECK_FALSE(gemm.CheckConfig(thin, Config(1, 1, 1, 0, 8, 4, 1), limits).empty());  // 4 > 2*1
  CHECK(gemm.CheckConfig(thin, Config(1, 2, 1, 0, 8, 1, 1), limits).empty());
  CHECK(gemm.CheckConfig(thin, Config(8, 8, 8, 0, 8, 1, 1), limits).empty());
  CHECK(gemm.CheckConfig(thin, Config(1, 1, 1, 0, 8, 2, 2), limits).empty());        // 2 <= 2*1, 2 <= 2*4
  CHECK_FALSE(gemm.CheckConfig(thin, Config(4, 1, 1, 0, 8, 1, 4), limits).empty());  // 16 > 2*4
  CHECK(gemm.CheckConfig(thin, Config(1, 1, 1, 1, 8, 1, 1), limits).empty());
  CHECK_FALSE(gemm.CheckConfig(thin, Config(1, 1, 1, 1, 16, 1, 1), limits).empty());  // KT 16 > K 2
}

TEST_CASE("gemm's space has no duplicates and contains the runtime default", "[gemm]") {
  const KernelFamily& gemm = Gemm();
  const DeviceLimits limits = SmallGpu();
  for (const auto& key : {GemmKey(1, 1, 1), GemmKey(7, 13, 5), GemmKey(3136, 24, 144), GemmKey(1024, 1024, 1024)}) {
    INFO(key.ToString());
    ParamMap def;
    REQUIRE(FamilyDefaultParams(key, limits, &def).ok());
    CHECK(gemm.CheckConfig(key, def, limits).empty());
    def["KT"] = 8;  // the same config as a point of the space
    CHECK(gemm.CheckConfig(key, def, limits).empty());

    // Valid LOCAL=0 configs must differ in something other than KT.
    const auto params = gemm.Parameters(key, limits);
    std::set<std::string> variants;
    size_t valid = 0;
    for (int64_t tm : params[0].values)
      for (int64_t tn : params[1].values)
        for (int64_t vw : params[2].values)
          for (int64_t kt : params[4].values)
            for (int64_t lx : params[5].values)
              for (int64_t ly : params[6].values) {
                ParamMap p = Config(tm, tn, vw, 0, kt, lx, ly);
                if (!gemm.CheckConfig(key, p, limits).empty()) continue;
                ++valid;
                p.erase("KT");
                CHECK(variants.insert(FormatParams(p)).second);
              }
    CHECK(valid > 0);
  }
}

TEST_CASE("Verify accepts matches and rejects wrong, NaN and Inf elements", "[verify]") {
  std::vector<float> ref(100);
  FillRandom(&ref, 7);
  const Tolerance tol{1e-5, 1e-4, 1e-3};
  VerifyResult r = Verify(ref, ref, tol);
  CHECK(r.ok);
  CHECK(r.reason.empty());
  CHECK(r.rel_l2 == 0.0);
  CHECK(r.first_bad_index == VerifyResult::kNoIndex);

  std::vector<float> out = ref;
  out[42] += 0.01f;
  r = Verify(out, ref, tol);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_index == 42);
  CHECK(r.max_abs_error > 0.009);
  CHECK_FALSE(r.reason.empty());

  out = ref;
  out[17] = std::numeric_limits<float>::quiet_NaN();
  r = Verify(out, ref, tol);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_index == 17);
  CHECK(r.reason.find("NaN") != std::string::npos);

  out = ref;
  out[99] = std::numeric_limits<float>::infinity();
  CHECK_FALSE(Verify(out, ref, tol).ok);
  CHECK_FALSE(Verify(std::vector<float>(99), ref, tol).ok);

  // Many small errors: every element within abs_max, but the relative L2 error is too large.
  out = ref;
  for (float& x : out) x += 5e-5f;
  r = Verify(out, ref, tol);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_index == VerifyResult::kNoIndex);
  CHECK(r.rel_l2 > tol.rel_l2);
  // One element whose reference cancelled to ~0: a small absolute error must not fail on rel_l2.
  CHECK(Verify({1e-6f}, {0.0f}, tol).ok);
}

TEST_CASE("FillRandom is deterministic, in range, never zero; Poison is NaN", "[verify]") {
  std::vector<float> a(1000), b(1000), c(1000);
  FillRandom(&a, 123);
  FillRandom(&b, 123);
  FillRandom(&c, 124);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::all_of(a.begin(), a.end(), [](float x) { return x > -1.0f && x < 1.0f && x != 0.0f; }));
  CHECK(*std::min_element(a.begin(), a.end()) < -0.9f);
  CHECK(*std::max_element(a.begin(), a.end()) > 0.9f);
  std::vector<float> one(1);
  FillRandom(&one, 0);
  CHECK(one[0] != 0.0f);
  Poison(&a);
  CHECK(std::all_of(a.begin(), a.end(), [](float x) { return std::isnan(x); }));
}

// The tolerance must pass an fp32 kernel's honest rounding for K up to 4096 and still catch a
// single element with one product missing.
TEST_CASE("gemm tolerance passes fp32 accumulation and catches one wrong element", "[gemm][verify]") {
  const KernelFamily& gemm = Gemm();
  for (int k : {1, 2, 5, 16, 144, 1024, 4096}) {
    const int m = 24, n = 24;
    const TuningKey key = GemmKey(m, n, k);
    std::vector<float> a(m * k), b(k * n);
    FillRandom(&a, 1000 + static_cast<uint64_t>(k));
    FillRandom(&b, 2000 + static_cast<uint64_t>(k));
    const auto ref = gemm.cpu_reference()(key, {&a, &b})[0];
    const Tolerance tol = gemm.ToleranceFor(key);
    for (bool fused : {false, true}) {
      const VerifyResult r = Verify(Fp32Gemm(a, b, m, n, k, fused), ref, tol);
      INFO("K=" << k << " fused=" << fused << " rel_l2=" << r.rel_l2 << " (max " << tol.rel_l2
                << ") max_abs=" << r.max_abs_error << " (abs_max " << tol.abs_max << ") " << r.reason);
      CHECK(r.ok);
      // Errors stay well inside the thresholds, not just under them.
      CHECK(r.rel_l2 < tol.rel_l2 / 4);
      CHECK(r.max_abs_error < tol.abs_max / 2);
    }
    const std::vector<float> out = Fp32Gemm(a, b, m, n, k, false);

    // Element (5, 7) without its largest product.
    const int i = 5, j = 7;
    int worst = 0;
    for (int p = 1; p < k; ++p) {
      if (std::fabs(a[i * k + p] * b[p * n + j]) > std::fabs(a[i * k + worst] * b[worst * n + j])) worst = p;
    }
    std::vector<float> missing = out;
    missing[i * n + j] -= a[i * k + worst] * b[worst * n + j];
    const VerifyResult bad = Verify(missing, ref, tol);
    CHECK_FALSE(bad.ok);
    CHECK(bad.first_bad_index == static_cast<size_t>(i * n + j));
    // And an element that was left at zero.
    std::vector<float> zeroed = out;
    zeroed[i * n + j] = 0.0f;
    CHECK_FALSE(Verify(zeroed, ref, tol).ok);
  }
}

}  // namespace mace_tune
