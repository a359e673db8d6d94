// The depthwise_3x3 family's descriptor (kernels/depthwise_3x3.cl; launch rules in
// runtime/src/family_depthwise.cc).
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class DepthwiseFamily : public KernelFamily {
 public:
  std::string_view Name() const override { return "depthwise_3x3"; }
  // PW in {1, 2, 4}, IMG in {0, 1} (where the device has images), LOCAL in {0, 1}, LX, LY, LZ
  // powers of two up to 64.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const override;
  // In (tensor N,H,W,C), Weights (9 x C4*4, tap-major), Bias (C4*4, only for BIAS=1), Out
  // (tensor N,OH,OW,C).
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // N, H, W, C4, OH, OW as cl_int, then the buffers.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;
  Tolerance ToleranceFor(const TuningKey& key) const override;
  std::vector<TuningKey> TestKeys() const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;
  // Bytes of the LOCAL=1 input tile (float4 per cell).
  static uint64_t LocalMemBytes(const TuningKey& key, const ParamMap& params);
};

}  // namespace mace_tune
