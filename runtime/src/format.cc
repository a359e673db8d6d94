// SPDX-License-Identifier: Apache-2.0
// Encoding and bounds-checked decoding of the artifact container and its sections
// (layout in mace_tune/artifacts.h, every byte in docs/formats.md).
#include "runtime/src/format.h"

#include <cstring>
#include <stdexcept>

#include "runtime/src/sha256.h"

namespace mace_tune {
namespace detail {

void ByteWriter::Le(uint64_t v, int width) {
  for (int i = 0; i < width; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void ByteWriter::F64(double v) {
  uint64_t bits = 0;
  static_assert(sizeof(bits) == sizeof(v), "binary64 expected");
  std::memcpy(&bits, &v, sizeof(bits));
  U64(bits);
}

void ByteWriter::Str(const std::string& s) {
  if (s.size() > UINT32_MAX) throw std::length_error("string longer than 4 GiB in an artifact");
  U32(static_cast<uint32_t>(s.size()));
  Raw(s.data(), s.size());
}

void ByteWriter::Blob(const std::vector<uint8_t>& b) {
  U64(b.size());
  Raw(b.data(), b.size());
}

void ByteWriter::Raw(const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  bytes_.insert(bytes_.end(), p, p + size);
}

const uint8_t* ByteReader::Take(size_t size) {
  if (failed_ || size > size_ - pos_) {
    failed_ = true;
    return nullptr;
  }
  const uint8_t* p = data_ + pos_;
  pos_ += size;
  return p;
}

uint64_t ByteReader::Le(int width) {
  const uint8_t* p = Take(static_cast<size_t>(width));
  if (p == nullptr) return 0;
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

double ByteReader::F64() {
  const uint64_t bits = U64();
  double v = 0;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

std::string ByteReader::Str() {
  const uint32_t length = U32();
  const uint8_t* p = Take(length);  // fails before allocating when the length lies
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), length);
}

std::vector<uint8_t> ByteReader::Blob() {
  const uint64_t length = U64();
  if (length > remaining()) {
    failed_ = true;
    return {};
  }
  const uint8_t* p = Take(static_cast<size_t>(length));
  return p == nullptr ? std::vector<uint8_t>() : std::vector<uint8_t>(p, p + length);
}

const char* ArtifactKindName(ArtifactKind kind) noexcept {
  switch (kind) {
    case ArtifactKind::kProgramBinary:
      return "program-binary file";
    case ArtifactKind::kTunedParams:
      return "tuned-parameter file";
    case ArtifactKind::kUnknown:
      break;
  }
  return "unknown file";
}

const char* MagicOf(ArtifactKind kind) noexcept {
  return kind == ArtifactKind::kTunedParams ? kTunedFileMagic : kProgramFileMagic;
}

std::vector<uint8_t> EncodeContainer(ArtifactKind kind, uint16_t major, uint16_t minor,
                                     const std::vector<RawSection>& sections) {
  ByteWriter body;
  for (const auto& section : sections) {
    body.U32(section.tag);
    body.U32(0);  // reserved
    body.Blob(section.payload);
  }
  ByteWriter out;
  out.Raw(MagicOf(kind), 8);
  out.U16(major);
  out.U16(minor);
  out.U32(static_cast<uint32_t>(sections.size()));
  out.U64(body.bytes().size());
  out.Raw(body.bytes().data(), body.bytes().size());
  const auto digest = Sha256Of(out.bytes().data(), out.bytes().size());
  out.Raw(digest.data(), digest.size());
  return std::move(out.bytes());
}

void Reseal(std::vector<uint8_t>* bytes) {
  if (bytes->size() < kHeaderSize + kDigestSize) return;
  const size_t content = bytes->size() - kDigestSize;
  const auto digest = Sha256Of(bytes->data(), content);
  std::memcpy(bytes->data() + content, digest.data(), kDigestSize);
}

namespace {

Status BadFormat(const std::string& message) { return Status(StatusCode::kBadFormat, message); }

Status ParseContainerImpl(const uint8_t* data, size_t size, ArtifactKind expected, ContainerView* out) {
  const ArtifactKind other =
      expected == ArtifactKind::kProgramBinary ? ArtifactKind::kTunedParams : ArtifactKind::kProgramBinary;
  const std::string wanted = ArtifactKindName(expected);
  if (size == 0) return BadFormat("empty file: not a mace_tune file");
  if (size < 8 || std::memcmp(data, MagicOf(expected), 8) != 0) {
    if (size >= 8 && std::memcmp(data, MagicOf(other), 8) == 0) {
      return BadFormat(std::string("this is a mace_tune ") + ArtifactKindName(other) + ", expected a " + wanted);
    }
    return BadFormat("not a mace_tune file (no " + wanted + " magic)");
  }
  if (size < kHeaderSize + kDigestSize) {
    return BadFormat("truncated: " + std::to_string(size) + " bytes, shorter than header and digest");
  }
  ByteReader header(data + 8, kHeaderSize - 8);
  const uint16_t major = header.U16();
  const uint16_t minor = header.U16();
  const uint32_t section_count = header.U32();
  const uint64_t body_size = header.U64();
  if (major != kFormatMajor) {
    return Status(StatusCode::kUnsupportedVersion,
                  "format version " + std::to_string(major) + "." + std::to_string(minor) +
                      ", this runtime reads version " + std::to_string(kFormatMajor) + ".x (up to " +
                      std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor) + ")");
  }
  const size_t available = size - kHeaderSize - kDigestSize;
  if (body_size > available) {
    return BadFormat("truncated: the header announces " + std::to_string(body_size) + " body bytes, the file holds " +
                     std::to_string(available));
  }
  if (body_size < available) {
    return BadFormat("size mismatch: " + std::to_string(available - body_size) +
                     " bytes more than the header announces (truncated or concatenated file)");
  }
  const size_t content = kHeaderSize + static_cast<size_t>(body_size);
  const auto digest = Sha256Of(data, content);
  if (std::memcmp(digest.data(), data + content, kDigestSize) != 0) {
    return Status(StatusCode::kDigestMismatch, "SHA-256 digest does not match the content (corrupted or edited file)");
  }
  // Each section needs at least its 16-byte header: caps the count before anything is reserved.
  if (section_count > body_size / 16) {
    return BadFormat("truncated: " + std::to_string(section_count) + " sections cannot fit in " +
                     std::to_string(body_size) + " body bytes");
  }
  ContainerView view;
  view.format_major = major;
  view.format_minor = minor;
  view.sections.reserve(section_count);
  ByteReader body(data + kHeaderSize, static_cast<size_t>(body_size));
  for (uint32_t i = 0; i < section_count; ++i) {
    SectionView section;
    section.tag = body.U32();
    section.reserved = body.U32();
    const uint64_t section_size = body.U64();
    section.data = section_size <= body.remaining() ? body.Take(static_cast<size_t>(section_size)) : nullptr;
    if (section.data == nullptr) {
      return BadFormat("truncated: section " + std::to_string(i) + " overruns the body");
    }
    section.size = static_cast<size_t>(section_size);
    view.sections.push_back(section);
  }
  if (body.remaining() != 0) {
    return BadFormat("size mismatch: " + std::to_string(body.remaining()) + " body bytes after the last of " +
                     std::to_string(section_count) + " sections");
  }
  *out = std::move(view);
  return Status::Ok();
}

}  // namespace

Status ParseContainer(const uint8_t* data, size_t size, ArtifactKind expected, ContainerView* out) noexcept {
  try {
    if (data == nullptr && size != 0) return BadFormat("null data");
    return ParseContainerImpl(data, size, expected, out);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

std::vector<uint8_t> EncodeMeta(const ArtifactMeta& meta) {
  ByteWriter w;
  w.Str(meta.writer_version);
  w.I64(meta.created_unix);
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeDevice(const DeviceFingerprint& d) {
  ByteWriter w;
  for (const std::string* s : {&d.platform_name, &d.platform_version, &d.device_name, &d.device_vendor,
                               &d.driver_version, &d.opencl_c_version}) {
    w.Str(*s);
  }
  w.U32(d.compute_units);
  w.U64(d.max_work_group_size);
  w.U64(d.local_mem_size);
  w.U64(d.global_mem_size);
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeProgram(const ProgramEntry& e) {
  ByteWriter w;
  w.Str(e.program_key);
  w.Str(e.program_name);
  w.Str(e.build_options);
  w.Str(e.source_digest);
  w.Blob(e.binary);
  return std::move(w.bytes());
}

std::vector<uint8_t> EncodeTuned(const TunedEntry& e) {
  ByteWriter w;
  w.Str(e.tuning_key);
  w.Str(e.params);
  w.Str(e.build_options);
  w.Str(e.default_params);
  w.U32(e.dims);
  for (uint32_t v : e.gws) w.U32(v);
  for (uint32_t v : e.lws) w.U32(v);
  w.F64(e.tuned_ns);
  w.F64(e.default_ns);
  return std::move(w.bytes());
}

void DecodeMeta(ByteReader* in, ArtifactMeta* out) {
  out->writer_version = in->Str();
  out->created_unix = in->I64();
}

void DecodeDevice(ByteReader* in, DeviceFingerprint* d) {
  for (std::string* s : {&d->platform_name, &d->platform_version, &d->device_name, &d->device_vendor,
                         &d->driver_version, &d->opencl_c_version}) {
    *s = in->Str();
  }
  d->compute_units = in->U32();
  d->max_work_group_size = in->U64();
  d->local_mem_size = in->U64();
  d->global_mem_size = in->U64();
}

void DecodeProgram(ByteReader* in, ProgramEntry* e) {
  e->program_key = in->Str();
  e->program_name = in->Str();
  e->build_options = in->Str();
  e->source_digest = in->Str();
  e->binary = in->Blob();
}

void DecodeTuned(ByteReader* in, TunedEntry* e) {
  e->tuning_key = in->Str();
  e->params = in->Str();
  e->build_options = in->Str();
  e->default_params = in->Str();
  e->dims = in->U32();
  for (uint32_t& v : e->gws) v = in->U32();
  for (uint32_t& v : e->lws) v = in->U32();
  e->tuned_ns = in->F64();
  e->default_ns = in->F64();
}

std::vector<RawSection> ProgramFileSections(const ProgramBinaryFile& file) {
  std::vector<RawSection> sections;
  sections.push_back({static_cast<uint32_t>(SectionTag::kMeta), EncodeMeta(file.meta)});
  sections.push_back({static_cast<uint32_t>(SectionTag::kDevice), EncodeDevice(file.device)});
  for (const auto& entry : file.programs) {
    sections.push_back({static_cast<uint32_t>(SectionTag::kProgram), EncodeProgram(entry)});
  }
  return sections;
}

std::vector<RawSection> TunedFileSections(const TunedParamFile& file) {
  std::vector<RawSection> sections;
  sections.push_back({static_cast<uint32_t>(SectionTag::kMeta), EncodeMeta(file.meta)});
  sections.push_back({static_cast<uint32_t>(SectionTag::kDevice), EncodeDevice(file.device)});
  for (const auto& description : file.descriptions) {
    sections.push_back({static_cast<uint32_t>(SectionTag::kDescription), description});
  }
  for (const auto& entry : file.entries) {
    sections.push_back({static_cast<uint32_t>(SectionTag::kTuned), EncodeTuned(entry)});
  }
  return sections;
}

}  // namespace detail

// The version written is always this library's: meta.format_major/minor describe what was read.
std::vector<uint8_t> EncodeProgramBinaryFile(const ProgramBinaryFile& file) {
  return detail::EncodeContainer(ArtifactKind::kProgramBinary, kFormatMajor, kFormatMinor,
                                 detail::ProgramFileSections(file));
}

std::vector<uint8_t> EncodeTunedParamFile(const TunedParamFile& file) {
  return detail::EncodeContainer(ArtifactKind::kTunedParams, kFormatMajor, kFormatMinor,
                                 detail::TunedFileSections(file));
}

}  // namespace mace_tune

namespace mace_tune {

std::vector<uint8_t> EncodeProgramBinaryBundle(const ProgramBinaryBundle& bundle) {
  std::vector<detail::RawSection> sections;
  sections.push_back({static_cast<uint32_t>(SectionTag::kMeta), detail::EncodeMeta(bundle.meta)});
  for (const auto& group : bundle.groups) {
    sections.push_back({static_cast<uint32_t>(SectionTag::kDevice), detail::EncodeDevice(group.device)});
    for (const auto& entry : group.programs) {
      sections.push_back({static_cast<uint32_t>(SectionTag::kProgram), detail::EncodeProgram(entry)});
    }
  }
  return detail::EncodeContainer(ArtifactKind::kProgramBinary, kFormatMajor, kFormatMinor, sections);
}

std::vector<uint8_t> EncodeTunedParamBundle(const TunedParamBundle& bundle) {
  std::vector<detail::RawSection> sections;
  sections.push_back({static_cast<uint32_t>(SectionTag::kMeta), detail::EncodeMeta(bundle.meta)});
  for (const auto& group : bundle.groups) {
    sections.push_back({static_cast<uint32_t>(SectionTag::kDevice), detail::EncodeDevice(group.device)});
    for (const auto& description : group.descriptions) {
      sections.push_back({static_cast<uint32_t>(SectionTag::kDescription), description});
    }
    for (const auto& entry : group.entries) {
      sections.push_back({static_cast<uint32_t>(SectionTag::kTuned), detail::EncodeTuned(entry)});
    }
  }
  return detail::EncodeContainer(ArtifactKind::kTunedParams, kFormatMajor, kFormatMinor, sections);
}

}  // namespace mace_tune
