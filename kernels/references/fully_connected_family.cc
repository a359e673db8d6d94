// SPDX-License-Identifier: Apache-2.0
// The fully_connected family's CPU reference: fully connected layer (double accumulation).
// Everything else about the family is its description, kernels/fully_connected.toml.

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
  const bool bias = key.Dim("BIAS") == 1;
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

}  // namespace

MT_REGISTER_CPU_REFERENCE(fully_connected, Reference);

}  // namespace mace_tune
