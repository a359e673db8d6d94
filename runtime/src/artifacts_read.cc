// Reading both artifacts: file bytes, kind detection, and full parsing into the structs of
// mace_tune/artifacts.h. Every check happens here, before anything reaches the driver.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "format.h"
#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"

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

// Decodes one known section with `decode`; the payload must be used up, unless the file comes
// from a newer minor version, which may append fields this reader does not know.
template <typename T, typename Decode>
Status DecodeSection(const ContainerView& view, const SectionView& section, Decode decode, T* out) {
  ByteReader in(section.data, section.size);
  decode(&in, out);
  if (in.failed()) return BadFormat("truncated " + TagName(section.tag) + " section");
  if (in.remaining() != 0 && view.format_minor <= kFormatMinor) {
    return BadFormat(TagName(section.tag) + " section has " + std::to_string(in.remaining()) +
                     " unexpected trailing bytes");
  }
  return Status::Ok();
}

// The META and DEVC sections both kinds share; `entry` handles the kind's own entry tag.
template <typename File, typename Entry>
Status ReadFile(const uint8_t* data, size_t size, ArtifactKind kind, File* out, Entry entry) {
  ContainerView view;
  Status status = detail::ParseContainer(data, size, kind, &view);
  if (!status.ok()) return status;
  File file;
  file.meta.format_major = view.format_major;
  file.meta.format_minor = view.format_minor;
  bool have_meta = false;
  bool have_device = false;
  for (const auto& section : view.sections) {
    if (section.tag == static_cast<uint32_t>(SectionTag::kMeta)) {
      if (have_meta) return BadFormat("two META sections");
      have_meta = true;
      status = DecodeSection(view, section, detail::DecodeMeta, &file.meta);
    } else if (section.tag == static_cast<uint32_t>(SectionTag::kDevice)) {
      if (have_device) return BadFormat("two DEVC sections");
      have_device = true;
      status = DecodeSection(view, section, detail::DecodeDevice, &file.device);
    } else {
      status = entry(view, section, &file);  // skips tags it does not know
    }
    if (!status.ok()) return status;
  }
  if (!have_meta) return BadFormat("no META section");
  if (!have_device) return BadFormat("no DEVC section (device fingerprint)");
  *out = std::move(file);
  return Status::Ok();
}

Status ProgramSection(const ContainerView& view, const SectionView& section, ProgramBinaryFile* file,
                      std::set<std::string>* keys) {
  if (section.tag != static_cast<uint32_t>(SectionTag::kProgram)) return Status::Ok();
  ProgramEntry entry;
  Status status = DecodeSection(view, section, detail::DecodeProgram, &entry);
  if (!status.ok()) return status;
  if (entry.program_key != ProgramKey(entry.program_name, entry.build_options, entry.source_digest)) {
    return BadFormat("program entry '" + entry.program_key +
                     "' does not match its program name, build options and source digest");
  }
  if (!keys->insert(entry.program_key).second) {
    return BadFormat("program key '" + entry.program_key + "' appears twice");
  }
  file->programs.push_back(std::move(entry));
  return Status::Ok();
}

Status TunedSection(const ContainerView& view, const SectionView& section, TunedParamFile* file,
                    std::set<std::string>* keys) {
  if (section.tag != static_cast<uint32_t>(SectionTag::kTuned)) return Status::Ok();
  TunedEntry entry;
  Status status = DecodeSection(view, section, detail::DecodeTuned, &entry);
  if (!status.ok()) return status;
  if (entry.dims < 1 || entry.dims > 3) {
    return BadFormat("tuned entry '" + entry.tuning_key + "' has " + std::to_string(entry.dims) +
                     " dimensions (1 to 3 allowed)");
  }
  if (!keys->insert(entry.tuning_key).second) {
    return BadFormat("tuning key '" + entry.tuning_key + "' appears twice");
  }
  file->entries.push_back(std::move(entry));
  return Status::Ok();
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

}  // namespace

ArtifactKind DetectArtifactKind(const uint8_t* data, size_t size) noexcept {
  if (data == nullptr || size < kHeaderSize) return ArtifactKind::kUnknown;
  if (std::memcmp(data, kProgramFileMagic, 8) == 0) return ArtifactKind::kProgramBinary;
  if (std::memcmp(data, kTunedFileMagic, 8) == 0) return ArtifactKind::kTunedParams;
  return ArtifactKind::kUnknown;
}

Status ReadProgramBinaryFile(const uint8_t* data, size_t size, ProgramBinaryFile* out) noexcept {
  return Guard([&] {
    std::set<std::string> keys;
    return ReadFile(data, size, ArtifactKind::kProgramBinary, out,
                    [&keys](const ContainerView& v, const SectionView& s, ProgramBinaryFile* f) {
                      return ProgramSection(v, s, f, &keys);
                    });
  });
}

Status ReadTunedParamFile(const uint8_t* data, size_t size, TunedParamFile* out) noexcept {
  return Guard([&] {
    std::set<std::string> keys;
    return ReadFile(data, size, ArtifactKind::kTunedParams, out,
                    [&keys](const ContainerView& v, const SectionView& s, TunedParamFile* f) {
                      return TunedSection(v, s, f, &keys);
                    });
  });
}

Status ReadFileBytes(const std::string& path, std::vector<uint8_t>* out) noexcept {
  return Guard([&]() -> Status {
    auto error = [&path](const char* what, int err) {
      return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
                    std::string(what) + " " + path + ": " + std::strerror(err));
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return error("cannot open", errno);
    struct stat info {};
    if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
      const int err = S_ISDIR(info.st_mode) ? EISDIR : errno;
      ::close(fd);
      return error("cannot read", err);
    }
    std::vector<uint8_t> bytes;
    if (info.st_size > 0) bytes.reserve(static_cast<size_t>(info.st_size));
    uint8_t chunk[65536];
    for (;;) {
      const ssize_t n = ::read(fd, chunk, sizeof(chunk));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return error("cannot read", err);
      }
      if (n == 0) break;
      bytes.insert(bytes.end(), chunk, chunk + n);
    }
    ::close(fd);
    *out = std::move(bytes);
    return Status::Ok();
  });
}

}  // namespace mace_tune
