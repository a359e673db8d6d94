// SPDX-License-Identifier: Apache-2.0
// A tunable parameter: its name and the values it may take. A family's description yields them
// (kernels/kernel_family.h) and a search space is built over them (search_strategies/), so both
// share this small header instead of the strategies including the kernels and OpenCL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mace_tune/tuning_key.h"  // ParamMap: one config, a value per parameter name

namespace mace_tune {

struct TunableParam {
  std::string name;
  std::vector<int64_t> values;
};

}  // namespace mace_tune
