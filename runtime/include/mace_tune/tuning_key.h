// SPDX-License-Identifier: Apache-2.0
// Tuning keys: "family:NAME=VALUE,...:dtype", e.g. "gemm:K=16,M=3136,N=96:fp32".
// Shape names are kept sorted, so one instance has exactly one key. Keys are what the
// tuned-parameter file maps to launch configs, and what workload files list, one per line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "mace_tune/export.h"
#include "mace_tune/status.h"

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

struct TuningKey {
  std::string family;
  std::map<std::string, int64_t> shape;
  std::string dtype = "fp32";

  std::string ToString() const;
  // Value of a shape dimension, or `fallback` when absent.
  int64_t Dim(const std::string& name, int64_t fallback = 0) const;
  static Status Parse(std::string_view text, TuningKey* out) noexcept;

  bool operator==(const TuningKey& other) const {
    return family == other.family && shape == other.shape && dtype == other.dtype;
  }
};

// Configs and variant parameters use the same "NAME=VALUE,..." form, sorted by name.
using ParamMap = std::map<std::string, int64_t>;
std::string FormatParams(const ParamMap& params);
Status ParseParams(std::string_view text, ParamMap* out) noexcept;

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
