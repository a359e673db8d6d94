// SPDX-License-Identifier: Apache-2.0
// What an evaluation produces (DESIGN.md "Measurement", "Failures are results"): one config's
// measurement with a typed status, its samples and where its time went. The evaluator makes these,
// the store keeps them and the loop, the CLI and replay read them; none of them owns the type.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mace_tune {

// How an evaluation ended (KTT's ResultStatus): only kOk is a candidate. Stored in SQLite and sent
// over the --isolate worker's pipe as its name (MeasurementStatusName: "ok", "build_failed" ...).
enum class MeasurementStatus { kOk, kBuildFailed, kLaunchFailed, kWrongResult, kTimeout, kInvalid };

inline constexpr MeasurementStatus kMeasurementStatusValues[] = {
    MeasurementStatus::kOk,          MeasurementStatus::kBuildFailed, MeasurementStatus::kLaunchFailed,
    MeasurementStatus::kWrongResult, MeasurementStatus::kTimeout,     MeasurementStatus::kInvalid};

// "ok", "build_failed", "launch_failed", "wrong_result", "timeout", "invalid" (docs/database.md);
// nullptr for a value outside the enum.
const char* MeasurementStatusName(MeasurementStatus status);
// The inverse; nullopt for any other text.
std::optional<MeasurementStatus> ParseMeasurementStatus(std::string_view name);
std::ostream& operator<<(std::ostream& out, MeasurementStatus status);  // its name (test output)

// Where one evaluation's wall time went, in ms (not stored per measurement; summed per run).
struct EvalPhases {
  double build = 0;         // compiling, as the evaluation waited for it
  double setup = 0;         // kernel object, limits, arguments, device memory (first use: inputs uploaded)
  double first_launch = 0;  // the verification run (PoCL also compiles its work-group function here)
  double verify = 0;        // poisoning the outputs, reading them back, comparing with the reference
  double warmup = 0;
  double sampling = 0;  // the timed runs, wall time (the kernels' own time is subtracted later)
};

// One evaluated config; failures carry a reason.
struct Measurement {
  std::string tuning_key, family, params, source_digest;
  MeasurementStatus status = MeasurementStatus::kOk;
  std::string reason;
  std::vector<double> samples_ns;  // every sample kept
  double median_ns = 0, min_ns = 0, max_ns = 0, mad_ns = 0, max_error = 0, build_ms = 0, eval_ms = 0;
  int64_t run_id = 0;  // 0: recorded outside a run
  EvalPhases phases;
  // Not stored: the built kernel's CL_KERNEL_WORK_GROUP_SIZE and its build options, so the tuner
  // learns each variant's limit once (0 / "" when it was not built).
  uint64_t kernel_max_work_group = 0;
  std::string build_options;

  bool ok() const { return status == MeasurementStatus::kOk; }
};

}  // namespace mace_tune
