// SPDX-License-Identifier: Apache-2.0
// The concat family's CPU reference: channel concatenation. Everything else about the family is its
// description, kernels/concat.toml.

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
  const auto c = static_cast<size_t>(key.Dim("C")), c2 = static_cast<size_t>(key.Dim("C2"));
  const size_t pixels = static_cast<size_t>(key.Dim("N") * key.Dim("H") * key.Dim("W"));
  std::vector<float> out;
  out.reserve(inputs[0]->size() + inputs[1]->size());
  for (size_t p = 0; p < pixels; ++p) {
    out.insert(out.end(), inputs[0]->begin() + p * c, inputs[0]->begin() + (p + 1) * c);
    out.insert(out.end(), inputs[1]->begin() + p * c2, inputs[1]->begin() + (p + 1) * c2);
  }
  return {std::move(out)};
}

}  // namespace

MT_REGISTER_CPU_REFERENCE(concat, Reference);

}  // namespace mace_tune
