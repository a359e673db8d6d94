// SPDX-License-Identifier: Apache-2.0
// What the platform exposes about clocks and temperature, read at the start and end of a run and
// polled by the cool-down: nvidia-smi when present, Android/Linux devfreq (GPU frequency), the
// Adreno kgsl files and the GPU thermal zones. Read-only; nothing when nothing is exposed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/device_reading.h"

namespace mace_tune {

// MACE_TUNE_SYSFS_ROOT, when set, replaces /sys (and turns nvidia-smi off) so that tests can
// point the readers at files they write.
constexpr const char* kSysfsRootEnv = "MACE_TUNE_SYSFS_ROOT";

// One reading per source: each nvidia-smi GPU line, /sys/class/devfreq/*/cur_freq,
// /sys/class/kgsl/kgsl-3d0/{gpuclk,temp}, /sys/class/thermal/thermal_zone*/temp whose type names
// a GPU. Clocks in MHz, temperatures in degrees C (millidegree files are scaled).
std::vector<DeviceReading> ReadDeviceReadings();

// The hottest GPU temperature among the readings, with its source; nullopt when none is exposed.
std::optional<DeviceReading> HottestGpu(const std::vector<DeviceReading>& readings);

// One line, e.g. "nvidia-smi: 1980 MHz, 41 C; /sys/class/devfreq/3d00000.gpu/cur_freq: 585 MHz".
std::string FormatDeviceState(const std::vector<DeviceReading>& readings);

}  // namespace mace_tune
