// SPDX-License-Identifier: Apache-2.0
// The cool-down before each tuning key, for phones (`tune --cool-down`, `--cool-down-temp`): a fixed
// sleep, then waiting for the hottest GPU temperature (tuner/device_state.h) to drop below a
// threshold, under a cap; every wait ends early when the run is stopped.
#pragma once

#include <functional>

#include "results/device_reading.h"

namespace mace_tune {

struct CoolDownOptions {
  double sleep_s = 0;       // before each key but the first
  double temp_c = 0;        // > 0: then poll until the hottest GPU is below this
  double max_wait_s = 600;  // the cap on that wait
  double poll_s = 1;        // between temperature readings

  bool asked() const { return sleep_s > 0 || temp_c > 0; }
};

CoolDown CoolDownBefore(const CoolDownOptions& options, bool first_key, const std::function<bool()>& stopped);

}  // namespace mace_tune
