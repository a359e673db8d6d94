// SPDX-License-Identifier: Apache-2.0
// Registering users' kernels in this process: description files, folders of them, encodings.
#include <algorithm>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "kernels/description_file.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

std::mutex& Mutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<std::string>& Paths() {
  static std::vector<std::string> paths;
  return paths;
}

void Register(const desc::DescriptionPtr& description, const std::string& origin) {
  const Status status = desc::RegisterDescription(description);
  if (!status.ok()) throw std::runtime_error(origin + ": " + status.message());
}

}  // namespace

int RegisterKernelPath(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const auto ext = entry.path().extension();
      if (ext == ".toml" || ext == ".desc") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw std::runtime_error(path + ": no kernel description (*.toml, *.desc) in this folder");
  } else {
    files.push_back(path);
  }
  for (const auto& file : files) Register(LoadDescriptionFile(file), file);
  std::lock_guard<std::mutex> lock(Mutex());
  if (std::find(Paths().begin(), Paths().end(), path) == Paths().end()) Paths().push_back(path);
  return static_cast<int>(files.size());
}

void RegisterKernelBytes(const std::vector<uint8_t>& bytes, const std::string& origin) {
  const desc::DescriptionPtr description = DecodeDescriptionBytes(bytes, origin);
  const desc::KernelDescription* known = desc::FindDescription(description->name());
  if (known != nullptr && !known->builtin()) return;  // the one given on the command line wins
  Register(description, origin);
}

std::vector<std::string> RegisteredKernelPaths() {
  std::lock_guard<std::mutex> lock(Mutex());
  return Paths();
}

}  // namespace mace_tune
