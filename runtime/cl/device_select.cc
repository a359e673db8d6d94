// SPDX-License-Identifier: Apache-2.0
// Device selection by name substring.
#include "runtime/cl/device_select.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "mace_tune/fingerprint.h"
#include "runtime/cl/cl_core.h"

namespace mace_tune {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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

// cl_nv_device_attribute_query and cl_amd_device_attribute_query: the PCI address, or "".
std::string PciBus(cl_device_id device) {
  constexpr cl_device_info kBusNv = 0x4008, kSlotNv = 0x4009, kDomainNv = 0x400A, kTopologyAmd = 0x4037;
  cl_uint bus = 0, slot = 0, domain = 0;
  if (clGetDeviceInfo(device, kBusNv, sizeof bus, &bus, nullptr) == CL_SUCCESS &&
      clGetDeviceInfo(device, kSlotNv, sizeof slot, &slot, nullptr) == CL_SUCCESS) {
    if (clGetDeviceInfo(device, kDomainNv, sizeof domain, &domain, nullptr) != CL_SUCCESS) domain = 0;
    char text[32];
    std::snprintf(text, sizeof text, "%04x:%02x:%02x.%x", domain, bus, slot >> 3, slot & 7);
    return text;
  }
  struct {
    cl_uint type, data[5];  // CL_DEVICE_TOPOLOGY_TYPE_PCIE_AMD: data[5] = {.., bus, device, function}
  } topology{};
  if (clGetDeviceInfo(device, kTopologyAmd, sizeof topology, &topology, nullptr) == CL_SUCCESS && topology.type == 1) {
    const auto* b = reinterpret_cast<const unsigned char*>(&topology.data[0]);
    char text[32];
    std::snprintf(text, sizeof text, "0000:%02x:%02x.%x", b[17], b[18], b[19]);
    return text;
  }
  return {};
}

// "NAME#N" -> ("NAME", N); N = -1 without a suffix.
std::pair<std::string, int> SplitIndex(const std::string& filter) {
  const size_t hash = filter.rfind('#');
  if (hash == std::string::npos || hash + 1 == filter.size()) return {filter, -1};
  const std::string digits = filter.substr(hash + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 4) {
    throw std::runtime_error("device selector '" + filter +
                             "': after '#' comes the 0-based index among the "
                             "matching devices, e.g. 'NVIDIA H200#1'");
  }
  return {filter.substr(0, hash), std::stoi(digits)};
}

std::string Present(const std::vector<DeviceEntry>& all) {
  std::string present;
  for (const auto& e : all) {
    present += (present.empty() ? "" : "; ") + e.platform_name + " / " + e.Selector();
    if (!e.pci_bus.empty()) present += " (pci:" + e.pci_bus + ")";
  }
  return present;
}

}  // namespace

std::string DeviceEntry::Selector() const {
  return same_name_count > 1 ? device_name + "#" + std::to_string(same_name_index) : device_name;
}

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
      e.pci_bus = PciBus(device);
      for (const auto& other : entries) {
        if (other.platform == platform && other.device_name == e.device_name) ++e.same_name_index;
      }
      entries.push_back(std::move(e));
    }
  }
  for (auto& e : entries) {
    e.same_name_count = static_cast<int>(std::count_if(entries.begin(), entries.end(), [&](const DeviceEntry& o) {
      return o.platform == e.platform && o.device_name == e.device_name;
    }));
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
  const auto [filter, index] = SplitIndex(device_filter);
  std::vector<DeviceEntry> matches;
  for (const auto& e : all) {
    if (!Contains(e.platform_name, platform_filter)) continue;
    bool match = false;
    if (filter.rfind("pci:", 0) == 0) {
      match = !e.pci_bus.empty() && Contains(e.pci_bus, filter.substr(4));
    } else if (filter.rfind("id:", 0) == 0) {
      DeviceFingerprint f;
      match = QueryFingerprint(e.device, &f).ok() && f.Id() == Lower(filter.substr(3));
    } else {
      match = Contains(e.device_name, filter) || Contains(e.device_vendor, filter);
    }
    if (match) matches.push_back(e);
  }
  if (matches.empty() || index >= static_cast<int>(matches.size())) {
    throw std::runtime_error(
        "no OpenCL device matches platform '" + platform_filter + "' device '" + device_filter + "'" +
        (matches.empty() ? "" : " (" + std::to_string(matches.size()) + " match '" + filter + "')") +
        "; present: " + Present(all));
  }
  if (index >= 0) return matches[static_cast<size_t>(index)];
  for (const auto& e : matches) {
    if (e.is_gpu) return e;
  }
  return matches.front();
}

}  // namespace mace_tune
