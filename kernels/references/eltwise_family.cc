// SPDX-License-Identifier: Apache-2.0
// The eltwise family's CPU reference: element-wise add / multiply / maximum with the fused
// activation. Everything else about the family is its description, kernels/eltwise.toml.
#include <algorithm>

#include "kernels/family_util.h"
#include "kernels/kernel_family.h"
#include "kernels/tensor_io.h"

namespace mace_tune {
namespace {

std::vector<std::vector<float>> Reference(const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) {
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

}  // namespace

MT_REGISTER_CPU_REFERENCE(eltwise, Reference);

}  // namespace mace_tune
