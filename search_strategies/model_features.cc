// SPDX-License-Identifier: Apache-2.0
// What the tree model sees of each config (model_based.h): the axes' encoding and the work-group
// size, found by the local-size axes' names.
#include <algorithm>
#include <cmath>
#include <string>

#include "model_based.h"

namespace mace_tune::detail {
namespace {

bool IsLocalSize(const std::string& name, bool foreign) {
  if (name == "LX" || name == "LY" || name == "LZ") return true;  // every built-in family's names
  // Kernel Tuner's default block_size_names, and CLBlast xgemm's work-group (MDIMC x NDIMC).
  return foreign && (name == "block_size_x" || name == "block_size_y" || name == "block_size_z" || name == "MDIMC" ||
                     name == "NDIMC");
}

}  // namespace

std::vector<std::vector<double>> ModelFeatures(const SearchSpace& space, bool foreign_local_names) {
  std::vector<size_t> local;
  for (size_t a = 0; a < space.params().size(); ++a) {
    if (IsLocalSize(space.params()[a].name, foreign_local_names)) local.push_back(a);
  }
  std::vector<std::vector<double>> out(space.size());
  std::vector<double> log_size(space.size(), 0);
  double largest = 0;
  for (size_t i = 0; i < space.size(); ++i) {
    for (size_t a : local) {
      const int64_t v = space.params()[a].values[static_cast<size_t>(space.Digits(i)[a])];
      log_size[i] += std::log2(static_cast<double>(std::max<int64_t>(v, 1)));
    }
    largest = std::max(largest, log_size[i]);
  }
  for (size_t i = 0; i < space.size(); ++i) {
    out[i] = space.Encode(i);
    if (!local.empty()) out[i].push_back(largest > 0 ? log_size[i] / largest : 0);
  }
  return out;
}

}  // namespace mace_tune::detail
