// The concat family's descriptor (kernels/concat.cl; launch rules in runtime/src/family_concat.cc).
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class ConcatFamily : public KernelFamily {
 public:
  std::string_view Name() const override { return "concat"; }
  // PW in {1, 2, 4}, IMG in {0, 1} (where the device has images), LX, LY, LZ powers of two.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const override;
  // A [N,H,W,C], B [N,H,W,C2], Out [N,H,W,C+C2].
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // N, H, W, C, C2 as cl_int, then A, B, Out.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;
  Tolerance ToleranceFor(const TuningKey& key) const override;
  std::vector<TuningKey> TestKeys() const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;
};

}  // namespace mace_tune
