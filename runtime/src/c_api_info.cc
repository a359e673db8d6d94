// SPDX-License-Identifier: Apache-2.0
// The C API added in 0.2.0: what the C++ API told an app and the C API did not (the version, the
// config and reasons behind a launch, where programs came from, kernels by program, the device's
// identity), so that an app in C, or across a C++ runtime boundary, lacks nothing.
#include <string>

#include "runtime/src/c_api_util.h"

namespace {

using mace_tune::detail::Call;

// Strings handed out through const char**, one set per function: valid until this thread calls
// the same function again (c_api.h).
struct Answers {
  std::string a, b, c, d;
};
thread_local Answers g_launch, g_event, g_device;

void Give(const std::string& value, std::string* keep, const char** out) {
  if (out == nullptr) return;
  *keep = value;
  *out = keep->c_str();
}

}  // namespace

extern "C" {

const char* mace_tune_version(void) { return MACE_TUNE_RUNTIME_VERSION; }

int mace_tune_load_program_binaries_from_static_memory(mace_tune_runtime* runtime, const void* data, size_t size) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] { return runtime->runtime->LoadProgramBinariesFromStaticMemory(data, size); });
}

int mace_tune_get_launch_config(mace_tune_runtime* runtime, const char* tuning_key, const char** params,
                                const char** build_options, const char** tuned_key, const char** reason) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(tuning_key);
  return Call([&] {
    mace_tune::LaunchConfig config;
    const mace_tune::Status status = runtime->runtime->GetLaunch(tuning_key, &config);
    if (!status.ok()) return status;
    Give(mace_tune::FormatParams(config.params), &g_launch.a, params);
    Give(config.build_options, &g_launch.b, build_options);
    Give(config.tuned_key, &g_launch.c, tuned_key);
    Give(config.reason, &g_launch.d, reason);
    return status;
  });
}

int mace_tune_program_event_count(mace_tune_runtime* runtime, size_t* count) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(count);
  *count = runtime->runtime->program_events().size();
  return mace_tune::detail::Report(mace_tune::Status::Ok());
}

int mace_tune_get_program_event(mace_tune_runtime* runtime, size_t index, const char** program_key, int* origin,
                                const char** reason, double* build_ms) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] {
    const auto& events = runtime->runtime->program_events();
    if (index >= events.size()) {
      return mace_tune::Status(
          mace_tune::StatusCode::kNotFound,
          "no program event " + std::to_string(index) + " (there are " + std::to_string(events.size()) + ")");
    }
    const mace_tune::ProgramEvent& e = events[index];
    Give(e.program_key, &g_event.a, program_key);
    Give(e.reason, &g_event.b, reason);
    if (origin != nullptr) *origin = static_cast<int>(e.origin);
    if (build_ms != nullptr) *build_ms = e.build_ms;
    return mace_tune::Status::Ok();
  });
}

int mace_tune_create_kernel(mace_tune_runtime* runtime, const char* program, const char* kernel_name,
                            const char* build_options, cl_kernel* kernel, int* origin) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(program);
  MT_C_CHECK_ARG(kernel_name);
  MT_C_CHECK_ARG(kernel);
  return Call([&] {
    mace_tune::ProgramOrigin from = mace_tune::ProgramOrigin::kSource;
    const mace_tune::Status status =
        runtime->runtime->CreateKernel(program, kernel_name, build_options ? build_options : "", kernel, &from);
    if (status.ok() && origin != nullptr) *origin = static_cast<int>(from);
    return status;
  });
}

int mace_tune_device_identity(mace_tune_runtime* runtime, const char** id, const char** description) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] {
    const mace_tune::DeviceFingerprint& f = runtime->runtime->device_fingerprint();
    Give(f.Id(), &g_device.a, id);
    Give(f.Describe(), &g_device.b, description);
    return mace_tune::Status::Ok();
  });
}

}  // extern "C"
