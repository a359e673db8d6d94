// SPDX-License-Identifier: Apache-2.0
// Clocks and temperature from nvidia-smi, devfreq, kgsl and thermal zones (device_state.h).
#include "tuner/device_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

std::string FirstLine(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::optional<double> Number(const std::string& text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    return used > 0 ? std::optional<double>(v) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Thermal files hold millidegrees on almost every kernel; a few hold degrees.
std::optional<double> Celsius(const std::string& text) {
  const auto v = Number(text);
  if (!v) return std::nullopt;
  return *v > 1000 || *v < -1000 ? *v / 1000 : *v;
}

std::optional<double> MhzFromHz(const std::string& text) {
  const auto v = Number(text);
  if (!v) return std::nullopt;
  return *v / 1e6;
}

// "1980 MHz, 2619 MHz, 41" per GPU: SM clock, memory clock, temperature.
void NvidiaSmi(std::vector<DeviceReading>* out) {
  if (!fs::exists("/usr/bin/nvidia-smi") && !fs::exists("/usr/local/bin/nvidia-smi")) return;
  FILE* p = popen(
      "nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu "
      "--format=csv,noheader 2>/dev/null",
      "r");
  if (p == nullptr) return;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line = buf;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    DeviceReading r;
    r.source = "nvidia-smi";
    r.raw = line;
    std::stringstream fields(line);
    std::string sm, mem, temp;
    std::getline(fields, sm, ',');
    std::getline(fields, mem, ',');
    std::getline(fields, temp, ',');
    r.clock_mhz = Number(sm);
    r.temperature_c = Number(temp);
    out->push_back(std::move(r));
  }
  pclose(p);
}

bool NamesGpu(const std::string& s) { return s.find("gpu") != std::string::npos || s.find("GPU") != std::string::npos; }

// Directory entries in name order, so readings come in the same order every time.
std::vector<fs::path> Sorted(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<DeviceReading> ReadDeviceReadings() {
  const char* root_env = std::getenv(kSysfsRootEnv);
  const fs::path root = root_env != nullptr && *root_env != '\0' ? fs::path(root_env) : "/sys";
  std::vector<DeviceReading> out;
  if (root_env == nullptr || *root_env == '\0') NvidiaSmi(&out);
  auto add = [&](const fs::path& file, bool clock) {
    const std::string text = FirstLine(file);
    if (text.empty()) return;
    DeviceReading r;
    r.source = file.string();
    r.raw = text;
    if (clock) {
      r.clock_mhz = MhzFromHz(text);
    } else {
      r.temperature_c = Celsius(text);
    }
    out.push_back(std::move(r));
  };
  for (const auto& dir : Sorted(root / "class/devfreq")) add(dir / "cur_freq", true);
  const fs::path kgsl = root / "class/kgsl/kgsl-3d0";
  add(kgsl / "gpuclk", true);
  add(kgsl / "temp", false);
  for (const auto& dir : Sorted(root / "class/thermal")) {
    if (dir.filename().string().rfind("thermal_zone", 0) != 0) continue;
    if (NamesGpu(FirstLine(dir / "type"))) add(dir / "temp", false);
  }
  return out;
}

std::optional<DeviceReading> HottestGpu(const std::vector<DeviceReading>& readings) {
  std::optional<DeviceReading> hottest;
  for (const auto& r : readings) {
    if (r.temperature_c && (!hottest || *r.temperature_c > *hottest->temperature_c)) hottest = r;
  }
  return hottest;
}

std::string FormatDeviceState(const std::vector<DeviceReading>& readings) {
  std::string out;
  for (const auto& r : readings) {
    std::string values;
    if (r.clock_mhz) values += fmt::format("{:.0f} MHz", *r.clock_mhz);
    if (r.temperature_c) values += fmt::format("{}{:.1f} C", values.empty() ? "" : ", ", *r.temperature_c);
    if (values.empty()) values = r.raw;
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", r.source, values);
  }
  return out;
}

}  // namespace mace_tune
