// SPDX-License-Identifier: Apache-2.0
// Everything the tuner holds open for one device: the chosen device, its context and profiling
// queue, fingerprint, limits and matched profile.
#pragma once

#include <string>

#include "device_profiles/device_profile.h"
#include "mace_tune/families.h"
#include "mace_tune/fingerprint.h"
#include "runtime/cl/cl_core.h"
#include "runtime/cl/device_select.h"

namespace mace_tune {

struct TuneContext {
  DeviceEntry entry;
  Context context;
  Queue queue;
  DeviceFingerprint fingerprint;
  DeviceLimits limits;
  DeviceProfile profile;

  cl_device_id device() const { return entry.device; }
};

// Selects by name substrings (empty: environment, then default) and opens the device.
// Throws std::runtime_error / ClError with a clear message.
TuneContext OpenDevice(const std::string& platform_filter, const std::string& device_filter);

}  // namespace mace_tune
