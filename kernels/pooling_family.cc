// The pooling family's descriptor: space, constraints, buffers, arguments, the CPU reference
// (double accumulation for the average), tolerance, FLOPs and bytes.
#include "pooling_family.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

namespace mace_tune {
namespace {

int64_t OutExtent(int64_t in, const TuningKey& key) {
  return (in + 2 * key.Dim("P") - key.Dim("KS")) / key.Dim("S") + 1;
}
int64_t OutH(const TuningKey& key) { return OutExtent(key.Dim("H"), key); }
int64_t OutW(const TuningKey& key) { return OutExtent(key.Dim("W"), key); }

int64_t NextPow2(int64_t v) {
  int64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

std::vector<TunableParam> PoolingFamily::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  return {{"PW", {1, 2, 4}},
          {"IMG", ImageValues(limits)},
          {"SPLIT", {0, 1}},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 64))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))}};
}

std::string PoolingFamily::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  const bool split = p.at("SPLIT") == 1;
  const int64_t cells = key.Dim("KS") * key.Dim("KS");
  if (split) {
    if (p.at("PW") != 1) return "SPLIT=1 computes one output per work-group row (PW=1)";
    if (p.at("LY") < 2) return "SPLIT=1 needs LY >= 2 items to split the window over";
    if (p.at("LY") > NextPow2(cells)) return "SPLIT=1 with LY beyond the window's cells";
    const auto bytes = static_cast<uint64_t>(p.at("LX") * p.at("LY") * p.at("LZ") * 16);
    if (bytes > limits.local_mem_size) {
      return "SPLIT=1 reduction needs " + std::to_string(bytes) + " B of local memory, the device has " +
             std::to_string(limits.local_mem_size) + " B";
    }
  }
  // A work-group more than twice the work along an axis adds idle items only (SPLIT=1: along y
  // the work is the window's cells).
  const int64_t items[3] = {C4(key.Dim("C")), split ? cells : (OutW(key) + p.at("PW") - 1) / p.at("PW"),
                            key.Dim("N") * OutH(key)};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (p.at("PW") > 1 && p.at("PW") > 2 * OutW(key)) return "PW is far wider than OW";
  return {};
}

std::vector<BufferSpec> PoolingFamily::Buffers(const TuningKey& key) const {
  return {BufferSpec::Tensor("In", {key.Dim("N"), key.Dim("H"), key.Dim("W"), key.Dim("C")}),
          BufferSpec::Tensor("Out", {key.Dim("N"), OutH(key), OutW(key), key.Dim("C")}, true)};
}

void PoolingFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  if (buffers.size() != 2) throw std::invalid_argument("pooling: expected 2 buffers (In, Out)");
  const int64_t ints[6] = {key.Dim("N"), key.Dim("H"), key.Dim("W"), C4(key.Dim("C")), OutH(key), OutW(key)};
  for (cl_uint i = 0; i < 6; ++i) SetArg(kernel, i, static_cast<cl_int>(ints[i]));
  for (cl_uint i = 0; i < 2; ++i) SetArg(kernel, 6 + i, buffers[i]);
}

std::vector<std::vector<float>> PoolingFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  if (inputs.size() != 1 || inputs[0]->size() != specs[0].elements) {
    throw std::invalid_argument("pooling reference: expected In for " + key.ToString());
  }
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

Tolerance PoolingFamily::ToleranceFor(const TuningKey& key) const {
  return SumTolerance(key.Dim("MODE") == 1 ? static_cast<double>(key.Dim("KS") * key.Dim("KS")) : 1.0, key);
}

double PoolingFamily::Flops(const TuningKey& key) const {
  return static_cast<double>(key.Dim("N") * OutH(key) * OutW(key) * key.Dim("C") * key.Dim("KS") * key.Dim("KS"));
}

double PoolingFamily::BytesMoved(const TuningKey& key) const {
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  const double c = static_cast<double>(key.Dim("C"));
  return bytes * c *
         static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W") + key.Dim("N") * OutH(key) * OutW(key));
}

std::vector<TuningKey> PoolingFamily::TestKeys() const {
  // Global-style max (SPLIT=1 by default; the first key also runs every variant with 1x1x1
  // groups), average 3x3 / 2 with padding (cell counts at the borders), max with an even window
  // and padding over two images.
  return {{"pooling", {{"N", 1}, {"H", 5}, {"W", 6}, {"C", 7}, {"KS", 5}, {"S", 1}, {"P", 0}, {"MODE", 0}}, "fp32"},
          {"pooling", {{"N", 1}, {"H", 7}, {"W", 9}, {"C", 6}, {"KS", 3}, {"S", 2}, {"P", 1}, {"MODE", 1}}, "fp32"},
          {"pooling", {{"N", 2}, {"H", 5}, {"W", 6}, {"C", 9}, {"KS", 2}, {"S", 1}, {"P", 1}, {"MODE", 0}}, "fp32"}};
}

}  // namespace mace_tune
