// The results store's schema: the checks made when a file is opened (not SQLite, another
// application's, newer than this code) and the migrations that bring it to the current version.
#pragma once

#include "sqlite_db.h"

namespace mace_tune {
namespace detail {

// Sets the connection up (busy timeout, WAL, synchronous=NORMAL, foreign keys) and creates or
// migrates the schema to Store::kSchemaVersion. Throws StoreError before any write to a file
// that it refuses, so such a file is left byte for byte.
void PrepareSchema(const Db& db);

}  // namespace detail
}  // namespace mace_tune
