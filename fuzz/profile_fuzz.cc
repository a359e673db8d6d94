// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the device-profile parser and matcher. The input's first line is a device
// name as a driver reports it (outside input at every start), the rest a profiles.ini text.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "device_profiles/device_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  mace_tune::DeviceFingerprint f;
  f.device_name = text.substr(0, newline);
  f.device_vendor = f.device_name.substr(0, f.device_name.find(' '));
  f.platform_name = "Fuzz CL";
  mace_tune::MatchProfile(f);  // the embedded profiles
  try {
    const auto sections =
        mace_tune::detail::ParseProfiles(newline == std::string::npos ? "" : text.substr(newline + 1), "fuzz.ini");
    const mace_tune::DeviceProfile profile = mace_tune::detail::MatchProfileIn(sections, f);
    profile.GetInt("wave_size", 0);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
