// The results store over SQLite: small queries over the schema of store_schema.cc.
// Every write is its own committed transaction, so a kill -9 after a call returns loses nothing.
#include "store.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "store_schema.h"

namespace mace_tune {

const char* const kMeasurementStatuses[6] = {"ok",           "build_failed", "launch_failed",
                                             "wrong_result", "timeout",      "invalid"};
const char* const kRunStatuses[4] = {"running", "done", "interrupted", "failed"};

namespace detail {
namespace {

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
constexpr const char* kTables[] = {"meta",          "devices",            "runs",
                                   "instances",     "configs",            "measurements",
                                   "samples",       "default_configs",    "final_measurements",
                                   "final_samples", "device_states",      "cool_downs"};

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

bool OneOf(const std::string& value, const char* const* list, size_t n) {
  return std::any_of(list, list + n, [&](const char* s) { return value == s; });
}

constexpr const char* kSelectMeasurement =
    "SELECT m.id, i.tuning_key, c.family, c.params, m.source_digest, m.status, m.reason, "
    "m.median_ns, m.min_ns, m.max_ns, m.mad_ns, m.max_error, m.build_ms, m.eval_ms, m.run_id "
    "FROM measurements m JOIN instances i ON i.id = m.instance_id "
    "JOIN configs c ON c.id = m.config_id ";

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
    m.status = stmt.ColumnText(5);
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

void CheckMeasurement(const std::string& path, const Measurement& m) {
  if (m.tuning_key.empty() || m.family.empty() || m.params.empty() || m.source_digest.empty()) {
    throw StoreError(path + ": record: a measurement needs tuning_key, family, params and "
                            "source_digest (got key '" + m.tuning_key + "', params '" +
                     m.params + "')");
  }
  if (!OneOf(m.status, kMeasurementStatuses, std::size(kMeasurementStatuses))) {
    throw StoreError(path + ": record: unknown measurement status '" + m.status + "'");
  }
}

}  // namespace
}  // namespace detail

Store Store::Open(const std::string& path) {
  detail::Db db = detail::Db::Open(path);
  detail::PrepareSchema(db);
  return Store(std::move(db));
}

int64_t Store::AddDevice(const DeviceFingerprint& f, const std::string& profile) {
  const std::string id = f.Id();
  detail::Transaction tx(db_);
  detail::Statement insert = db_.Prepare(
      "INSERT INTO devices(fingerprint_id, platform_name, platform_version, device_name, "
      "device_vendor, driver_version, opencl_c_version, compute_units, max_work_group_size, "
      "local_mem_size, global_mem_size, profile) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
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
  detail::Statement stmt = db_.Prepare(fmt::format(
      "INSERT INTO runs(started_at, tool_version, device_id, workload, strategy, seed, max_evals, "
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

void Store::FinishRun(int64_t run_id, const std::string& status) {
  if (status == "running" || !detail::OneOf(status, kRunStatuses, std::size(kRunStatuses))) {
    throw StoreError(path() + ": finish run: status must be done, interrupted or failed, not '" +
                     status + "'");
  }
  detail::Statement stmt = db_.Prepare(
      fmt::format("UPDATE runs SET status = ?1, finished_at = {} WHERE id = ?2", detail::kNow));
  stmt.BindText(1, status);
  stmt.BindInt64(2, run_id);
  stmt.Run();
  if (db_.Changes() == 0) throw StoreError(fmt::format("{}: finish run: no run {}", path(), run_id));
}

void Store::AddInstance(const std::string& tuning_key, const std::string& family, double flops,
                        double bytes) {
  detail::Statement stmt = db_.Prepare(
      "INSERT INTO instances(tuning_key, family, flops, bytes) VALUES (?1, ?2, ?3, ?4) "
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
  detail::Statement insert = db_.Prepare(
      "INSERT INTO configs(family, params) VALUES (?1, ?2) ON CONFLICT(family, params) DO NOTHING");
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
  detail::Statement stmt =
      db_.Prepare("SELECT ns FROM samples WHERE measurement_id = ?1 ORDER BY idx");
  stmt.BindInt64(1, measurement_id);
  m->samples_ns.clear();
  while (stmt.Step()) m->samples_ns.push_back(stmt.ColumnDouble(0));
}

std::optional<Measurement> Store::Find(int64_t device_id, const std::string& tuning_key,
                                       const std::string& params,
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
  detail::CheckMeasurement(path(), m);
  detail::Transaction tx(db_);
  int64_t instance_id = InstanceId(m.tuning_key);
  if (instance_id == 0) {
    detail::Statement add =
        db_.Prepare("INSERT INTO instances(tuning_key, family) VALUES (?1, ?2)");
    add.BindText(1, m.tuning_key);
    add.BindText(2, m.family);
    add.Run();
    instance_id = db_.LastInsertRowId();
  }
  const int64_t config_id = EnsureConfig(m.family, m.params);
  detail::Statement insert = db_.Prepare(fmt::format(
      "INSERT INTO measurements(device_id, instance_id, config_id, source_digest, run_id, status, "
      "reason, median_ns, min_ns, max_ns, mad_ns, num_samples, max_error, build_ms, eval_ms, "
      "created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,{}) "
      "ON CONFLICT(device_id, instance_id, config_id, source_digest) DO NOTHING",
      detail::kNow));
  insert.BindInt64(1, device_id);
  insert.BindInt64(2, instance_id);
  insert.BindInt64(3, config_id);
  insert.BindText(4, m.source_digest);
  if (m.run_id != 0) {
    insert.BindInt64(5, m.run_id);
  } else {
    insert.BindNull(5);
  }
  insert.BindText(6, m.status);
  insert.BindTextOrNull(7, m.reason);
  // A failure without samples has no timing: NULL keeps it out of naive ORDER BY median_ns.
  const bool timed = m.status == "ok" || !m.samples_ns.empty();
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
  detail::Statement sample =
      db_.Prepare("INSERT INTO samples(measurement_id, idx, ns) VALUES (?1, ?2, ?3)");
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

void Store::SetDefaultConfig(int64_t device_id, const std::string& tuning_key,
                             const std::string& params) {
  detail::Transaction tx(db_);
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) {
    throw StoreError(path() + ": set default config: unknown tuning key '" + tuning_key + "'");
  }
  detail::Statement family = db_.Prepare("SELECT family FROM instances WHERE id = ?1");
  family.BindInt64(1, instance_id);
  family.Step();
  const int64_t config_id = EnsureConfig(family.ColumnText(0), params);
  detail::Statement stmt = db_.Prepare(
      "INSERT INTO default_configs(device_id, instance_id, config_id) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(device_id, instance_id) DO UPDATE SET config_id = excluded.config_id");
  stmt.BindInt64(1, device_id);
  stmt.BindInt64(2, instance_id);
  stmt.BindInt64(3, config_id);
  stmt.Run();
  tx.Commit();
}

std::vector<Measurement> Store::Measurements(int64_t device_id,
                                             const std::string& tuning_key) const {
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) return {};
  auto rows = detail::Select(db_, "WHERE m.device_id = ?1 AND m.instance_id = ?2 ORDER BY m.id",
                             {device_id, instance_id});
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

void Store::RecordFinal(int64_t run_id, const std::string& tuning_key, const std::string& family,
                        const std::string& source_digest, const std::vector<FinalResult>& results) {
  if (std::count_if(results.begin(), results.end(), [](const auto& r) { return r.winner; }) > 1) {
    throw StoreError(path() + ": record final: more than one winner for '" + tuning_key + "'");
  }
  detail::Transaction tx(db_);
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) {
    throw StoreError(path() + ": record final: unknown tuning key '" + tuning_key + "'");
  }
  for (const FinalResult& r : results) {
    const int64_t config_id = EnsureConfig(family, r.params);
    detail::Statement insert = db_.Prepare(fmt::format(
        "INSERT INTO final_measurements(run_id, instance_id, config_id, source_digest, slot, "
        "first_median_ns, median_ns, num_samples, winner, created_at) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,{}) "
        "ON CONFLICT(run_id, instance_id, config_id) DO NOTHING",
        detail::kNow));
    insert.BindInt64(1, run_id);
    insert.BindInt64(2, instance_id);
    insert.BindInt64(3, config_id);
    insert.BindText(4, source_digest);
    insert.BindInt64(5, r.slot);
    insert.BindDouble(6, r.first_median_ns);
    detail::BindOptional(insert, 7,
                         r.samples_ns.empty() ? std::nullopt : std::optional<double>(r.median_ns));
    insert.BindInt64(8, static_cast<int64_t>(r.samples_ns.size()));
    insert.BindInt64(9, r.winner ? 1 : 0);
    insert.Run();
    if (db_.Changes() == 0) continue;
    const int64_t final_id = db_.LastInsertRowId();
    detail::Statement sample =
        db_.Prepare("INSERT INTO final_samples(final_id, round, ns) VALUES (?1, ?2, ?3)");
    for (size_t i = 0; i < r.samples_ns.size(); ++i) {
      sample.BindInt64(1, final_id);
      sample.BindInt64(2, static_cast<int64_t>(i));
      sample.BindDouble(3, r.samples_ns[i]);
      sample.Run();
      sample.Reset();
    }
  }
  tx.Commit();
}

std::vector<FinalResult> Store::Finals(int64_t run_id, const std::string& tuning_key) const {
  detail::Statement stmt = db_.Prepare(
      "SELECT f.id, c.params, f.slot, f.first_median_ns, f.median_ns, f.winner "
      "FROM final_measurements f JOIN instances i ON i.id = f.instance_id "
      "JOIN configs c ON c.id = f.config_id WHERE f.run_id = ?1 AND i.tuning_key = ?2 "
      "ORDER BY f.slot, f.id");
  stmt.BindInt64(1, run_id);
  stmt.BindText(2, tuning_key);
  std::vector<FinalResult> out;
  while (stmt.Step()) {
    FinalResult r;
    r.params = stmt.ColumnText(1);
    r.slot = static_cast<int>(stmt.ColumnInt64(2));
    r.first_median_ns = stmt.ColumnDouble(3);
    r.median_ns = stmt.ColumnDouble(4);
    r.winner = stmt.ColumnInt64(5) != 0;
    detail::Statement samples =
        db_.Prepare("SELECT ns FROM final_samples WHERE final_id = ?1 ORDER BY round");
    samples.BindInt64(1, stmt.ColumnInt64(0));
    while (samples.Step()) r.samples_ns.push_back(samples.ColumnDouble(0));
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<Measurement> Store::FinalWinner(int64_t device_id, const std::string& tuning_key,
                                              const std::string& source_digest) const {
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) return std::nullopt;
  detail::Statement stmt = db_.Prepare(
      "SELECT m.id FROM final_measurements f JOIN runs r ON r.id = f.run_id "
      "JOIN measurements m ON m.device_id = r.device_id AND m.instance_id = f.instance_id "
      "AND m.config_id = f.config_id AND m.source_digest = f.source_digest "
      "WHERE r.device_id = ?1 AND f.instance_id = ?2 AND f.source_digest = ?3 AND f.winner = 1 "
      "AND m.status = 'ok' ORDER BY r.started_at DESC, r.id DESC LIMIT 1");
  stmt.BindInt64(1, device_id);
  stmt.BindInt64(2, instance_id);
  stmt.BindText(3, source_digest);
  if (!stmt.Step()) return std::nullopt;
  auto rows = detail::Select(db_, "WHERE m.id = ?1", {stmt.ColumnInt64(0)});
  if (rows.empty()) return std::nullopt;
  LoadSamples(rows[0].first, &rows[0].second);
  return std::move(rows[0].second);
}

void Store::RecordDeviceState(int64_t run_id, const std::string& phase,
                              const std::vector<DeviceReading>& readings) {
  if (phase != "start" && phase != "end") {
    throw StoreError(path() + ": record device state: phase must be start or end, not '" + phase +
                     "'");
  }
  detail::Transaction tx(db_);
  detail::Statement insert = db_.Prepare(fmt::format(
      "INSERT INTO device_states(run_id, phase, idx, source, clock_mhz, temperature_c, raw, "
      "read_at) VALUES (?1,?2,?3,?4,?5,?6,?7,{}) ON CONFLICT DO NOTHING",
      detail::kNow));
  for (size_t i = 0; i < readings.size(); ++i) {
    insert.BindInt64(1, run_id);
    insert.BindText(2, phase);
    insert.BindInt64(3, static_cast<int64_t>(i));
    insert.BindText(4, readings[i].source);
    detail::BindOptional(insert, 5, readings[i].clock_mhz);
    detail::BindOptional(insert, 6, readings[i].temperature_c);
    insert.BindTextOrNull(7, readings[i].raw);
    insert.Run();
    insert.Reset();
  }
  tx.Commit();
}

std::vector<DeviceReading> Store::DeviceStates(int64_t run_id, const std::string& phase) const {
  detail::Statement stmt = db_.Prepare(
      "SELECT source, clock_mhz, temperature_c, raw FROM device_states WHERE run_id = ?1 "
      "AND phase = ?2 ORDER BY idx");
  stmt.BindInt64(1, run_id);
  stmt.BindText(2, phase);
  std::vector<DeviceReading> out;
  while (stmt.Step()) {
    DeviceReading r;
    r.source = stmt.ColumnText(0);
    r.clock_mhz = detail::OptionalColumn(stmt, 1);
    r.temperature_c = detail::OptionalColumn(stmt, 2);
    r.raw = stmt.ColumnText(3);
    out.push_back(std::move(r));
  }
  return out;
}

void Store::RecordCoolDown(int64_t run_id, const std::string& tuning_key, const CoolDown& c) {
  const int64_t instance_id = InstanceId(tuning_key);
  if (instance_id == 0) {
    throw StoreError(path() + ": record cool-down: unknown tuning key '" + tuning_key + "'");
  }
  detail::Statement insert = db_.Prepare(fmt::format(
      "INSERT INTO cool_downs(run_id, instance_id, slept_s, waited_s, threshold_c, "
      "temperature_before_c, temperature_after_c, reached, source, created_at) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,{}) ON CONFLICT DO NOTHING",
      detail::kNow));
  insert.BindInt64(1, run_id);
  insert.BindInt64(2, instance_id);
  insert.BindDouble(3, c.slept_s);
  insert.BindDouble(4, c.waited_s);
  detail::BindOptional(insert, 5, c.threshold_c);
  detail::BindOptional(insert, 6, c.temperature_before_c);
  detail::BindOptional(insert, 7, c.temperature_after_c);
  if (c.reached) {
    insert.BindInt64(8, *c.reached ? 1 : 0);
  } else {
    insert.BindNull(8);
  }
  insert.BindTextOrNull(9, c.source);
  insert.Run();
}

std::optional<CoolDown> Store::FindCoolDown(int64_t run_id, const std::string& tuning_key) const {
  detail::Statement stmt = db_.Prepare(
      "SELECT c.slept_s, c.waited_s, c.threshold_c, c.temperature_before_c, "
      "c.temperature_after_c, c.reached, c.source FROM cool_downs c "
      "JOIN instances i ON i.id = c.instance_id WHERE c.run_id = ?1 AND i.tuning_key = ?2");
  stmt.BindInt64(1, run_id);
  stmt.BindText(2, tuning_key);
  if (!stmt.Step()) return std::nullopt;
  CoolDown c;
  c.slept_s = stmt.ColumnDouble(0);
  c.waited_s = stmt.ColumnDouble(1);
  c.threshold_c = detail::OptionalColumn(stmt, 2);
  c.temperature_before_c = detail::OptionalColumn(stmt, 3);
  c.temperature_after_c = detail::OptionalColumn(stmt, 4);
  if (!stmt.IsNull(5)) c.reached = stmt.ColumnInt64(5) != 0;
  c.source = stmt.ColumnText(6);
  return c;
}

int64_t Store::CountRows(const std::string& table) const {
  const auto known = std::find(std::begin(detail::kTables), std::end(detail::kTables), table);
  if (known == std::end(detail::kTables)) {
    throw StoreError(path() + ": count rows: unknown table '" + table + "'");
  }
  return db_.QueryInt64("SELECT COUNT(*) FROM " + table);
}

}  // namespace mace_tune
