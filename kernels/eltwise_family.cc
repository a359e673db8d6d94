// The eltwise family's descriptor: space, constraints, buffers, arguments, reference.
#include "eltwise_family.h"

#include <algorithm>
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

std::vector<TunableParam> EltwiseFamily::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  return {{"PW", {1, 2, 4, 8}},
          {"IMG", ImageValues(limits)},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 64))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))}};
}

std::string EltwiseFamily::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  // Size rule (as GEMM's): a work-group more than twice the work along an axis adds idle items only.
  const int64_t items[3] = {C4(key.Dim("C")), (key.Dim("W") + p.at("PW") - 1) / p.at("PW"), key.Dim("N") * key.Dim("H")};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (p.at("PW") > 1 && p.at("PW") > 2 * key.Dim("W")) return "PW is far wider than W";
  return {};
}

std::vector<BufferSpec> EltwiseFamily::Buffers(const TuningKey& key) const {
  const auto shape = Shape(key);
  BufferSpec b = key.Dim("BC") == 1 ? BufferSpec::Array("B", static_cast<size_t>(C4(key.Dim("C")) * 4))
                                    : BufferSpec::Tensor("B", shape);
  return {BufferSpec::Tensor("A", shape), b, BufferSpec::Tensor("Out", shape, true)};
}

void EltwiseFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  if (buffers.size() != 3) throw std::invalid_argument("eltwise: expected 3 buffers (A, B, Out)");
  SetArg(kernel, 0, static_cast<cl_int>(key.Dim("N")));
  SetArg(kernel, 1, static_cast<cl_int>(key.Dim("H")));
  SetArg(kernel, 2, static_cast<cl_int>(key.Dim("W")));
  SetArg(kernel, 3, static_cast<cl_int>(C4(key.Dim("C"))));
  for (cl_uint i = 0; i < 3; ++i) SetArg(kernel, 4 + i, buffers[i]);
}

std::vector<std::vector<float>> EltwiseFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  if (inputs.size() != 2 || inputs[0]->size() != specs[0].elements || inputs[1]->size() != specs[1].elements) {
    throw std::invalid_argument("eltwise reference: expected A and B for " + key.ToString());
  }
  const int64_t c = key.Dim("C"), op = key.Dim("OP"), act = key.Dim("ACT");
  const bool broadcast = key.Dim("BC") == 1;
  const auto& a = *inputs[0];
  const auto& b = *inputs[1];
  std::vector<float> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const double x = a[i];
    const double y = broadcast ? b[i % static_cast<size_t>(c)] : b[i];
    const double r = op == 0 ? x + y : op == 1 ? x * y : std::max(x, y);
    out[i] = static_cast<float>(Activate(r, act));
  }
  return {std::move(out)};
}

Tolerance EltwiseFamily::ToleranceFor(const TuningKey& key) const { return SumTolerance(2, key); }

double EltwiseFamily::Flops(const TuningKey& key) const {
  return static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W") * key.Dim("C"));
}

double EltwiseFamily::BytesMoved(const TuningKey& key) const {
  const double elements = Flops(key);
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  const double b = key.Dim("BC") == 1 ? static_cast<double>(key.Dim("C")) : elements;
  return bytes * (2 * elements + b);
}

std::vector<TuningKey> EltwiseFamily::TestKeys() const {
  return {{"eltwise", {{"N", 1}, {"H", 3}, {"W", 5}, {"C", 6}, {"OP", 0}, {"BC", 0}, {"ACT", 0}}, "fp32"},
          {"eltwise", {{"N", 2}, {"H", 2}, {"W", 7}, {"C", 9}, {"OP", 1}, {"BC", 1}, {"ACT", 1}}, "fp32"},
          {"eltwise", {{"N", 1}, {"H", 1}, {"W", 3}, {"C", 4}, {"OP", 2}, {"BC", 0}, {"ACT", 4}}, "fp32"}};
}

}  // namespace mace_tune
