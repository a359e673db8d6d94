// SPDX-License-Identifier: Apache-2.0
// `mace_tune inspect`: either release artifact described in words for a person, or as JSON for
// scripts. Reads through the runtime's own reader, so what it shows is what an app would load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mace_tune/status.h"

namespace mace_tune {

// The description, or an empty string with *status set when the bytes are not a valid
// artifact (status may be nullptr). JSON output is one object; text output ends in a newline.
std::string DescribeArtifact(const std::vector<uint8_t>& bytes, bool json, Status* status);

}  // namespace mace_tune
