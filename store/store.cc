// SPDX-License-Identifier: Apache-2.0
// The results store over SQLite: small queries over the schema of store_schema.cc.
// Every write is its own committed transaction, so a kill -9 after a call returns loses nothing.
#include "store/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "store/store_internal.h"
#include "store/store_schema.h"
#include "store/tables.h"

namespace mace_tune {

const char* const kRunStatuses[4] = {"running", "done", "interrupted", "failed"};

namespace detail {

const char* const kNow = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

namespace {

constexpr const char* kTables[] = {"meta",
                                   "devices",
                                   "runs",
                                   "instances",
                                   "configs",
                                   "measurements",
                                   "samples",
                                   "default_configs",
                                   "final_measurements",
                                   "final_samples",
                                   "device_states",
                                   "cool_downs",
                                   "kernel_descriptions"};

bool OneOf(const std::string& value, const char* const* list, size_t n) {
  return std::any_of(list, list + n, [&](const char* s) { return value == s; });
}

constexpr const char* kSelectMeasurement =
    "SELECT m.id, i.tuning_key, c.family, c.params, m.source_digest, m.status, m.reason, "
    "m.median_ns, m.min_ns, m.max_ns, m.mad_ns, m.max_error, m.build_ms, m.eval_ms, m.run_id "
    "FROM measurements m JOIN instances i ON i.id = m.instance_id "
    "JOIN configs c ON c.id = m.config_id ";

void CheckMeasurement(const std::string& path, const Measurement& m) {
  if (m.tuning_key.empty() || m.family.empty() || m.params.empty() || m.source_digest.empty()) {
    throw StoreError(path +
                     ": record: a measurement needs tuning_key, family, params and "
                     "source_digest (got key '" +
                     m.tuning_key + "', params '" + m.params + "')");
  }
  if (MeasurementStatusName(m.status) == nullptr) {
    throw StoreError(path + ": record: unknown measurement status " + std::to_string(static_cast<int>(m.status)));
  }
}

}  // namespace

void BindOptional(Statement& stmt, int index, const std::optional<double>& v) {
  if (v) {
    stmt.BindDouble(index, *v);
  } else {
    stmt.BindNull(index);
  }
}

std::optional<double> OptionalColumn(const Statement& stmt, int index) {
  if (stmt.IsNull(index)) return std::nullopt;
  return stmt.ColumnDouble(index);
}

// Runs kSelectMeasurement + tail with integer parameters ?1, ?2 ...; rows keep their ids.
std::vector<std::pair<int64_t, Measurement>> Select(const Db& db, const std::string& tail,
                                                    std::initializer_list<int64_t> args) {
  Statement stmt = db.Prepare(kSelectMeasurement + tail);
  int index = 1;
  for (int64_t a : args) stmt.BindInt64(index++, a);
  std::vector<std::pair<int64_t, Measurement>> rows;
  while (stmt.Step()) {
    Measurement m;
    m.tuning_key = stmt.ColumnText(1);
    m.family = stmt.ColumnText(2);
    m.params = stmt.ColumnText(3);
    m.source_digest = stmt.ColumnText(4);
    const std::string status = stmt.ColumnText(5);
    const std::optional<MeasurementStatus> parsed = ParseMeasurementStatus(status);
    if (!parsed) throw StoreError(db.path() + ": unknown measurement status '" + status + "'");
    m.status = *parsed;
    m.reason = stmt.ColumnText(6);
    m.median_ns = stmt.ColumnDouble(7);
    m.min_ns = stmt.ColumnDouble(8);
    m.max_ns = stmt.ColumnDouble(9);
    m.mad_ns = stmt.ColumnDouble(10);
    m.max_error = stmt.ColumnDouble(11);
    m.build_ms = stmt.ColumnDouble(12);
    m.eval_ms = stmt.ColumnDouble(13);
    m.run_id = stmt.ColumnInt64(14);
    rows.emplace_back(stmt.ColumnInt64(0), std::move(m));
  }
  return rows;
}
}  // namespace detail

Store Store::Open(const std::string& path) {
  detail::Db db = detail::OpenStoreFile(path);
  detail::PrepareClaims(db);
  return Store(std::move(db));
}

Store Store::OpenCopy(const std::string& path) {
  detail::Db db = detail::Db::OpenCopy(path);
  detail::PrepareSchema(db);
  detail::PrepareClaims(db);
  return Store(std::move(db));
}

int64_t Store::AddDevice(const DeviceFingerprint& f, const std::string& profile) {
  const std::string id = f.Id();
  detail::Transaction tx(db_);
  detail::Statement insert = db_.Prepare("INSERT INTO devices(" + detail::kDeviceColumns +
                                         ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
                                         "ON CONFLICT(fingerprint_id) DO UPDATE SET profile = excluded.profile");
  insert.BindText(1, id);
  insert.BindText(2, f.platform_name);
  insert.BindText(3, f.platform_version);
  insert.BindText(4, f.device_name);
  insert.BindText(5, f.device_vendor);
  insert.BindText(6, f.driver_version);
  insert.BindText(7, f.opencl_c_version);
  insert.BindInt64(8, f.compute_units);
  insert.BindInt64(9, static_cast<int64_t>(f.max_work_group_size));
  insert.BindInt64(10, static_cast<int64_t>(f.local_mem_size));
  insert.BindInt64(11, static_cast<int64_t>(f.global_mem_size));
  insert.BindText(12, profile);
  insert.Run();
  detail::Statement select = db_.Prepare("SELECT id FROM devices WHERE fingerprint_id = ?1");
  select.BindText(1, id);
  select.Step();
  const int64_t row = select.ColumnInt64(0);
  tx.Commit();
  return row;
}

std::vector<DeviceRow> Store::Devices() const {
  detail::Statement stmt = db_.Prepare(
      "SELECT id, platform_name, platform_version, device_name, device_vendor, driver_version, "
      "opencl_c_version, compute_units, max_work_group_size, local_mem_size, global_mem_size, "
      "profile FROM devices ORDER BY id");
  std::vector<DeviceRow> rows;
  while (stmt.Step()) {
    DeviceRow row;
    row.id = stmt.ColumnInt64(0);
    DeviceFingerprint& f = row.fingerprint;
    f.platform_name = stmt.ColumnText(1);
    f.platform_version = stmt.ColumnText(2);
    f.device_name = stmt.ColumnText(3);
    f.device_vendor = stmt.ColumnText(4);
    f.driver_version = stmt.ColumnText(5);
    f.opencl_c_version = stmt.ColumnText(6);
    f.compute_units = static_cast<uint32_t>(stmt.ColumnInt64(7));
    f.max_work_group_size = static_cast<uint64_t>(stmt.ColumnInt64(8));
    f.local_mem_size = static_cast<uint64_t>(stmt.ColumnInt64(9));
    f.global_mem_size = static_cast<uint64_t>(stmt.ColumnInt64(10));
    row.profile = stmt.ColumnText(11);
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t Store::BeginRun(int64_t device_id, const RunInfo& info) {
  detail::Statement stmt = db_.Prepare(
      fmt::format("INSERT INTO runs(started_at, tool_version, device_id, workload, strategy, seed, max_evals, "
                  "time_limit_s, command, status) VALUES ({}, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running')",
                  detail::kNow));
  stmt.BindText(1, info.tool_version);
  stmt.BindInt64(2, device_id);
  stmt.BindText(3, info.workload);
  stmt.BindText(4, info.strategy);
  stmt.BindInt64(5, static_cast<int64_t>(info.seed));  // same 64 bits; >= 2^63 reads negative in SQL
  stmt.BindInt64(6, info.max_evals);
  stmt.BindDouble(7, info.time_limit_s);
  stmt.BindText(8, info.command);
  stmt.Run();
  return db_.LastInsertRowId();
}

void Store::SetRunOverhead(int64_t run_id, const std::string& breakdown) {
  detail::Statement stmt = db_.Prepare("UPDATE runs SET overhead = ?2 WHERE id = ?1");
  stmt.BindInt64(1, run_id);
  stmt.BindTextOrNull(2, breakdown);
  stmt.Run();
}

void Store::FinishRun(int64_t run_id, const std::string& status) {
  if (status == "running" || !detail::OneOf(status, kRunStatuses, std::size(kRunStatuses))) {
    throw StoreError(path() + ": finish run: status must be done, interrupted or failed, not '" + status + "'");
  }
  detail::Statement stmt =
      db_.Prepare(fmt::format("UPDATE runs SET status = ?1, finished_at = {} WHERE id = ?2", detail::kNow));
  stmt.BindText(1, status);
  stmt.BindInt64(2, run_id);
  stmt.Run();
  if (db_.Changes() == 0) throw StoreError(fmt::format("{}: finish run: no run {}", path(), run_id));
}

void Store::AddDescription(const std::string& source_digest, const std::string& family,
                           const std::vector<uint8_t>& description) {
  detail::Statement stmt =
      db_.Prepare("INSERT INTO kernel_descriptions(" + detail::kDescriptionColumns +
                  ") VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ','now')) ON CONFLICT(source_digest) DO NOTHING");
  stmt.BindText(1, source_digest);
  stmt.BindText(2, family);
  stmt.BindBlob(3, description.data(), description.size());
  stmt.Run();
}

std::vector<std::pair<std::string, std::vector<uint8_t>>> Store::Descriptions() const {
  detail::Statement stmt =
      db_.Prepare("SELECT source_digest, description FROM kernel_descriptions ORDER BY created_at DESC, source_digest");
  std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
  while (stmt.Step()) out.emplace_back(stmt.ColumnText(0), stmt.ColumnBlob(1));
  return out;
}

void Store::AddInstance(const std::string& tuning_key, const std::string& family, double flops, double bytes) {
  detail::Statement stmt =
      db_.Prepare("INSERT INTO instances(" + detail::kInstanceColumns +
                  ") VALUES (?1, ?2, ?3, ?4) "
                  "ON CONFLICT(tuning_key) DO UPDATE SET family = excluded.family, flops = excluded.flops, "
                  "bytes = excluded.bytes");
  stmt.BindText(1, tuning_key);
  stmt.BindText(2, family);
  stmt.BindDouble(3, flops);
  stmt.BindDouble(4, bytes);
  stmt.Run();
}

int64_t Store::InstanceId(const std::string& tuning_key) const {
  detail::Statement stmt = db_.Prepare("SELECT id FROM instances WHERE tuning_key = ?1");
  stmt.BindText(1, tuning_key);
  return stmt.Step() ? stmt.ColumnInt64(0) : 0;
}

int64_t Store::EnsureConfig(const std::string& family, const std::string& params) {
  detail::Statement insert = db_.Prepare("INSERT INTO configs(" + detail::kConfigColumns +
                                         ") VALUES (?1, ?2) ON CONFLICT(family, params) DO NOTHING");
  insert.BindText(1, family);
  insert.BindText(2, params);
  insert.Run();
  detail::Statement select = db_.Prepare("SELECT id FROM configs WHERE family = ?1 AND params = ?2");
  select.BindText(1, family);
  select.BindText(2, params);
  select.Step();
  return select.ColumnInt64(0);
}

void Store::LoadSamples(int64_t measurement_id, Measurement* m) const {
  detail::Statement stmt = db_.Prepare("SELECT ns FROM samples WHERE measurement_id = ?1 ORDER BY idx");
  stmt.BindInt64(1, measurement_id);
  m->samples_ns.clear();
  while (stmt.Step()) m->samples_ns.push_back(stmt.ColumnDouble(0));
}

std::optional<Measurement> Store::Find(int64_t device_id, const std::string& tuning_key, const std::string& params,
                                       const std::string& source_digest) const {
  detail::Statement stmt = db_.Prepare(
      "SELECT m.id FROM measurements m JOIN instances i ON i.id = m.instance_id "
      "JOIN configs c ON c.id = m.config_id WHERE m.device_id = ?1 AND i.tuning_key = ?2 "
      "AND c.params = ?3 AND m.source_digest = ?4 LIMIT 1");
  stmt.BindInt64(1, device_id);
  stmt.BindText(2, tuning_key);
  stmt.BindText(3, params);
  stmt.BindText(4, source_digest);
  if (!stmt.Step()) return std::nullopt;
  auto rows = detail::Select(db_, "WHERE m.id = ?1", {stmt.ColumnInt64(0)});
  if (rows.empty()) return std::nullopt;
  LoadSamples(rows[0].first, &rows[0].second);
  return std::move(rows[0].second);
}

bool Store::Record(int64_t device_id, const Measurement& m) {
  const bool added = Insert(device_id, m);
  ReleaseClaim(device_id, m);  // after the commit: a kill in between leaves a claim of a dead process
  return added;
}

bool Store::Insert(int64_t device_id, const Measurement& m) {
  detail::CheckMeasurement(path(), m);
  detail::Transaction tx(db_);
  int64_t instance_id = InstanceId(m.tuning_key);
  if (instance_id == 0) {
    detail::Statement add = db_.Prepare("INSERT INTO instances(tuning_key, family) VALUES (?1, ?2)");
    add.BindText(1, m.tuning_key);
    add.BindText(2, m.family);
    add.Run();
    instance_id = db_.LastInsertRowId();
  }
  const int64_t config_id = EnsureConfig(m.family, m.params);
  detail::Statement insert = db_.Prepare(
      fmt::format("INSERT INTO measurements({}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,{}) "
                  "ON CONFLICT(device_id, instance_id, config_id, source_digest) DO NOTHING",
                  detail::kMeasurementColumns, detail::kNow));
  insert.BindInt64(1, device_id);
  insert.BindInt64(2, instance_id);
  insert.BindInt64(3, config_id);
  insert.BindText(4, m.source_digest);
  if (m.run_id != 0) {
    insert.BindInt64(5, m.run_id);
  } else {
    insert.BindNull(5);
  }
  insert.BindText(6, MeasurementStatusName(m.status));
  insert.BindTextOrNull(7, m.reason);
  // A failure without samples has no timing: NULL keeps it out of naive ORDER BY median_ns.
  const bool timed = m.ok() || !m.samples_ns.empty();
  const double timing[] = {m.median_ns, m.min_ns, m.max_ns, m.mad_ns};
  for (int i = 0; i < 4; ++i) {
    if (timed) {
      insert.BindDouble(8 + i, timing[i]);
    } else {
      insert.BindNull(8 + i);
    }
  }
  insert.BindInt64(12, static_cast<int64_t>(m.samples_ns.size()));
  insert.BindDouble(13, m.max_error);
  insert.BindDouble(14, m.build_ms);
  insert.BindDouble(15, m.eval_ms);
  insert.Run();
  if (db_.Changes() == 0) return false;  // already recorded; tx rolls back what it added
  const int64_t measurement_id = db_.LastInsertRowId();
  detail::Statement sample = db_.Prepare("INSERT INTO samples(" + detail::kSampleColumns + ") VALUES (?1, ?2, ?3)");
  for (size_t i = 0; i < m.samples_ns.size(); ++i) {
    sample.BindInt64(1, measurement_id);
    sample.BindInt64(2, static_cast<int64_t>(i));
    sample.BindDouble(3, m.samples_ns[i]);
    sample.Run();
    sample.Reset();
  }
  tx.Commit();
  return true;
}

void Store::SetDefaultConfig(int64_t device_id, const std::string& tuning_key, const std::string& params) {
  detail::Transaction tx(db_);
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) {
    throw StoreError(path() + ": set default config: unknown tuning key '" + tuning_key + "'");
  }
  detail::Statement family = db_.Prepare("SELECT family FROM instances WHERE id = ?1");
  family.BindInt64(1, instance_id);
  family.Step();
  const int64_t config_id = EnsureConfig(family.ColumnText(0), params);
  detail::Statement stmt =
      db_.Prepare("INSERT INTO default_configs(" + detail::kDefaultConfigColumns +
                  ") VALUES (?1, ?2, ?3) "
                  "ON CONFLICT(device_id, instance_id) DO UPDATE SET config_id = excluded.config_id");
  stmt.BindInt64(1, device_id);
  stmt.BindInt64(2, instance_id);
  stmt.BindInt64(3, config_id);
  stmt.Run();
  tx.Commit();
}

std::vector<Measurement> Store::Measurements(int64_t device_id, const std::string& tuning_key) const {
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) return {};
  auto rows =
      detail::Select(db_, "WHERE m.device_id = ?1 AND m.instance_id = ?2 ORDER BY m.id", {device_id, instance_id});
  std::unordered_map<int64_t, size_t> index;
  for (size_t i = 0; i < rows.size(); ++i) index[rows[i].first] = i;
  detail::Statement samples = db_.Prepare(
      "SELECT s.measurement_id, s.ns FROM samples s JOIN measurements m ON m.id = s.measurement_id "
      "WHERE m.device_id = ?1 AND m.instance_id = ?2 ORDER BY s.measurement_id, s.idx");
  samples.BindInt64(1, device_id);
  samples.BindInt64(2, instance_id);
  while (samples.Step()) {
    const auto it = index.find(samples.ColumnInt64(0));
    if (it != index.end()) rows[it->second].second.samples_ns.push_back(samples.ColumnDouble(1));
  }
  std::vector<Measurement> out;
  out.reserve(rows.size());
  for (auto& row : rows) out.push_back(std::move(row.second));
  return out;
}

std::vector<InstanceSummary> Store::Summaries(int64_t device_id) const {
  detail::Statement stmt = db_.Prepare(
      "SELECT i.id, i.tuning_key, i.family, i.flops, i.bytes, COUNT(m.id), "
      "SUM(m.status <> 'ok') FROM instances i JOIN measurements m ON m.instance_id = i.id "
      "WHERE m.device_id = ?1 GROUP BY i.id ORDER BY i.id");
  stmt.BindInt64(1, device_id);
  std::vector<InstanceSummary> out;
  while (stmt.Step()) {
    const int64_t instance_id = stmt.ColumnInt64(0);
    InstanceSummary s;
    s.tuning_key = stmt.ColumnText(1);
    s.family = stmt.ColumnText(2);
    s.flops = stmt.ColumnDouble(3);
    s.bytes = stmt.ColumnDouble(4);
    s.evaluated = stmt.ColumnInt64(5);
    s.failed = stmt.ColumnInt64(6);
    auto pick = [&](const std::string& tail) -> std::optional<Measurement> {
      auto rows = detail::Select(db_, tail, {device_id, instance_id});
      if (rows.empty()) return std::nullopt;
      LoadSamples(rows[0].first, &rows[0].second);
      return std::move(rows[0].second);
    };
    s.best = pick(
        "WHERE m.device_id = ?1 AND m.instance_id = ?2 AND m.status = 'ok' "
        "ORDER BY m.median_ns, m.id LIMIT 1");
    s.default_config = pick(
        "JOIN default_configs d ON d.device_id = m.device_id AND d.instance_id = m.instance_id "
        "AND d.config_id = m.config_id WHERE m.device_id = ?1 AND m.instance_id = ?2 "
        "ORDER BY m.status = 'ok' DESC, m.id DESC LIMIT 1");
    out.push_back(std::move(s));
  }
  return out;
}

int64_t Store::CountRows(const std::string& table) const {
  const auto known = std::find(std::begin(detail::kTables), std::end(detail::kTables), table);
  if (known == std::end(detail::kTables)) {
    throw StoreError(path() + ": count rows: unknown table '" + table + "'");
  }
  return db_.QueryInt64("SELECT COUNT(*) FROM " + table);
}

}  // namespace mace_tune
