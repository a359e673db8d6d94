// SPDX-License-Identifier: Apache-2.0
// Every variant of a kernel family on its TestKeys(), against the CPU reference, through the same
// path as the tuner (kernels/instance_data.h RunAndVerify): shared by families_test and the
// oclgrind check (kernel_check).
#pragma once

#include <string>
#include <vector>

#include "kernels/kernel_family.h"

namespace mace_tune::test {

struct SweepOptions {
  bool fp16 = true;         // also every fp16 key, where the family supports fp16
  bool extra_local = true;  // local sizes beyond the default's, on the first fp32 key
  size_t max_variants = 0;  // 0: all; else n variants per key, evenly spaced (oclgrind is slow)
  ParamMap only;            // just the variants with these values, where the family has the parameter
};

struct SweepResult {
  int runs = 0;                       // configs run and verified
  int skipped = 0;                    // configs the device cannot run (CheckConfig), not failures
  std::vector<std::string> failures;  // "key params: why"
};

// Runs on test::Device(). Variant = every combination of the family's non-local parameters.
SweepResult SweepFamily(const KernelFamily& family, const SweepOptions& options);

}  // namespace mace_tune::test
