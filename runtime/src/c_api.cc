// SPDX-License-Identifier: Apache-2.0
// The C API (mace_tune/c_api.h) over mace_tune::Runtime: each function catches everything,
// returns the StatusCode's number and leaves the message in a thread-local string.
#include "mace_tune/c_api.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mace_tune/runtime.h"
#include "runtime/src/c_api_util.h"

namespace {

using mace_tune::detail::Call;
using mace_tune::detail::Invalid;
using mace_tune::detail::Report;

void Fill(const mace_tune::LaunchConfig& config, mace_tune_launch* out) {
  out->dims = config.geometry.dims;
  for (int i = 0; i < 3; ++i) {
    out->global_size[i] = config.geometry.gws[static_cast<size_t>(i)];
    out->local_size[i] = config.geometry.lws[static_cast<size_t>(i)];
  }
  out->origin = static_cast<int>(config.origin);
}

}  // namespace

extern "C" {

const char* mace_tune_last_error(void) { return mace_tune::detail::g_last_error.c_str(); }

const char* mace_tune_status_name(int status) {
  if (status < 0 || status > static_cast<int>(mace_tune::StatusCode::kUnsupported)) return "unknown status";
  return mace_tune::StatusCodeName(static_cast<mace_tune::StatusCode>(status));
}

int mace_tune_options_create(mace_tune_options** out) {
  if (out == nullptr) return Invalid("mace_tune_options_create: out is NULL");
  return Call([&] {
    *out = new mace_tune_options();
    return mace_tune::Status::Ok();
  });
}

void mace_tune_options_destroy(mace_tune_options* options) { delete options; }

int mace_tune_options_set_cache_path(mace_tune_options* options, const char* path) {
  if (options == nullptr) return Invalid("options is NULL");
  return Call([&] {
    options->options.cache_path = path == nullptr ? "" : path;
    return mace_tune::Status::Ok();
  });
}

int mace_tune_options_set_max_nearest_distance(mace_tune_options* options, double distance) {
  if (options == nullptr) return Invalid("options is NULL");
  options->options.max_nearest_distance = distance;
  return Report(mace_tune::Status::Ok());
}

int mace_tune_options_require_signature(mace_tune_options* options, const unsigned char public_key[32]) {
  if (options == nullptr || public_key == nullptr) return Invalid("options or public_key is NULL");
  options->options.require_signature = true;
  std::memcpy(options->options.trusted_public_key.data(), public_key, 32);
  return Report(mace_tune::Status::Ok());
}

int mace_tune_runtime_create(cl_context context, cl_device_id device, const mace_tune_options* options,
                             mace_tune_runtime** out) {
  if (out == nullptr) return Invalid("mace_tune_runtime_create: out is NULL");
  return Call([&] {
    auto handle = std::make_unique<mace_tune_runtime>();
    const mace_tune::Status status = mace_tune::Runtime::Create(
        context, device, options != nullptr ? options->options : mace_tune::RuntimeOptions(), &handle->runtime);
    if (status.ok()) *out = handle.release();
    return status;
  });
}

void mace_tune_runtime_destroy(mace_tune_runtime* runtime) { delete runtime; }

int mace_tune_load_program_binaries(mace_tune_runtime* runtime, const char* path) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(path);
  return Call([&] { return runtime->runtime->LoadProgramBinaries(path); });
}

int mace_tune_load_program_binaries_from_memory(mace_tune_runtime* runtime, const void* data, size_t size) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] { return runtime->runtime->LoadProgramBinariesFromMemory(data, size); });
}

int mace_tune_load_tuned_params(mace_tune_runtime* runtime, const char* path) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(path);
  return Call([&] { return runtime->runtime->LoadTunedParams(path); });
}

int mace_tune_load_tuned_params_from_memory(mace_tune_runtime* runtime, const void* data, size_t size) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] { return runtime->runtime->LoadTunedParamsFromMemory(data, size); });
}

int mace_tune_get_launch(mace_tune_runtime* runtime, const char* tuning_key, mace_tune_launch* out) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(tuning_key);
  MT_C_CHECK_ARG(out);
  return Call([&] {
    mace_tune::LaunchConfig config;
    const mace_tune::Status status = runtime->runtime->GetLaunch(tuning_key, &config);
    if (status.ok()) Fill(config, out);
    return status;
  });
}

int mace_tune_prepare(mace_tune_runtime* runtime, const char* tuning_key, cl_kernel* kernel, mace_tune_launch* launch) {
  MT_C_CHECK_RUNTIME(runtime);
  MT_C_CHECK_ARG(tuning_key);
  MT_C_CHECK_ARG(kernel);
  return Call([&] {
    mace_tune::PreparedKernel prepared;
    const mace_tune::Status status = runtime->runtime->Prepare(tuning_key, &prepared);
    if (!status.ok()) return status;
    if (launch != nullptr) Fill(prepared.config(), launch);
    // The PreparedKernel releases its reference; the caller gets its own.
    if (clRetainKernel(prepared.kernel()) != CL_SUCCESS) {
      return mace_tune::Status(mace_tune::StatusCode::kOpenClError, "clRetainKernel failed");
    }
    *kernel = prepared.kernel();
    return status;
  });
}

int mace_tune_set_program_source(mace_tune_runtime* runtime, const char* program, const char* source) {
  MT_C_CHECK_RUNTIME(runtime);
  if (program == nullptr || source == nullptr) return Invalid("program or source is NULL");
  return Call([&] { return runtime->runtime->SetProgramSource(program, source); });
}

int mace_tune_build_in_background(mace_tune_runtime* runtime, const char* const* tuning_keys, size_t count) {
  MT_C_CHECK_RUNTIME(runtime);
  if (tuning_keys == nullptr && count != 0) return Invalid("tuning_keys is NULL");
  return Call([&] {
    std::vector<std::string> keys;
    for (size_t i = 0; i < count; ++i) {
      if (tuning_keys[i] == nullptr) return mace_tune::Status(mace_tune::StatusCode::kInvalidArgument, "a NULL key");
      keys.emplace_back(tuning_keys[i]);
    }
    return runtime->runtime->BuildInBackground(keys);
  });
}

int mace_tune_wait_for_background_build(mace_tune_runtime* runtime) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] { return runtime->runtime->WaitForBackgroundBuild(); });
}

int mace_tune_cache_status(mace_tune_runtime* runtime) {
  MT_C_CHECK_RUNTIME(runtime);
  return Call([&] { return runtime->runtime->cache_status(); });
}

}  // extern "C"
