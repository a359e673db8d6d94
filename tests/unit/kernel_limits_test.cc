// SPDX-License-Identifier: Apache-2.0
// Device-free: a variant's CL_KERNEL_WORK_GROUP_SIZE, once learnt, answers the configs of that
// variant with larger work-groups as invalid without a build; other variants are not affected.
#include "tuner/kernel_limits.h"

#include "catch.h"
#include "mace_tune/families.h"

namespace mace_tune {

TEST_CASE("kernel limits: learnt per variant, applied to larger work-groups only", "[tuner]") {
  const TuningKey key{"gemm", {{"M", 256}, {"N", 256}, {"K", 256}}, "fp32"};
  // Direct GEMM variants do not compile the local size in: one program serves every LX x LY.
  auto config = [](int64_t lx, int64_t ly, int64_t tm) {
    return ParamMap{{"TM", tm}, {"TN", 4}, {"VW", 4}, {"LOCAL", 0}, {"KT", 8}, {"STRN", 0}, {"LX", lx}, {"LY", ly}};
  };
  KernelLimits limits;
  CHECK_FALSE(limits.Prune(key, config(16, 16, 4), "k", "d"));  // nothing learnt yet
  Measurement built;
  built.kernel_max_work_group = 128;  // a register-heavy variant: fewer than the device's 1024
  REQUIRE(FamilyBuildOptions(key, config(8, 8, 4), &built.build_options).ok());
  limits.Learn(built);
  CHECK_FALSE(limits.Prune(key, config(16, 8, 4), "k", "d"));  // 128 items: allowed
  const auto pruned = limits.Prune(key, config(16, 16, 4), "k", "d");
  REQUIRE(pruned);
  CHECK(pruned->status == MeasurementStatus::kInvalid);
  CHECK(pruned->reason.find("local size 256 exceeds CL_KERNEL_WORK_GROUP_SIZE 128") != std::string::npos);
  CHECK(pruned->samples_ns.empty());
  CHECK_FALSE(limits.Prune(key, config(16, 16, 2), "k", "d"));  // another variant: not known
  Measurement failed;                                           // a config that never built teaches nothing
  failed.build_options = "x";
  limits.Learn(failed);
  CHECK_FALSE(limits.Prune(key, config(16, 16, 2), "k", "d"));
}

}  // namespace mace_tune
