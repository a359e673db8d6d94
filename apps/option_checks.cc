// SPDX-License-Identifier: Apache-2.0
// Numeric option validators (option_checks.h).
#include "apps/option_checks.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace mace_tune::cli {

CLI::Validator Within(double lo, double hi, bool integer) {
  const std::string range = fmt::format("{} to {}", lo, hi);
  return CLI::Validator(
      [lo, hi, integer, range](std::string& text) -> std::string {
        if (text.empty()) return "an empty value; expected a number from " + range;
        const bool plain = text.find_first_not_of("+-0123456789") == std::string::npos;
        if (integer && !plain) return "'" + text + "' is not a whole number (expected " + range + ")";
        char* end = nullptr;
        errno = 0;
        const double value = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) {
          return "'" + text + "' is not a finite number (expected " + range + ")";
        }
        if (value < lo || value > hi) return text + " is out of range (expected " + range + ")";
        return std::string();
      },
      "NUMBER in [" + range + "]");
}

}  // namespace mace_tune::cli
