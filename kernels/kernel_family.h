// The tuner's view of a kernel family (DESIGN.md "Kernel family"): its tunable parameters and
// their domains, constraints, buffers and arguments, the CPU reference, tolerance, FLOPs and bytes.
// Program names, build options, launch geometry and the default heuristic live in the runtime
// (mace_tune/families.h), because apps need them without the tuner.
#pragma once

#include <cstdint>
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

struct BufferSpec {
  std::string name;
  size_t elements = 0;  // fp32 elements
  bool is_output = false;
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

  // Buffers in kernel-argument order; inputs come first and are filled with random values.
  virtual std::vector<BufferSpec> Buffers(const TuningKey& key) const = 0;
  // Sets every kernel argument: the buffers (same order as Buffers()) and the shape scalars.
  virtual void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const = 0;
  // The expected outputs, computed on the CPU in double precision. `inputs` follows Buffers()
  // order for the input buffers; returns one vector per output buffer.
  virtual std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const = 0;

  virtual Tolerance ToleranceFor(const TuningKey& key) const = 0;
  virtual double Flops(const TuningKey& key) const = 0;
  // The fewest bytes the kernel must move: each input read once, each output written once.
  virtual double BytesMoved(const TuningKey& key) const = 0;
};

// nullptr for an unknown family.
const KernelFamily* FindKernelFamily(std::string_view name);

}  // namespace mace_tune
