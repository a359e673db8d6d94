// SPDX-License-Identifier: Apache-2.0
// The byte level of both artifacts: little-endian writer and bounds-checked reader, the container
// (header, sections, SHA-256 trailer) and the encoding of every artifact struct. The layout is
// documented in mace_tune/artifacts.h and docs/formats.md; this is its only implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mace_tune/artifacts.h"
#include "mace_tune/status.h"

namespace mace_tune::detail {

class ByteWriter {
 public:
  void U8(uint8_t v) { bytes_.push_back(v); }
  void U16(uint16_t v) { Le(v, 2); }
  void U32(uint32_t v) { Le(v, 4); }
  void U64(uint64_t v) { Le(v, 8); }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F64(double v);                        // the IEEE-754 binary64 bit pattern as a u64
  void Str(const std::string& s);            // u32 length + bytes
  void Blob(const std::vector<uint8_t>& b);  // u64 length + bytes
  void Raw(const void* data, size_t size);
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  void Le(uint64_t v, int width);
  std::vector<uint8_t> bytes_;
};

// Reads never go past the end: the first short read marks the reader failed, and every later
// read returns zero / empty. A length field larger than what remains fails before anything is
// allocated, so a lying file cannot make the reader allocate more than the file's own size.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t U8() { return static_cast<uint8_t>(Le(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Le(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Le(4)); }
  uint64_t U64() { return Le(8); }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  double F64();
  std::string Str();
  std::vector<uint8_t> Blob();
  // A view of the next `size` bytes (nullptr when they are not there).
  const uint8_t* Take(size_t size);

  bool failed() const { return failed_; }
  size_t remaining() const { return size_ - pos_; }
  size_t position() const { return pos_; }

 private:
  uint64_t Le(int width);
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool failed_ = false;
};

struct RawSection {
  uint32_t tag = 0;
  std::vector<uint8_t> payload;
};

struct SectionView {
  uint32_t tag = 0;
  uint32_t reserved = 0;  // written as 0; readers ignore it, except in SIGN (not signed itself)
  const uint8_t* data = nullptr;
  size_t size = 0;
};

struct ContainerView {
  uint16_t format_major = 0;
  uint16_t format_minor = 0;
  std::vector<SectionView> sections;  // views into the parsed bytes, in file order
};

const char* ArtifactKindName(ArtifactKind kind) noexcept;  // "program-binary file", ...
const char* MagicOf(ArtifactKind kind) noexcept;           // 8 bytes, not NUL-terminated

std::vector<uint8_t> EncodeContainer(ArtifactKind kind, uint16_t major, uint16_t minor,
                                     const std::vector<RawSection>& sections);
// Checks in this order: magic (and kind), header length, major version, body size against the
// file size, digest, then the section table. Never reads outside [data, data + size).
Status ParseContainer(const uint8_t* data, size_t size, ArtifactKind expected, ContainerView* out) noexcept;
// Recomputes the trailer digest of an encoded container in place (tests and tools that edit
// files on purpose). Does nothing to a buffer shorter than header + trailer.
void Reseal(std::vector<uint8_t>* bytes);

// Section payloads. A short payload leaves the reader failed(); trailing bytes after the known
// fields are the caller's to judge (allowed only from a newer minor version).
std::vector<uint8_t> EncodeMeta(const ArtifactMeta& meta);
std::vector<uint8_t> EncodeDevice(const DeviceFingerprint& device);
std::vector<uint8_t> EncodeProgram(const ProgramEntry& entry);
std::vector<uint8_t> EncodeTuned(const TunedEntry& entry);
void DecodeMeta(ByteReader* in, ArtifactMeta* out);
void DecodeDevice(ByteReader* in, DeviceFingerprint* out);
void DecodeProgram(ByteReader* in, ProgramEntry* out);
void DecodeTuned(ByteReader* in, TunedEntry* out);

// Program entries whose binary stays in the caller's buffer (a mapped file): the runtime reads
// bundles this way so a mapped binary file is never copied whole.
struct ProgramEntryView {
  std::string program_key;
  std::string program_name;
  std::string build_options;
  std::string source_digest;
  const uint8_t* binary = nullptr;
  size_t binary_size = 0;
};
struct ProgramGroupView {
  DeviceFingerprint device;
  std::vector<ProgramEntryView> programs;
};
struct ProgramBundleView {
  ArtifactMeta meta;
  std::vector<ProgramGroupView> groups;
};
// All the checks of ReadProgramBinaryBundle; the views point into [data, data + size).
Status ReadProgramBundleView(const uint8_t* data, size_t size, ProgramBundleView* out) noexcept;

std::vector<RawSection> ProgramFileSections(const ProgramBinaryFile& file);
std::vector<RawSection> TunedFileSections(const TunedParamFile& file);

}  // namespace mace_tune::detail
