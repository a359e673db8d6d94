// SPDX-License-Identifier: Apache-2.0
// Names of status codes.
#include "mace_tune/status.h"

namespace mace_tune {

const char* StatusCodeName(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kIoError:
      return "I/O error";
    case StatusCode::kBadFormat:
      return "bad format";
    case StatusCode::kUnsupportedVersion:
      return "unsupported version";
    case StatusCode::kDigestMismatch:
      return "digest mismatch";
    case StatusCode::kDeviceMismatch:
      return "device mismatch";
    case StatusCode::kDriverMismatch:
      return "driver mismatch";
    case StatusCode::kSourceMismatch:
      return "source mismatch";
    case StatusCode::kOpenClError:
      return "OpenCL error";
    case StatusCode::kInternal:
      return "internal error";
    case StatusCode::kSignatureInvalid:
      return "signature invalid";
    case StatusCode::kUnsupported:
      return "unsupported";
  }
  return "unknown status";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace mace_tune
