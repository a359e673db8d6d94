// SPDX-License-Identifier: Apache-2.0
// The one format definition of both release artifacts (docs/formats.md has every byte).
// The tuner writes them (formats/artifact_writer.h), the runtime reads them (here).
//
// Container, little-endian, fixed widths:
//   header  : magic[8] | u16 format_major | u16 format_minor | u32 section_count | u64 body_size
//   body    : section_count x { u32 tag | u32 reserved (0) | u64 size | size bytes }
//   trailer : SHA-256 (32 bytes) over header and body
// Readers skip sections whose tag they do not know, so older runtimes read newer files of the
// same major version. A DEVC section starts a device group: a multi-device bundle is META, then
// DEVC + its entries per device, then optionally one SIGN section (Ed25519) as the last section. Nothing from a file
// reaches the driver before magic, version, size, digest and device have all been checked.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mace_tune/export.h"
#include "mace_tune/fingerprint.h"
#include "mace_tune/status.h"

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

inline constexpr char kProgramFileMagic[8] = {'M', 'T', 'C', 'L', 'P', 'R', 'O', 'G'};
inline constexpr char kTunedFileMagic[8] = {'M', 'T', 'T', 'U', 'N', 'E', 'D', 'P'};
inline constexpr uint16_t kFormatMajor = 1;
inline constexpr uint16_t kFormatMinor = 2;  // 1.1: device groups, SIGN; 1.2: DESC
inline constexpr size_t kHeaderSize = 24;
inline constexpr size_t kDigestSize = 32;

// Section tags: four ASCII characters read as a little-endian u32.
enum class SectionTag : uint32_t {
  kMeta = 0x4154454d,         // "META": writer version, creation time
  kDevice = 0x43564544,       // "DEVC": device fingerprint
  kProgram = 0x474f5250,      // "PROG": one program entry
  kTuned = 0x454e5554,        // "TUNE": one tuned-parameter entry
  kSignature = 0x4e474953,    // "SIGN": Ed25519 signature, last section only
  kDescription = 0x43534544,  // "DESC": a user kernel's description (tuned-parameter files, 1.2)
};

struct ArtifactMeta {
  uint16_t format_major = kFormatMajor;
  uint16_t format_minor = kFormatMinor;
  std::string writer_version;  // e.g. "mace_tune 0.1.0"
  int64_t created_unix = 0;    // seconds since the epoch, UTC
};

struct ProgramEntry {
  std::string program_key;  // ProgramKey(program_name, build_options, source_digest)
  std::string program_name;
  std::string build_options;  // normalized
  std::string source_digest;  // hex SHA-256 of the source it was built from
  std::vector<uint8_t> binary;
};

struct ProgramBinaryFile {
  ArtifactMeta meta;
  DeviceFingerprint device;
  std::vector<ProgramEntry> programs;
};

struct TunedEntry {
  std::string tuning_key;      // TuningKey::ToString()
  std::string params;          // FormatParams() of the winning config
  std::string build_options;   // FamilyBuildOptions() of it
  std::string default_params;  // the family default's config, for reports
  uint32_t dims = 0;
  std::array<uint32_t, 3> gws{{1, 1, 1}};
  std::array<uint32_t, 3> lws{{1, 1, 1}};
  double tuned_ns = 0;    // median time of the winner
  double default_ns = 0;  // median time of the default config (0 when not measured)
};

struct TunedParamFile {
  ArtifactMeta meta;
  DeviceFingerprint device;
  // The descriptions of the user kernels among the entries (desc/description_text.h's encoding,
  // their sources included), so a runtime launches them without being compiled with them.
  std::vector<std::vector<uint8_t>> descriptions;
  std::vector<TunedEntry> entries;
};

// Multi-device bundles: one META, then one group per device (DEVC + its entries). A file with
// one group is an ordinary single-device file; ReadProgramBinaryFile refuses more than one.
struct ProgramBinaryBundle {
  ArtifactMeta meta;
  std::vector<ProgramBinaryFile> groups;  // each group's meta is a copy of `meta`
};

struct TunedParamBundle {
  ArtifactMeta meta;
  std::vector<TunedParamFile> groups;
};

enum class ArtifactKind { kUnknown, kProgramBinary, kTunedParams };
// From the magic alone; kUnknown for anything shorter than a header.
ArtifactKind DetectArtifactKind(const uint8_t* data, size_t size) noexcept;

// Full checks: magic, major version, sizes, digest, every section well formed.
Status ReadProgramBinaryFile(const uint8_t* data, size_t size, ProgramBinaryFile* out) noexcept;
Status ReadTunedParamFile(const uint8_t* data, size_t size, TunedParamFile* out) noexcept;
Status ReadProgramBinaryBundle(const uint8_t* data, size_t size, ProgramBinaryBundle* out) noexcept;
Status ReadTunedParamBundle(const uint8_t* data, size_t size, TunedParamBundle* out) noexcept;
// The largest file ReadFileBytes reads by default (an artifact, a workload, a JSON file).
inline constexpr size_t kMaxArtifactBytes = size_t{1} << 30;
// A regular file's bytes; anything else (a FIFO, /dev/zero, a directory) is refused before it is
// read, without blocking, and so is a file larger than max_bytes. kNotFound for a missing file,
// kIoError otherwise; the message names the path.
Status ReadFileBytes(const std::string& path, std::vector<uint8_t>* out, size_t max_bytes = kMaxArtifactBytes) noexcept;

// The optional signature (docs/formats.md "SIGN"): an Ed25519 signature over the SHA-256 digest
// the file would have without its SIGN section. Checking the signature itself needs libsodium
// (mace_tune/signature.h); finding and splitting it does not.
struct SignatureBlock {
  bool present = false;
  std::array<uint8_t, 32> public_key{};
  std::array<uint8_t, 64> signature{};
  std::array<uint8_t, 32> signed_digest{};  // SHA-256 of the unsigned file's header and body
};
// Parses the container (either kind) and finds the SIGN section; present = false without one.
Status ReadSignatureBlock(const uint8_t* data, size_t size, SignatureBlock* out) noexcept;
// The file without its SIGN section (resealed), and the same plus a new SIGN section.
Status StripSignature(const std::vector<uint8_t>& signed_file, std::vector<uint8_t>* out) noexcept;
Status AppendSignature(const std::vector<uint8_t>& unsigned_file, const std::array<uint8_t, 32>& public_key,
                       const std::array<uint8_t, 64>& signature, std::vector<uint8_t>* out) noexcept;

// The encoders the tuner's writers call, so the byte format lives in one place. They write this
// library's format version (kFormatMajor.kFormatMinor) whatever meta.format_* says.
std::vector<uint8_t> EncodeProgramBinaryFile(const ProgramBinaryFile& file);
std::vector<uint8_t> EncodeTunedParamFile(const TunedParamFile& file);
// One META (the bundle's), then each group's DEVC and entries in order.
std::vector<uint8_t> EncodeProgramBinaryBundle(const ProgramBinaryBundle& bundle);
std::vector<uint8_t> EncodeTunedParamBundle(const TunedParamBundle& bundle);

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
