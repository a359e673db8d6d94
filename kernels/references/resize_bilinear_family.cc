// SPDX-License-Identifier: Apache-2.0
// The resize_bilinear family's CPU reference: bilinear resize, as the kernel rounds its source
// coordinates. Everything else about the family is its description, kernels/resize_bilinear.toml.
#include <algorithm>
#include <cmath>

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

// The source coordinate of output index `o` and its two neighbours, as the kernel computes it
// (float scale and product, so floor() agrees with the device bit for bit).
struct Source {
  int64_t lo, hi;
  double frac;
};
Source SourceOf(int64_t o, int64_t in_size, float scale) {
  const float pos = static_cast<float>(o) * scale;
  const auto lo = std::min<int64_t>(static_cast<int64_t>(std::floor(pos)), in_size - 1);
  return {lo, std::min<int64_t>(lo + 1, in_size - 1), static_cast<double>(pos - static_cast<float>(lo))};
}

float Scale(int64_t in, int64_t out) { return static_cast<float>(in) / static_cast<float>(out); }

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
  const int64_t n_dim = key.Dim("N"), h = key.Dim("H"), w = key.Dim("W"), c_dim = key.Dim("C");
  const int64_t oh = key.Dim("OH"), ow = key.Dim("OW");
  const float sh = Scale(h, oh), sw = Scale(w, ow);
  const auto& in = *inputs[0];
  const auto at = [&](int64_t n, int64_t y, int64_t x, int64_t c) -> double {
    return in[static_cast<size_t>(((n * h + y) * w + x) * c_dim + c)];
  };
  std::vector<float> out(static_cast<size_t>(key.Dim("N") * key.Dim("OH") * key.Dim("OW") * key.Dim("C")));
  for (int64_t n = 0; n < n_dim; ++n) {
    for (int64_t oy = 0; oy < oh; ++oy) {
      const Source sy = SourceOf(oy, h, sh);
      for (int64_t ox = 0; ox < ow; ++ox) {
        const Source sx = SourceOf(ox, w, sw);
        for (int64_t c = 0; c < c_dim; ++c) {
          const double top = at(n, sy.lo, sx.lo, c) + (at(n, sy.lo, sx.hi, c) - at(n, sy.lo, sx.lo, c)) * sx.frac;
          const double bottom = at(n, sy.hi, sx.lo, c) + (at(n, sy.hi, sx.hi, c) - at(n, sy.hi, sx.lo, c)) * sx.frac;
          out[static_cast<size_t>(((n * oh + oy) * ow + ox) * c_dim + c)] =
              static_cast<float>(top + (bottom - top) * sy.frac);
        }
      }
    }
  }
  return {std::move(out)};
}

}  // namespace

MT_REGISTER_CPU_REFERENCE(resize_bilinear, Reference);

}  // namespace mace_tune
