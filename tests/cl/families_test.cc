// SPDX-License-Identifier: Apache-2.0
// Every kernel family (but GEMM, which gemm_test covers in depth) x every variant x fp32 / fp16
// on its awkward test shapes, against the CPU reference, through the tuner's own run-and-verify
// path: the embedded source, the runtime's build options and geometry, poisoned outputs.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "catch.h"
#include "family_sweep.h"
#include "kernels/instance_data.h"
#include "test_device.h"

namespace mace_tune {
namespace {

TEST_CASE("every family variant matches its reference") {
  for (const auto name : FamilyNames()) {
    if (name == "gemm") continue;
    const KernelFamily* family = FindKernelFamily(name);
    REQUIRE(family != nullptr);
    // The GEMM variants of the convolutions (GEMM=1): the cases below, with real work-groups (here
    // their default local size, LZ > 1, would leave them one item per group, at a PoCL compile of
    // their large programs each).
    test::SweepOptions options;
    options.only = {{"GEMM", 0}};
    const test::SweepResult r = test::SweepFamily(*family, options);
    std::printf("%-22s %4d configs verified, %d not runnable here, %zu failures\n", std::string(name).c_str(), r.runs,
                r.skipped, r.failures.size());
    for (const auto& f : r.failures) std::printf("  FAIL %s\n", f.c_str());
    CHECK(r.runs > 0);
    CHECK(r.failures.empty());
  }
}

// The GEMM variants (GEMM=1: gemm_tile.cl's core, which gemm_test covers in depth) of conv2d_1x1
// and conv2d_3x3 with real work-groups: the sweep above runs them on one item per group only (the
// default local size has LZ > 1). What is their own: the row table of a strided 1x1, the implicit
// im2col of the 3x3 (padding, strides), bias and activation per column (strided columns or not),
// output channels and pixels that end inside a tile. Every (TM, TN, VW) once, STRN alternating, KT
// and the local size rotating (a cold PoCL compile of each such program takes seconds).
void CheckConvGemmVariants(const std::string& name) {
  const KernelFamily* family = FindKernelFamily(name);
  REQUIRE(family != nullptr);
  auto& dev = test::Device();
  DeviceLimits limits;
  REQUIRE(QueryDeviceLimits(dev.device(), &limits).ok());
  std::vector<std::unique_ptr<InstanceData>> data;
  std::vector<TuningKey> keys;
  // Large enough that no config below is pruned (a tile at most twice the work), with output
  // channels (72) and pixels (90 at stride 2, 35) that end inside a tile. The 3x3's depths (C4*4 =
  // 32 and 24): every KT divides the first (each k-slice within one tap), only KT=8 the second.
  for (const char* shape : {"ACT=4,BIAS=1,C=31,H=10,K=66,N=3,S=2,W=11", "ACT=1,BIAS=0,C=21,H=7,K=70,N=1,S=1,W=5"}) {
    TuningKey key;
    REQUIRE(TuningKey::Parse(name + ":" + shape + ":fp32", &key).ok());
    keys.push_back(key);
    data.push_back(
        std::make_unique<InstanceData>(dev.context.get(), dev.device(), dev.queue.get(), *family, key, 7, limits));
  }
  const std::vector<std::pair<int64_t, int64_t>> local_sizes = {{4, 4}, {8, 2}, {2, 8}, {1, 16}};
  const bool one_by_one = name == "conv2d_1x1";
  int variants = 0;
  for (const int64_t tm : {4, 8})
    for (const int64_t tn : {4, 8, 16})
      for (const int64_t vw : {4, 8})
        for (const int64_t strn : {0, 1}) {
          if (tn % vw != 0 || strn != ((tm + tn + vw) / 4) % 2) continue;
          const auto [lx, ly] = local_sizes[static_cast<size_t>(variants) % local_sizes.size()];
          ParamMap params = {{"GEMM", 1}, {"TM", tm}, {"TN", tn}, {"VW", vw}, {"STRN", strn}, {"IMG", 0},
                             {"PW", 1},   {"PK", 1},  {"LX", lx}, {"LY", ly}, {"LZ", 1}};
          // conv2d_1x1's KT counts channel groups of 4 and needs LOCAL=1; conv2d_3x3's counts floats.
          if (one_by_one) {
            params["LOCAL"] = 1;
            params["KT"] = 2 << (variants % 3);
          } else {
            params["KT"] = 8 << (variants % 3);
          }
          ++variants;
          for (size_t k = 0; k < keys.size(); ++k) {
            const std::string why = RunAndVerify(dev.context.get(), dev.device(), dev.queue.get(), *data[k], *family,
                                                 keys[k], params, limits);
            INFO(keys[k].ToString() << " " << FormatParams(params) << ": " << why);
            CHECK(why.empty());
          }
        }
  std::printf("%s GEMM=1: %d variants on %zu shapes\n", name.c_str(), variants, keys.size());
  CHECK(variants == 10);
}

TEST_CASE("conv2d_1x1's GEMM variant matches its reference with real work-groups") {
  CheckConvGemmVariants("conv2d_1x1");
}

TEST_CASE("conv2d_3x3's GEMM variant (implicit im2col) matches its reference with real work-groups") {
  CheckConvGemmVariants("conv2d_3x3");
}

TEST_CASE("a wrong kernel is caught by the sweep's verification") {
  // The eltwise kernel with OP forced to multiply on an add key: every element is wrong.
  const KernelFamily* family = FindKernelFamily("eltwise");
  REQUIRE(family != nullptr);
  auto& dev = test::Device();
  DeviceLimits limits;
  REQUIRE(QueryDeviceLimits(dev.device(), &limits).ok());
  TuningKey key = family->TestKeys().front();
  ParamMap params;
  REQUIRE(FamilyDefaultParams(key, limits, &params).ok());
  InstanceData data(dev.context.get(), dev.device(), dev.queue.get(), *family, key, 7, limits);
  CHECK(RunAndVerify(dev.context.get(), dev.device(), dev.queue.get(), data, *family, key, params, limits).empty());
  TuningKey wrong = key;
  wrong.shape["OP"] = 1;
  InstanceData wrong_data(dev.context.get(), dev.device(), dev.queue.get(), *family, key, 7, limits);
  // Reference of `key` (add), kernel built for `wrong` (multiply) with the same arguments.
  std::string options;
  REQUIRE(FamilyBuildOptions(wrong, params, &options).ok());
  Program program = BuildFromSource(dev.context.get(), dev.device(), ProgramSource("eltwise"), options);
  Kernel kernel = CreateKernel(program.get(), "eltwise");
  LaunchGeometry g;
  REQUIRE(FamilyGeometry(key, params, &g).ok());
  family->SetArgs(kernel.get(), key, params, wrong_data.Memory(false));
  wrong_data.PoisonOutputs(false);
  Launch(dev.queue.get(), kernel.get(), g.dims, g.gws, g.lws);
  REQUIRE(clFinish(dev.queue.get()) == CL_SUCCESS);
  const VerifyResult v = wrong_data.VerifyOutputs(false);
  CHECK_FALSE(v.ok);
  CHECK(v.reason.find("Out") != std::string::npos);
}

}  // namespace
}  // namespace mace_tune
