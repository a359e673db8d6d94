// SPDX-License-Identifier: Apache-2.0
// Claims on configs being measured (docs/database.md "Claims"): two tune processes on one database
// never measure the same config twice. A claim is a row taken in one immediate transaction, and
// dropped when its measurement is recorded. The table is working state, not results: it lives
// outside the versioned schema, and merge, reports and emit never read it.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "store/store_internal.h"

namespace mace_tune {
namespace detail {
namespace {

// A claim older than this is taken over even when its process seems alive (a hung tune, or one on
// another machine sharing the file): one evaluation is bounded well below it by --timeout-ms and
// the watchdog.
constexpr int kClaimTtlSeconds = 900;

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "?";
  return name;
}

// A process of this machine that no longer exists holds nothing.
bool Alive(const std::string& host, int64_t pid) {
  if (host != HostName() || pid <= 0) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

void PrepareClaims(const Db& db) {
  db.Exec(
      "CREATE TABLE IF NOT EXISTS claims(device_id INTEGER NOT NULL, tuning_key TEXT NOT NULL, "
      "params TEXT NOT NULL, source_digest TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, "
      "claimed_at TEXT NOT NULL, PRIMARY KEY(device_id, tuning_key, params, source_digest)) WITHOUT ROWID");
}

}  // namespace detail

ClaimResult Store::Claim(int64_t device_id, const std::string& tuning_key, const std::string& params,
                         const std::string& source_digest) {
  detail::Transaction tx(db_);  // immediate: check and insert under one write lock
  if (Find(device_id, tuning_key, params, source_digest)) return ClaimResult::kRecorded;
  detail::Statement held = db_.Prepare(
      "SELECT host, pid, (julianday('now') - julianday(claimed_at)) * 86400 FROM claims "
      "WHERE device_id = ?1 AND tuning_key = ?2 AND params = ?3 AND source_digest = ?4");
  held.BindInt64(1, device_id);
  held.BindText(2, tuning_key);
  held.BindText(3, params);
  held.BindText(4, source_digest);
  if (held.Step()) {
    const bool mine = held.ColumnText(0) == detail::HostName() && held.ColumnInt64(1) == ::getpid();
    if (!mine && detail::Alive(held.ColumnText(0), held.ColumnInt64(1)) &&
        held.ColumnDouble(2) < detail::kClaimTtlSeconds) {
      return ClaimResult::kBusy;
    }
  }
  detail::Statement take =
      db_.Prepare(fmt::format("INSERT INTO claims(device_id, tuning_key, params, source_digest, host, pid, claimed_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, {}) ON CONFLICT DO UPDATE SET host = excluded.host, "
                              "pid = excluded.pid, claimed_at = excluded.claimed_at",
                              detail::kNow));
  take.BindInt64(1, device_id);
  take.BindText(2, tuning_key);
  take.BindText(3, params);
  take.BindText(4, source_digest);
  take.BindText(5, detail::HostName());
  take.BindInt64(6, ::getpid());
  take.Run();
  tx.Commit();
  return ClaimResult::kClaimed;
}

void Store::ReleaseClaim(int64_t device_id, const Measurement& m) {
  detail::Statement drop =
      db_.Prepare("DELETE FROM claims WHERE device_id = ?1 AND tuning_key = ?2 AND params = ?3 AND source_digest = ?4");
  drop.BindInt64(1, device_id);
  drop.BindText(2, m.tuning_key);
  drop.BindText(3, m.params);
  drop.BindText(4, m.source_digest);
  drop.Run();
}

void Store::ReleaseClaims() {
  detail::Statement drop = db_.Prepare("DELETE FROM claims WHERE host = ?1 AND pid = ?2");
  drop.BindText(1, detail::HostName());
  drop.BindInt64(2, ::getpid());
  drop.Run();
}

}  // namespace mace_tune
