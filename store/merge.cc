// SPDX-License-Identifier: Apache-2.0
// Merging stores with SQL over an ATTACHed source: rows are mapped by their natural keys
// (fingerprint id, tuning key, family + params, run identity), never by row ids, which differ
// from file to file. One immediate transaction: a failure leaves DEST as it was.
#include "store/merge.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "store/sqlite_db.h"
#include "store/store.h"
#include "store/store_schema.h"
#include "store/tables.h"

namespace mace_tune {
namespace {

namespace fs = std::filesystem;

// DEST run matching SRC run `s` (whose device maps through temp.merge_dev `md`), or NULL.
constexpr const char* kMatchRun =
    "(SELECT d.id FROM main.runs d WHERE d.device_id = md.dst_id AND d.started_at = s.started_at "
    "AND d.command IS s.command AND d.tool_version IS s.tool_version AND d.workload IS s.workload "
    "AND d.strategy IS s.strategy AND d.seed IS s.seed ORDER BY d.id LIMIT 1)";

constexpr const char* kMatchMeasurement =
    "(SELECT d.id FROM main.measurements d WHERE d.device_id = mm.device_id AND "
    "d.instance_id = mm.instance_id AND d.config_id = mm.config_id AND "
    "d.source_digest = mm.source_digest)";

// The row-id maps SRC -> DEST live in per-connection temp tables for the length of one merge.
constexpr const char* kDropMaps =
    "DROP TABLE IF EXISTS temp.merge_dev; DROP TABLE IF EXISTS temp.merge_inst;"
    "DROP TABLE IF EXISTS temp.merge_cfg; DROP TABLE IF EXISTS temp.merge_run;"
    "DROP TABLE IF EXISTS temp.merge_meas; DROP TABLE IF EXISTS temp.merge_final;";

// Detaches SRC when the merge is over, committed or not (DETACH fails inside a transaction).
class Attached {
 public:
  Attached(const detail::Db& db, const std::string& path) : db_(db) {
    detail::Statement attach = db_.Prepare("ATTACH DATABASE ?1 AS src");
    attach.BindText(1, path);
    attach.Run();
  }
  ~Attached() {
    try {
      db_.Exec("DETACH DATABASE src");
    } catch (...) {  // the connection closes right after; nothing to undo
    }
  }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;

