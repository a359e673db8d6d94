// SPDX-License-Identifier: Apache-2.0
// A small SHA-256 (FIPS 180-4) for artifact digests and fingerprint ids. The runtime's only
// dependency is OpenCL, so it cannot link OpenSSL; this is checked against the FIPS vectors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mace_tune::detail {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  std::array<uint8_t, 32> Finish();

 private:
  void Block(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_ = 0;
};

std::array<uint8_t, 32> Sha256Of(const void* data, size_t size);
std::string ToHex(const uint8_t* data, size_t size);
std::string Sha256Hex(std::string_view text);

}  // namespace mace_tune::detail
