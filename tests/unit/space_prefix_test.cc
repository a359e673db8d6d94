// SPDX-License-Identifier: Apache-2.0
// A search space built with a description's prefix check (desc::KernelDescription::Prefix) is the
// space built without it, config for config in the same order, with the same count of rejected
// combinations; and the prefix check does skip most of the product (what makes it worth having).
#include <string>
#include <vector>

#include "catch.h"
#include "kernels/kernel_family.h"
#include "search_strategies/search_space.h"

namespace mace_tune {
namespace {

// A small GPU (16 work-items along each axis, images) and a CPU device without images: the device
// values the descriptions read differ, and the local-size axes stay short enough to enumerate whole.
std::vector<DeviceLimits> Devices() {
  DeviceLimits gpu;
  gpu.max_work_group_size = 16;
  gpu.max_work_item_sizes = {16, 16, 16};
  gpu.local_mem_size = 16 * 1024;
  gpu.image_support = true;
  gpu.image2d_max_width = gpu.image2d_max_height = 16384;
  gpu.max_mem_alloc_size = 1ull << 30;
  DeviceLimits cpu = gpu;
  cpu.max_work_group_size = 8;
  cpu.max_work_item_sizes = {8, 8, 8};
  cpu.local_mem_size = 256 * 1024;
  cpu.image_support = false;
  cpu.image2d_max_width = cpu.image2d_max_height = 0;
  return {gpu, cpu};
}

struct Built {
  std::vector<ParamMap> configs;
  size_t rejected = 0;
  size_t checked = 0;  // configs the full check saw
};

Built Build(const KernelFamily& family, const TuningKey& key, const DeviceLimits& limits, bool prefix) {
  Built out;
  const SearchSpace space(
      family.Parameters(key, limits),
      [&](const ParamMap& p) {
        ++out.checked;
        return family.CheckConfig(key, p, limits);
      },
      prefix ? family.description().Prefix(key, limits) : nullptr);
  out.configs = space.configs();
  out.rejected = space.rejected();
  return out;
}

TEST_CASE("every built-in family's space is the same with and without the prefix check") {
  for (const auto& name : FamilyNames()) {
    const KernelFamily& family = *FindKernelFamily(std::string(name));
    for (const TuningKey& key : family.TestKeys()) {
      for (const DeviceLimits& limits : Devices()) {
        INFO(key.ToString() << " on a device of " << limits.max_work_group_size << " work-items");
        const Built plain = Build(family, key, limits, false);
        const Built fast = Build(family, key, limits, true);
        CHECK(fast.configs == plain.configs);
        CHECK(fast.rejected == plain.rejected);
        CHECK(fast.checked <= plain.checked);
      }
    }
  }
}

TEST_CASE("the prefix check skips most of a convolution's product") {
  const KernelFamily& family = *FindKernelFamily("conv2d_1x1");
  const TuningKey key = family.TestKeys().front();
  const DeviceLimits limits = Devices().front();
  const Built plain = Build(family, key, limits, false);
  const Built fast = Build(family, key, limits, true);
  REQUIRE(!fast.configs.empty());
  CHECK(plain.checked == plain.configs.size() + plain.rejected);
  CHECK(fast.checked * 10 < plain.checked);
}

}  // namespace
}  // namespace mace_tune
