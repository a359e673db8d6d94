// SPDX-License-Identifier: Apache-2.0
// Every kernel family, a spread of its variants, fp32 and fp16, buffer and image storage, on its
// tiny test shapes: run under oclgrind (tests/cl/oclgrind_test.sh), whose out-of-bounds, data-race
// and API checks must report nothing. The outputs are verified against the references as well.
#include <cstdio>

#include "catch.h"
#include "family_sweep.h"
#include "kernels/instance_data.h"
#include "test_device.h"

namespace mace_tune {
namespace {

TEST_CASE("every family runs clean under the device's checks") {
  test::SweepOptions options;
  options.extra_local = true;
  options.max_variants = 6;
  int families = 0;
  for (const auto name : FamilyNames()) {
    const KernelFamily* family = FindKernelFamily(name);
    REQUIRE(family != nullptr);
    const test::SweepResult r = test::SweepFamily(*family, options);
    std::printf("%-22s %4d configs verified, %zu failures\n", std::string(name).c_str(), r.runs, r.failures.size());
    for (const auto& f : r.failures) std::printf("  FAIL %s\n", f.c_str());
    CHECK(r.runs > 0);
    CHECK(r.failures.empty());
    ++families;
  }
  CHECK(families == static_cast<int>(FamilyNames().size()));
}

}  // namespace
}  // namespace mace_tune

namespace mace_tune {
namespace {

// Run by oclgrind_test.sh alone, expecting oclgrind to report: the eltwise kernel with its
// bounds guard removed, launched with a global size rounded past the tensor, writes out of bounds.
TEST_CASE("an unguarded kernel is reported", "[.negative]") {
  auto& dev = test::Device();
  const KernelFamily* family = FindKernelFamily("eltwise");
  REQUIRE(family != nullptr);
  const TuningKey key = family->TestKeys().front();
  std::string source = ProgramSource("eltwise");
  const std::string guard = "if (c4 >= C4 || w0 >= W || nh >= N * H) return;";
  REQUIRE(source.find(guard) != std::string::npos);
  source.replace(source.find(guard), guard.size(), "");
  const std::string inner = "if (w < W) {";
  REQUIRE(source.find(inner) != std::string::npos);
  source.replace(source.find(inner), inner.size(), "{");
  ParamMap params = {{"PW", 1}, {"IMG", 0}, {"LX", 4}, {"LY", 4}, {"LZ", 1}};
  DeviceLimits limits;
  REQUIRE(QueryDeviceLimits(dev.device(), &limits).ok());
  std::string options;
  LaunchGeometry g;
  REQUIRE(FamilyBuildOptions(key, params, &options).ok());
  REQUIRE(FamilyGeometry(key, params, &g).ok());
  Program program = BuildFromSource(dev.context.get(), dev.device(), source, options);
  Kernel kernel = CreateKernel(program.get(), "eltwise");
  InstanceData data(dev.context.get(), dev.device(), dev.queue.get(), *family, key, 7, limits);
  family->SetArgs(kernel.get(), key, params, data.Memory(false));
  Launch(dev.queue.get(), kernel.get(), g.dims, g.gws, g.lws);
  REQUIRE(clFinish(dev.queue.get()) == CL_SUCCESS);
}

}  // namespace
}  // namespace mace_tune
