// SPDX-License-Identifier: Apache-2.0
// The OpenCL device the cl/ and gpu/ tests run on: chosen by MACE_TUNE_PLATFORM /
// MACE_TUNE_DEVICE (name substrings), else the default device. Shared by one test binary.
#pragma once

#include <string>

#include "runtime/cl/cl_core.h"
#include "runtime/cl/device_select.h"

namespace mace_tune::test {

struct TestDevice {
  DeviceEntry entry;
  Context context;
  Queue queue;
  cl_device_id device() const { return entry.device; }
};

// Throws if no device; the cl test main turns that into a skip (exit code 77).
TestDevice& Device();

// A scratch directory under the build tree, emptied on first use in this process.
std::string ScratchDir(const std::string& name);

}  // namespace mace_tune::test
