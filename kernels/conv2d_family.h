// The convolution families' descriptors: conv2d_1x1, conv2d_3x3 and the general conv2d
// (kernels/conv2d_1x1.cl, conv2d_3x3.cl, conv2d.cl; launch rules in runtime/src/family_conv.cc).
// Buffers: In (NHWC tensor [N,H,W,C]), Wt (array [KH][KW][C4*4][K4*4]), Bias (array [K4*4], only
// for BIAS=1), Out (NHWC tensor [N,OH,OW,K]).
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class ConvFamilyBase : public KernelFamily {
 public:
  enum class Kind { k1x1, k3x3, kGeneral };
  // The window of a key: 1x1 (pad 0), 3x3 (pad 1) or the key's KH, KW, D, P; stride S.
  struct Window {
    int64_t kh, kw, s, d, p, oh, ow;
  };
  static constexpr int64_t kCanonicalKt = 4;  // KT of conv2d_1x1's direct (LOCAL=0) variants

  explicit ConvFamilyBase(Kind kind) : kind_(kind) {}
  Window WindowOf(const TuningKey& key) const;

  // PW in {1, 2, 4}, PK in {1, 2}, IMG in {0, 1} (where the device has images); conv2d_1x1 also
  // LOCAL in {0, 1} and KT in {2, 4, 8, 16}; LX, LY, LZ powers of two up to 64.
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const override;
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // N, H, W, C4, OH, OW, K4 (general conv2d: then KH, KW, S, D, P) as cl_int, then the buffers.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;
  Tolerance ToleranceFor(const TuningKey& key) const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;

 private:
  Kind kind_;
};

class Conv2d1x1Family : public ConvFamilyBase {
 public:
  Conv2d1x1Family() : ConvFamilyBase(Kind::k1x1) {}
  std::string_view Name() const override { return "conv2d_1x1"; }
  std::vector<TuningKey> TestKeys() const override;
};

class Conv2d3x3Family : public ConvFamilyBase {
 public:
  Conv2d3x3Family() : ConvFamilyBase(Kind::k3x3) {}
  std::string_view Name() const override { return "conv2d_3x3"; }
  std::vector<TuningKey> TestKeys() const override;
};

class Conv2dFamily : public ConvFamilyBase {
 public:
  Conv2dFamily() : ConvFamilyBase(Kind::kGeneral) {}
  std::string_view Name() const override { return "conv2d"; }
  std::vector<TuningKey> TestKeys() const override;
};

}  // namespace mace_tune
