// SPDX-License-Identifier: Apache-2.0
// MACE's key/value files: raw layout and protobuf container (docs/formats.md "MACE's files").
#include "formats/mace_format.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "formats/json.h"

namespace mace_tune {
namespace {

Status BadFormat(const std::string& message) { return Status(StatusCode::kBadFormat, message); }

// Bounds-checked cursor; the first short read fails it.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool Le(int width, uint64_t* out) {
    if (failed_ || size_ - pos_ < static_cast<size_t>(width)) return Fail();
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= static_cast<uint64_t>(data_[pos_ + static_cast<size_t>(i)]) << (8 * i);
    pos_ += static_cast<size_t>(width);
    *out = v;
    return true;
  }
  bool Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (failed_ || pos_ >= size_) return Fail();
      const uint8_t byte = data_[pos_++];
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return Fail();  // more than 10 bytes
  }
  const uint8_t* Take(uint64_t n) {
    if (failed_ || n > size_ - pos_) {
      Fail();
      return nullptr;
    }
    const uint8_t* p = data_ + pos_;
    pos_ += static_cast<size_t>(n);
    return p;
  }
  bool done() const { return pos_ == size_; }
  bool failed() const { return failed_; }

 private:
  bool Fail() {
    failed_ = true;
    return false;
  }
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// One protobuf field: its number, wire type, and value (varint/fixed in `number_value`, bytes in
// `bytes`/`length` for wire type 2). Groups (3, 4) are not used by MACE and are an error.
struct Field {
  uint64_t number = 0;
  uint32_t wire = 0;
  uint64_t value = 0;
  const uint8_t* bytes = nullptr;
  uint64_t length = 0;
};

bool NextField(Cursor* in, Field* f) {
  uint64_t tag = 0;
  if (!in->Varint(&tag)) return false;
  f->number = tag >> 3;
  f->wire = static_cast<uint32_t>(tag & 7);
  if (f->number == 0) return false;
  switch (f->wire) {
    case 0:
      return in->Varint(&f->value);
    case 1:
      return in->Le(8, &f->value);
    case 5:
      return in->Le(4, &f->value);
    case 2:
      if (!in->Varint(&f->length)) return false;
      f->bytes = in->Take(f->length);
      return f->bytes != nullptr;
    default:
      return false;
  }
}

// KVPair: 1 = key (string), 2 = value (bytes); any other field of uint32 values (packed or not)
// is collected as parameters; unknown fields are skipped.
bool ParsePair(const uint8_t* data, size_t size, MaceKvEntry* e) {
  Cursor in(data, size);
  Field f;
  while (!in.done()) {
    if (!NextField(&in, &f)) return false;
    if (f.number == 1 && f.wire == 2) {
      e->key.assign(reinterpret_cast<const char*>(f.bytes), static_cast<size_t>(f.length));
    } else if (f.number == 2 && f.wire == 2) {
      e->value.assign(f.bytes, f.bytes + f.length);
    } else if (f.wire == 0) {
      e->uint32s.push_back(static_cast<uint32_t>(f.value));
    } else if (f.wire == 2 && f.number != 1 && f.number != 2) {
      Cursor packed(f.bytes, static_cast<size_t>(f.length));
      uint64_t v = 0;
      while (!packed.done() && packed.Varint(&v)) e->uint32s.push_back(static_cast<uint32_t>(v));
      if (packed.failed()) return false;
    }
  }
  return true;
}

Status ReadProtobuf(const uint8_t* data, size_t size, MaceKvFile* out) {
  if (size < 4) return BadFormat("shorter than a CRC32 trailer");
  const size_t body = size - 4;
  const uint32_t stored = static_cast<uint32_t>(data[body]) | static_cast<uint32_t>(data[body + 1]) << 8 |
                          static_cast<uint32_t>(data[body + 2]) << 16 | static_cast<uint32_t>(data[body + 3]) << 24;
  if (Crc32(data, body) != stored) return BadFormat("CRC32 trailer does not match");
  MaceKvFile file;
  file.layout = MaceKvFile::Layout::kProtobuf;
  file.crc = stored;
  Cursor in(data, body);
  Field f;
  while (!in.done()) {
    if (!NextField(&in, &f)) return BadFormat("protobuf message malformed");
    if (f.number != 1 || f.wire != 2) continue;  // pairs are field 1
    MaceKvEntry entry;
    if (!ParsePair(f.bytes, static_cast<size_t>(f.length), &entry)) return BadFormat("KVPair malformed");
    file.entries.push_back(std::move(entry));
  }
  *out = std::move(file);
  return Status::Ok();
}

