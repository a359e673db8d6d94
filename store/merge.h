// SPDX-License-Identifier: Apache-2.0
// `mace_tune merge`: folds the results of other databases (another device, a phone, a farm
// worker) into one. Idempotent: a (device fingerprint, tuning key, config, source digest) already
// present is never added again, so merging the same file twice changes nothing.
#pragma once

#include <cstdint>
#include <string>

namespace mace_tune {

struct MergeReport {
  int64_t devices_added = 0, runs_added = 0, runs_updated = 0;
  int64_t measurements_added = 0, samples_added = 0;
  int64_t measurements_identical = 0;    // already in DEST with the same status and median
  int64_t measurements_conflicting = 0;  // already in DEST with other values: DEST's are kept
  int64_t default_configs_added = 0;
  int64_t finals_added = 0, final_samples_added = 0;  // final interleaved re-measurements
  int64_t device_states_added = 0, cool_downs_added = 0;
  int64_t descriptions_added = 0;  // users' kernel descriptions (kernel_descriptions)
};

// Merges the store at `src_path` into the store at `dest_path` (created if missing) in one
// transaction: either everything of SRC is in DEST afterwards, or nothing changed. Devices are
// matched by fingerprint id (never by row id), so different devices stay apart; runs are matched
// by (device, started_at, command, tool version, workload, strategy, seed) and a run that was
// still "running" in DEST takes SRC's later status. The rows of a run (final re-measurements and
// their samples, device states, cool-downs) follow their run and are added once. Throws StoreError (SRC missing, not a
// mace_tune store, newer schema, same file as DEST).
MergeReport MergeStores(const std::string& dest_path, const std::string& src_path);

}  // namespace mace_tune
