// SPDX-License-Identifier: Apache-2.0
// The convolution families' CPU reference (conv2d_1x1, conv2d_3x3, conv2d; double accumulation),
// one function over the window each family's key gives. Everything else about the families is
// their descriptions, kernels/conv2d_1x1.toml, conv2d_3x3.toml and conv2d.toml.
#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

struct Window {
  int64_t kh, kw, s, d, p, oh, ow;
};

Window Of(const TuningKey& key, int64_t kh, int64_t kw, int64_t d, int64_t p) {
  const int64_t s = key.Dim("S");
  return {kh,
          kw,
          s,
          d,
          p,
          (key.Dim("H") + 2 * p - d * (kh - 1) - 1) / s + 1,
          (key.Dim("W") + 2 * p - d * (kw - 1) - 1) / s + 1};
}

std::vector<std::vector<float>> ConvReference(const TuningKey& key, const Window& w,
                                              const std::vector<const std::vector<float>*>& inputs) {
  const bool bias = key.Dim("BIAS") == 1;
  const int64_t n_ = key.Dim("N"), h_ = key.Dim("H"), w_ = key.Dim("W"), c_ = key.Dim("C"), k_ = key.Dim("K");
  const int64_t cp = C4(c_) * 4, kp = C4(k_) * 4, act = key.Dim("ACT");
  const auto& in = *inputs[0];
  const auto& wt = *inputs[1];
  std::vector<float> out(static_cast<size_t>(n_ * w.oh * w.ow * k_));
  // Output rows (n, oh) are independent: one range of them per thread.
  ParallelRanges(n_ * w.oh, 1, [&](int64_t first, int64_t last) {
    std::vector<double> acc(static_cast<size_t>(k_));
    for (int64_t row = first; row < last; ++row) {
      const int64_t n = row / w.oh, oh = row % w.oh;
      for (int64_t ow = 0; ow < w.ow; ++ow) {
        for (int64_t k = 0; k < k_; ++k) acc[k] = bias ? (*inputs[2])[k] : 0.0;
        for (int64_t kh = 0; kh < w.kh; ++kh) {
          const int64_t ih = oh * w.s - w.p + kh * w.d;
          if (ih < 0 || ih >= h_) continue;
          for (int64_t kw = 0; kw < w.kw; ++kw) {
            const int64_t iw = ow * w.s - w.p + kw * w.d;
            if (iw < 0 || iw >= w_) continue;
            const float* x = &in[static_cast<size_t>(((n * h_ + ih) * w_ + iw) * c_)];
            for (int64_t c = 0; c < c_; ++c) {
              const float* wrow = &wt[static_cast<size_t>(((kh * w.kw + kw) * cp + c) * kp)];
              const double xv = x[c];
              for (int64_t k = 0; k < k_; ++k) acc[k] += xv * wrow[k];
            }
          }
        }
        float* o = &out[static_cast<size_t>(((n * w.oh + oh) * w.ow + ow) * k_)];
        for (int64_t k = 0; k < k_; ++k) o[k] = static_cast<float>(Activate(acc[k], act));
      }
    }
  });
  return {std::move(out)};
}

std::vector<std::vector<float>> Reference1x1(const TuningKey& key,
                                             const std::vector<const std::vector<float>*>& inputs) {
  return ConvReference(key, Of(key, 1, 1, 1, 0), inputs);
}

std::vector<std::vector<float>> Reference3x3(const TuningKey& key,
                                             const std::vector<const std::vector<float>*>& inputs) {
  return ConvReference(key, Of(key, 3, 3, 1, 1), inputs);
}

std::vector<std::vector<float>> ReferenceGeneral(const TuningKey& key,
                                                 const std::vector<const std::vector<float>*>& inputs) {
  return ConvReference(key, Of(key, key.Dim("KH"), key.Dim("KW"), key.Dim("D"), key.Dim("P")), inputs);
}

}  // namespace

MT_REGISTER_CPU_REFERENCE(conv2d_1x1, Reference1x1);
MT_REGISTER_CPU_REFERENCE(conv2d_3x3, Reference3x3);
MT_REGISTER_CPU_REFERENCE(conv2d, ReferenceGeneral);

}  // namespace mace_tune
