// SPDX-License-Identifier: Apache-2.0
// The results store's schema: the checks made when a file is opened (not SQLite, another
// application's, newer than this code) and the migrations that bring it to the current version.
#pragma once

#include "store/sqlite_db.h"

namespace mace_tune {
namespace detail {

// Sets the connection up (busy timeout, WAL, synchronous=NORMAL, foreign keys) and creates or
// migrates the schema to Store::kSchemaVersion. Throws StoreError before any write to a file
// that it refuses, so such a file is left byte for byte.
void PrepareSchema(const Db& db);

// Opens (creating if missing) a store for writing and prepares its schema. Refuses a path that is
// not a regular file (a FIFO would block SQLite); a file this call created is removed again when
// preparing it fails, so a full disk leaves no empty database behind.
Db OpenStoreFile(const std::string& path);

// The schema version of a store that is only read (merge's SRC), opened read-only: refused as
// PrepareSchema refuses, and also when it holds no schema at all (an empty file is no store).
int64_t ReadOnlySchemaVersion(const std::string& path);

}  // namespace detail
}  // namespace mace_tune
