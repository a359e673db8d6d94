// The GEMM family's tuner-side descriptor (kernels/gemm.cl): its search space and constraints,
// buffers and arguments, the double-precision CPU reference, tolerance, FLOPs and bytes moved.
// Launch rules (build options, geometry, default heuristic) are the runtime's: mace_tune/families.h.
#pragma once

#include "kernel_family.h"

namespace mace_tune {

class GemmFamily : public KernelFamily {
 public:
  // LOCAL=0 variants do not use KT; the space keeps them once, at this value (see CheckConfig).
  static constexpr int64_t kCanonicalKt = 8;

  std::string_view Name() const override { return "gemm"; }

  // TM, VW in {1,2,4,8}, TN up to 16, LOCAL in {0,1}, KT in {8,16,32}, STRN in {0,1}, then LX and LY: powers of two from
  // 1 up to min(device limit, 256).
  std::vector<TunableParam> Parameters(const TuningKey& key, const DeviceLimits& limits) const override;
  // Rejects, with a short reason: values outside the domains, VW not dividing TN, LOCAL=0 with a
  // KT other than kCanonicalKt (a missing KT is accepted there, as the runtime's default omits it),
  // a work-group beyond the device limits, LOCAL=1 tiles beyond local memory, and configs far
  // larger than the problem (see gemm_family.cc, "size rule").
  std::string CheckConfig(const TuningKey& key, const ParamMap& params,
                          const DeviceLimits& limits) const override;

  // A (M*K), B (K*N), C (M*N, output).
  std::vector<BufferSpec> Buffers(const TuningKey& key) const override;
  // M, N, K as cl_int, then A, B, C.
  void SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const override;
  std::vector<std::vector<float>> Reference(
      const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const override;

  Tolerance ToleranceFor(const TuningKey& key) const override;
  std::vector<TuningKey> TestKeys() const override;
  double Flops(const TuningKey& key) const override;
  double BytesMoved(const TuningKey& key) const override;

  // Bytes of local memory a LOCAL=1 config uses: KT*(LY*TM + pad) + KT*LX*TN floats (the A tile
  // carries pad = 1 float, or 4 where TM % 4 == 0, per k-row against bank conflicts).
  static uint64_t LocalMemBytes(const ParamMap& params);
};

}  // namespace mace_tune
