// SPDX-License-Identifier: Apache-2.0
// The softmax family's CPU reference: softmax over channels (double). Everything else about the family is its
// description, kernels/softmax.toml.
#include <algorithm>
#include <cmath>

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
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

}  // namespace

MT_REGISTER_CPU_REFERENCE(softmax, Reference);

}  // namespace mace_tune
