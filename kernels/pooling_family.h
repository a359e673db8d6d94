// The pooling family's descriptor (kernels/pooling.cl; launch rules in
// runtime/src/family_pooling.cc).
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class PoolingFamily : public KernelFamily {
 public:
  std::string_view Name() const override { return "pooling"; }
  // PW in {1, 2, 4}, IMG in {0, 1} (where the device has images), SPLIT in {0, 1}, LX, LY, LZ
  // powers of two up to 64.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const override;
  // In (tensor N,H,W,C), Out (tensor N,OH,OW,C).
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // N, H, W, C4, OH, OW as cl_int, then In, Out.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;
  Tolerance ToleranceFor(const TuningKey& key) const override;
  std::vector<TuningKey> TestKeys() const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;
};

}  // namespace mace_tune
