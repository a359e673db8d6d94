// SPDX-License-Identifier: Apache-2.0
// The artifact byte format without a device: SHA-256 vectors, round trips of both file kinds,
// and every way a file can be damaged (truncated, flipped, foreign, newer, lying about sizes).
// Also the tuning-key and parameter text forms the tuned file stores.
#include "runtime/src/format.h"

#include <cstring>
#include <string>
#include <vector>

#include "catch.h"
#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"
#include "mace_tune/tuning_key.h"
#include "runtime/src/sha256.h"

namespace mace_tune {
namespace {

DeviceFingerprint SampleDevice() {
  DeviceFingerprint d;
  d.platform_name = "Portable Computing Language";
  d.platform_version = "OpenCL 3.0 PoCL 3.1";
  d.device_name = "pthread-\"cpu\"\n";
  d.device_vendor = "GenuineIntel";
  d.driver_version = "3.1+debian";
  d.opencl_c_version = "OpenCL C 1.2 PoCL";
  d.compute_units = 2;
  d.max_work_group_size = 4096;
  d.local_mem_size = 4194304;
  d.global_mem_size = 0x1'2345'6789ULL;
  return d;
}

ProgramBinaryFile SampleProgramFile() {
  ProgramBinaryFile f;
  f.meta.writer_version = "mace_tune 0.1.0";
  f.meta.created_unix = 1700000000;
  f.device = SampleDevice();
  for (int i = 0; i < 2; ++i) {
    ProgramEntry e;
    e.program_name = "gemm";
    e.build_options = "-DLOCAL=0 -DTM=" + std::to_string(4 << i) + " -DTN=4 -DVW=4";
    e.source_digest = detail::Sha256Hex("source " + std::to_string(i));
    e.program_key = ProgramKey(e.program_name, e.build_options, e.source_digest);
    for (int b = 0; b < 40 + i; ++b) e.binary.push_back(static_cast<uint8_t>(b * 7 + i));
    f.programs.push_back(e);
  }
  return f;
}

TunedParamFile SampleTunedFile() {
  TunedParamFile f;
  f.meta.writer_version = "mace_tune 0.1.0";
  f.meta.created_unix = -5;
  f.device = SampleDevice();
  TunedEntry e;
  e.tuning_key = "gemm:K=16,M=64,N=32:fp32";
  e.params = "LOCAL=0,LX=8,LY=4,TM=2,TN=4,VW=2";
  e.build_options = "-DLOCAL=0 -DTM=2 -DTN=4 -DVW=2";
  e.default_params = "LOCAL=0,LX=8,LY=16,TM=4,TN=4,VW=4";
  e.dims = 2;
  e.gws = {8, 32, 1};
  e.lws = {8, 4, 1};
  e.tuned_ns = 1234.5;
  e.default_ns = 0.1;
  f.entries.push_back(e);
  e.tuning_key = "gemm:K=1,M=1,N=1:fp32";
  e.tuned_ns = 7;
  f.entries.push_back(e);
  return f;
}

void CheckSame(const DeviceFingerprint& a, const DeviceFingerprint& b) {
  CHECK(a.platform_name == b.platform_name);
  CHECK(a.platform_version == b.platform_version);
  CHECK(a.device_name == b.device_name);
  CHECK(a.device_vendor == b.device_vendor);
  CHECK(a.driver_version == b.driver_version);
  CHECK(a.opencl_c_version == b.opencl_c_version);
  CHECK(a.compute_units == b.compute_units);
  CHECK(a.max_work_group_size == b.max_work_group_size);
  CHECK(a.local_mem_size == b.local_mem_size);
  CHECK(a.global_mem_size == b.global_mem_size);
  CHECK(a.Id() == b.Id());
}

void CheckSame(const ProgramBinaryFile& a, const ProgramBinaryFile& b) {
  CHECK(a.meta.format_major == kFormatMajor);
  CHECK(a.meta.format_minor == kFormatMinor);
  CHECK(a.meta.writer_version == b.meta.writer_version);
  CHECK(a.meta.created_unix == b.meta.created_unix);
  CheckSame(a.device, b.device);
  REQUIRE(a.programs.size() == b.programs.size());
  for (size_t i = 0; i < a.programs.size(); ++i) {
    CHECK(a.programs[i].program_key == b.programs[i].program_key);
    CHECK(a.programs[i].program_name == b.programs[i].program_name);
    CHECK(a.programs[i].build_options == b.programs[i].build_options);
    CHECK(a.programs[i].source_digest == b.programs[i].source_digest);
    CHECK(a.programs[i].binary == b.programs[i].binary);
  }
}

Status ReadPrograms(const std::vector<uint8_t>& bytes, ProgramBinaryFile* out = nullptr) {
  ProgramBinaryFile file;
  return ReadProgramBinaryFile(bytes.data(), bytes.size(), out ? out : &file);
}

Status ReadTuned(const std::vector<uint8_t>& bytes, TunedParamFile* out = nullptr) {
  TunedParamFile file;
  return ReadTunedParamFile(bytes.data(), bytes.size(), out ? out : &file);
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-4 vectors", "[format]") {
  CHECK(detail::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(detail::Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(detail::Sha256Hex(m448) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  detail::Sha256 pieces;  // the same message fed in uneven pieces
  for (size_t i = 0; i < m448.size(); i += 5) pieces.Update(m448.data() + i, std::min<size_t>(5, m448.size() - i));
  const auto digest = pieces.Finish();
  CHECK(detail::ToHex(digest.data(), digest.size()) == detail::Sha256Hex(m448));
  CHECK(detail::Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("ByteReader never reads past the end", "[format]") {
  detail::ByteWriter w;
  w.U16(0xbeef);
  w.Str("hi");
  w.U32(0xfffffff0);  // a string length that lies
  const auto bytes = w.bytes();
  detail::ByteReader r(bytes.data(), bytes.size());
  CHECK(r.U16() == 0xbeef);
  CHECK(r.Str() == "hi");
  CHECK(r.Str().empty());
  CHECK(r.failed());
  CHECK(r.U64() == 0);      // stays failed
  CHECK(bytes[0] == 0xef);  // little-endian
}

TEST_CASE("Both artifacts round-trip every field", "[format]") {
  const ProgramBinaryFile programs = SampleProgramFile();
  const std::vector<uint8_t> bytes = EncodeProgramBinaryFile(programs);
  CHECK(DetectArtifactKind(bytes.data(), bytes.size()) == ArtifactKind::kProgramBinary);
  CHECK(std::memcmp(bytes.data(), "MTCLPROG", 8) == 0);
  ProgramBinaryFile read;
  REQUIRE(ReadPrograms(bytes, &read).ok());
  CheckSame(read, programs);
  CHECK(EncodeProgramBinaryFile(read) == bytes);  // deterministic

  const TunedParamFile tuned = SampleTunedFile();
  const std::vector<uint8_t> tbytes = EncodeTunedParamFile(tuned);
  CHECK(DetectArtifactKind(tbytes.data(), tbytes.size()) == ArtifactKind::kTunedParams);
  TunedParamFile tread;
  REQUIRE(ReadTuned(tbytes, &tread).ok());
  CHECK(tread.meta.writer_version == tuned.meta.writer_version);
  CHECK(tread.meta.created_unix == -5);
  CheckSame(tread.device, tuned.device);
  REQUIRE(tread.entries.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const TunedEntry& a = tread.entries[i];
    const TunedEntry& b = tuned.entries[i];
    CHECK(a.tuning_key == b.tuning_key);
    CHECK(a.params == b.params);
    CHECK(a.build_options == b.build_options);
    CHECK(a.default_params == b.default_params);
    CHECK(a.dims == b.dims);
    CHECK(a.gws == b.gws);
    CHECK(a.lws == b.lws);
    CHECK(a.tuned_ns == b.tuned_ns);
    CHECK(a.default_ns == b.default_ns);
  }
  CHECK(EncodeTunedParamFile(tread) == tbytes);
}

TEST_CASE("Every truncation and every flipped byte is rejected without a crash", "[format]") {
  const std::vector<std::vector<uint8_t>> files = {EncodeProgramBinaryFile(SampleProgramFile()),
                                                   EncodeTunedParamFile(SampleTunedFile())};
  for (size_t f = 0; f < files.size(); ++f) {
    const auto& bytes = files[f];
    auto read = [f](const std::vector<uint8_t>& b) { return f == 0 ? ReadPrograms(b) : ReadTuned(b); };
    REQUIRE(read(bytes).ok());
    for (size_t length = 0; length < bytes.size(); ++length) {
      // A copy of exactly `length` bytes, so a sanitizer sees any read past its end.
      const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
      const Status status = read(cut);
      INFO("file " << f << " cut to " << length << " bytes: " << status.ToString());
      CHECK(!status.ok());
      CHECK((status.code() == StatusCode::kBadFormat));
    }
    for (size_t at = 0; at < bytes.size(); ++at) {
      for (const int mask : {0x01, 0x80}) {
        std::vector<uint8_t> flipped = bytes;
        flipped[at] = static_cast<uint8_t>(flipped[at] ^ mask);
        const Status status = read(flipped);
        INFO("file " << f << " byte " << at << " ^ " << int(mask) << ": " << status.ToString());
        CHECK(!status.ok());
      }
    }
    std::vector<uint8_t> longer = bytes;
    longer.push_back(0);
    CHECK(read(longer).code() == StatusCode::kBadFormat);
  }
}

TEST_CASE("Foreign files, kinds and versions are told apart", "[format]") {
  const auto programs = EncodeProgramBinaryFile(SampleProgramFile());
  const auto tuned = EncodeTunedParamFile(SampleTunedFile());

  std::vector<uint8_t> other = programs;
  std::memcpy(other.data(), "NOTMINE!", 8);
  Status status = ReadPrograms(other);
  CHECK(status.code() == StatusCode::kBadFormat);
  CHECK(Contains(status.message(), "not a mace_tune file"));
  CHECK(DetectArtifactKind(other.data(), other.size()) == ArtifactKind::kUnknown);

  status = ReadPrograms(tuned);  // the other kind
  CHECK(status.code() == StatusCode::kBadFormat);
  CHECK(Contains(status.message(), "tuned-parameter file"));
  status = ReadTuned(programs);
  CHECK(Contains(status.message(), "program-binary file"));

  std::vector<uint8_t> future = programs;
  future[8] = 2;   // format_major = 2
  future[10] = 0;  // format_minor = 0
  detail::Reseal(&future);
  status = ReadPrograms(future);
  CHECK(status.code() == StatusCode::kUnsupportedVersion);
  CHECK(Contains(status.message(), "2.0"));
  CHECK(Contains(status.message(), "1.x"));
  future = tuned;
  future[8] = 0;
  detail::Reseal(&future);
  CHECK(ReadTuned(future).code() == StatusCode::kUnsupportedVersion);

  std::vector<uint8_t> corrupt = programs;
  corrupt[kHeaderSize + 20] ^= 0x10;
  CHECK(ReadPrograms(corrupt).code() == StatusCode::kDigestMismatch);
}

TEST_CASE("Unknown sections are skipped, newer minor versions may extend sections", "[format]") {
  const ProgramBinaryFile programs = SampleProgramFile();
  auto sections = detail::ProgramFileSections(programs);
  sections.insert(sections.begin() + 1, {0x41525458 /* "XTRA" */, {1, 2, 3, 4, 5}});
  sections.push_back({static_cast<uint32_t>(SectionTag::kTuned), {9}});  // not this kind's: skipped
  ProgramBinaryFile read;
  const auto bytes = detail::EncodeContainer(ArtifactKind::kProgramBinary, kFormatMajor, kFormatMinor, sections);
  REQUIRE(ReadPrograms(bytes, &read).ok());
  CheckSame(read, programs);

  // A known section with bytes after its fields: malformed at this minor version, an extension
  // from a newer one.
  sections = detail::ProgramFileSections(programs);
  sections[2].payload.push_back(42);
  auto extended = detail::EncodeContainer(ArtifactKind::kProgramBinary, kFormatMajor, kFormatMinor, sections);
  CHECK(ReadPrograms(extended).code() == StatusCode::kBadFormat);
  extended = detail::EncodeContainer(ArtifactKind::kProgramBinary, kFormatMajor, kFormatMinor + 1, sections);
  REQUIRE(ReadPrograms(extended, &read).ok());
  CHECK(read.meta.format_minor == kFormatMinor + 1);
  CHECK(read.programs[0].binary == programs.programs[0].binary);
}

TEST_CASE("Well-sealed files that lie about their structure are rejected", "[format]") {
  const ProgramBinaryFile programs = SampleProgramFile();
  auto encode = [](const std::vector<detail::RawSection>& s) {
    return detail::EncodeContainer(ArtifactKind::kProgramBinary, kFormatMajor, kFormatMinor, s);
  };
  auto sections = detail::ProgramFileSections(programs);
  auto lying = sections;
  lying[2].payload[0] = 0xf0;  // program_key length: far beyond the payload
  lying[2].payload[3] = 0xff;
  CHECK(ReadPrograms(encode(lying)).code() == StatusCode::kBadFormat);

  lying = sections;  // binary length (u64) beyond the payload
  const size_t blob_at = lying[2].payload.size() - programs.programs[0].binary.size() - 8;
  lying[2].payload[blob_at + 7] = 0x7f;
  CHECK(ReadPrograms(encode(lying)).code() == StatusCode::kBadFormat);

  auto bytes = encode(sections);
  bytes[12] = 0xff;  // section count
  bytes[13] = 0xff;
  detail::Reseal(&bytes);
  CHECK(ReadPrograms(bytes).code() == StatusCode::kBadFormat);
  bytes = encode(sections);
  bytes[kHeaderSize + 8] = 0xff;  // first section's size
  bytes[kHeaderSize + 13] = 0xff;
  detail::Reseal(&bytes);
  CHECK(ReadPrograms(bytes).code() == StatusCode::kBadFormat);

  lying = sections;
  lying.erase(lying.begin());  // no META
  CHECK(Contains(ReadPrograms(encode(lying)).message(), "META"));
  lying = sections;
  lying.push_back(lying[1]);  // two DEVC
  CHECK(ReadPrograms(encode(lying)).code() == StatusCode::kBadFormat);
  lying = sections;
  lying.push_back(lying[2]);  // a program key twice
  CHECK(Contains(ReadPrograms(encode(lying)).message(), "twice"));
  ProgramBinaryFile edited = programs;
  edited.programs[0].source_digest = detail::Sha256Hex("other");  // key no longer matches
  CHECK(ReadPrograms(EncodeProgramBinaryFile(edited)).code() == StatusCode::kBadFormat);

  TunedParamFile tuned = SampleTunedFile();
  tuned.entries[1].dims = 4;
  CHECK(ReadTuned(EncodeTunedParamFile(tuned)).code() == StatusCode::kBadFormat);
  tuned = SampleTunedFile();
  tuned.entries[1].tuning_key = tuned.entries[0].tuning_key;
  CHECK(ReadTuned(EncodeTunedParamFile(tuned)).code() == StatusCode::kBadFormat);

  CHECK(ReadProgramBinaryFile(nullptr, 0, &edited).code() == StatusCode::kBadFormat);
  CHECK(DetectArtifactKind(nullptr, 0) == ArtifactKind::kUnknown);
}

TEST_CASE("Mutations behind a valid digest never crash the reader", "[format]") {
  // The digest catches accidents; this is what a deliberately resealed file reaches.
  const std::vector<std::vector<uint8_t>> files = {EncodeProgramBinaryFile(SampleProgramFile()),
                                                   EncodeTunedParamFile(SampleTunedFile())};
  size_t rejected = 0;
  for (size_t f = 0; f < files.size(); ++f) {
    for (size_t at = 8; at + kDigestSize < files[f].size(); ++at) {
      for (const int value : {0x00, 0x7f, 0xff}) {
        std::vector<uint8_t> mutated = files[f];
        mutated[at] = static_cast<uint8_t>(value);
        detail::Reseal(&mutated);
        const Status status = f == 0 ? ReadPrograms(mutated) : ReadTuned(mutated);
        rejected += status.ok() ? 0 : 1;
        CHECK(status.code() != StatusCode::kInternal);
      }
    }
  }
  CHECK(rejected > 0);
}

TEST_CASE("Tuning keys and parameter lists print and parse back", "[format]") {
  TuningKey key;
  REQUIRE(TuningKey::Parse(" gemm:N=96, M=3136,K=16:fp32 ", &key).ok());
  CHECK(key.family == "gemm");
  CHECK(key.Dim("M") == 3136);
  CHECK(key.ToString() == "gemm:K=16,M=3136,N=96:fp32");
  TuningKey again;
  REQUIRE(TuningKey::Parse(key.ToString(), &again).ok());
  CHECK(again == key);

  ParamMap params;
  REQUIRE(ParseParams("VW=4,TM=-2,LX=16", &params).ok());
  CHECK(FormatParams(params) == "LX=16,TM=-2,VW=4");
  REQUIRE(ParseParams("", &params).ok());
  CHECK(params.empty());

  for (const char* bad : {"", "gemm", "gemm:M=1", "gemm:M=1,N=2,K=x:fp32", "gemm:M=1,M=2:fp32", ":M=1:fp32",
                          "gemm:M=1:", "ge mm:M=1:fp32", "gemm:M:fp32", "gemm:M=99999999999999999999:fp32"}) {
    INFO(bad);
    CHECK(TuningKey::Parse(bad, &key).code() == StatusCode::kInvalidArgument);
  }
  for (const char* bad : {"A", "A=1,,B=2", "=1", "A=1.5", "A=1,A=2"}) {
    INFO(bad);
    CHECK(!ParseParams(bad, &params).ok());
  }
}

}  // namespace mace_tune
