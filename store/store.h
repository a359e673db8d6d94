// SPDX-License-Identifier: Apache-2.0
// The SQLite results store (DESIGN.md "SQLite store"): one file per campaign holding devices, runs,
// kernel instances, configs and every measurement with all its samples, failures included.
// Uniqueness on (device, instance, config, source digest) makes resume and merging idempotent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mace_tune/fingerprint.h"
#include "results/device_reading.h"
#include "results/measurement.h"
#include "store/sqlite_db.h"

namespace mace_tune {

// What a tuning run was asked to do; stored in `runs` so that a result can be reproduced.
struct RunInfo {
  std::string tool_version, workload, strategy, command;
  uint64_t seed = 0;
  int64_t max_evals = 0;
  double time_limit_s = 0;
};

// "running", "done", "interrupted", "failed".
extern const char* const kRunStatuses[4];

// One config of a final interleaved re-measurement (A B C A B C ...) of a key's top-k.
struct FinalResult {
  std::string params;
  int slot = 0;                    // its place in each round: 0 ran first (A), 1 second (B) ...
  double first_median_ns = 0;      // from its evaluation
  std::vector<double> samples_ns;  // one per round; empty when it failed in the re-measurement
  double median_ns = 0;            // of samples_ns; 0 (NULL in SQL) when empty
  bool winner = false;             // at most one per (run, key)
};

struct InstanceSummary {
  std::string tuning_key, family;
  double flops = 0, bytes = 0;
  std::optional<Measurement> best;            // lowest median among ok measurements
  std::optional<Measurement> default_config;  // the default config's measurement, if measured
  int64_t evaluated = 0, failed = 0;
};

// Store::Claim's answer: this process measures it, it is recorded already, or another live tune
// process is measuring it now (ask again later).
enum class ClaimResult { kClaimed, kRecorded, kBusy };

struct DeviceRow {
  int64_t id = 0;
  DeviceFingerprint fingerprint;
  std::string profile;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 3;

  // Creates the file or migrates it to kSchemaVersion. Refuses (StoreError, file untouched) a file
  // that is not SQLite, another application's database, or a newer schema than this code knows.
  static Store Open(const std::string& path);
  // For readers: an in-memory copy of an existing file, migrated there; the file is not written.
  static Store OpenCopy(const std::string& path);

  // Idempotent: the same fingerprint Id() returns the existing id (its profile is updated).
  int64_t AddDevice(const DeviceFingerprint& f, const std::string& profile);
  std::vector<DeviceRow> Devices() const;

  int64_t BeginRun(int64_t device_id, const RunInfo& info);
  // status: "done", "interrupted" or "failed"; sets finished_at.
  void FinishRun(int64_t run_id, const std::string& status);
  // The harness overhead per evaluation, part by part (TuneReport::OverheadBreakdown), with the run.
  void SetRunOverhead(int64_t run_id, const std::string& breakdown);

  // Idempotent; a second call updates family, flops and bytes.
  void AddInstance(const std::string& tuning_key, const std::string& family, double flops, double bytes);

  // Stored measurement of exactly this (device, key, config, digest), if any (with its samples).
  std::optional<Measurement> Find(int64_t device_id, const std::string& tuning_key, const std::string& params,
                                  const std::string& source_digest) const;
  // Inserts the measurement and all its samples in one committed transaction (durable once it
  // returns, even if the process is killed). Returns false and changes nothing if that (device,
  // instance, config, digest) is already recorded. An unknown instance is added without
  // flops/bytes. Timing columns are stored as NULL for a failure without samples.
  bool Record(int64_t device_id, const Measurement& m);
  void SetDefaultConfig(int64_t device_id, const std::string& tuning_key, const std::string& params);

  // Claims (store_claims.cc): before measuring a config, a tune process claims it, so a second
  // process on the same file waits for that result instead of measuring it again. A claim of a
  // process that is gone (or older than 15 minutes) is taken over. Record drops the claim of what
  // it records; ReleaseClaims drops every claim of this process.
  ClaimResult Claim(int64_t device_id, const std::string& tuning_key, const std::string& params,
                    const std::string& source_digest);
  void ReleaseClaims();

  // All measurements of a key on a device, in insertion order, with their samples.
  std::vector<Measurement> Measurements(int64_t device_id, const std::string& tuning_key) const;
  // Per instance measured on this device, in insertion order: best ok measurement (lowest median,
  // over every source digest) and the default config's (latest ok one, else latest).
  std::vector<InstanceSummary> Summaries(int64_t device_id) const;

  // The final re-measurement of a key in a run, entries in any order, all with this source digest.
  // Configs not yet in `configs` are added. Throws StoreError for a second winner or an unknown
  // key; recording the same (run, key, config) again changes nothing.
  void RecordFinal(int64_t run_id, const std::string& tuning_key, const std::string& family,
                   const std::string& source_digest, const std::vector<FinalResult>& results);
  // What RecordFinal stored for (run, key), in slot order, with the samples in round order.
  std::vector<FinalResult> Finals(int64_t run_id, const std::string& tuning_key) const;
  // The ok measurement of the config that won the final re-measurement of `tuning_key` with this
  // source digest on this device, in the latest such run (by started_at, then id); nullopt if none.
  std::optional<Measurement> FinalWinner(int64_t device_id, const std::string& tuning_key,
                                         const std::string& source_digest) const;

  // phase: "start" or "end". Readings keep their order (idx 0, 1, ...).
  void RecordDeviceState(int64_t run_id, const std::string& phase, const std::vector<DeviceReading>& readings);
  std::vector<DeviceReading> DeviceStates(int64_t run_id, const std::string& phase) const;
  void RecordCoolDown(int64_t run_id, const std::string& tuning_key, const CoolDown& c);
  std::optional<CoolDown> FindCoolDown(int64_t run_id, const std::string& tuning_key) const;

  // A user kernel's description (the DESC encoding, its source included) under the digest its
  // measurements carry; idempotent.
  void AddDescription(const std::string& source_digest, const std::string& family,
                      const std::vector<uint8_t>& description);
  // Every stored description: (source digest, encoding), newest first.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> Descriptions() const;

  // Rows in one of the store's tables (throws StoreError for any other name).
  int64_t CountRows(const std::string& table) const;
  const std::string& path() const { return db_.path(); }

 private:
  explicit Store(detail::Db db) : db_(std::move(db)) {}

  bool Insert(int64_t device_id, const Measurement& m);  // Record without the claim
  void ReleaseClaim(int64_t device_id, const Measurement& m);
  int64_t InstanceId(const std::string& tuning_key) const;  // 0 if unknown
  int64_t EnsureConfig(const std::string& family, const std::string& params);
  void LoadSamples(int64_t measurement_id, Measurement* m) const;

  detail::Db db_;
};

}  // namespace mace_tune
