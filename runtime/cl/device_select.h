// Choosing the OpenCL device by name: platform and device filters are case-insensitive
// substrings, taken from the arguments or else from MACE_TUNE_PLATFORM / MACE_TUNE_DEVICE.
// With no filter: the first GPU of any platform, else the first device. Never by index alone:
// platform order differs between machines.
#pragma once

#include <string>
#include <vector>

#include "cl/cl_config.h"

namespace mace_tune {

struct DeviceEntry {
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  std::string platform_name;
  std::string device_name;
  std::string device_vendor;
  bool is_gpu = false;
};

std::vector<DeviceEntry> ListDevices();

// Throws std::runtime_error naming the filters and the devices present when nothing matches.
DeviceEntry SelectDevice(std::string platform_filter = {}, std::string device_filter = {});

}  // namespace mace_tune
