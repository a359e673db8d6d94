// The softmax family's descriptor (kernels/softmax.cl; launch rules in runtime/src/family_softmax.cc).
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class SoftmaxFamily : public KernelFamily {
 public:
  std::string_view Name() const override { return "softmax"; }
  // LOCAL in {0, 1}, IMG in {0, 1} (where the device has images), LX, LY, LZ powers of two.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const override;
  // In, Out: tensors [N,H,W,C].
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // N, H, W, C as cl_int, then In, Out.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;
  Tolerance ToleranceFor(const TuningKey& key) const override;
  std::vector<TuningKey> TestKeys() const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;
};

}  // namespace mace_tune
