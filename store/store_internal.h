// SPDX-License-Identifier: Apache-2.0
// Internal to the Store's .cc files: helpers over the SQLite wrapper they share.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace mace_tune::detail {

// SQL for "now" in ISO 8601 UTC with milliseconds.
extern const char* const kNow;
void BindOptional(Statement& stmt, int index, const std::optional<double>& v);
std::optional<double> OptionalColumn(const Statement& stmt, int index);
// The measurements matching "SELECT ... FROM measurements ..." + tail, with integer parameters
// ?1, ?2 ...; rows keep their ids.
std::vector<std::pair<int64_t, Measurement>> Select(const Db& db, const std::string& tail,
                                                    std::initializer_list<int64_t> args);
// Creates the claims table where it is missing (store_claims.cc).
void PrepareClaims(const Db& db);

}  // namespace mace_tune::detail
