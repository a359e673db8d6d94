// SPDX-License-Identifier: Apache-2.0
// The store's schema, version by version, and the checks made before the first write to a file.
// A new schema version appends one step to kMigrations; nothing else changes here.
#include "store/store_schema.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <string>

#include "store/store.h"

#ifndef MACE_TUNE_STORE_WRITER
#define MACE_TUNE_STORE_WRITER "mace_tune"
#endif

namespace mace_tune {
namespace detail {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int64_t kApplicationId = 0x4D54554E;  // "MTUN" in PRAGMA application_id
constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

// Schema version 1: the first one. Status lists are CHECKed so a typo cannot slip into the data.
void CreateV1(const Db& db) {
  db.Exec(R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE devices(
  id INTEGER PRIMARY KEY, fingerprint_id TEXT UNIQUE NOT NULL,
  platform_name TEXT, platform_version TEXT, device_name TEXT, device_vendor TEXT,
  driver_version TEXT, opencl_c_version TEXT, compute_units INTEGER, max_work_group_size INTEGER,
  local_mem_size INTEGER, global_mem_size INTEGER, profile TEXT);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, tool_version TEXT,
  device_id INTEGER NOT NULL REFERENCES devices(id), workload TEXT, strategy TEXT, seed INTEGER,
  max_evals INTEGER, time_limit_s REAL, command TEXT,
  status TEXT NOT NULL CHECK(status IN ('running','done','interrupted','failed')));
CREATE TABLE instances(
  id INTEGER PRIMARY KEY, tuning_key TEXT UNIQUE NOT NULL, family TEXT, flops REAL, bytes REAL);
CREATE TABLE configs(
  id INTEGER PRIMARY KEY, family TEXT NOT NULL, params TEXT NOT NULL, UNIQUE(family, params));
CREATE TABLE measurements(
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  config_id INTEGER NOT NULL REFERENCES configs(id),
  source_digest TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id),
  status TEXT NOT NULL CHECK(status IN
    ('ok','build_failed','launch_failed','wrong_result','timeout','invalid')),
  reason TEXT, median_ns REAL, min_ns REAL, max_ns REAL, mad_ns REAL, num_samples INTEGER,
  max_error REAL, build_ms REAL, eval_ms REAL, created_at TEXT NOT NULL,
  UNIQUE(device_id, instance_id, config_id, source_digest));
CREATE TABLE samples(
  measurement_id INTEGER NOT NULL REFERENCES measurements(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL, ns REAL, PRIMARY KEY(measurement_id, idx)) WITHOUT ROWID;
CREATE TABLE default_configs(
  device_id INTEGER NOT NULL REFERENCES devices(id),
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  config_id INTEGER NOT NULL REFERENCES configs(id),
  PRIMARY KEY(device_id, instance_id));
)sql");
  db.Exec(
      fmt::format("INSERT INTO meta(key, value) VALUES ('application', 'mace_tune'), ('created_at', {}), "
                  "('created_by', '{}')",
                  kNow, MACE_TUNE_STORE_WRITER));
}

// Schema version 2: what a run learnt besides the evaluations. The interleaved re-measurement of
// the top-k (every round-robin sample and which config won), the clocks and temperatures read at
// the start and end of a run, and the cool-down waits before each tuning key.
void V1ToV2(const Db& db) {
  db.Exec(R"sql(
CREATE TABLE final_measurements(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  config_id INTEGER NOT NULL REFERENCES configs(id),
  source_digest TEXT NOT NULL,
  slot INTEGER NOT NULL, first_median_ns REAL, median_ns REAL, num_samples INTEGER NOT NULL,
  winner INTEGER NOT NULL CHECK(winner IN (0, 1)), created_at TEXT NOT NULL,
  UNIQUE(run_id, instance_id, config_id));
CREATE UNIQUE INDEX final_measurements_one_winner ON final_measurements(run_id, instance_id)
  WHERE winner = 1;
CREATE TABLE final_samples(
  final_id INTEGER NOT NULL REFERENCES final_measurements(id) ON DELETE CASCADE,
  round INTEGER NOT NULL, ns REAL, PRIMARY KEY(final_id, round)) WITHOUT ROWID;
CREATE TABLE device_states(
  run_id INTEGER NOT NULL REFERENCES runs(id),
  phase TEXT NOT NULL CHECK(phase IN ('start','end')),
  idx INTEGER NOT NULL, source TEXT NOT NULL, clock_mhz REAL, temperature_c REAL, raw TEXT,
  read_at TEXT NOT NULL,
  PRIMARY KEY(run_id, phase, idx)) WITHOUT ROWID;
CREATE TABLE cool_downs(
  run_id INTEGER NOT NULL REFERENCES runs(id),
  instance_id INTEGER NOT NULL REFERENCES instances(id),
  slept_s REAL NOT NULL, waited_s REAL NOT NULL, threshold_c REAL,
  temperature_before_c REAL, temperature_after_c REAL, reached INTEGER CHECK(reached IN (0, 1)),
  source TEXT, created_at TEXT NOT NULL,
  PRIMARY KEY(run_id, instance_id)) WITHOUT ROWID;
)sql");
}

// Schema version 3: the descriptions of users' kernels (docs/user_kernels.md) that measurements
// were taken with, keyed by the digest that the measurements carry (their source and description
// together), so emit, report and merge work from the database alone; and where each run's harness
// time went (runs.overhead).
void V2ToV3(const Db& db) {
  db.Exec(R"sql(
ALTER TABLE runs ADD COLUMN overhead TEXT;
CREATE TABLE kernel_descriptions(
  source_digest TEXT PRIMARY KEY, family TEXT NOT NULL, description BLOB NOT NULL,
  created_at TEXT NOT NULL);
)sql");
}

// kMigrations[v] takes a database from schema version v to v + 1. Add new steps at the end.
using Migration = void (*)(const Db&);
constexpr Migration kMigrations[] = {CreateV1, V1ToV2, V2ToV3};
static_assert(std::size(kMigrations) == Store::kSchemaVersion, "one migration per version");

// What a file says it is, read in one read transaction: a store being created by another process
// commits its tables and its version together, so the three are never seen half-way.
struct FileHeader {
  int64_t version = 0;
  int64_t application_id = 0;
  int64_t objects = 0;  // entries in sqlite_master
};

FileHeader ReadHeader(const Db& db) {
  try {
    Transaction snapshot(db, Transaction::Mode::kDeferred);
    FileHeader h;
    h.version = db.QueryInt64("PRAGMA user_version");  // the first read of the file's header
    h.application_id = db.QueryInt64("PRAGMA application_id");
    h.objects = db.QueryInt64("SELECT COUNT(*) FROM sqlite_master");
    snapshot.Commit();
    return h;
  } catch (const StoreError& e) {
    if (e.code() != SQLITE_NOTADB) throw;
    throw StoreError(db.path() +
                         ": not a SQLite database (SQLite: file is not a database); "
                         "refusing to use it as a mace_tune store",
                     e.code());
  }
}

// Refusals happen before the first write, so a file that is not ours is left byte for byte.
void CheckOpenable(const std::string& path, const FileHeader& h) {
  if (h.application_id != kApplicationId && (h.application_id != 0 || h.version != 0)) {
    throw StoreError(
        fmt::format("{}: not a mace_tune database (application_id {:#x}, "
                    "user_version {})",
                    path, h.application_id, h.version));
  }
  if (h.version > Store::kSchemaVersion) {
    throw StoreError(fmt::format("{}: database schema version {} is newer than this mace_tune ({})", path, h.version,
                                 Store::kSchemaVersion));
  }
  if (h.version == 0 && h.objects > 0) {
    throw StoreError(path + ": a SQLite database of another application, not a mace_tune store");
  }
}

void Migrate(const Db& db) {
  Transaction tx(db);
  // Re-read under the write lock: another process may have migrated since we looked.
  const int64_t from = db.QueryInt64("PRAGMA user_version");
  if (from >= Store::kSchemaVersion) return;
  for (int64_t v = from; v < Store::kSchemaVersion; ++v) kMigrations[v](db);
  db.Exec(fmt::format("PRAGMA user_version = {}; PRAGMA application_id = {}", Store::kSchemaVersion, kApplicationId));
  db.Exec(
      fmt::format("INSERT INTO meta(key, value) VALUES ('schema_version', '{}') "
                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                  Store::kSchemaVersion));
  tx.Commit();
}

}  // namespace

