// SPDX-License-Identifier: Apache-2.0
// Reading MACE's own OpenCL cache files for `mace_tune inspect`: the older raw key/value layout
// (mace_cl_compiled_program.bin, the tuned-parameter file) and the protobuf key/value container
// with a CRC32 trailer. A small protobuf wire-format reader, no protobuf dependency.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mace_tune/status.h"

namespace mace_tune {

struct MaceKvEntry {
  std::string key;
  std::vector<uint8_t> value;
  std::vector<uint32_t> uint32s;  // protobuf layout: packed or repeated uint32 values, if any
};

struct MaceKvFile {
  enum class Layout { kRaw, kProtobuf };
  Layout layout = Layout::kRaw;
  std::vector<MaceKvEntry> entries;
  uint32_t crc = 0;  // protobuf layout: the trailer (it matched)
};

// CRC-32 (IEEE 802.3 / zlib polynomial, reflected, init and final xor 0xffffffff).
uint32_t Crc32(const uint8_t* data, size_t size);

// The protobuf container if the trailer's CRC32 matches and the message parses, else the raw
// layout if it parses exactly to the end; otherwise kBadFormat naming both reasons. Never reads
// outside [data, data + size) and never allocates more than the input's size.
Status ReadMaceKvFile(const uint8_t* data, size_t size, MaceKvFile* out) noexcept;

// Keys, sizes, what each value looks like (device binary, text, parameters): text or JSON.
std::string DescribeMaceFile(const MaceKvFile& file, bool json);

}  // namespace mace_tune
