// Device selection by name substring.
#include "cl/device_select.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "cl/cl_core.h"

namespace mace_tune {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return needle.empty() || Lower(haystack).find(Lower(needle)) != std::string::npos;
}

std::string FromEnv(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* env = std::getenv(name);
  return env == nullptr ? std::string() : std::string(env);
}

}  // namespace

std::vector<DeviceEntry> ListDevices() {
  std::vector<DeviceEntry> entries;
  for (cl_platform_id platform : GetPlatforms()) {
    const std::string platform_name = PlatformString(platform, CL_PLATFORM_NAME);
    for (cl_device_id device : GetDevices(platform)) {
      DeviceEntry e;
      e.platform = platform;
      e.device = device;
      e.platform_name = platform_name;
      e.device_name = DeviceString(device, CL_DEVICE_NAME);
      e.device_vendor = DeviceString(device, CL_DEVICE_VENDOR);
      e.is_gpu = (DeviceValue<cl_device_type>(device, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

DeviceEntry SelectDevice(std::string platform_filter, std::string device_filter) {
  platform_filter = FromEnv(platform_filter, "MACE_TUNE_PLATFORM");
  device_filter = FromEnv(device_filter, "MACE_TUNE_DEVICE");
  const auto all = ListDevices();
  if (all.empty()) {
    throw std::runtime_error(
        "no OpenCL device found (no ICD registered in /etc/OpenCL/vendors? install pocl-opencl-icd "
        "for the CPU)");
  }
  std::vector<DeviceEntry> matches;
  for (const auto& e : all) {
    if (Contains(e.platform_name, platform_filter) &&
        (Contains(e.device_name, device_filter) || Contains(e.device_vendor, device_filter))) {
      matches.push_back(e);
    }
  }
  if (matches.empty()) {
    std::string present;
    for (const auto& e : all) present += "\n  " + e.platform_name + " / " + e.device_name;
    throw std::runtime_error("no OpenCL device matches platform '" + platform_filter + "' device '" +
                             device_filter + "'; present:" + present);
  }
  for (const auto& e : matches) {
    if (e.is_gpu) return e;
  }
  return matches.front();
}

}  // namespace mace_tune
