// The softmax family's descriptor: space, constraints, buffers, arguments, reference.
#include "softmax_family.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

namespace mace_tune {
namespace {

std::array<int64_t, 4> Shape(const TuningKey& key) {
  return {key.Dim("N"), key.Dim("H"), key.Dim("W"), key.Dim("C")};
}

}  // namespace

std::vector<TunableParam> SoftmaxFamily::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  return {{"LOCAL", {0, 1}},
          {"IMG", ImageValues(limits)},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 256))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))}};
}

std::string SoftmaxFamily::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  const bool local = p.at("LOCAL") == 1;
  if (local && static_cast<uint64_t>(p.at("LX") * p.at("LY") * p.at("LZ")) * 4 > limits.local_mem_size) {
    return "the reduction slots exceed the device's local memory";
  }
  // A work-group more than twice the work along an axis adds idle items only (LOCAL=1: more
  // items per pixel than channel groups likewise).
  const int64_t w = key.Dim("W"), nh = key.Dim("N") * key.Dim("H");
  const int64_t items[3] = {local ? C4(key.Dim("C")) : w, local ? w : nh, local ? nh : 1};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  return {};
}

std::vector<BufferSpec> SoftmaxFamily::Buffers(const TuningKey& key) const {
  return {BufferSpec::Tensor("In", Shape(key)), BufferSpec::Tensor("Out", Shape(key), true)};
}

void SoftmaxFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  if (buffers.size() != 2) throw std::invalid_argument("softmax: expected 2 buffers (In, Out)");
  SetArg(kernel, 0, static_cast<cl_int>(key.Dim("N")));
  SetArg(kernel, 1, static_cast<cl_int>(key.Dim("H")));
  SetArg(kernel, 2, static_cast<cl_int>(key.Dim("W")));
  SetArg(kernel, 3, static_cast<cl_int>(key.Dim("C")));
  SetArg(kernel, 4, buffers[0]);
  SetArg(kernel, 5, buffers[1]);
}

std::vector<std::vector<float>> SoftmaxFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  if (inputs.size() != 1 || inputs[0]->size() != specs[0].elements) {
    throw std::invalid_argument("softmax reference: expected In for " + key.ToString());
  }
  const auto c = static_cast<size_t>(key.Dim("C"));
  const auto& in = *inputs[0];
  std::vector<float> out(in.size());
  for (size_t base = 0; base < in.size(); base += c) {
    double m = in[base];
    for (size_t i = 1; i < c; ++i) m = std::max(m, static_cast<double>(in[base + i]));
    double sum = 0;
    for (size_t i = 0; i < c; ++i) sum += std::exp(in[base + i] - m);
    for (size_t i = 0; i < c; ++i) out[base + i] = static_cast<float>(std::exp(in[base + i] - m) / sum);
  }
  return {std::move(out)};
}

Tolerance SoftmaxFamily::ToleranceFor(const TuningKey& key) const {
  // A sum of C exponentials (a few ulp each) and one division per output.
  return SumTolerance(static_cast<double>(key.Dim("C") + 8), key);
}

double SoftmaxFamily::Flops(const TuningKey& key) const {
  // Per element: max, subtract, exp, add (pass 2), subtract, exp, multiply (pass 3).
  return 7.0 * static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W") * key.Dim("C"));
}

double SoftmaxFamily::BytesMoved(const TuningKey& key) const {
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  return bytes * 2.0 * static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W") * key.Dim("C"));
}

std::vector<TuningKey> SoftmaxFamily::TestKeys() const {
  return {{"softmax", {{"N", 1}, {"H", 3}, {"W", 5}, {"C", 7}}, "fp32"},
          {"softmax", {{"N", 2}, {"H", 1}, {"W", 3}, {"C", 130}}, "fp32"},
          {"softmax", {{"N", 1}, {"H", 1}, {"W", 1}, {"C", 1}}, "fp32"}};
}

}  // namespace mace_tune
