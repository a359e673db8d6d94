// SPDX-License-Identifier: Apache-2.0
// The depthwise_3x3 family's CPU reference: depthwise 3x3 convolution, padding 1 (double
// accumulation). Everything else about the family is its description, kernels/depthwise_3x3.toml.
#include <stdexcept>

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

int64_t OutExtent(int64_t in, int64_t stride) { return (in - 1) / stride + 1; }
int64_t OutH(const TuningKey& key) { return OutExtent(key.Dim("H"), key.Dim("S")); }
int64_t OutW(const TuningKey& key) { return OutExtent(key.Dim("W"), key.Dim("S")); }

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
  const bool bias = key.Dim("BIAS") == 1;
  const int64_t n_ = key.Dim("N"), h_ = key.Dim("H"), w_ = key.Dim("W"), c_ = key.Dim("C"), s = key.Dim("S");
  const int64_t oh_ = OutH(key), ow_ = OutW(key), cpad = C4(c_) * 4, act = key.Dim("ACT");
  const auto& in = *inputs[0];
  const auto& wt = *inputs[1];
  std::vector<float> out(static_cast<size_t>(n_ * oh_ * ow_ * c_));
  for (int64_t n = 0; n < n_; ++n) {
    for (int64_t oh = 0; oh < oh_; ++oh) {
      for (int64_t ow = 0; ow < ow_; ++ow) {
        for (int64_t c = 0; c < c_; ++c) {
          double acc = bias ? (*inputs[2])[static_cast<size_t>(c)] : 0.0;
          for (int64_t kh = 0; kh < 3; ++kh) {
            const int64_t ih = oh * s - 1 + kh;
            if (ih < 0 || ih >= h_) continue;
            for (int64_t kw = 0; kw < 3; ++kw) {
              const int64_t iw = ow * s - 1 + kw;
              if (iw < 0 || iw >= w_) continue;
              acc += static_cast<double>(in[static_cast<size_t>(((n * h_ + ih) * w_ + iw) * c_ + c)]) *
                     wt[static_cast<size_t>((kh * 3 + kw) * cpad + c)];
            }
          }
          out[static_cast<size_t>(((n * oh_ + oh) * ow_ + ow) * c_ + c)] = static_cast<float>(Activate(acc, act));
        }
      }
    }
  }
  return {std::move(out)};
}

}  // namespace

MT_REGISTER_CPU_REFERENCE(depthwise_3x3, Reference);

}  // namespace mace_tune
