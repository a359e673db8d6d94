// The fully_connected family's descriptor: space, constraints, buffers, arguments, reference.
#include "fully_connected_family.h"

#include <stdexcept>

#include "cl/cl_core.h"
#include "family_util.h"
#include "tensor_io.h"

namespace mace_tune {

std::vector<TunableParam> FullyConnectedFamily::Parameters(const TuningKey& /*key*/,
                                                           const DeviceLimits& limits) const {
  return {{"PK", {1, 2, 4}},
          {"LOCAL", {0, 1}},
          {"IMG", ImageValues(limits)},
          {"LX", Pow2UpTo(LocalDimLimit(limits, 0, 256))},
          {"LY", Pow2UpTo(LocalDimLimit(limits, 1, 256))},
          {"LZ", Pow2UpTo(LocalDimLimit(limits, 2, 16))}};
}

std::string FullyConnectedFamily::CheckConfig(const TuningKey& key, const ParamMap& p,
                                              const DeviceLimits& limits) const {
  if (std::string why = CheckDomains(p, Parameters(key, limits)); !why.empty()) return why;
  if (std::string why = CheckLocalSize(p, 3, limits); !why.empty()) return why;
  if (std::string why = CheckImages(p, Buffers(key), limits); !why.empty()) return why;
  const int64_t k4 = C4(key.Dim("K")), c4 = C4(key.Dim("C")), n = key.Dim("N"), pk = p.at("PK");
  const bool local = p.at("LOCAL") == 1;
  if (local) {
    const uint64_t bytes = static_cast<uint64_t>(p.at("LX") * p.at("LY") * p.at("LZ") * pk) * 16;
    if (bytes > limits.local_mem_size) return "the partial sums exceed the device's local memory";
  }
  // A work-group more than twice the work along an axis adds idle items only; a C split into
  // more slices than input groups likewise.
  const int64_t items[3] = {(k4 + pk - 1) / pk, local ? c4 : n, local ? n : 1};
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < 3; ++axis) {
    const int64_t l = p.at(names[axis]);
    if (l > 1 && l > 2 * items[axis]) return std::string(names[axis]) + " is far larger than the work along it";
  }
  if (pk > 1 && pk > 2 * k4) return "PK is far wider than K4";
  return {};
}

std::vector<BufferSpec> FullyConnectedFamily::Buffers(const TuningKey& key) const {
  const int64_t n = key.Dim("N"), c = key.Dim("C"), k = key.Dim("K");
  std::vector<BufferSpec> specs = {BufferSpec::Tensor("In", {n, 1, 1, c}),
                                   BufferSpec::Array("W", static_cast<size_t>(C4(c) * C4(k) * 16))};
  if (key.Dim("BIAS") == 1) specs.push_back(BufferSpec::Array("Bias", static_cast<size_t>(C4(k) * 4)));
  specs.push_back(BufferSpec::Tensor("Out", {n, 1, 1, k}, true));
  return specs;
}

void FullyConnectedFamily::SetArgs(cl_kernel kernel, const TuningKey& key,
                                   const std::vector<cl_mem>& buffers) const {
  const size_t expected = key.Dim("BIAS") == 1 ? 4 : 3;
  if (buffers.size() != expected) throw std::invalid_argument("fully_connected: wrong number of buffers");
  SetArg(kernel, 0, static_cast<cl_int>(key.Dim("N")));
  SetArg(kernel, 1, static_cast<cl_int>(C4(key.Dim("C"))));
  SetArg(kernel, 2, static_cast<cl_int>(key.Dim("K")));
  SetArg(kernel, 3, static_cast<cl_int>(C4(key.Dim("K"))));
  for (cl_uint i = 0; i < buffers.size(); ++i) SetArg(kernel, 4 + i, buffers[i]);
}

std::vector<std::vector<float>> FullyConnectedFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto specs = Buffers(key);
  const bool bias = key.Dim("BIAS") == 1;
  if (inputs.size() != specs.size() - 1) throw std::invalid_argument("fully_connected reference: wrong inputs");
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i]->size() != specs[i].elements) throw std::invalid_argument("fully_connected reference: size");
  }
  const int64_t n_dim = key.Dim("N"), c_dim = key.Dim("C"), k_dim = key.Dim("K"), k4 = C4(k_dim);
  const auto& in = *inputs[0];
  const auto& w = *inputs[1];
  std::vector<float> out(static_cast<size_t>(n_dim * k_dim));
  for (int64_t n = 0; n < n_dim; ++n) {
    for (int64_t k = 0; k < k_dim; ++k) {
      double sum = bias ? (*inputs[2])[static_cast<size_t>(k)] : 0.0;
      for (int64_t c = 0; c < c_dim; ++c) {
        const double wv = w[static_cast<size_t>(((c / 4) * k4 * 4 + k) * 4 + c % 4)];
        sum += static_cast<double>(in[static_cast<size_t>(n * c_dim + c)]) * wv;
      }
      out[static_cast<size_t>(n * k_dim + k)] = static_cast<float>(Activate(sum, key.Dim("ACT")));
    }
  }
  return {std::move(out)};
}

Tolerance FullyConnectedFamily::ToleranceFor(const TuningKey& key) const {
  return SumTolerance(static_cast<double>(key.Dim("C") + 1), key);
}

double FullyConnectedFamily::Flops(const TuningKey& key) const {
  return 2.0 * static_cast<double>(key.Dim("N") * key.Dim("K") * key.Dim("C"));
}

double FullyConnectedFamily::BytesMoved(const TuningKey& key) const {
  const double n = static_cast<double>(key.Dim("N")), c = static_cast<double>(key.Dim("C"));
  const double k = static_cast<double>(key.Dim("K"));
  const double bytes = key.dtype == "fp16" ? 2 : 4;
  return bytes * (n * c + c * k + n * k + (key.Dim("BIAS") == 1 ? k : 0));
}

std::vector<TuningKey> FullyConnectedFamily::TestKeys() const {
  return {{"fully_connected", {{"N", 1}, {"C", 130}, {"K", 13}, {"BIAS", 1}, {"ACT", 0}}, "fp32"},
          {"fully_connected", {{"N", 3}, {"C", 10}, {"K", 22}, {"BIAS", 0}, {"ACT", 4}}, "fp32"},
          {"fully_connected", {{"N", 2}, {"C", 8}, {"K", 5}, {"BIAS", 1}, {"ACT", 2}}, "fp32"}};
}

}  // namespace mace_tune
