// Program sources embedded at build time, their digests, and program keys.
#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "mace_tune/families.h"
#include "sha256.h"

namespace mace_tune {
namespace detail {
// Generated from kernels/*.cl by cmake/embed_files.cmake.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedKernelFiles();
}  // namespace detail

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
  return std::string(program) + '|' + NormalizeBuildOptions(options) + '|' +
         std::string(digest.substr(0, 16));
}

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
    it = digests.emplace(std::string(program), detail::Sha256Hex(ProgramSource(program))).first;
  }
  return it->second;
}

}  // namespace mace_tune
