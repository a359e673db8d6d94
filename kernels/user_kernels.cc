// Registering user kernels in this process: description files and folders of them.
#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "description_file.h"

namespace mace_tune {

namespace fs = std::filesystem;

desc::DescriptionPtr RegisterKernelFile(const std::string& path) {
  desc::DescriptionPtr description = LoadDescriptionFile(path);
  const Status status = desc::RegisterDescription(description);
  if (!status.ok()) throw std::runtime_error(path + ": " + status.message());
  return description;
}

int RegisterKernelDir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": not a folder of kernel descriptions");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) RegisterKernelFile(file);
  return static_cast<int>(files.size());
}

}  // namespace mace_tune
