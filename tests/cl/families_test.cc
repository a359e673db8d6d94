// SPDX-License-Identifier: Apache-2.0
// Every kernel family (but GEMM, which gemm_test covers in depth) x every variant x fp32 / fp16
// on its awkward test shapes, against the CPU reference, through the tuner's own run-and-verify
// path: the embedded source, the runtime's build options and geometry, poisoned outputs.
#include <cstdio>

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
    const test::SweepResult r = test::SweepFamily(*family, {});
    std::printf("%-22s %4d configs verified, %d not runnable here, %zu failures\n", std::string(name).c_str(), r.runs,
                r.skipped, r.failures.size());
    for (const auto& f : r.failures) std::printf("  FAIL %s\n", f.c_str());
    CHECK(r.runs > 0);
    CHECK(r.failures.empty());
  }
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
