// SPDX-License-Identifier: Apache-2.0
// Move-only RAII owners of OpenCL handles, one type per handle kind (CLBlast's clpp11 idea,
// without its copyable Program). Copying is deleted; sharing is an explicit Retain().
// Destructors never throw: a failed release is logged to stderr.
#pragma once

#include <cstdio>
#include <utility>

#include "runtime/cl/cl_error.h"

namespace mace_tune {

template <typename T, cl_int(CL_API_CALL* RetainFn)(T), cl_int(CL_API_CALL* ReleaseFn)(T)>
class ClHandle {
 public:
  ClHandle() noexcept = default;
  // Takes ownership of one reference that the caller already holds.
  explicit ClHandle(T handle) noexcept : handle_(handle) {}
  ~ClHandle() { Reset(); }
  ClHandle(const ClHandle&) = delete;
  ClHandle& operator=(const ClHandle&) = delete;
  ClHandle(ClHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  ClHandle& operator=(ClHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }

  // A second owner of the same object: takes a new reference.
  ClHandle Retain() const {
    if (handle_ != nullptr) MT_CL_CHECK(RetainFn(handle_));
    return ClHandle(handle_);
  }
  T get() const noexcept { return handle_; }
  explicit operator bool() const noexcept { return handle_ != nullptr; }
  // Gives up ownership without releasing.
  T Detach() noexcept { return std::exchange(handle_, nullptr); }

  void Reset() noexcept {
    if (handle_ == nullptr) return;
    const cl_int status = ReleaseFn(std::exchange(handle_, nullptr));
    if (status != CL_SUCCESS) {
      std::fprintf(stderr, "mace_tune: release of an OpenCL object failed: %s (%d)\n", ClErrorName(status), status);
    }
  }

 private:
  T handle_ = nullptr;
};

using Context = ClHandle<cl_context, clRetainContext, clReleaseContext>;
using Queue = ClHandle<cl_command_queue, clRetainCommandQueue, clReleaseCommandQueue>;
using Program = ClHandle<cl_program, clRetainProgram, clReleaseProgram>;
using Kernel = ClHandle<cl_kernel, clRetainKernel, clReleaseKernel>;
using Buffer = ClHandle<cl_mem, clRetainMemObject, clReleaseMemObject>;
using Event = ClHandle<cl_event, clRetainEvent, clReleaseEvent>;

}  // namespace mace_tune
