// SPDX-License-Identifier: Apache-2.0
// One tuning key of a run (Tune() in tuner.cc calls it for each): the cool-down, the default and
// extra configs, the strategy's search under the stop conditions, the final re-measurement. Each
// config is measured once: one already in the store is recalled, never measured again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "store/store.h"
#include "tuner/build_pool.h"
#include "tuner/program_cache.h"
#include "tuner/tune_context.h"
#include "tuner/tune_reporter.h"
#include "tuner/tuner.h"

namespace mace_tune {

// What a run shares with each of its keys.
struct TuneRun {
  TuneContext& ctx;
  Store& store;
  const TuneRequest& request;
  std::function<bool()> stopped;  // polled between evaluations
  int64_t device_id = 0;
  ProgramCache& cache;
  BuildPool* pool = nullptr;  // the build jobs' workers; null without them
  TuneReporter* reporter = nullptr;
  TuneReport& report;  // run-wide counts and overhead, added to as the key goes
};

// Key `index` of the request's workload; nullopt when the run was stopped before the key's default
// config was measured (the run then ends without it).
std::optional<InstanceReport> TuneInstance(TuneRun& run, size_t index);

}  // namespace mace_tune
