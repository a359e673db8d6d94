// The fully_connected family's descriptor (kernels/fully_connected.cl; launch rules in
// runtime/src/family_fully_connected.cc).
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class FullyConnectedFamily : public KernelFamily {
 public:
  std::string_view Name() const override { return "fully_connected"; }
  // PK in {1, 2, 4}, LOCAL in {0, 1}, IMG in {0, 1} (where the device has images), LX, LY, LZ.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const override;
  // In (tensor [N,1,1,C]), W (array [C4][K4*4][4]), Bias (K4*4 values, BIAS=1 only), Out ([N,1,1,K]).
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // N, C4, K, K4 as cl_int, then the buffers in order.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;
  Tolerance ToleranceFor(const TuningKey& key) const override;
  std::vector<TuningKey> TestKeys() const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;
};

}  // namespace mace_tune
