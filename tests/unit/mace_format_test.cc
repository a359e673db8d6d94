// SPDX-License-Identifier: Apache-2.0
// MACE's own files (raw layout, protobuf container with CRC32) as `inspect` reads them, from the
// samples scripts/make_mace_samples.py generated (tests/data/mace/), plus damaged copies; and
// inspect on multi-device bundles and signed files. No device needed.
#include "formats/mace_format.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "catch.h"
#include "formats/inspect.h"
#include "mace_tune/artifacts.h"

namespace mace_tune {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<uint8_t> Sample(const std::string& name) {
  const char* root = std::getenv("MACE_TUNE_SOURCE_DIR");
  std::vector<uint8_t> bytes;
  REQUIRE(root != nullptr);
  REQUIRE(ReadFileBytes(std::string(root) + "/tests/data/mace/" + name, &bytes).ok());
  return bytes;
}

}  // namespace

TEST_CASE("CRC32 is the zlib one", "[mace]") {
  const std::string text = "123456789";
  CHECK(Crc32(reinterpret_cast<const uint8_t*>(text.data()), text.size()) == 0xcbf43926u);
}

TEST_CASE("Both MACE layouts of both files read back", "[mace]") {
  for (const char* name : {"mace_cl_compiled_program_raw.bin", "mace_cl_compiled_program_pb.bin"}) {
    INFO(name);
    const auto bytes = Sample(name);
    MaceKvFile file;
    REQUIRE(ReadMaceKvFile(bytes.data(), bytes.size(), &file).ok());
    CHECK(file.layout == (Contains(name, "_pb") ? MaceKvFile::Layout::kProtobuf : MaceKvFile::Layout::kRaw));
    REQUIRE(file.entries.size() == 4);
    Status status;
    const std::string text = DescribeArtifact(bytes, false, &status);
    CHECK(status.ok());
    CHECK(Contains(text, "Adreno(TM) 640"));
    CHECK(Contains(text, "conv_2d_1x1 -DCMD_DATA_TYPE=f"));
    CHECK(Contains(text, "ELF device binary"));
  }
  for (const char* name : {"mace_tuned_params_raw.bin", "mace_tuned_params_pb.bin"}) {
    INFO(name);
    Status status;
    const std::string json = DescribeArtifact(Sample(name), true, &status);
    CHECK(status.ok());
    CHECK(Contains(json, "\"key\":\"Conv2d1x1OpenclKernel1_56_56_24_144\""));
    CHECK(Contains(json, "\"detail\":\"8,16,4,1\""));
  }
}

TEST_CASE("Damaged MACE files are a status, never a crash", "[mace]") {
  for (const char* name : {"mace_cl_compiled_program_raw.bin", "mace_tuned_params_pb.bin"}) {
    const auto good = Sample(name);
    MaceKvFile file;
    for (size_t cut = 0; cut < good.size(); cut += 7) {
      std::vector<uint8_t> truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
      CHECK(ReadMaceKvFile(truncated.data(), truncated.size(), &file).code() != StatusCode::kInternal);
    }
    auto flipped = good;
    flipped[good.size() / 2] ^= 0x40;
    Status status;
    DescribeArtifact(flipped, false, &status);
    CHECK(status.code() != StatusCode::kInternal);
  }
  Status status;
  CHECK(DescribeArtifact({1, 2, 3}, false, &status).empty());
  CHECK(Contains(status.message(), "not a MACE key/value file"));
}

TEST_CASE("inspect shows bundles group by group, and a signature", "[mace][artifacts]") {
  TunedParamBundle bundle;
  bundle.meta.writer_version = "test";
  for (const char* name : {"Adreno 640", "Mali-G76"}) {
    TunedParamFile group;
    group.device.device_name = name;
    bundle.groups.push_back(group);
  }
  const auto bytes = EncodeTunedParamBundle(bundle);
  Status status;
  std::string text = DescribeArtifact(bytes, false, &status);
  REQUIRE(status.ok());
  CHECK(Contains(text, "bundle:  2 device groups"));
  CHECK(Contains(text, "Mali-G76"));
  const std::string json = DescribeArtifact(bytes, true, &status);
  CHECK(Contains(json, "{\"kind\":\"bundle\",\"groups\":[{"));
  std::vector<uint8_t> signed_bytes;
  std::array<uint8_t, 32> key{};
  key[0] = 0xab;
  REQUIRE(AppendSignature(bytes, key, {}, &signed_bytes).ok());
  text = DescribeArtifact(signed_bytes, false, &status);
  CHECK(Contains(text, "signed:  Ed25519, public key ab00"));
}

}  // namespace mace_tune
