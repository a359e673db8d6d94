// SPDX-License-Identifier: Apache-2.0
// Choosing the OpenCL device: platform and device filters are case-insensitive substrings, taken
// from the arguments or else from MACE_TUNE_PLATFORM / MACE_TUNE_DEVICE. With no filter: the first
// GPU of any platform, else the first device. Never by index alone (platform order differs between
// machines), but where names repeat (two identical GPUs) a device filter may say which:
//   "NVIDIA H200#1"   the second device (0-based) among those the name matches;
//   "pci:0000:41:00"  the device at that PCI bus address (NVIDIA's and AMD's extensions);
//   "id:b5b2f24d2019" the fingerprint id `devices` prints (identical GPUs share it: add #N).
// `devices` prints the selector that picks each device.
#pragma once

#include <string>
#include <vector>

#include "runtime/cl/cl_config.h"

namespace mace_tune {

struct DeviceEntry {
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  std::string platform_name;
  std::string device_name;
  std::string device_vendor;
  bool is_gpu = false;
  std::string pci_bus;      // "DDDD:BB:DD.F" where the vendor exposes it, else ""
  int same_name_index = 0;  // its place among the devices of the same platform and name (the #N)
  int same_name_count = 1;
  // What --device needs to pick exactly this device: its name, with #N when the name repeats.
  std::string Selector() const;
};

std::vector<DeviceEntry> ListDevices();

// Throws std::runtime_error naming the filters and the devices present when nothing matches.
DeviceEntry SelectDevice(std::string platform_filter = {}, std::string device_filter = {});

}  // namespace mace_tune
