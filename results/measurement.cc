// SPDX-License-Identifier: Apache-2.0
// The names of the measurement statuses: the one table between the typed status and the text the
// store and the worker's pipe carry.
#include "results/measurement.h"

#include <ostream>

namespace mace_tune {

const char* MeasurementStatusName(MeasurementStatus status) {
  switch (status) {
    case MeasurementStatus::kOk:
      return "ok";
    case MeasurementStatus::kBuildFailed:
      return "build_failed";
    case MeasurementStatus::kLaunchFailed:
      return "launch_failed";
    case MeasurementStatus::kWrongResult:
      return "wrong_result";
    case MeasurementStatus::kTimeout:
      return "timeout";
    case MeasurementStatus::kInvalid:
      return "invalid";
  }
  return nullptr;
}

std::optional<MeasurementStatus> ParseMeasurementStatus(std::string_view name) {
  for (MeasurementStatus s : kMeasurementStatusValues) {
    if (name == MeasurementStatusName(s)) return s;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, MeasurementStatus status) {
  const char* name = MeasurementStatusName(status);
  return out << (name != nullptr ? name : "unknown");
}

}  // namespace mace_tune
