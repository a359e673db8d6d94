// SPDX-License-Identifier: Apache-2.0
// The device fingerprint (DESIGN.md "Words"): what identifies a device and its driver, and the
// stable short id derived from it. Artifacts carry it; the runtime matches it before using them.
#pragma once

#include <cstdint>
#include <string>

#include "mace_tune/export.h"
#include "mace_tune/status.h"

typedef struct _cl_device_id* cl_device_id;

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

struct DeviceFingerprint {
  std::string platform_name;
  std::string platform_version;
  std::string device_name;
  std::string device_vendor;
  std::string driver_version;
  std::string opencl_c_version;
  uint32_t compute_units = 0;
  uint64_t max_work_group_size = 0;
  uint64_t local_mem_size = 0;
  uint64_t global_mem_size = 0;

  // 12 lowercase hex digits: the start of SHA-256 over the fields above up to and including
  // max_work_group_size (DESIGN.md's fingerprint); the memory sizes are informative.
  std::string Id() const;
  // Same hardware as seen through the same platform: platform, device name and vendor.
  bool SameDevice(const DeviceFingerprint& other) const;
  // SameDevice, and the same driver and platform version: program binaries are only valid then.
  bool SameDriver(const DeviceFingerprint& other) const;
  // One line: "NVIDIA H100 (NVIDIA Corporation), driver 550.54, OpenCL C 3.0 [id 1a2b3c4d5e6f]".
  std::string Describe() const;
};

// Reads the fingerprint of an OpenCL device; never throws.
Status QueryFingerprint(cl_device_id device, DeviceFingerprint* out) noexcept;

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
