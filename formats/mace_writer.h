// SPDX-License-Identifier: Apache-2.0
// Writing MACE's own key/value files (docs/formats.md "MACE's files"): the protobuf container with
// its CRC-32 trailer (MACE 1.1 and later) and the legacy raw layout (MACE 0.9 to 1.0). The reader
// is mace_format.h; both follow one description of the layouts.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/mace_format.h"

namespace mace_tune {

// KVPair's field numbers as we write them. MACE's code names the fields (key, bytes_value,
// uint32s_value) but its .proto was not among the sources we could read: these numbers are our
// assumption, stated in docs/formats.md, and the reader accepts the same.
constexpr uint32_t kMaceFieldPairs = 1;         // PairContainer.pairs
constexpr uint32_t kMaceFieldKey = 1;           // KVPair.key
constexpr uint32_t kMaceFieldBytesValue = 2;    // KVPair.bytes_value
constexpr uint32_t kMaceFieldUint32sValue = 3;  // KVPair.uint32s_value, one varint per value

// Entries in the order given. Protobuf layout: a pair carries bytes_value when `value` is not
// empty and uint32s_value for `uint32s`, then the message's CRC-32, little-endian. Raw layout:
// int64 count, then per entry int32 key size, key, int32 value size, value; an entry with uint32s
// stores them as its value, 4 bytes each, little-endian.
std::vector<uint8_t> EncodeMaceKvFile(const std::vector<MaceKvEntry>& entries, MaceKvFile::Layout layout);

}  // namespace mace_tune
