// SPDX-License-Identifier: Apache-2.0
// What a run learns about the device besides its evaluations: readings of clocks and temperature
// (tuner/device_state.h reads them) and the cool-down waited before a tuning key. Plain values that
// the tuner makes and the store keeps.
#pragma once

#include <optional>
#include <string>

namespace mace_tune {

// One reading of what the platform exposes about clocks and temperature.
struct DeviceReading {
  std::string source;  // "nvidia-smi", or the sysfs file read, e.g. /sys/class/devfreq/X/cur_freq
  std::optional<double> clock_mhz, temperature_c;
  std::string raw;  // the text read, as read
};

// The cool-down before one tuning key (`tune --cool-down`, `--cool-down-temp`).
struct CoolDown {
  double slept_s = 0;                 // the fixed sleep of --cool-down
  double waited_s = 0;                // waiting for the temperature to drop below threshold_c
  std::optional<double> threshold_c;  // --cool-down-temp; nullopt when not asked for
  std::optional<double> temperature_before_c, temperature_after_c;
  std::optional<bool> reached;  // below the threshold before the cap; nullopt without a threshold
                                // or a temperature to read
  std::string source;           // where the temperature came from
};

}  // namespace mace_tune
