// SPDX-License-Identifier: Apache-2.0
// The tuner's view of a kernel family (DESIGN.md "Kernel family"): its description (data, shared
// with the runtime: desc/kernel_description.h) plus the little that needs code, a CPU reference
// for the built-in families. One class serves every family, built-in or a user's: nothing here is
// written per family.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mace_tune/families.h"
#include "mace_tune/tuning_key.h"
#include "runtime/cl/cl_config.h"
#include "runtime/desc/kernel_description.h"
#include "runtime/desc/tunable_param.h"

namespace mace_tune {

// One memory argument of an instance (a buffer or a tensor), in kernel-argument order among the
// memory arguments. Tensors (`nhwc` set) are stored NHWC4 (kernels/mt_tensor.cl), in a buffer or,
// when the config says so, an image2d. The host side always sees the logical values: `elements` of
// them, NHWC order for tensors. Host values are floats whatever the element type (integers of up
// to 2^24 are exact).
struct BufferSpec {
  std::string name;
  size_t elements = 0;
  bool is_output = false;                     // written by the kernel (out or inout)
  std::array<int64_t, 4> nhwc{{0, 0, 0, 0}};  // {N, H, W, C} of a tensor, all 0 for a plain array
  desc::ElemType type = desc::ElemType::kFloat;
  desc::Access access = desc::Access::kIn;
  desc::Fill fill = desc::Fill::kRandom;
  int64_t seed = 0;

  bool is_tensor() const { return nhwc[3] > 0; }
  bool is_input() const { return access != desc::Access::kOut; }
};

// How close a candidate's output must be to the reference: no element may be NaN or differ by
// more than abs_max + rel_max * |ref|, and the relative L2 error ||out - ref|| / ||ref|| must be
// below rel_l2 once ||out - ref|| exceeds abs_max (so a reference that cancels to ~0 cannot fail
// at random; see verify.h).
struct Tolerance {
  double rel_l2 = 1e-5;
  double abs_max = 1e-4;
  double rel_max = 1e-3;
};

// A built-in family's CPU reference: the expected outputs in double precision, from the inputs
// (the input memory arguments in order); one vector per output.
using CpuReference = std::vector<std::vector<float>> (*)(const TuningKey& key,
                                                         const std::vector<const std::vector<float>*>& inputs);

class KernelFamily {
 public:
  KernelFamily(const desc::KernelDescription& description, CpuReference reference)
      : description_(description), reference_(reference) {}

  std::string_view Name() const { return description_.name(); }
  const desc::KernelDescription& description() const { return description_; }
  // nullptr unless verify.reference = "cpu".
  CpuReference cpu_reference() const { return reference_; }

  // The search space's axes for this instance on this device, in the description's order.
  // Throws std::runtime_error when the description cannot give them for this key.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const;
  // Empty when the config may run on this device; otherwise the reason it may not.
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const {
    return description_.CheckConfig(key, params, limits);
  }
  // The memory arguments in kernel-argument order (they depend on the key alone).
  std::vector<BufferSpec> Buffers(const TuningKey& key) const;
  // Sets every kernel argument for this config: scalars, `buffers` (Buffers() order) and local
  // memory. Throws ClError / std::invalid_argument.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const ParamMap& params,
               const std::vector<cl_mem>& buffers) const;
  // Whether this config stores the tensors as image2d (the description's tensor `image`).
  bool UsesImages(const TuningKey& key, const ParamMap& params) const;

  Tolerance ToleranceFor(const TuningKey& key) const;
  // The description's test keys (small awkward shapes for the cl tests and oclgrind).
  std::vector<TuningKey> TestKeys() const;
  double Flops(const TuningKey& key) const { return description_.Flops(key); }
  double BytesMoved(const TuningKey& key) const { return description_.BytesMoved(key); }

 private:
  const desc::KernelDescription& description_;
  CpuReference reference_;
};

// The family of a registered description (built-in or user kernel); nullptr for an unknown
// name. A built-in family whose CPU reference is not linked in is a build bug (std::logic_error).
const KernelFamily* FindKernelFamily(std::string_view name);

// Self-registration of a built-in family's CPU reference, at static-initialization time
// (google/benchmark's BENCHMARK habit): `MT_REGISTER_CPU_REFERENCE(gemm, Reference);` in the
// family's .cc file, which kernels/CMakeLists.txt links whole.
bool RegisterCpuReference(const char* family, CpuReference reference);
#define MT_REGISTER_CPU_REFERENCE(family, fn) \
  static const bool mt_cpu_reference_##family = ::mace_tune::RegisterCpuReference(#family, fn)

}  // namespace mace_tune
