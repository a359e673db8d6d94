// SPDX-License-Identifier: Apache-2.0
// MACE's key/value files, written (mace_writer.h); a hand-written protobuf encoder, no dependency.
#include "formats/mace_writer.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace mace_tune {
namespace {

void Varint(uint64_t v, std::vector<uint8_t>* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

void Le(uint64_t v, int width, std::vector<uint8_t>* out) {
  for (int i = 0; i < width; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void LengthDelimited(uint32_t field, const uint8_t* data, size_t size, std::vector<uint8_t>* out) {
  Varint(uint64_t{field} << 3 | 2, out);
  Varint(size, out);
  out->insert(out->end(), data, data + size);
}

std::vector<uint8_t> Pair(const MaceKvEntry& e) {
  std::vector<uint8_t> pair;
  LengthDelimited(kMaceFieldKey, reinterpret_cast<const uint8_t*>(e.key.data()), e.key.size(), &pair);
  if (!e.value.empty()) LengthDelimited(kMaceFieldBytesValue, e.value.data(), e.value.size(), &pair);
  // proto2's default for a repeated scalar is one tag per value; parsers take packed data too.
  for (uint32_t v : e.uint32s) {
    Varint(uint64_t{kMaceFieldUint32sValue} << 3, &pair);
    Varint(v, &pair);
  }
  return pair;
}

std::vector<uint8_t> Protobuf(const std::vector<MaceKvEntry>& entries) {
  std::vector<uint8_t> out;
  for (const auto& e : entries) {
    const std::vector<uint8_t> pair = Pair(e);
    LengthDelimited(kMaceFieldPairs, pair.data(), pair.size(), &out);
  }
  Le(Crc32(out.data(), out.size()), 4, &out);
  return out;
}

uint32_t Int32Size(size_t size, const std::string& what) {
  if (size > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw std::runtime_error(what + " is too large for MACE's raw layout (int32 sizes)");
  }
  return static_cast<uint32_t>(size);
}

std::vector<uint8_t> Raw(const std::vector<MaceKvEntry>& entries) {
  std::vector<uint8_t> out;
  Le(entries.size(), 8, &out);
  for (const auto& e : entries) {
    Le(Int32Size(e.key.size(), "key " + e.key), 4, &out);
    out.insert(out.end(), e.key.begin(), e.key.end());
    if (e.uint32s.empty()) {
      Le(Int32Size(e.value.size(), "value of " + e.key), 4, &out);
      out.insert(out.end(), e.value.begin(), e.value.end());
    } else {
      Le(Int32Size(e.uint32s.size() * 4, "value of " + e.key), 4, &out);
      for (uint32_t v : e.uint32s) Le(v, 4, &out);
    }
  }
  return out;
}

}  // namespace

std::vector<uint8_t> EncodeMaceKvFile(const std::vector<MaceKvEntry>& entries, MaceKvFile::Layout layout) {
  return layout == MaceKvFile::Layout::kProtobuf ? Protobuf(entries) : Raw(entries);
}

}  // namespace mace_tune
