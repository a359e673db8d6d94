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
#include "sqlite_db.h"

namespace mace_tune {

// What a tuning run was asked to do; stored in `runs` so that a result can be reproduced.
struct RunInfo {
  std::string tool_version, workload, strategy, command;
  uint64_t seed = 0;
  int64_t max_evals = 0;
  double time_limit_s = 0;
};

// One evaluated config. status is one of kMeasurementStatuses; failures carry a reason.
struct Measurement {
  std::string tuning_key, family, params, source_digest;
  std::string status = "ok";
  std::string reason;
  std::vector<double> samples_ns;  // every sample kept
  double median_ns = 0, min_ns = 0, max_ns = 0, mad_ns = 0, max_error = 0, build_ms = 0,
         eval_ms = 0;
  int64_t run_id = 0;  // 0: recorded outside a run
};

// "ok", "build_failed", "launch_failed", "wrong_result", "timeout", "invalid" (docs/database.md).
extern const char* const kMeasurementStatuses[6];
// "running", "done", "interrupted", "failed".
extern const char* const kRunStatuses[4];

struct InstanceSummary {
  std::string tuning_key, family;
  double flops = 0, bytes = 0;
  std::optional<Measurement> best;            // lowest median among ok measurements
  std::optional<Measurement> default_config;  // the default config's measurement, if measured
  int64_t evaluated = 0, failed = 0;
};

struct DeviceRow {
  int64_t id = 0;
  DeviceFingerprint fingerprint;
  std::string profile;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 1;

  // Creates the file or migrates it to kSchemaVersion. Refuses (StoreError, file untouched) a file
  // that is not SQLite, another application's database, or a newer schema than this code knows.
  static Store Open(const std::string& path);

  // Idempotent: the same fingerprint Id() returns the existing id (its profile is updated).
  int64_t AddDevice(const DeviceFingerprint& f, const std::string& profile);
  std::vector<DeviceRow> Devices() const;

  int64_t BeginRun(int64_t device_id, const RunInfo& info);
  // status: "done", "interrupted" or "failed"; sets finished_at.
  void FinishRun(int64_t run_id, const std::string& status);

  // Idempotent; a second call updates family, flops and bytes.
  void AddInstance(const std::string& tuning_key, const std::string& family, double flops,
                   double bytes);

  // Stored measurement of exactly this (device, key, config, digest), if any (with its samples).
  std::optional<Measurement> Find(int64_t device_id, const std::string& tuning_key,
                                  const std::string& params,
                                  const std::string& source_digest) const;
  // Inserts the measurement and all its samples in one committed transaction (durable once it
  // returns, even if the process is killed). Returns false and changes nothing if that (device,
  // instance, config, digest) is already recorded. An unknown instance is added without
  // flops/bytes. Timing columns are stored as NULL for a failure without samples.
  bool Record(int64_t device_id, const Measurement& m);
  void SetDefaultConfig(int64_t device_id, const std::string& tuning_key,
                        const std::string& params);

  // All measurements of a key on a device, in insertion order, with their samples.
  std::vector<Measurement> Measurements(int64_t device_id, const std::string& tuning_key) const;
  // Per instance measured on this device, in insertion order: best ok measurement (lowest median,
  // over every source digest) and the default config's (latest ok one, else latest).
  std::vector<InstanceSummary> Summaries(int64_t device_id) const;

  // Rows in one of the store's tables (throws StoreError for any other name).
  int64_t CountRows(const std::string& table) const;
  const std::string& path() const { return db_.path(); }

 private:
  explicit Store(detail::Db db) : db_(std::move(db)) {}

  int64_t InstanceId(const std::string& tuning_key) const;  // 0 if unknown
  int64_t EnsureConfig(const std::string& family, const std::string& params);
  void LoadSamples(int64_t measurement_id, Measurement* m) const;

  detail::Db db_;
};

}  // namespace mace_tune
