// SPDX-License-Identifier: Apache-2.0
// The pooling family's CPU reference: max / average pooling (double accumulation for the average).
// Everything else about the family is its description, kernels/pooling.toml.
#include <algorithm>
#include <limits>

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

int64_t OutExtent(int64_t in, const TuningKey& key) {
  return (in + 2 * key.Dim("P") - key.Dim("KS")) / key.Dim("S") + 1;
}
int64_t OutH(const TuningKey& key) { return OutExtent(key.Dim("H"), key); }
int64_t OutW(const TuningKey& key) { return OutExtent(key.Dim("W"), key); }

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
  const int64_t n_ = key.Dim("N"), h_ = key.Dim("H"), w_ = key.Dim("W"), c_ = key.Dim("C");
  const int64_t ks = key.Dim("KS"), s = key.Dim("S"), pad = key.Dim("P"), oh_ = OutH(key), ow_ = OutW(key);
  const bool average = key.Dim("MODE") == 1;
  const auto& in = *inputs[0];
  std::vector<float> out(static_cast<size_t>(n_ * oh_ * ow_ * c_));
  for (int64_t n = 0; n < n_; ++n) {
    for (int64_t oh = 0; oh < oh_; ++oh) {
      for (int64_t ow = 0; ow < ow_; ++ow) {
        for (int64_t c = 0; c < c_; ++c) {
          double acc = average ? 0.0 : -std::numeric_limits<double>::infinity();
          int64_t cells = 0;
          for (int64_t ih = oh * s - pad; ih < oh * s - pad + ks; ++ih) {
            for (int64_t iw = ow * s - pad; iw < ow * s - pad + ks; ++iw) {
              if (ih < 0 || ih >= h_ || iw < 0 || iw >= w_) continue;
              const double v = in[static_cast<size_t>(((n * h_ + ih) * w_ + iw) * c_ + c)];
              acc = average ? acc + v : std::max(acc, v);
              ++cells;
            }
          }
          if (average) acc /= static_cast<double>(cells);
          out[static_cast<size_t>(((n * oh_ + oh) * ow_ + ow) * c_ + c)] = static_cast<float>(acc);
        }
      }
    }
  }
  return {std::move(out)};
}

}  // namespace

MT_REGISTER_CPU_REFERENCE(pooling, Reference);

}  // namespace mace_tune