Status ReadRaw(const uint8_t* data, size_t size, MaceKvFile* out) {
  Cursor in(data, size);
  uint64_t count = 0;
  if (!in.Le(8, &count)) return BadFormat("shorter than the raw layout's i64 count");
  if (count > size / 8) return BadFormat("raw count " + std::to_string(static_cast<int64_t>(count)) + " cannot fit");
  MaceKvFile file;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t key_size = 0, value_size = 0;
    MaceKvEntry e;
    const uint8_t* key = in.Le(4, &key_size) ? in.Take(key_size) : nullptr;
    const uint8_t* value = key != nullptr && in.Le(4, &value_size) ? in.Take(value_size) : nullptr;
    if (value == nullptr) return BadFormat("raw entry " + std::to_string(i) + " overruns the file");
    e.key.assign(reinterpret_cast<const char*>(key), static_cast<size_t>(key_size));
    e.value.assign(value, value + value_size);
    file.entries.push_back(std::move(e));
  }
  if (!in.done()) return BadFormat("bytes after the raw layout's last entry");
  *out = std::move(file);
  return Status::Ok();
}

bool Printable(const std::vector<uint8_t>& v) {
  if (v.empty()) return false;
  for (uint8_t c : v) {
    if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\t' && c != 0) return false;
  }
  return true;
}

// What a value looks like, for a person.
std::string Kind(const MaceKvEntry& e) {
  const auto& v = e.value;
  if (v.empty() && e.uint32s.empty()) return "empty";
  if (v.size() >= 4 && v[0] == 0x7f && v[1] == 'E' && v[2] == 'L' && v[3] == 'F') return "ELF device binary";
  if (!e.uint32s.empty()) return "tuned parameters";
  if (Printable(v)) return "text";
  if (v.size() % 4 == 0 && v.size() <= 64) return "tuned parameters (u32)";
  return "binary";
}

std::string Detail(const MaceKvEntry& e) {
  std::vector<uint32_t> values = e.uint32s;
  if (values.empty() && Kind(e) == "tuned parameters (u32)") {
    for (size_t i = 0; i + 4 <= e.value.size(); i += 4) {
      values.push_back(static_cast<uint32_t>(e.value[i]) | static_cast<uint32_t>(e.value[i + 1]) << 8 |
                       static_cast<uint32_t>(e.value[i + 2]) << 16 | static_cast<uint32_t>(e.value[i + 3]) << 24);
    }
  }
  if (!values.empty()) {
    std::string text;
    for (uint32_t v : values) text += (text.empty() ? "" : ",") + std::to_string(v);
    return text;
  }
  if (Printable(e.value)) {
    std::string text(e.value.begin(), e.value.end());
    text = text.substr(0, text.find('\0'));
    return text.size() > 120 ? text.substr(0, 120) + "..." : text;
  }
  return {};
}

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

Status ReadMaceKvFile(const uint8_t* data, size_t size, MaceKvFile* out) noexcept {
  try {
    if (data == nullptr || size == 0) return BadFormat("empty file");
    const Status proto = ReadProtobuf(data, size, out);
    if (proto.ok()) return proto;
    const Status raw = ReadRaw(data, size, out);
    if (raw.ok()) return raw;
    return BadFormat("not a MACE key/value file: as protobuf: " + proto.message() +
                     "; as raw layout: " + raw.message());
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

std::string DescribeMaceFile(const MaceKvFile& file, bool json) {
  const char* layout = file.layout == MaceKvFile::Layout::kRaw ? "MACE raw key/value layout"
                                                               : "MACE protobuf key/value container (CRC32 ok)";
  if (json) {
    JsonWriter out;
    out.BeginObject().Field("kind", file.layout == MaceKvFile::Layout::kRaw ? "mace_raw" : "mace_protobuf");
    out.BeginArray("entries");
    for (const auto& e : file.entries) {
      out.BeginObject().Field("key", e.key).Field("size", e.value.size()).Field("looks_like", Kind(e));
      out.Field("detail", Detail(e)).EndObject();
    }
    return out.EndArray().EndObject().str();
  }
  std::string text = std::string("kind:    ") + layout + "\nentries: " + std::to_string(file.entries.size()) + "\n";
  for (const auto& e : file.entries) {
    text += "  " + e.key + "\n    " + std::to_string(e.value.size()) + " bytes, " + Kind(e);
    const std::string detail = Detail(e);
    if (!detail.empty()) text += ": " + detail;
    text += "\n";
  }
  return text;
}

}  // namespace mace_tune
