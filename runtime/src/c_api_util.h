// SPDX-License-Identifier: Apache-2.0
// What the C API's files share: the handles behind the opaque types, and the wrapper that turns a
// Status or an escaping exception into the int status plus this thread's last-error message.
#pragma once

#include <exception>
#include <memory>
#include <string>

#include "mace_tune/c_api.h"
#include "mace_tune/runtime.h"

struct mace_tune_options {
  mace_tune::RuntimeOptions options;
};

struct mace_tune_runtime {
  std::unique_ptr<mace_tune::Runtime> runtime;
};

namespace mace_tune::detail {

inline thread_local std::string g_last_error;

inline int Report(const Status& status) noexcept {
  try {
    g_last_error = status.ok() ? std::string() : status.ToString();
  } catch (...) {
    g_last_error.clear();
  }
  return static_cast<int>(status.code());
}

inline int Invalid(const char* what) noexcept { return Report(Status(StatusCode::kInvalidArgument, what)); }

template <typename Fn>
int Call(Fn fn) noexcept {
  try {
    return Report(fn());
  } catch (const std::exception& e) {
    return Report(Status(StatusCode::kInternal, e.what()));
  } catch (...) {
    return Report(Status(StatusCode::kInternal, "unknown exception"));
  }
}

}  // namespace mace_tune::detail

#define MT_C_CHECK_RUNTIME(r) \
  if ((r) == nullptr || !(r)->runtime) return mace_tune::detail::Invalid("runtime is NULL")
#define MT_C_CHECK_ARG(a) \
  if ((a) == nullptr) return mace_tune::detail::Invalid(#a " is NULL")
