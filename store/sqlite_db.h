// SPDX-License-Identifier: Apache-2.0
// Move-only RAII owners of a SQLite connection and its prepared statements, plus a transaction
// guard that rolls back unless committed. Every failure throws StoreError naming the file, the SQL
// operation and SQLite's own message; the store is the only user.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace mace_tune {

// Any failure of the results store: "<file>: <operation>: <sqlite message>". code() is SQLite's
// primary result code (SQLITE_BUSY, SQLITE_NOTADB ...), or 0 where the store itself refused.
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& message, int code = 0) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

namespace detail {

class Statement;

// Reading a WAL-mode file read-only makes SQLite create PATH-wal and PATH-shm, and only a writer
// removes them: those that did not exist when this guard was made (the -wal still empty) are
// removed when it goes, after the read-only connections are closed.
class ReadOnlyLeftovers {
 public:
  explicit ReadOnlyLeftovers(std::string path);
  ~ReadOnlyLeftovers();
  ReadOnlyLeftovers(const ReadOnlyLeftovers&) = delete;
  ReadOnlyLeftovers& operator=(const ReadOnlyLeftovers&) = delete;

 private:
  std::string path_;
  bool had_wal_ = false, had_shm_ = false;
};

class Db {
 public:
  // Opens (creating if missing) a database file for reading and writing.
  static Db Open(const std::string& path);
  // An in-memory copy of an existing database file, which is opened read-only and never written:
  // what readers that may need to migrate the schema (replay) work on.
  static Db OpenCopy(const std::string& path);

  Db() noexcept = default;
  ~Db() { Close(); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;

  Statement Prepare(std::string_view sql) const;
  // Runs one or more statements that return no rows of interest.
  void Exec(const std::string& sql) const;
  // Runs a statement and returns the first column of its first row as text ("" if no row).
  std::string QueryText(const std::string& sql) const;
  int64_t QueryInt64(const std::string& sql) const;
  void SetBusyTimeout(int ms) const;

  int64_t LastInsertRowId() const noexcept;
  int64_t Changes() const noexcept;
  bool InTransaction() const noexcept;
  sqlite3* get() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }

  // Throws StoreError for a failed call: "<path>: <operation>: <sqlite3_errmsg>".
  [[noreturn]] void Fail(const std::string& operation, int rc) const;
  // Opens `filename` with these sqlite3_open_v2 flags; errors name `path`.
  static Db OpenHandle(const std::string& path, const char* filename, int flags);
  static Db CopyToMemory(const std::string& path) { return CopyToFile(path, ":memory:"); }
  // A copy of the database at `path` (opened read-only) written into `target` (a file, or ":memory:").
  static Db CopyToFile(const std::string& path, const std::string& target);

 private:
  void Close() noexcept;

  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(const Db* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  // Parameters are numbered from 1, as in SQL's "?1".
  void BindInt64(int index, int64_t value);
  void BindDouble(int index, double value);  // NaN is stored as NULL (SQLite's rule)
  void BindText(int index, std::string_view value);
  void BindBlob(int index, const void* data, size_t size);
  void BindNull(int index);
  // Text, or NULL when empty: keeps "no reason" distinguishable in SQL queries.
  void BindTextOrNull(int index, std::string_view value);

  // True while a row is available; false once the statement is done.
  bool Step();
  // Steps a statement that must not return rows (INSERT, UPDATE ...).
  void Run();
  void Reset();

  // Columns are numbered from 0. NULL reads as 0, 0.0, "" or an empty blob.
  bool IsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  std::vector<uint8_t> ColumnBlob(int column) const;

 private:
  void Check(int rc, const char* operation) const;
  std::string Sql() const;

  const Db* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN on construction, ROLLBACK on destruction unless Commit() ran. Immediate takes the write
// lock up front so that two writers wait on busy_timeout instead of failing to upgrade a read lock.
class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate };
  explicit Transaction(const Db& db, Mode mode = Mode::kImmediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void Commit();

 private:
  const Db& db_;
  bool done_ = false;
};

}  // namespace detail
}  // namespace mace_tune
