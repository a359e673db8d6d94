// SPDX-License-Identifier: Apache-2.0
// Parse-time checks of numeric options: a value that is empty, not a number, NaN, infinite or out
// of its range is a usage error naming the option, never silently "no limit" or an abort later.
#pragma once

#include <CLI/CLI.hpp>

namespace mace_tune::cli {

// Accepts numbers in [lo, hi]; `integer` also refuses a fraction or an exponent ("1e3").
CLI::Validator Within(double lo, double hi, bool integer = false);
inline CLI::Validator IntWithin(double lo, double hi) { return Within(lo, hi, true); }

// The bounds shared by tune, remote-tune and farm (docs/cli.md "Limits").
inline constexpr double kMaxEvals = 1e9;                // --max-evals, --patience
inline constexpr double kMaxSeconds = 1e7;              // --time-limit, --cool-down*, --watchdog (~116 days)
inline constexpr double kMaxSamples = 1e6;              // --min-samples, --max-samples, --final-rounds
inline constexpr double kMaxBuildThreads = 64;          // --build-threads
inline constexpr double kMaxSeed = 9007199254740992.0;  // 2^53: exact as a double, stored as SQLite's int64

}  // namespace mace_tune::cli