namespace {

// A new store is built aside (schema, WAL mode) and linked into place whole, so no other process
// ever sees it half-made, and a failure removes only our own file, never one another process made.
// link() does not replace: when another process got there first, its store is the one used.
void CreateStoreFile(const std::string& path) {
  const std::string aside = fmt::format("{}.creating.{}", path, ::getpid());
  auto remove_aside = [&] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((aside + suffix).c_str());
  };
  remove_aside();  // left by a process of ours with this pid that was killed
  try {
    PrepareSchema(Db::Open(aside));  // closed here: the WAL is checkpointed into the file
  } catch (const StoreError&) {
    remove_aside();
    throw;
  }
  if (::link(aside.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    // A file system without hard links (FAT on an SD card): rename, unless the store appeared.
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 && ::rename(aside.c_str(), path.c_str()) != 0) {
      const int err = errno;
      remove_aside();
      throw StoreError(fmt::format("{}: cannot create the store: {}", path, std::strerror(err)));
    }
  }
  remove_aside();
}

}  // namespace

Db OpenStoreFile(const std::string& path) {
  struct stat info {};
  const bool existed = ::stat(path.c_str(), &info) == 0;
  if (existed && !S_ISREG(info.st_mode)) {
    throw StoreError(path + ": not a regular file; refusing to use it as a mace_tune store");
  }
  if (!existed) CreateStoreFile(path);
  Db db = Db::Open(path);
  PrepareSchema(db);
  return db;
}

int64_t ReadOnlySchemaVersion(const std::string& path) {
  const Db db = Db::OpenHandle(path, path.c_str(), SQLITE_OPEN_READONLY);
  const FileHeader header = ReadHeader(db);
  CheckOpenable(path, header);
  if (header.version == 0) throw StoreError(path + ": an empty file or database, not a mace_tune store");
  return header.version;
}

void PrepareSchema(const Db& db) {
  const std::string& path = db.path();
  db.SetBusyTimeout(kBusyTimeoutMs);
  const FileHeader header = ReadHeader(db);
  CheckOpenable(path, header);
  const std::string mode = db.QueryText("PRAGMA journal_mode = WAL");
  if (mode != "wal" && mode != "memory") {
    throw StoreError(path + ": cannot switch to WAL journal mode (still '" + mode + "')");
  }
  db.Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  if (header.version < Store::kSchemaVersion) Migrate(db);
}

}  // namespace detail
}  // namespace mace_tune
