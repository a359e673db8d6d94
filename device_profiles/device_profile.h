// Device profiles (DESIGN.md "Words"): what we know of a GPU family, from the data file
// profiles.ini embedded at build time, matched from a fingerprint. Unknown devices get "default".
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mace_tune/fingerprint.h"

namespace mace_tune {

struct DeviceProfile {
  std::string name;   // section name, e.g. "nvidia-hopper"
  std::string level;  // device, architecture, vendor or default
  std::vector<std::string> chain;  // matched profile first, then its parents
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

}  // namespace mace_tune