 private:
  const detail::Db& db_;
};

// SRC as the merge reads it: the file itself at the current schema version, else a migrated copy
// beside DEST, removed again at the end.
class SchemaCopy {
 public:
  SchemaCopy(const std::string& src, const std::string& dest, int64_t version) : path_(src) {
    if (version >= Store::kSchemaVersion) return;
    std::string temp = dest + ".src.tmp.XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) throw StoreError(dest + ": merge: cannot create a temp copy of " + src);
    ::close(fd);
    temp_ = path_ = temp;
    detail::Db copy = detail::Db::CopyToFile(src, temp_);
    detail::PrepareSchema(copy);
  }
  ~SchemaCopy() {
    if (temp_.empty()) return;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((temp_ + suffix).c_str());
  }
  SchemaCopy(const SchemaCopy&) = delete;
  SchemaCopy& operator=(const SchemaCopy&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_, temp_;
};

int64_t Run(const detail::Db& db, const std::string& sql) {
  db.Exec(sql);
  return db.Changes();
}

void MapTables(const detail::Db& db, MergeReport* report) {
  db.Exec(kDropMaps);
  report->devices_added =
      Run(db, "INSERT INTO main.devices(" + detail::kDeviceColumns + ") SELECT " + detail::kDeviceColumns +
                  " FROM src.devices WHERE true ORDER BY id ON CONFLICT(fingerprint_id) DO NOTHING");
  using detail::kConfigColumns, detail::kInstanceColumns;
  db.Exec(
      "CREATE TEMP TABLE merge_dev AS SELECT s.id AS src_id, d.id AS dst_id FROM src.devices s "
      "JOIN main.devices d ON d.fingerprint_id = s.fingerprint_id;"
      "INSERT INTO main.instances(" +
      kInstanceColumns + ") SELECT " + kInstanceColumns +
      " FROM src.instances WHERE true ORDER BY id ON CONFLICT(tuning_key) DO NOTHING;"
      "CREATE TEMP TABLE merge_inst AS SELECT s.id AS src_id, d.id AS dst_id FROM src.instances s "
      "JOIN main.instances d ON d.tuning_key = s.tuning_key;"
      "INSERT INTO main.configs(" +
      kConfigColumns + ") SELECT " + kConfigColumns +
      " FROM src.configs WHERE true ORDER BY id ON CONFLICT(family, params) DO NOTHING;"
      "CREATE TEMP TABLE merge_cfg AS SELECT s.id AS src_id, d.id AS dst_id FROM src.configs s "
      "JOIN main.configs d ON d.family = s.family AND d.params = s.params;");
}

void MergeRuns(const detail::Db& db, MergeReport* report) {
  const std::string match = kMatchRun;
  db.Exec("CREATE TEMP TABLE merge_run AS SELECT s.id AS src_id, " + match +
          " AS dst_id FROM src.runs s JOIN temp.merge_dev md ON md.src_id = s.device_id");
  report->runs_added =
      Run(db, "INSERT INTO main.runs(" + detail::kRunColumns +
                  ") SELECT s.started_at, s.finished_at, "
                  "s.tool_version, md.dst_id, s.workload, s.strategy, s.seed, s.max_evals, s.time_limit_s, "
                  "s.command, s.status FROM src.runs s JOIN temp.merge_run r ON r.src_id = s.id "
                  "JOIN temp.merge_dev md ON md.src_id = s.device_id WHERE r.dst_id IS NULL ORDER BY s.id");
  db.Exec("UPDATE temp.merge_run AS r SET dst_id = " + match +
          " FROM src.runs s JOIN temp.merge_dev md ON md.src_id = s.device_id "
          "WHERE s.id = r.src_id AND r.dst_id IS NULL");
  // A run cut off on the target may have finished there since the last merge.
  report->runs_updated = Run(db,
                             "UPDATE main.runs AS d SET status = s.status, finished_at = s.finished_at "
                             "FROM src.runs s JOIN temp.merge_run r ON r.src_id = s.id "
                             "WHERE d.id = r.dst_id AND d.status = 'running' AND s.status <> 'running'");
}

void MergeMeasurements(const detail::Db& db, MergeReport* report) {
  const std::string match = kMatchMeasurement;
  db.Exec(
      "CREATE TEMP TABLE merge_meas AS SELECT s.id AS src_id, md.dst_id AS device_id, "
      "mi.dst_id AS instance_id, mc.dst_id AS config_id, s.source_digest AS source_digest, "
      "NULL AS dst_id, 0 AS is_new FROM src.measurements s "
      "JOIN temp.merge_dev md ON md.src_id = s.device_id "
      "JOIN temp.merge_inst mi ON mi.src_id = s.instance_id "
      "JOIN temp.merge_cfg mc ON mc.src_id = s.config_id");
  db.Exec("UPDATE temp.merge_meas AS mm SET dst_id = " + match);
  report->measurements_identical = db.QueryInt64(
      "SELECT COUNT(*) FROM temp.merge_meas mm JOIN src.measurements s ON s.id = mm.src_id "
      "JOIN main.measurements d ON d.id = mm.dst_id "
      "WHERE d.status = s.status AND d.median_ns IS s.median_ns");
  report->measurements_conflicting =
      db.QueryInt64("SELECT COUNT(*) FROM temp.merge_meas WHERE dst_id IS NOT NULL") - report->measurements_identical;
  report->measurements_added =
      Run(db, "INSERT INTO main.measurements(" + detail::kMeasurementColumns +
                  ") SELECT mm.device_id, mm.instance_id, mm.config_id, mm.source_digest, "
                  "r.dst_id, s.status, s.reason, s.median_ns, s.min_ns, s.max_ns, s.mad_ns, s.num_samples, "
                  "s.max_error, s.build_ms, s.eval_ms, s.created_at FROM temp.merge_meas mm "
                  "JOIN src.measurements s ON s.id = mm.src_id LEFT JOIN temp.merge_run r ON r.src_id = s.run_id "
                  "WHERE mm.dst_id IS NULL ORDER BY s.id");
  db.Exec("UPDATE temp.merge_meas AS mm SET is_new = 1, dst_id = " + match + " WHERE mm.dst_id IS NULL");
  report->samples_added = Run(db, "INSERT INTO main.samples(" + detail::kSampleColumns +
                                      ") SELECT mm.dst_id, s.idx, s.ns "
                                      "FROM src.samples s JOIN temp.merge_meas mm ON mm.src_id = s.measurement_id "
                                      "WHERE mm.is_new = 1");
  report->default_configs_added = Run(db, "INSERT INTO main.default_configs(" + detail::kDefaultConfigColumns +
                                              ") "
                                              "SELECT md.dst_id, mi.dst_id, mc.dst_id FROM src.default_configs s "
                                              "JOIN temp.merge_dev md ON md.src_id = s.device_id "
                                              "JOIN temp.merge_inst mi ON mi.src_id = s.instance_id "
                                              "JOIN temp.merge_cfg mc ON mc.src_id = s.config_id "
                                              "WHERE true ON CONFLICT(device_id, instance_id) DO NOTHING");
}

// Rows that belong to a run: keyed by (run, ...) in DEST, so ON CONFLICT DO NOTHING makes a second
// merge add nothing. A final re-measurement maps by (run, instance, config).
void MergeRunRows(const detail::Db& db, MergeReport* report) {
  report->finals_added =
      Run(db, "INSERT INTO main.final_measurements(" + detail::kFinalColumns +
                  ") SELECT r.dst_id, mi.dst_id, "
                  "mc.dst_id, s.source_digest, s.slot, s.first_median_ns, s.median_ns, s.num_samples, "
                  "s.winner, s.created_at FROM src.final_measurements s "
                  "JOIN temp.merge_run r ON r.src_id = s.run_id "
                  "JOIN temp.merge_inst mi ON mi.src_id = s.instance_id "
                  "JOIN temp.merge_cfg mc ON mc.src_id = s.config_id "
                  "WHERE r.dst_id IS NOT NULL ORDER BY s.id "
                  "ON CONFLICT(run_id, instance_id, config_id) DO NOTHING");
  db.Exec(
      "CREATE TEMP TABLE merge_final AS SELECT s.id AS src_id, d.id AS dst_id "
      "FROM src.final_measurements s JOIN temp.merge_run r ON r.src_id = s.run_id "
      "JOIN temp.merge_inst mi ON mi.src_id = s.instance_id "
      "JOIN temp.merge_cfg mc ON mc.src_id = s.config_id "
      "JOIN main.final_measurements d ON d.run_id = r.dst_id AND d.instance_id = mi.dst_id "
      "AND d.config_id = mc.dst_id");
  report->final_samples_added =
      Run(db, "INSERT INTO main.final_samples(" + detail::kFinalSampleColumns +
                  ") SELECT mf.dst_id, s.round, s.ns "
                  "FROM src.final_samples s JOIN temp.merge_final mf ON mf.src_id = s.final_id "
                  "WHERE true ON CONFLICT(final_id, round) DO NOTHING");
  report->device_states_added =
      Run(db, "INSERT INTO main.device_states(" + detail::kDeviceStateColumns +
                  ") SELECT r.dst_id, s.phase, s.idx, s.source, s.clock_mhz, s.temperature_c, "
                  "s.raw, s.read_at FROM src.device_states s JOIN temp.merge_run r ON r.src_id = s.run_id "
                  "WHERE r.dst_id IS NOT NULL ON CONFLICT(run_id, phase, idx) DO NOTHING");
  report->cool_downs_added =
      Run(db, "INSERT INTO main.cool_downs(" + detail::kCoolDownColumns +
                  ") SELECT r.dst_id, mi.dst_id, s.slept_s, s.waited_s, s.threshold_c, "
                  "s.temperature_before_c, s.temperature_after_c, s.reached, s.source, s.created_at "
                  "FROM src.cool_downs s JOIN temp.merge_run r ON r.src_id = s.run_id "
                  "JOIN temp.merge_inst mi ON mi.src_id = s.instance_id "
                  "WHERE r.dst_id IS NOT NULL ON CONFLICT(run_id, instance_id) DO NOTHING");
  report->descriptions_added = Run(db, "INSERT INTO main.kernel_descriptions(" + detail::kDescriptionColumns +
                                           ") SELECT " + detail::kDescriptionColumns +
                                           " FROM src.kernel_descriptions "
                                           "WHERE true ON CONFLICT(source_digest) DO NOTHING");
}

}  // namespace

MergeReport MergeStores(const std::string& dest_path, const std::string& src_path) {
  std::error_code ec;
  if (!fs::is_regular_file(src_path, ec)) {
    throw StoreError(src_path + ": merge: no such database file");
  }
  if (fs::exists(dest_path, ec) && fs::equivalent(dest_path, src_path, ec)) {
    throw StoreError(src_path + ": merge: source and destination are the same file");
  }
  // SRC is only ever read: refused (not a store, empty, newer) from a read-only connection, and an
  // older schema is migrated in a temporary copy, never in SRC itself.
  const detail::ReadOnlyLeftovers leftovers(src_path);
  const int64_t version = detail::ReadOnlySchemaVersion(src_path);
  const SchemaCopy copy(src_path, dest_path, version);
  detail::Db db = detail::OpenStoreFile(dest_path);
  MergeReport report;
  Attached attached(db, copy.path());
  {
    detail::Transaction tx(db);
    MapTables(db, &report);
    MergeRuns(db, &report);
    MergeMeasurements(db, &report);
    MergeRunRows(db, &report);
    tx.Commit();
  }
  db.Exec(kDropMaps);
  return report;
}

}  // namespace mace_tune
