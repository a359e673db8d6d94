// The tuner's view of a kernel family (DESIGN.md "Kernel family"): its tunable parameters and
// their domains, constraints, buffers and arguments, the CPU reference, tolerance, FLOPs and bytes.
// Program names, build options, launch geometry and the default heuristic live in the runtime
// (mace_tune/families.h), because apps need them without the tuner.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "cl/cl_config.h"
#include "mace_tune/families.h"
#include "mace_tune/tuning_key.h"

namespace mace_tune {

struct TunableParam {
  std::string name;
  std::vector<int64_t> values;
};

// One kernel argument's memory. Plain arrays (weights, biases, matrices) are buffers; activation
// tensors (`nhwc` set) are stored NHWC4 (kernels/mt_tensor.cl), in a buffer or, for IMG=1
// configs, an image2d. The host side always sees the logical values: `elements` of them, NHWC
// order for tensors. fp16 keys store everything as half.
struct BufferSpec {
  std::string name;
  size_t elements = 0;
  bool is_output = false;
  std::array<int64_t, 4> nhwc{{0, 0, 0, 0}};  // {N, H, W, C} of a tensor, all 0 for a plain array

  bool is_tensor() const { return nhwc[3] > 0; }
  static BufferSpec Array(std::string name, size_t elements, bool is_output = false) {
    return {std::move(name), elements, is_output, {{0, 0, 0, 0}}};
  }
  static BufferSpec Tensor(std::string name, std::array<int64_t, 4> nhwc, bool is_output = false) {
    return {std::move(name), static_cast<size_t>(nhwc[0] * nhwc[1] * nhwc[2] * nhwc[3]), is_output, nhwc};
  }
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

class KernelFamily {
 public:
  virtual ~KernelFamily() = default;
  virtual std::string_view Name() const = 0;

  // The search space's axes for this instance on this device (variant parameters, then LX, LY).
  virtual std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const = 0;
  // Empty when the config may run on this device; otherwise the reason it may not (work-group
  // too large, local memory exceeded, parameters that do not fit together).
  virtual std::string CheckConfig(const TuningKey& key, const ParamMap& params,
                                  const DeviceLimits& limits) const = 0;

  // Buffers in kernel-argument order; inputs come first and are filled with random values
  // (rounded to fp16 for fp16 keys, so the reference sees what the kernel reads).
  virtual std::vector<BufferSpec> Buffers(const TuningKey& key) const = 0;
  // Sets every kernel argument: the buffers (same order as Buffers()) and the shape scalars.
  virtual void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const = 0;
  // The expected outputs, computed on the CPU in double precision. `inputs` follows Buffers()
  // order for the input buffers; returns one vector per output buffer.
  virtual std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const = 0;

  virtual Tolerance ToleranceFor(const TuningKey& key) const = 0;
  // Small awkward instances (odd sizes, channels not a multiple of 4, every key option once) on
  // which the cl tests and the oclgrind check run every variant; fp32 keys (tests add fp16).
  virtual std::vector<TuningKey> TestKeys() const = 0;
  virtual double Flops(const TuningKey& key) const = 0;
  // The fewest bytes the kernel must move: each input read once, each output written once.
  virtual double BytesMoved(const TuningKey& key) const = 0;
};

// nullptr for an unknown family.
const KernelFamily* FindKernelFamily(std::string_view name);

}  // namespace mace_tune
