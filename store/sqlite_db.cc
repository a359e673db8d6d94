// SPDX-License-Identifier: Apache-2.0
// The SQLite RAII wrappers: one place that turns a SQLite result code into a StoreError with the
// file, the operation and SQLite's message. Destructors never throw; a failed close is logged.
#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <utility>

namespace mace_tune {
namespace detail {
namespace {

// Long statements are cut in messages: the start says which one it was.
std::string Abbreviate(std::string_view sql) {
  constexpr size_t kMax = 80;
  std::string out(sql.substr(0, kMax));
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (sql.size() > kMax) out += "...";
  return out;
}

}  // namespace

Db Db::OpenHandle(const std::string& path, const char* filename, int flags) {
  Db db;
  db.path_ = path;
  const int rc = sqlite3_open_v2(filename, &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    if (db.db_ == nullptr) throw StoreError(path + ": open: out of memory", rc);
    db.Fail("open", rc);  // db's destructor closes the half-open handle
  }
  sqlite3_extended_result_codes(db.db_, 0);
  return db;
}

Db Db::Open(const std::string& path) {
  return OpenHandle(path, path.c_str(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

ReadOnlyLeftovers::ReadOnlyLeftovers(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  had_wal_ = std::filesystem::exists(path_ + "-wal", ec);
  had_shm_ = std::filesystem::exists(path_ + "-shm", ec);
}

ReadOnlyLeftovers::~ReadOnlyLeftovers() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!had_wal_ && fs::exists(path_ + "-wal", ec) && fs::file_size(path_ + "-wal", ec) == 0) {
    fs::remove(path_ + "-wal", ec);
    if (!had_shm_) fs::remove(path_ + "-shm", ec);
  }
}

Db Db::OpenCopy(const std::string& path) {
  const ReadOnlyLeftovers leftovers(path);
  return CopyToMemory(path);
}

Db Db::CopyToFile(const std::string& path, const std::string& target) {
  const Db file = OpenHandle(path, path.c_str(), SQLITE_OPEN_READONLY);
  Db copy = OpenHandle(path, target.c_str(), SQLITE_OPEN_READWRITE);
  sqlite3_backup* backup = sqlite3_backup_init(copy.db_, "main", file.db_, "main");
  if (backup == nullptr) copy.Fail("read", sqlite3_errcode(copy.db_));
  const int rc = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);  // leaves the error in the copy's handle
  if (rc != SQLITE_DONE) copy.Fail("read", finished != SQLITE_OK ? finished : rc);
  return copy;
}

Db::Db(Db&& other) noexcept : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void Db::Close() noexcept {
  if (db_ == nullptr) return;
  const int rc = sqlite3_close_v2(std::exchange(db_, nullptr));
  if (rc != SQLITE_OK) {
    std::fprintf(stderr, "mace_tune: closing %s failed: %s\n", path_.c_str(), sqlite3_errstr(rc));
  }
}

void Db::Fail(const std::string& operation, int rc) const {
  const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw StoreError(path_ + ": " + operation + ": " + message, rc & 0xff);
}

Statement Db::Prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) Fail("prepare \"" + Abbreviate(sql) + "\"", rc);
  return Statement(this, stmt);
}

void Db::Exec(const std::string& sql) const {
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) Fail("exec \"" + Abbreviate(sql) + "\"", rc);
}

std::string Db::QueryText(const std::string& sql) const {
  Statement stmt = Prepare(sql);
  return stmt.Step() ? stmt.ColumnText(0) : std::string();
}

int64_t Db::QueryInt64(const std::string& sql) const {
  Statement stmt = Prepare(sql);
  return stmt.Step() ? stmt.ColumnInt64(0) : 0;
}

void Db::SetBusyTimeout(int ms) const {
  const int rc = sqlite3_busy_timeout(db_, ms);
  if (rc != SQLITE_OK) Fail("busy_timeout", rc);
}

int64_t Db::LastInsertRowId() const noexcept { return sqlite3_last_insert_rowid(db_); }
int64_t Db::Changes() const noexcept { return sqlite3_changes(db_); }
bool Db::InTransaction() const noexcept { return db_ != nullptr && !sqlite3_get_autocommit(db_); }

Statement::~Statement() {
  // finalize() repeats the statement's last error, which was already reported: nothing to log.
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

std::string Statement::Sql() const {
  const char* sql = sqlite3_sql(stmt_);
  return sql != nullptr ? Abbreviate(sql) : std::string();
}

void Statement::Check(int rc, const char* operation) const {
  if (rc != SQLITE_OK) db_->Fail(std::string(operation) + " \"" + Sql() + "\"", rc);
}

void Statement::BindInt64(int index, int64_t value) { Check(sqlite3_bind_int64(stmt_, index, value), "bind"); }

void Statement::BindDouble(int index, double value) { Check(sqlite3_bind_double(stmt_, index, value), "bind"); }

void Statement::BindText(int index, std::string_view value) {
  Check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT), "bind");
}

void Statement::BindBlob(int index, const void* data, size_t size) {
  Check(sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT), "bind");
}

void Statement::BindNull(int index) { Check(sqlite3_bind_null(stmt_, index), "bind"); }

void Statement::BindTextOrNull(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindText(index, value);
  }
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->Fail("step \"" + Sql() + "\"", rc);
}

void Statement::Run() {
  if (Step()) db_->Fail("step \"" + Sql() + "\" returned a row", SQLITE_MISUSE);
}

void Statement::Reset() {
  sqlite3_reset(stmt_);  // returns the last step's error, already thrown
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);  // after _text(), as SQLite asks
  return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}

std::vector<uint8_t> Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data != nullptr ? std::vector<uint8_t>(data, data + size) : std::vector<uint8_t>();
}

Transaction::Transaction(const Db& db, Mode mode) : db_(db) {
  db_.Exec(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  // Some errors (SQLITE_FULL, IOERR, BUSY, NOMEM) already rolled the transaction back.
  if (done_ || !db_.InTransaction()) return;
  const int rc = sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    std::fprintf(stderr, "mace_tune: rollback on %s failed: %s\n", db_.path().c_str(), sqlite3_errmsg(db_.get()));
  }
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  done_ = true;
}

}  // namespace detail
}  // namespace mace_tune
