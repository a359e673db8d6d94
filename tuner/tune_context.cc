// SPDX-License-Identifier: Apache-2.0
// Opening a device for tuning.
#include "tuner/tune_context.h"

#include <stdexcept>

namespace mace_tune {

TuneContext OpenDevice(const std::string& platform_filter, const std::string& device_filter) {
  TuneContext ctx;
  ctx.entry = SelectDevice(platform_filter, device_filter);
  ctx.context = CreateContext(ctx.entry.device);
  ctx.queue = CreateQueue(ctx.context.get(), ctx.entry.device, /*profiling=*/true);
  Status status = QueryFingerprint(ctx.entry.device, &ctx.fingerprint);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  status = QueryDeviceLimits(ctx.entry.device, &ctx.limits);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  ctx.profile = MatchProfile(ctx.fingerprint);
  return ctx;
}

}  // namespace mace_tune
