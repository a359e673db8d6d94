// The depthwise_3x3 family's descriptor: space, constraints, buffers, arguments, the CPU reference
// (double accumulation), tolerance, FLOPs and bytes.
#include "depthwise_family.h"

#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

namespace mace_tune {
namespace {

int64_t OutExtent(int64_t in, int64_t stride) { return (in - 1) / stride + 1; }
int64_t OutH(const TuningKey& key) { return OutExtent(key.Dim("H"), key.Dim("S")); }
int64_t OutW(const TuningKey& key) { return OutExtent(key.Dim("W"), key.Dim("S")); }

}  // namespace

std::vector<TunableParam> DepthwiseFamily::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  return {{"PW", {1, 2, 4}},
          {"IMG", ImageValues(limits)},
          {"LOCAL", {0, 1}},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 64))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))}};
}

uint64_t DepthwiseFamily::LocalMemBytes(const TuningKey& key, const ParamMap& p) {
  // tile[LZ][3][TW][LX] of float4, TW = (LY*PW - 1)*S + 3 (kernels/depthwise_3x3.cl).
  const auto tw = static_cast<uint64_t>((p.at("LY") * p.at("PW") - 1) * key.Dim("S") + 3);
  return static_cast<uint64_t>(p.at("LZ")) * 3 * tw * static_cast<uint64_t>(p.at("LX")) * 16;
}

std::string DepthwiseFamily::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  // A work-group more than twice the work along an axis adds idle items only.
  const int64_t items[3] = {C4(key.Dim("C")), (OutW(key) + p.at("PW") - 1) / p.at("PW"), key.Dim("N") * OutH(key)};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (p.at("PW") > 1 && p.at("PW") > 2 * OutW(key)) return "PW is far wider than OW";
  if (p.at("LOCAL") == 1) {
    const uint64_t bytes = LocalMemBytes(key, p);
    if (bytes > limits.local_mem_size) {
      return "LOCAL=1 tile needs " + std::to_string(bytes) + " B of local memory, the device has " +
             std::to_string(limits.local_mem_size) + " B";
    }
  }
  return {};
}

std::vector<BufferSpec> DepthwiseFamily::Buffers(const TuningKey& key) const {
  const auto c4x4 = static_cast<size_t>(C4(key.Dim("C")) * 4);
  std::vector<BufferSpec> buffers = {BufferSpec::Tensor("In", {key.Dim("N"), key.Dim("H"), key.Dim("W"), key.Dim("C")}),
                                     BufferSpec::Array("Weights", 9 * c4x4)};
  if (key.Dim("BIAS") == 1) buffers.push_back(BufferSpec::Array("Bias", c4x4));
  buffers.push_back(BufferSpec::Tensor("Out", {key.Dim("N"), OutH(key), OutW(key), key.Dim("C")}, true));
  return buffers;
}

void DepthwiseFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  const size_t expected = key.Dim("BIAS") == 1 ? 4 : 3;
  if (buffers.size() != expected) throw std::invalid_argument("depthwise_3x3: expected In, Weights, [Bias,] Out");
  const int64_t ints[6] = {key.Dim("N"), key.Dim("H"), key.Dim("W"), C4(key.Dim("C")), OutH(key), OutW(key)};
  for (cl_uint i = 0; i < 6; ++i) SetArg(kernel, i, static_cast<cl_int>(ints[i]));
  for (cl_uint i = 0; i < buffers.size(); ++i) SetArg(kernel, 6 + i, buffers[i]);
}

std::vector<std::vector<float>> DepthwiseFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  const bool bias = key.Dim("BIAS") == 1;
  if (inputs.size() != specs.size() - 1) throw std::invalid_argument("depthwise_3x3 reference: wrong inputs");
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i]->size() != specs[i].elements) throw std::invalid_argument("depthwise_3x3 reference: wrong sizes");
  }
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

Tolerance DepthwiseFamily::ToleranceFor(const TuningKey& key) const { return SumTolerance(10, key); }

double DepthwiseFamily::Flops(const TuningKey& key) const {
  return 18.0 * static_cast<double>(key.Dim("N") * OutH(key) * OutW(key) * key.Dim("C"));
}

double DepthwiseFamily::BytesMoved(const TuningKey& key) const {
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  const double c = static_cast<double>(key.Dim("C"));
  const double in = static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W")) * c;
  const double out = static_cast<double>(key.Dim("N") * OutH(key) * OutW(key)) * c;
  return bytes * (in + out + 9 * c + (key.Dim("BIAS") == 1 ? c : 0));
}

std::vector<TuningKey> DepthwiseFamily::TestKeys() const {
  return {
      {"depthwise_3x3", {{"N", 1}, {"H", 5}, {"W", 7}, {"C", 6}, {"S", 1}, {"BIAS", 1}, {"ACT", 2}}, "fp32"},
      {"depthwise_3x3", {{"N", 2}, {"H", 6}, {"W", 9}, {"C", 5}, {"S", 2}, {"BIAS", 0}, {"ACT", 0}}, "fp32"},
      {"depthwise_3x3", {{"N", 1}, {"H", 4}, {"W", 3}, {"C", 9}, {"S", 1}, {"BIAS", 1}, {"ACT", 4}}, "fp32"}};
}

}  // namespace mace_tune
