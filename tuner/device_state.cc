// Clocks and temperature from nvidia-smi, devfreq and thermal zones (device_state.h).
#include "device_state.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mace_tune {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string NvidiaSmi() {
  if (!std::filesystem::exists("/usr/bin/nvidia-smi") && !std::filesystem::exists("/usr/local/bin/nvidia-smi")) return "";
  FILE* p = popen("nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu --format=csv,noheader 2>/dev/null", "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  for (char& c : out) {
    if (c == '\n') c = '|';
  }
  return out.empty() ? "" : "nvidia-smi: " + out;
}

}  // namespace

std::string ReadDeviceState() {
  namespace fs = std::filesystem;
  std::string out = NvidiaSmi();
  auto add = [&](const std::string& part) {
    if (!part.empty()) out += (out.empty() ? "" : "; ") + part;
  };
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/sys/class/devfreq", ec)) {
    const std::string f = FirstLine(e.path().string() + "/cur_freq");
    if (!f.empty()) add("devfreq " + e.path().filename().string() + ": " + f + " Hz");
  }
  for (const auto& e : fs::directory_iterator("/sys/class/thermal", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("thermal_zone", 0) != 0) continue;
    const std::string type = FirstLine(e.path().string() + "/type");
    const std::string temp = FirstLine(e.path().string() + "/temp");
    if (!temp.empty() && (type.find("gpu") != std::string::npos || type.find("GPU") != std::string::npos)) {
      add(type + ": " + temp + " mC");
    }
  }
  return out;
}

}  // namespace mace_tune
