// SPDX-License-Identifier: Apache-2.0
// Normalized build options and program keys (DESIGN.md "Words").
#include <algorithm>
#include <sstream>
#include <vector>

#include "mace_tune/families.h"

namespace mace_tune {

std::string NormalizeBuildOptions(std::string_view options) {
  std::vector<std::string> words;
  std::istringstream in{std::string(options)};
  for (std::string word; in >> word;) words.push_back(word);
  std::sort(words.begin(), words.end());
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ' ';
    out += word;
  }
  return out;
}

std::string ProgramKey(std::string_view program, std::string_view options, std::string_view digest) {
  return std::string(program) + '|' + NormalizeBuildOptions(options) + '|' + std::string(digest.substr(0, 16));
}

}  // namespace mace_tune
