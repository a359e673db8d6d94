// SPDX-License-Identifier: Apache-2.0
// Device profiles (DESIGN.md "Words"): what we know of a GPU family, from the data file
// profiles.ini embedded at build time, matched from a fingerprint. Unknown devices get "default".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mace_tune/fingerprint.h"

namespace mace_tune {

struct DeviceProfile {
  std::string name;                           // section name, e.g. "nvidia-hopper"
  std::string level;                          // device, architecture, vendor or default
  std::vector<std::string> chain;             // matched profile first, then its parents
  std::map<std::string, std::string> values;  // merged, parents' values overridden

  std::string Get(const std::string& key, const std::string& fallback = {}) const;
  long GetInt(const std::string& key, long fallback) const;
};

// "NVIDIA Corporation" -> "nvidia", "Qualcomm" -> "qualcomm", "ARM" -> "arm",
// "Intel(R) Corporation" -> "intel"; PoCL's platform -> "pocl". The one normalization place.
std::string NormalizeVendor(const DeviceFingerprint& fingerprint);

// The most specific profile that matches: device, then architecture, then vendor, then default.
DeviceProfile MatchProfile(const DeviceFingerprint& fingerprint);

// Every profile in the data file, for `mace_tune devices --profiles` and tests.
std::vector<std::string> ProfileNames();

namespace detail {
using ProfileSections = std::vector<std::pair<std::string, std::map<std::string, std::string>>>;
// profiles.ini's text: "[name]" sections of "key = value" lines, '#' comments. Throws
// std::invalid_argument "FILE:LINE: bad line".
ProfileSections ParseProfiles(std::string_view text, const std::string& file);
// MatchProfile over these sections instead of the embedded ones.
DeviceProfile MatchProfileIn(const ProfileSections& sections, const DeviceFingerprint& f);
}  // namespace detail

}  // namespace mace_tune
