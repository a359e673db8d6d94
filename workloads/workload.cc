// SPDX-License-Identifier: Apache-2.0
// Reading and validating workload files.
#include "workloads/workload.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "kernels/description_file.h"
#include "kernels/kernel_family.h"
#include "mace_tune/families.h"

namespace mace_tune {
namespace detail {
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedWorkloadFiles();
}  // namespace detail

namespace {
constexpr size_t kMaxWorkloadBytes = size_t{16} << 20;  // ResNet-50's every layer is 3 KB

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}
}  // namespace

Workload ParseWorkload(const std::string& name, const std::string& text) {
  Workload w;
  w.name = name;
  std::istringstream in(text);
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const auto hash = line.find('#');
    const std::string label = hash == std::string::npos ? "" : Trim(line.substr(hash + 1));
    const std::string body = Trim(line.substr(0, hash));
    if (body.empty()) continue;
    auto fail = [&](const std::string& why) {
      throw std::runtime_error(name + ":" + std::to_string(line_no) + ": " + why);
    };
    if (body.rfind("@kernels", 0) == 0) {
      // "@kernels DIR": the users' kernels the keys below use, relative to the workload file.
      const std::string dir = Trim(body.substr(8));
      if (dir.empty()) fail("@kernels needs a folder or a description file");
      const auto base = std::filesystem::path(name).parent_path();
      try {
        RegisterKernelPath((base / dir).string());
      } catch (const std::exception& e) {
        fail(e.what());
      }
      continue;
    }
    TuningKey key;
    Status status = TuningKey::Parse(body, &key);
    if (!status.ok()) fail(status.message());
    if (!(status = ValidateKey(key)).ok()) fail(status.message());
    if (FindKernelFamily(key.family) == nullptr) fail("no tuner descriptor for family '" + key.family + "'");
    bool merged = false;
    for (auto& item : w.items) {
      if (item.key == key) {
        ++item.count;
        merged = true;
        break;
      }
    }
    if (!merged) w.items.push_back({key, label, 1});
  }
  if (w.items.empty()) throw std::runtime_error(name + ": the workload lists no kernel instance");
  return w;
}

std::vector<std::string> BundledWorkloadNames() {
  std::vector<std::string> names;
  for (const auto& [stem, text] : detail::EmbeddedWorkloadFiles()) names.emplace_back(stem);
  return names;
}

Workload WithBatch(const Workload& workload, int64_t batch) {
  if (batch < 1) throw std::runtime_error("--batch must be >= 1");
  if (batch == 1) return workload;
  Workload w = workload;
  w.name += "@b" + std::to_string(batch);
  for (auto& item : w.items) {
    const std::string dim = item.key.family == "gemm" ? "M" : "N";
    if (item.key.shape.count(dim) == 0) continue;
    item.key.shape[dim] *= batch;
    const Status status = ValidateKey(item.key);
    if (!status.ok()) throw std::runtime_error(w.name + ": " + status.message());
  }
  return w;
}

Workload LoadWorkload(const std::string& name_or_path) {
  struct stat info {};
  if (::stat(name_or_path.c_str(), &info) == 0) {
    // Whatever is there is what was meant: a FIFO or /dev/zero is an error, not a read forever.
    Workload w = ParseWorkload(name_or_path, ReadTextFile(name_or_path, kMaxWorkloadBytes));
    w.source = name_or_path;
    return w;
  }
  for (const auto& [stem, text] : detail::EmbeddedWorkloadFiles()) {
    if (stem == name_or_path) {
      Workload w = ParseWorkload(std::string(stem), std::string(text));
      w.source = "bundled";
      return w;
    }
  }
  std::string names;
  for (const auto& n : BundledWorkloadNames()) names += (names.empty() ? "" : ", ") + n;
  throw std::runtime_error("workload '" + name_or_path + "' is neither a readable file nor a bundled workload (" +
                           names + ")");
}

}  // namespace mace_tune
