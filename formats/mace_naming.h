// SPDX-License-Identifier: Apache-2.0
// How MACE names what it looks up (docs/runtime.md "Shipping to a MACE app"): the tuning keys an
// app's MACE ops ask for (given as templates over a family's dims), program keys, the platform-info
// and device-name strings its compiled-program file is checked against, tuned-parameter values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mace_tune/tuning_key.h"

namespace mace_tune {

// The options MACE adds to every build after the program key's (so not part of the key).
inline constexpr const char* kMaceAlwaysBuildOptions = "-Werror -cl-mad-enable -cl-fast-relaxed-math";

// `--mace-key FAMILY=TEMPLATE`, e.g. bias_relu=bias_relu_opencl_kernel_{N}_{H}_{W}_{C}: the key a
// MACE op composes for an instance, with {DIM} for a dim of the family and {dtype} for the dtype.
struct MaceKeyTemplate {
  std::string family;
  std::string pattern;

  // Throws std::runtime_error naming the problem: no '=', an empty side, an unclosed or empty
  // placeholder, two placeholders with no text between them.
  static MaceKeyTemplate Parse(const std::string& spec);
  // The names in the pattern's placeholders, in order.
  std::vector<std::string> Placeholders() const;
  // Empty when every placeholder is a dim of `dims` or "dtype" and, with `need_all`, every dim is
  // named; else why not.
  std::string Check(const std::vector<std::string>& dims, bool need_all) const;
  std::string Render(const TuningKey& key) const;
  // The key a MACE key was rendered from (dtype fp32 unless the pattern names it); nullopt when
  // the MACE key does not follow the pattern.
  std::optional<TuningKey> Match(const std::string& mace_key) const;
};

// The templates for `family` in `templates`, or nullptr.
const MaceKeyTemplate* FindMaceKeyTemplate(const std::vector<MaceKeyTemplate>& templates, const std::string& family);

// MACE's program key: the program name, then each distinct option (sorted bytewise), each after
// a space.
std::string MaceProgramKey(const std::string& program, const std::string& options);
// "CL_PLATFORM_NAME, CL_PLATFORM_PROFILE, CL_PLATFORM_VERSION, MACE version" as MACE composes it;
// without the version part when `mace_version` is empty (MACE releases before the version was added).
std::string MacePlatformInfo(const std::string& name, const std::string& profile, const std::string& version,
                             const std::string& mace_version);
// The device name MACE records: for "QUALCOMM Adreno(TM)" the CL_DEVICE_VERSION after its second
// space, for a name with "Mali" or "PowerVR" the name itself, else empty (a GPU MACE does not know).
std::string MaceDeviceName(const std::string& device_name, const std::string& device_version);
// The local size of the first `dims` axes, then MACE's block (0: the kernel is not split).
std::vector<uint32_t> MaceTunedValues(uint32_t dims, const std::array<uint32_t, 3>& lws);

}  // namespace mace_tune
