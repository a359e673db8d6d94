// SPDX-License-Identifier: Apache-2.0
// The status the runtime's public API returns instead of throwing.
#pragma once

#include <string>
#include <utility>

#include "mace_tune/export.h"

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // a malformed key, option or call
  kNotFound,            // a file, entry or device that is not there
  kIoError,             // read/write/rename failed
  kBadFormat,           // not our file, truncated, or malformed
  kUnsupportedVersion,  // a format major version this runtime does not read
  kDigestMismatch,      // the integrity digest does not match the content
  kDeviceMismatch,      // written for another device
  kDriverMismatch,      // same device, another driver or platform version
  kSourceMismatch,      // the kernel source changed since the binary was built
  kOpenClError,         // an OpenCL call failed
  kInternal,            // a bug: an exception escaped where none should
  // Added in 0.2.0; the numbers above never change (the C API returns them).
  kSignatureInvalid,  // a signature was required and is missing, wrong or from another key
  kUnsupported,       // a feature this build lacks (e.g. signatures without libsodium)
};

const char* StatusCodeName(StatusCode code) noexcept;

class Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() noexcept { return Status(); }

  bool ok() const noexcept { return code_ == StatusCode::kOk; }
  StatusCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // "kDeviceMismatch: written for ..." or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
