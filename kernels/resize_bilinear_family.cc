// The resize_bilinear family's descriptor: space, constraints, buffers, arguments, reference.
#include "resize_bilinear_family.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

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

}  // namespace

std::vector<TunableParam> ResizeBilinearFamily::Parameters(const TuningKey& /*key*/,
                                                           const DeviceLimits& limits) const {
  return {{"PW", {1, 2, 4}},
          {"IMG", ImageValues(limits)},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 64))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))}};
}

std::string ResizeBilinearFamily::CheckConfig(const TuningKey& key, const ParamMap& p,
                                              const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  const int64_t items[3] = {C4(key.Dim("C")), (key.Dim("OW") + p.at("PW") - 1) / p.at("PW"),
                            key.Dim("N") * key.Dim("OH")};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (p.at("PW") > 1 && p.at("PW") > 2 * key.Dim("OW")) return "PW is far wider than OW";
  return {};
}

std::vector<BufferSpec> ResizeBilinearFamily::Buffers(const TuningKey& key) const {
  const int64_t n = key.Dim("N"), c = key.Dim("C");
  return {BufferSpec::Tensor("In", {n, key.Dim("H"), key.Dim("W"), c}),
          BufferSpec::Tensor("Out", {n, key.Dim("OH"), key.Dim("OW"), c}, true)};
}

void ResizeBilinearFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  if (buffers.size() != 2) throw std::invalid_argument("resize_bilinear: expected 2 buffers (In, Out)");
  cl_uint i = 0;
  for (const char* dim : {"N", "H", "W"}) SetArg(kernel, i++, static_cast<cl_int>(key.Dim(dim)));
  SetArg(kernel, i++, static_cast<cl_int>(C4(key.Dim("C"))));
  for (const char* dim : {"OH", "OW"}) SetArg(kernel, i++, static_cast<cl_int>(key.Dim(dim)));
  SetArg(kernel, i++, static_cast<cl_float>(Scale(key.Dim("H"), key.Dim("OH"))));
  SetArg(kernel, i++, static_cast<cl_float>(Scale(key.Dim("W"), key.Dim("OW"))));
  SetArg(kernel, i++, buffers[0]);
  SetArg(kernel, i++, buffers[1]);
}

std::vector<std::vector<float>> ResizeBilinearFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  if (inputs.size() != 1 || inputs[0]->size() != specs[0].elements) {
    throw std::invalid_argument("resize_bilinear reference: expected In for " + key.ToString());
  }
  const int64_t n_dim = key.Dim("N"), h = key.Dim("H"), w = key.Dim("W"), c_dim = key.Dim("C");
  const int64_t oh = key.Dim("OH"), ow = key.Dim("OW");
  const float sh = Scale(h, oh), sw = Scale(w, ow);
  const auto& in = *inputs[0];
  const auto at = [&](int64_t n, int64_t y, int64_t x, int64_t c) -> double {
    return in[static_cast<size_t>(((n * h + y) * w + x) * c_dim + c)];
  };
  std::vector<float> out(specs[1].elements);
  for (int64_t n = 0; n < n_dim; ++n) {
    for (int64_t oy = 0; oy < oh; ++oy) {
      const Source sy = SourceOf(oy, h, sh);
      for (int64_t ox = 0; ox < ow; ++ox) {
        const Source sx = SourceOf(ox, w, sw);
        for (int64_t c = 0; c < c_dim; ++c) {
          const double top = at(n, sy.lo, sx.lo, c) + (at(n, sy.lo, sx.hi, c) - at(n, sy.lo, sx.lo, c)) * sx.frac;
          const double bottom =
              at(n, sy.hi, sx.lo, c) + (at(n, sy.hi, sx.hi, c) - at(n, sy.hi, sx.lo, c)) * sx.frac;
          out[static_cast<size_t>(((n * oh + oy) * ow + ox) * c_dim + c)] =
              static_cast<float>(top + (bottom - top) * sy.frac);
        }
      }
    }
  }
  return {std::move(out)};
}

Tolerance ResizeBilinearFamily::ToleranceFor(const TuningKey& key) const { return SumTolerance(8, key); }

double ResizeBilinearFamily::Flops(const TuningKey& key) const {
  // Three lerps (a subtract, a multiply, an add each) per output element.
  return 9.0 * static_cast<double>(key.Dim("N") * key.Dim("OH") * key.Dim("OW") * key.Dim("C"));
}

double ResizeBilinearFamily::BytesMoved(const TuningKey& key) const {
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  const double c = static_cast<double>(key.Dim("N") * key.Dim("C"));
  return bytes * c * static_cast<double>(key.Dim("H") * key.Dim("W") + key.Dim("OH") * key.Dim("OW"));
}

std::vector<TuningKey> ResizeBilinearFamily::TestKeys() const {
  // Upscale by a non-integer factor, downscale, and one axis unchanged with the other 1 -> n.
  return {{"resize_bilinear", {{"N", 1}, {"H", 3}, {"W", 5}, {"C", 6}, {"OH", 7}, {"OW", 11}}, "fp32"},
          {"resize_bilinear", {{"N", 2}, {"H", 7}, {"W", 6}, {"C", 9}, {"OH", 3}, {"OW", 4}}, "fp32"},
          {"resize_bilinear", {{"N", 1}, {"H", 1}, {"W", 4}, {"C", 3}, {"OH", 5}, {"OW", 4}}, "fp32"}};
}

}  // namespace mace_tune
