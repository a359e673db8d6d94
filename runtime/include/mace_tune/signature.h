// SPDX-License-Identifier: Apache-2.0
// Checking the optional Ed25519 signature of a release artifact (docs/formats.md "SIGN"). The
// check needs libsodium, so it only works in a runtime built with MACE_TUNE_WITH_SODIUM=ON;
// otherwise it answers kUnsupported and the runtime itself stays OpenCL-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "mace_tune/export.h"
#include "mace_tune/status.h"

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

// Whether this build can check signatures.
bool SignaturesSupported() noexcept;

// Ok only when the file carries a SIGN section made with the secret key of `trusted_key` over
// exactly this content. kSignatureInvalid: unsigned, another key, or a wrong signature;
// kUnsupported: a build without libsodium; the container errors (kBadFormat ...) as the readers.
Status VerifyArtifactSignature(const uint8_t* data, size_t size, const std::array<uint8_t, 32>& trusted_key) noexcept;

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
