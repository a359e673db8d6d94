// What the platform exposes about clocks and temperature, read at the start and end of a run:
// nvidia-smi when present, Android/Linux devfreq (GPU frequency) and thermal zones. Read-only;
// an empty string when nothing is exposed.
#pragma once

#include <string>

namespace mace_tune {

// One line, e.g. "nvidia-smi: 1980 MHz, 2619 MHz, 41 C; devfreq 3d00000.gpu: 585000000 Hz".
std::string ReadDeviceState();

}  // namespace mace_tune
