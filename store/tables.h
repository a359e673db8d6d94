// SPDX-License-Identifier: Apache-2.0
// The columns each table's rows are written with, listed once: the Store's INSERTs and merge's
// INSERT ... SELECT both name them from here (store_schema.cc's CREATE TABLEs give their types).
// Internal to the store's .cc files.
#pragma once

#include <string>

namespace mace_tune::detail {

inline const std::string kDeviceColumns =
    "fingerprint_id, platform_name, platform_version, device_name, device_vendor, driver_version, "
    "opencl_c_version, compute_units, max_work_group_size, local_mem_size, global_mem_size, profile";
inline const std::string kInstanceColumns = "tuning_key, family, flops, bytes";
inline const std::string kConfigColumns = "family, params";
inline const std::string kRunColumns =
    "started_at, finished_at, tool_version, device_id, workload, strategy, seed, max_evals, time_limit_s, "
    "command, status";
inline const std::string kMeasurementColumns =
    "device_id, instance_id, config_id, source_digest, run_id, status, reason, median_ns, min_ns, max_ns, "
    "mad_ns, num_samples, max_error, build_ms, eval_ms, created_at";
inline const std::string kSampleColumns = "measurement_id, idx, ns";
inline const std::string kDefaultConfigColumns = "device_id, instance_id, config_id";
inline const std::string kFinalColumns =
    "run_id, instance_id, config_id, source_digest, slot, first_median_ns, median_ns, num_samples, winner, "
    "created_at";
inline const std::string kFinalSampleColumns = "final_id, round, ns";
inline const std::string kDeviceStateColumns = "run_id, phase, idx, source, clock_mhz, temperature_c, raw, read_at";
inline const std::string kCoolDownColumns =
    "run_id, instance_id, slept_s, waited_s, threshold_c, temperature_before_c, temperature_after_c, reached, "
    "source, created_at";
inline const std::string kDescriptionColumns = "source_digest, family, description, created_at";

}  // namespace mace_tune::detail
