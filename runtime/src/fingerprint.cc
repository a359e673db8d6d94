// SPDX-License-Identifier: Apache-2.0
// Reading a device's fingerprint through OpenCL, and its id.
#include "mace_tune/fingerprint.h"

#include "runtime/cl/cl_core.h"
#include "runtime/src/sha256.h"

namespace mace_tune {

std::string DeviceFingerprint::Id() const {
  detail::Sha256 sha;
  auto add = [&sha](const std::string& s) { sha.Update(s.data(), s.size() + 1); };  // with its NUL
  add(platform_name);
  add(platform_version);
  add(device_name);
  add(device_vendor);
  add(driver_version);
  add(opencl_c_version);
  add(std::to_string(compute_units));
  add(std::to_string(max_work_group_size));
  // Memory sizes are informative only: PoCL derives its global memory size from the memory free
  // at start-up, so it changes from run to run on the same machine.
  const auto digest = sha.Finish();
  return detail::ToHex(digest.data(), 6);
}

bool DeviceFingerprint::SameDevice(const DeviceFingerprint& other) const {
  return platform_name == other.platform_name && device_name == other.device_name &&
         device_vendor == other.device_vendor;
}

bool DeviceFingerprint::SameDriver(const DeviceFingerprint& other) const {
  return SameDevice(other) && driver_version == other.driver_version && platform_version == other.platform_version;
}

std::string DeviceFingerprint::Describe() const {
  return device_name + " (" + device_vendor + "), " + platform_name + ", driver " + driver_version + ", " +
         opencl_c_version + " [id " + Id() + "]";
}

Status QueryFingerprint(cl_device_id device, DeviceFingerprint* out) noexcept {
  try {
    DeviceFingerprint f;
    const cl_platform_id platform = DevicePlatform(device);
    f.platform_name = PlatformString(platform, CL_PLATFORM_NAME);
    f.platform_version = PlatformString(platform, CL_PLATFORM_VERSION);
    f.device_name = DeviceString(device, CL_DEVICE_NAME);
    f.device_vendor = DeviceString(device, CL_DEVICE_VENDOR);
    f.driver_version = DeviceString(device, CL_DRIVER_VERSION);
    f.opencl_c_version = DeviceString(device, CL_DEVICE_OPENCL_C_VERSION);
    f.compute_units = DeviceValue<cl_uint>(device, CL_DEVICE_MAX_COMPUTE_UNITS);
    f.max_work_group_size = DeviceValue<size_t>(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    f.local_mem_size = DeviceValue<cl_ulong>(device, CL_DEVICE_LOCAL_MEM_SIZE);
    f.global_mem_size = DeviceValue<cl_ulong>(device, CL_DEVICE_GLOBAL_MEM_SIZE);
    *out = std::move(f);
    return Status::Ok();
  } catch (const ClError& e) {
    return Status(StatusCode::kOpenClError, e.what());
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

}  // namespace mace_tune
