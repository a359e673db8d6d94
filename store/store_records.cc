// SPDX-License-Identifier: Apache-2.0
// The Store's run records of schema v2: the final interleaved re-measurement, the device's clock
// and temperature readings, and the cool-downs (docs/database.md).
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "store/store.h"
#include "store/store_internal.h"
#include "store/tables.h"

namespace mace_tune {

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
    detail::Statement insert =
        db_.Prepare(fmt::format("INSERT INTO final_measurements({}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,{}) "
                                "ON CONFLICT(run_id, instance_id, config_id) DO NOTHING",
                                detail::kFinalColumns, detail::kNow));
    insert.BindInt64(1, run_id);
    insert.BindInt64(2, instance_id);
    insert.BindInt64(3, config_id);
    insert.BindText(4, source_digest);
    insert.BindInt64(5, r.slot);
    insert.BindDouble(6, r.first_median_ns);
    detail::BindOptional(insert, 7, r.samples_ns.empty() ? std::nullopt : std::optional<double>(r.median_ns));
    insert.BindInt64(8, static_cast<int64_t>(r.samples_ns.size()));
    insert.BindInt64(9, r.winner ? 1 : 0);
    insert.Run();
    if (db_.Changes() == 0) continue;
    const int64_t final_id = db_.LastInsertRowId();
    detail::Statement sample =
        db_.Prepare("INSERT INTO final_samples(" + detail::kFinalSampleColumns + ") VALUES (?1, ?2, ?3)");
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
    detail::Statement samples = db_.Prepare("SELECT ns FROM final_samples WHERE final_id = ?1 ORDER BY round");
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

void Store::RecordDeviceState(int64_t run_id, const std::string& phase, const std::vector<DeviceReading>& readings) {
  if (phase != "start" && phase != "end") {
    throw StoreError(path() + ": record device state: phase must be start or end, not '" + phase + "'");
  }
  detail::Transaction tx(db_);
  detail::Statement insert =
      db_.Prepare(fmt::format("INSERT INTO device_states({}) VALUES (?1,?2,?3,?4,?5,?6,?7,{}) ON CONFLICT DO NOTHING",
                              detail::kDeviceStateColumns, detail::kNow));
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
  detail::Statement insert = db_.Prepare(
      fmt::format("INSERT INTO cool_downs({}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,{}) ON CONFLICT DO NOTHING",
                  detail::kCoolDownColumns, detail::kNow));
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

}  // namespace mace_tune
