// The concat family's descriptor: space, constraints, buffers, arguments, reference.
#include "concat_family.h"

#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

namespace mace_tune {

std::vector<TunableParam> ConcatFamily::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  return {{"PW", {1, 2, 4}},
          {"IMG", ImageValues(limits)},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 64))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 64))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 64))}};
}

std::string ConcatFamily::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  const int64_t items[3] = {C4(key.Dim("C") + key.Dim("C2")), (key.Dim("W") + p.at("PW") - 1) / p.at("PW"),
                            key.Dim("N") * key.Dim("H")};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (p.at("PW") > 1 && p.at("PW") > 2 * key.Dim("W")) return "PW is far wider than W";
  return {};
}

std::vector<BufferSpec> ConcatFamily::Buffers(const TuningKey& key) const {
  const int64_t n = key.Dim("N"), h = key.Dim("H"), w = key.Dim("W");
  return {BufferSpec::Tensor("A", {n, h, w, key.Dim("C")}), BufferSpec::Tensor("B", {n, h, w, key.Dim("C2")}),
          BufferSpec::Tensor("Out", {n, h, w, key.Dim("C") + key.Dim("C2")}, true)};
}

void ConcatFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  if (buffers.size() != 3) throw std::invalid_argument("concat: expected 3 buffers (A, B, Out)");
  cl_uint i = 0;
  for (const char* dim : {"N", "H", "W", "C", "C2"}) SetArg(kernel, i++, static_cast<cl_int>(key.Dim(dim)));
  for (const cl_mem mem : buffers) SetArg(kernel, i++, mem);
}

std::vector<std::vector<float>> ConcatFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  if (inputs.size() != 2 || inputs[0]->size() != specs[0].elements || inputs[1]->size() != specs[1].elements) {
    throw std::invalid_argument("concat reference: expected A and B for " + key.ToString());
  }
  const auto c = static_cast<size_t>(key.Dim("C")), c2 = static_cast<size_t>(key.Dim("C2"));
  const size_t pixels = static_cast<size_t>(key.Dim("N") * key.Dim("H") * key.Dim("W"));
  std::vector<float> out;
  out.reserve(specs[2].elements);
  for (size_t p = 0; p < pixels; ++p) {
    out.insert(out.end(), inputs[0]->begin() + p * c, inputs[0]->begin() + (p + 1) * c);
    out.insert(out.end(), inputs[1]->begin() + p * c2, inputs[1]->begin() + (p + 1) * c2);
  }
  return {std::move(out)};
}

Tolerance ConcatFamily::ToleranceFor(const TuningKey& key) const { return SumTolerance(1, key); }

double ConcatFamily::Flops(const TuningKey& key) const {
  // A copy: counted as one operation per output element.
  return static_cast<double>(key.Dim("N") * key.Dim("H") * key.Dim("W") * (key.Dim("C") + key.Dim("C2")));
}

double ConcatFamily::BytesMoved(const TuningKey& key) const {
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  return bytes * 2.0 * Flops(key);
}

std::vector<TuningKey> ConcatFamily::TestKeys() const {
  // Unaligned C (shift 1 and 3, C2 not a multiple of 4), and the aligned path.
  return {{"concat", {{"N", 1}, {"H", 3}, {"W", 5}, {"C", 7}, {"C2", 6}}, "fp32"},
          {"concat", {{"N", 2}, {"H", 2}, {"W", 3}, {"C", 5}, {"C2", 2}}, "fp32"},
          {"concat", {{"N", 1}, {"H", 1}, {"W", 7}, {"C", 8}, {"C2", 3}}, "fp32"},
          {"concat", {{"N", 1}, {"H", 2}, {"W", 2}, {"C", 2}, {"C2", 9}}, "fp32"}};
}

}  // namespace mace_tune
