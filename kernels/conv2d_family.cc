// The convolution families' descriptors: space, constraints, buffers, arguments, reference.
#include "conv2d_family.h"

#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

namespace mace_tune {
namespace {

uint64_t NextPow2(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

ConvFamilyBase::Window ConvFamilyBase::WindowOf(const TuningKey& key) const {
  Window w{};
  w.s = key.Dim("S");
  switch (kind_) {
    case Kind::k1x1: w.kh = w.kw = 1, w.d = 1, w.p = 0; break;
    case Kind::k3x3: w.kh = w.kw = 3, w.d = 1, w.p = 1; break;
    case Kind::kGeneral: w.kh = key.Dim("KH"), w.kw = key.Dim("KW"), w.d = key.Dim("D"), w.p = key.Dim("P"); break;
  }
  w.oh = (key.Dim("H") + 2 * w.p - w.d * (w.kh - 1) - 1) / w.s + 1;
  w.ow = (key.Dim("W") + 2 * w.p - w.d * (w.kw - 1) - 1) / w.s + 1;
  return w;
}

std::vector<TunableParam> ConvFamilyBase::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  std::vector<TunableParam> space = {{"PW", {1, 2, 4}}, {"PK", {1, 2}}, {"IMG", ImageValues(limits)}};
  if (kind_ == Kind::k1x1) {
    space.push_back({"LOCAL", {0, 1}});
    space.push_back({"KT", {2, kCanonicalKt, 8, 16}});
  }
  space.push_back({"LX", Pow2UpTo(LocalDimLimit(limits, 0, 64))});
  space.push_back({"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))});
  space.push_back({"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))});
  return space;
}

std::string ConvFamilyBase::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  const Window w = WindowOf(key);
  const int64_t c4 = C4(key.Dim("C")), k4 = C4(key.Dim("K"));
  const int64_t pw = p.at("PW"), pk = p.at("PK");
  // Size rule (as GEMM's): a work-group more than twice the work along an axis adds idle items only.
  const int64_t items[3] = {(k4 + pk - 1) / pk, (w.ow + pw - 1) / pw, key.Dim("N") * w.oh};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (pw > 1 && pw > 2 * w.ow) return "PW is far wider than OW";
  if (pk > 1 && pk > 2 * k4) return "PK is far more than the output channel groups";
  if (kind_ == Kind::k1x1) {
    const int64_t kt = p.at("KT");
    if (p.at("LOCAL") == 0) {
      if (kt != kCanonicalKt) return "LOCAL=0 ignores KT (kept only at KT=4)";
    } else {
      if (kt > kCanonicalKt && static_cast<uint64_t>(kt) > NextPow2(static_cast<uint64_t>(c4))) {
        return "KT is deeper than C4 needs";
      }
      // conv2d_1x1.cl: xs[LZ][LY*PW][KT] and ws[KT*4][LX*PK], float4 each.
      const uint64_t bytes = static_cast<uint64_t>(p.at("LZ") * p.at("LY") * pw * kt + kt * 4 * p.at("LX") * pk) * 16;
      if (bytes > limits.local_mem_size) {
        return "local memory " + std::to_string(bytes) + " B exceeds the device's " +
               std::to_string(limits.local_mem_size) + " B";
      }
    }
  }
  return {};
}

std::vector<BufferSpec> ConvFamilyBase::Buffers(const TuningKey& key) const {
  const Window w = WindowOf(key);
  const int64_t n = key.Dim("N"), c = key.Dim("C"), k = key.Dim("K");
  std::vector<BufferSpec> specs = {
      BufferSpec::Tensor("In", {n, key.Dim("H"), key.Dim("W"), c}),
      BufferSpec::Array("Wt", static_cast<size_t>(w.kh * w.kw * C4(c) * 4 * C4(k) * 4))};
  if (key.Dim("BIAS") == 1) specs.push_back(BufferSpec::Array("Bias", static_cast<size_t>(C4(k) * 4)));
  specs.push_back(BufferSpec::Tensor("Out", {n, w.oh, w.ow, k}, true));
  return specs;
}

void ConvFamilyBase::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  const size_t expected = key.Dim("BIAS") == 1 ? 4 : 3;
  if (buffers.size() != expected) {
    throw std::invalid_argument(std::string(Name()) + ": expected In, Wt, [Bias,] Out buffers");
  }
  const Window w = WindowOf(key);
  std::vector<int64_t> ints = {key.Dim("N"), key.Dim("H"), key.Dim("W"), C4(key.Dim("C")),
                               w.oh,         w.ow,         C4(key.Dim("K"))};
  if (kind_ == Kind::kGeneral) ints.insert(ints.end(), {w.kh, w.kw, w.s, w.d, w.p});
  cl_uint index = 0;
  for (const int64_t v : ints) SetArg(kernel, index++, static_cast<cl_int>(v));
  for (const cl_mem m : buffers) SetArg(kernel, index++, m);
}

std::vector<std::vector<float>> ConvFamilyBase::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  const bool bias = key.Dim("BIAS") == 1;
  if (inputs.size() != specs.size() - 1) throw std::invalid_argument("conv reference: wrong input count");
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i]->size() != specs[i].elements) throw std::invalid_argument("conv reference: wrong input size");
  }
  const Window w = WindowOf(key);
  const int64_t n_ = key.Dim("N"), h_ = key.Dim("H"), w_ = key.Dim("W"), c_ = key.Dim("C"), k_ = key.Dim("K");
  const int64_t cp = C4(c_) * 4, kp = C4(k_) * 4, act = key.Dim("ACT");
  const auto& in = *inputs[0];
  const auto& wt = *inputs[1];
  std::vector<float> out(static_cast<size_t>(n_ * w.oh * w.ow * k_));
  std::vector<double> acc(static_cast<size_t>(k_));
  for (int64_t n = 0; n < n_; ++n) {
    for (int64_t oh = 0; oh < w.oh; ++oh) {
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
  }
  return {std::move(out)};
}

Tolerance ConvFamilyBase::ToleranceFor(const TuningKey& key) const {
  const Window w = WindowOf(key);
  return SumTolerance(static_cast<double>(w.kh * w.kw * key.Dim("C") + key.Dim("BIAS")), key);
}

double ConvFamilyBase::Flops(const TuningKey& key) const {
  const Window w = WindowOf(key);
  return 2.0 * static_cast<double>(key.Dim("N") * w.oh * w.ow * key.Dim("K")) *
         static_cast<double>(w.kh * w.kw * key.Dim("C"));
}

double ConvFamilyBase::BytesMoved(const TuningKey& key) const {
  const Window w = WindowOf(key);
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  const double c = static_cast<double>(key.Dim("C")), k = static_cast<double>(key.Dim("K"));
  const double in = static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W")) * c;
  const double out = static_cast<double>(key.Dim("N") * w.oh * w.ow) * k;
  const double weights = static_cast<double>(w.kh * w.kw) * c * k + (key.Dim("BIAS") == 1 ? k : 0);
  return bytes * (in + out + weights);
}

// Small awkward shapes: odd H and W, C and K not multiples of 4 (C=3 as MobileNet's first conv),
// K4 odd so PK=2 blocks are partial, both strides, with and without bias, several activations.
std::vector<TuningKey> Conv2d1x1Family::TestKeys() const {
  return {{"conv2d_1x1", {{"N", 1}, {"H", 3}, {"W", 7}, {"C", 6}, {"K", 10}, {"S", 1}, {"ACT", 3}, {"BIAS", 1}}, "fp32"},
          {"conv2d_1x1", {{"N", 2}, {"H", 5}, {"W", 4}, {"C", 3}, {"K", 5}, {"S", 2}, {"ACT", 2}, {"BIAS", 0}}, "fp32"}};
}

std::vector<TuningKey> Conv2d3x3Family::TestKeys() const {
  return {{"conv2d_3x3", {{"N", 1}, {"H", 4}, {"W", 7}, {"C", 5}, {"K", 6}, {"S", 1}, {"ACT", 1}, {"BIAS", 1}}, "fp32"},
          {"conv2d_3x3", {{"N", 2}, {"H", 5}, {"W", 6}, {"C", 3}, {"K", 9}, {"S", 2}, {"ACT", 4}, {"BIAS", 0}}, "fp32"}};
}

std::vector<TuningKey> Conv2dFamily::TestKeys() const {
  return {{"conv2d",
           {{"N", 1}, {"H", 6}, {"W", 7}, {"C", 5}, {"K", 6}, {"KH", 3}, {"KW", 2}, {"S", 1}, {"D", 2}, {"P", 1},
            {"ACT", 2}, {"BIAS", 1}},
           "fp32"},
          {"conv2d",
           {{"N", 2}, {"H", 5}, {"W", 6}, {"C", 3}, {"K", 9}, {"KH", 3}, {"KW", 3}, {"S", 2}, {"D", 1}, {"P", 2},
            {"ACT", 0}, {"BIAS", 0}},
           "fp32"}};
}

}  // namespace mace_tune
