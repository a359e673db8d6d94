// SPDX-License-Identifier: Apache-2.0
// Program sources embedded at build time, their digests, and program keys.
#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "mace_tune/families.h"
#include "runtime/desc/registry.h"
#include "runtime/src/sha256.h"

namespace mace_tune {
namespace detail {
// Generated from kernels/*.cl by cmake/embed_files.cmake.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedKernelFiles();
}  // namespace detail

namespace {

std::string RawSource(std::string_view program) {
#ifdef MACE_TUNE_KERNEL_SOURCE_DIR
  std::ifstream file(std::string(MACE_TUNE_KERNEL_SOURCE_DIR) + "/" + std::string(program) + ".cl");
  if (file) {
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
  }
#endif
  for (const auto& [name, text] : detail::EmbeddedKernelFiles()) {
    if (name == program) return std::string(text);
  }
  return {};
}

}  // namespace

// A line `#include "NAME.cl"` is replaced by that embedded file (once per program, one level:
// kernels share the tensor prelude this way), so every program is one self-contained text whose
// digest covers what it includes.
std::string ProgramSource(std::string_view program) {
  if (const desc::KernelDescription* d = desc::FindDescriptionOfProgram(program); d != nullptr && !d->builtin()) {
    return d->text().source;  // a user kernel: its own files, includes resolved when it was loaded
  }
  std::string text = RawSource(program);
  if (text.find("#include \"") == std::string::npos) return text;
  std::istringstream in(text);
  std::string out, line;
  std::vector<std::string> included;
  while (std::getline(in, line)) {
    const std::string prefix = "#include \"";
    if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size() + 4 &&
        line.compare(line.size() - 4, 4, ".cl\"") == 0) {
      const std::string name = line.substr(prefix.size(), line.size() - prefix.size() - 4);
      if (std::find(included.begin(), included.end(), name) == included.end() && name != program) {
        included.push_back(name);
        out += RawSource(name);
        if (!out.empty() && out.back() != '\n') out += '\n';
      }
      continue;
    }
    out += line;
    out += '\n';
  }
  return out;
}

std::string ProgramSourceDigest(std::string_view program) {
  static std::mutex mutex;
  static std::map<std::string, std::string, std::less<>> digests;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = digests.find(program);
  if (it == digests.end()) {
    const desc::KernelDescription* d = desc::FindDescriptionOfProgram(program);
    const std::string source = ProgramSource(program);
    it = digests
             .emplace(std::string(program),
                      d != nullptr && !d->builtin() ? desc::UserProgramDigest(source, *d) : detail::Sha256Hex(source))
             .first;
  }
  return it->second;
}

}  // namespace mace_tune
