// SPDX-License-Identifier: Apache-2.0
// OpenCL error names and the exception the core throws on a failed call.
// MT_CL_CHECK(call) keeps the call's text, so a message reads
// "clBuildProgram: CL_BUILD_PROGRAM_FAILURE (-11)" followed by the build log when there is one.
#pragma once

#include <stdexcept>
#include <string>

#include "runtime/cl/cl_config.h"

namespace mace_tune {

// Symbolic name of an OpenCL status code, e.g. "CL_OUT_OF_RESOURCES"; "CL_UNKNOWN_ERROR" otherwise.
const char* ClErrorName(cl_int code) noexcept;

class ClError : public std::runtime_error {
 public:
  ClError(std::string call, cl_int code, std::string detail = {});
  cl_int code() const noexcept { return code_; }
  const std::string& call() const noexcept { return call_; }
  // Extra text the driver gave: the build log for a failed build.
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string call_;
  cl_int code_;
  std::string detail_;
};

namespace detail {
// The name of the function in a call text: "clFinish(queue)" -> "clFinish".
std::string CallName(const char* call_text);
[[noreturn]] void ThrowClError(const char* call_text, cl_int code);
}  // namespace detail

}  // namespace mace_tune

#define MT_CL_CHECK(call)                                      \
  do {                                                         \
    const cl_int mt_cl_status_ = (call);                       \
    if (mt_cl_status_ != CL_SUCCESS) {                         \
      ::mace_tune::detail::ThrowClError(#call, mt_cl_status_); \
    }                                                          \
  } while (false)
