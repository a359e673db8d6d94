// SPDX-License-Identifier: Apache-2.0
// Writing MACE's files (mace_writer.h) byte by byte in both layouts, read back by our reader, and
// MACE's names (mace_naming.h): key templates both ways, program keys, platform info, device name.
#include "formats/mace_writer.h"

#include <string>
#include <vector>

#include "catch.h"
#include "formats/mace_format.h"
#include "formats/mace_naming.h"

namespace mace_tune {
namespace {

MaceKvEntry Params(const std::string& key, std::vector<uint32_t> values) {
  MaceKvEntry e;
  e.key = key;
  e.uint32s = std::move(values);
  return e;
}

MaceKvEntry Bytes(const std::string& key, std::vector<uint8_t> value) {
  MaceKvEntry e;
  e.key = key;
  e.value = std::move(value);
  return e;
}

}  // namespace

TEST_CASE("The protobuf container, byte by byte", "[mace]") {
  const auto bytes = EncodeMaceKvFile({Params("k", {1, 300})}, MaceKvFile::Layout::kProtobuf);
  // pairs (1, bytes) { key (1, bytes) "k"; uint32s_value (3, varint) 1; uint32s_value 300 }, CRC-32.
  const std::vector<uint8_t> message = {0x0a, 0x08, 0x0a, 0x01, 'k', 0x18, 0x01, 0x18, 0xac, 0x02};
  REQUIRE(bytes.size() == message.size() + 4);
  CHECK(std::vector<uint8_t>(bytes.begin(), bytes.end() - 4) == message);
  const uint32_t crc = Crc32(message.data(), message.size());
  CHECK(static_cast<uint32_t>(bytes[10]) == (crc & 0xff));
  CHECK(static_cast<uint32_t>(bytes[13]) == (crc >> 24));
}

TEST_CASE("The legacy raw layout, byte by byte", "[mace]") {
  const auto bytes = EncodeMaceKvFile({Bytes("ab", {1, 2, 3}), Params("c", {7})}, MaceKvFile::Layout::kRaw);
  const std::vector<uint8_t> expected = {2, 0, 0, 0, 0, 0, 0, 0, 2,   0, 0, 0, 'a', 'b', 3, 0, 0,
                                         0, 1, 2, 3, 1, 0, 0, 0, 'c', 4, 0, 0, 0,   7,   0, 0, 0};
  CHECK(bytes == expected);
}

TEST_CASE("What we write, our reader reads back in both layouts", "[mace]") {
  const std::vector<MaceKvEntry> entries = {Bytes("mace_opencl_precompiled_platform_info_key", {'P', ',', ' ', 'v'}),
                                            Bytes("mace_opencl_precompiled_device_name_key", {}),
                                            Bytes("bias_relu -DA=1", std::vector<uint8_t>(300, 0x7f)),
                                            Params("bias_relu_opencl_kernel_1_9_13_24", {8, 4, 2, 0})};
  for (auto layout : {MaceKvFile::Layout::kProtobuf, MaceKvFile::Layout::kRaw}) {
    const auto bytes = EncodeMaceKvFile(entries, layout);
    MaceKvFile file;
    REQUIRE(ReadMaceKvFile(bytes.data(), bytes.size(), &file).ok());
    CHECK(file.layout == layout);
    REQUIRE(file.entries.size() == entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      CHECK(file.entries[i].key == entries[i].key);
      if (entries[i].uint32s.empty()) CHECK(file.entries[i].value == entries[i].value);
    }
    const MaceKvEntry& tuned = file.entries.back();
    if (layout == MaceKvFile::Layout::kProtobuf) {
      CHECK(tuned.uint32s == std::vector<uint32_t>{8, 4, 2, 0});
    } else {
      CHECK(tuned.value == std::vector<uint8_t>{8, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0});
    }
  }
}

TEST_CASE("Key templates render, read back and refuse what they cannot", "[mace]") {
  const auto t = MaceKeyTemplate::Parse("bias_relu=bias_relu_opencl_kernel_{N}_{H}_{W}_{C}");
  TuningKey key;
  REQUIRE(TuningKey::Parse("bias_relu:C=24,H=9,N=1,W=13:fp32", &key).ok());
  CHECK(t.Render(key) == "bias_relu_opencl_kernel_1_9_13_24");
  const auto back = t.Match("bias_relu_opencl_kernel_1_9_13_24");
  REQUIRE(back);
  CHECK(back->ToString() == key.ToString());
  CHECK_FALSE(t.Match("bias_relu_opencl_kernel_1_9_13"));
  CHECK_FALSE(t.Match("bias_relu_opencl_kernel_01_9_13_24"));  // would not render back the same
  CHECK_FALSE(t.Match("Conv2d1x1OpenclKernel1_56_56_24_144"));
  CHECK(t.Check({"N", "H", "W", "C"}, true).empty());
  CHECK(t.Check({"N", "H", "W", "C", "G"}, true).find("{G}") != std::string::npos);
  CHECK(t.Check({"N", "H", "W"}, false).find("{C} is not a dim") != std::string::npos);

  const auto typed = MaceKeyTemplate::Parse("f=f.{dtype}.{M}");
  REQUIRE(typed.Match("f.fp16.7"));
  CHECK(typed.Match("f.fp16.7")->ToString() == "f:M=7:fp16");
  for (const char* bad : {"no_equals", "=x", "f=", "f=a_{N", "f=a_{}", "f=a_{N}{H}", "f=a}"}) {
    INFO(bad);
    CHECK_THROWS_AS(MaceKeyTemplate::Parse(bad), std::runtime_error);
  }
}

TEST_CASE("MACE's program key, platform info, device name and tuned values", "[mace]") {
  CHECK(MaceProgramKey("bias_relu", "") == "bias_relu");
  CHECK(MaceProgramKey("bias_relu", " -DB=1  -DA=2 -DB=1 ") == "bias_relu -DA=2 -DB=1");
  CHECK(MacePlatformInfo("QUALCOMM Adreno(TM)", "FULL_PROFILE", "OpenCL 2.0 QUALCOMM build", "v1.1.1") ==
        "QUALCOMM Adreno(TM), FULL_PROFILE, OpenCL 2.0 QUALCOMM build, v1.1.1");
  CHECK(MacePlatformInfo("P", "FULL_PROFILE", "OpenCL 1.2", "") == "P, FULL_PROFILE, OpenCL 1.2");
  CHECK(MaceDeviceName("QUALCOMM Adreno(TM)", "OpenCL 2.0 Adreno(TM) 640") == "Adreno(TM) 640");
  CHECK(MaceDeviceName("QUALCOMM Adreno(TM)", "OpenCL2.0") == "");
  CHECK(MaceDeviceName("Mali-G76", "OpenCL 2.0 v1.r16p0") == "Mali-G76");
  CHECK(MaceDeviceName("cpu-haswell-Intel(R) Xeon(R)", "OpenCL 3.0 PoCL") == "");
  CHECK(MaceTunedValues(3, {8, 4, 2}) == std::vector<uint32_t>{8, 4, 2, 0});
  CHECK(MaceTunedValues(2, {16, 4, 1}) == std::vector<uint32_t>{16, 4, 0});
}

}  // namespace mace_tune
