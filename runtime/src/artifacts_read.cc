// SPDX-License-Identifier: Apache-2.0
// Reading both artifacts: kind detection, and full parsing of single-device files and multi-device
// bundles (a DEVC section starts a group). Every check happens here, before anything reaches the
// driver; program binaries can stay in the caller's buffer (views, not copies).
#include <array>
#include <cstring>
#include <set>

#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"
#include "runtime/src/format.h"

namespace mace_tune {
namespace {

using detail::ByteReader;
using detail::ContainerView;
using detail::SectionView;

Status BadFormat(const std::string& message) { return Status(StatusCode::kBadFormat, message); }

std::string TagName(uint32_t tag) {
  std::string name;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    name += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return name;
}

constexpr uint32_t Tag(SectionTag tag) { return static_cast<uint32_t>(tag); }

// The fields DeviceFingerprint::SameDriver compares.
std::array<std::string, 5> DriverKey(const DeviceFingerprint& d) {
  return {d.platform_name, d.device_name, d.device_vendor, d.driver_version, d.platform_version};
}

// The payload must be used up, unless the file comes from a newer minor version, which may append
// fields this reader does not know.
Status CheckConsumed(const ContainerView& view, const SectionView& section, const ByteReader& in) {
  if (in.failed()) return BadFormat("truncated " + TagName(section.tag) + " section");
  if (in.remaining() != 0 && view.format_minor <= kFormatMinor) {
    return BadFormat(TagName(section.tag) + " section has " + std::to_string(in.remaining()) +
                     " unexpected trailing bytes");
  }
  return Status::Ok();
}

template <typename T, typename Decode>
Status DecodeSection(const ContainerView& view, const SectionView& section, Decode decode, T* out) {
  ByteReader in(section.data, section.size);
  decode(&in, out);
  return CheckConsumed(view, section, in);
}

// META once; each DEVC opens a group (the same device and driver twice is an error); SIGN only
// as the last section; entry sections (tags `entry_tag`, `group_tag` when not 0) only inside a
// group; other tags skipped.
template <typename Group, typename OnEntry>
Status ReadGroups(const uint8_t* data, size_t size, ArtifactKind kind, uint32_t entry_tag, uint32_t group_tag,
                  ArtifactMeta* meta, std::vector<Group>* groups, OnEntry on_entry) {
  ContainerView view;
  Status status = detail::ParseContainer(data, size, kind, &view);
  if (!status.ok()) return status;
  meta->format_major = view.format_major;
  meta->format_minor = view.format_minor;
  bool have_meta = false;
  std::set<std::array<std::string, 5>> drivers;  // a set: a file of 50,000 groups stays linear
  for (size_t i = 0; i < view.sections.size(); ++i) {
    const SectionView& section = view.sections[i];
    if (section.tag == Tag(SectionTag::kMeta)) {
      if (have_meta) return BadFormat("two META sections");
      have_meta = true;
      status = DecodeSection(view, section, detail::DecodeMeta, meta);
    } else if (section.tag == Tag(SectionTag::kDevice)) {
      Group group;
      status = DecodeSection(view, section, detail::DecodeDevice, &group.device);
      if (status.ok() && !drivers.insert(DriverKey(group.device)).second) {
        status = BadFormat("two DEVC sections for the same device and driver (" + group.device.Describe() + ")");
      }
      groups->push_back(std::move(group));
    } else if (section.tag == Tag(SectionTag::kSignature)) {
      if (i + 1 != view.sections.size()) return BadFormat("SIGN section is not the last section");
    } else if (section.tag == entry_tag || (group_tag != 0 && section.tag == group_tag)) {
      if (groups->empty()) return BadFormat(TagName(section.tag) + " section before any DEVC section");
      status = on_entry(view, section, &groups->back());
    }
    if (!status.ok()) return status;
  }
  if (!have_meta) return BadFormat("no META section");
  if (groups->empty()) return BadFormat("no DEVC section (device fingerprint)");
  return Status::Ok();
}

void DecodeProgramView(ByteReader* in, detail::ProgramEntryView* e) {
  e->program_key = in->Str();
  e->program_name = in->Str();
  e->build_options = in->Str();
  e->source_digest = in->Str();
  const uint64_t length = in->U64();
  e->binary = length <= in->remaining() ? in->Take(static_cast<size_t>(length)) : in->Take(in->remaining() + 1);
  e->binary_size = e->binary == nullptr ? 0 : static_cast<size_t>(length);
}

template <typename Fn>
Status Guard(Fn fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kInternal, "out of memory while reading an artifact");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

Status OneGroup(size_t groups, const char* reader) {
  if (groups == 1) return Status::Ok();
  return BadFormat("a bundle of " + std::to_string(groups) + " device groups: read it with " + reader);
}

}  // namespace

namespace detail {

Status ReadProgramBundleView(const uint8_t* data, size_t size, ProgramBundleView* out) noexcept {
  return Guard([&] {
    ProgramBundleView bundle;
    std::vector<std::set<std::string>> keys;
    auto entry = [&keys, &bundle](const ContainerView& view, const SectionView& section, ProgramGroupView* group) {
      keys.resize(bundle.groups.size());
      ProgramEntryView e;
      Status status = DecodeSection(view, section, DecodeProgramView, &e);
      if (!status.ok()) return status;
      if (e.program_key != ProgramKey(e.program_name, e.build_options, e.source_digest)) {
        return BadFormat("program entry '" + e.program_key +
                         "' does not match its program name, build options and source digest");
      }
      if (!keys.back().insert(e.program_key).second) {
        return BadFormat("program key '" + e.program_key + "' appears twice");
      }
      group->programs.push_back(std::move(e));
      return Status::Ok();
    };
    Status status = ReadGroups(data, size, ArtifactKind::kProgramBinary, Tag(SectionTag::kProgram), 0, &bundle.meta,
                               &bundle.groups, entry);
    if (status.ok()) *out = std::move(bundle);
    return status;
  });
}

}  // namespace detail

ArtifactKind DetectArtifactKind(const uint8_t* data, size_t size) noexcept {
  if (data == nullptr || size < kHeaderSize) return ArtifactKind::kUnknown;
  if (std::memcmp(data, kProgramFileMagic, 8) == 0) return ArtifactKind::kProgramBinary;
  if (std::memcmp(data, kTunedFileMagic, 8) == 0) return ArtifactKind::kTunedParams;
  return ArtifactKind::kUnknown;
}

Status ReadProgramBinaryBundle(const uint8_t* data, size_t size, ProgramBinaryBundle* out) noexcept {
  return Guard([&] {
    detail::ProgramBundleView view;
    Status status = detail::ReadProgramBundleView(data, size, &view);
    if (!status.ok()) return status;
    ProgramBinaryBundle bundle;
    bundle.meta = view.meta;
    for (const auto& group : view.groups) {
      ProgramBinaryFile file;
      file.meta = view.meta;
      file.device = group.device;
      for (const auto& e : group.programs) {
        file.programs.push_back({e.program_key, e.program_name, e.build_options, e.source_digest,
                                 std::vector<uint8_t>(e.binary, e.binary + e.binary_size)});
      }
      bundle.groups.push_back(std::move(file));
    }
    *out = std::move(bundle);
    return Status::Ok();
  });
}

Status ReadTunedParamBundle(const uint8_t* data, size_t size, TunedParamBundle* out) noexcept {
  return Guard([&] {
    TunedParamBundle bundle;
    std::vector<std::set<std::string>> keys;
    auto entry = [&keys, &bundle](const ContainerView& view, const SectionView& section, TunedParamFile* group) {
      keys.resize(bundle.groups.size());
      if (section.tag == Tag(SectionTag::kDescription)) {
        group->descriptions.emplace_back(section.data, section.data + section.size);
        return Status::Ok();
      }
      TunedEntry e;
      Status status = DecodeSection(view, section, detail::DecodeTuned, &e);
      if (!status.ok()) return status;
      if (e.dims < 1 || e.dims > 3) {
        return BadFormat("tuned entry '" + e.tuning_key + "' has " + std::to_string(e.dims) +
                         " dimensions (1 to 3 allowed)");
      }
      if (!keys.back().insert(e.tuning_key).second) {
        return BadFormat("tuning key '" + e.tuning_key + "' appears twice");
      }
      group->entries.push_back(std::move(e));
      return Status::Ok();
    };
    Status status = ReadGroups(data, size, ArtifactKind::kTunedParams, Tag(SectionTag::kTuned),
                               Tag(SectionTag::kDescription), &bundle.meta, &bundle.groups, entry);
    if (!status.ok()) return status;
    for (auto& group : bundle.groups) group.meta = bundle.meta;
    *out = std::move(bundle);
    return Status::Ok();
  });
}

Status ReadProgramBinaryFile(const uint8_t* data, size_t size, ProgramBinaryFile* out) noexcept {
  return Guard([&] {
    ProgramBinaryBundle bundle;
    Status status = ReadProgramBinaryBundle(data, size, &bundle);
    if (status.ok()) status = OneGroup(bundle.groups.size(), "ReadProgramBinaryBundle");
    if (status.ok()) *out = std::move(bundle.groups[0]);
    return status;
  });
}

Status ReadTunedParamFile(const uint8_t* data, size_t size, TunedParamFile* out) noexcept {
  return Guard([&] {
    TunedParamBundle bundle;
    Status status = ReadTunedParamBundle(data, size, &bundle);
    if (status.ok()) status = OneGroup(bundle.groups.size(), "ReadTunedParamBundle");
    if (status.ok()) *out = std::move(bundle.groups[0]);
    return status;
  });
}

}  // namespace mace_tune
