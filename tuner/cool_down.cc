// SPDX-License-Identifier: Apache-2.0
// The cool-down's sleep and temperature wait, in short slices so that a stop is noticed.
#include "tuner/cool_down.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "tuner/device_state.h"

namespace mace_tune {
namespace {

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Sleeps up to `seconds` in short slices; false when stopped first.
bool SleepUnlessStopped(double seconds, const std::function<bool()>& stopped) {
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < until) {
    if (stopped()) return false;
    const Clock::duration left = until - Clock::now();
    std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return true;
}

}  // namespace

CoolDown CoolDownBefore(const CoolDownOptions& options, bool first_key, const std::function<bool()>& stopped) {
  CoolDown c;
  if (options.sleep_s > 0 && !first_key) {
    const auto start = Clock::now();
    SleepUnlessStopped(options.sleep_s, stopped);
    c.slept_s = SecondsSince(start);
  }
  if (options.temp_c <= 0) return c;
  c.threshold_c = options.temp_c;
  auto hottest = HottestGpu(ReadDeviceReadings());
  if (!hottest) return c;  // nothing exposes a temperature: reached stays unknown
  c.source = hottest->source;
  c.temperature_before_c = hottest->temperature_c;
  const auto start = Clock::now();
  while (hottest && *hottest->temperature_c >= options.temp_c && SecondsSince(start) < options.max_wait_s) {
    const double left = options.max_wait_s - SecondsSince(start);
    if (!SleepUnlessStopped(std::min(options.poll_s, left), stopped)) break;
    hottest = HottestGpu(ReadDeviceReadings());
  }
  c.waited_s = SecondsSince(start);
  if (hottest) {
    c.source = hottest->source;
    c.temperature_after_c = hottest->temperature_c;
  }
  c.reached = hottest && *hottest->temperature_c < options.temp_c;
  return c;
}

}  // namespace mace_tune
