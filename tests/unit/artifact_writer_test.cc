// SPDX-License-Identifier: Apache-2.0
// The tuner's artifact side without a device: atomic writes (and their failures), reading files
// back, `inspect` in words and JSON, and the JSON writer's escaping.
#include "formats/artifact_writer.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "catch.h"
#include "formats/inspect.h"
#include "formats/json.h"
#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"

namespace mace_tune {
namespace {

std::string TempDir() {
  std::string dir = "/tmp/mace_tune_artifact_test.XXXXXX";
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  return dir;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  return names;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TunedParamFile SampleTuned() {
  TunedParamFile f;
  f.meta.writer_version = "mace_tune \"0.1\"\n";
  f.meta.created_unix = 1700000000;  // 2023-11-14T22:13:20Z
  f.device.device_name = "dev\x01ice";
  f.device.driver_version = "3.1";
  TunedEntry e;
  e.tuning_key = "gemm:K=16,M=64,N=32:fp32";
  e.params = "LOCAL=0,LX=8,LY=4,TM=2,TN=4,VW=2";
  e.default_params = "LOCAL=0,LX=8,LY=16,TM=4,TN=4,VW=4";
  e.dims = 2;
  e.gws = {8, 32, 1};
  e.lws = {8, 4, 1};
  e.tuned_ns = 1000;
  e.default_ns = 2500;
  f.entries.push_back(e);
  return f;
}

}  // namespace

TEST_CASE("WriteFileAtomic writes, replaces, and reads back", "[artifacts]") {
  const std::string dir = TempDir();
  const std::string path = dir + "/params.mtp";
  const std::vector<uint8_t> first = {1, 2, 3};
  REQUIRE(WriteFileAtomic(path, first).ok());
  std::vector<uint8_t> read;
  REQUIRE(ReadFileBytes(path, &read).ok());
  CHECK(read == first);
  const std::vector<uint8_t> second(100000, 7);
  REQUIRE(WriteFileAtomic(path, second).ok());
  REQUIRE(ReadFileBytes(path, &read).ok());
  CHECK(read == second);
  REQUIRE(WriteFileAtomic(path, {}).ok());
  REQUIRE(ReadFileBytes(path, &read).ok());
  CHECK(read.empty());
  CHECK(Entries(dir) == std::vector<std::string>{"params.mtp"});  // no temp file left
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("A failed write is a Status naming the path, and leaves no temp file", "[artifacts]") {
  const std::string dir = TempDir();
  const std::string blocker = dir + "/not_a_dir";
  std::ofstream(blocker) << "x";
  // A regular file used as a directory fails even for root, who ignores permission bits.
  Status status = WriteFileAtomic(blocker + "/out.bin", {1, 2, 3});
  CHECK(status.code() == StatusCode::kIoError);
  CHECK(Contains(status.message(), blocker + "/out.bin"));
  CHECK(Contains(status.message(), "Not a directory"));
  status = WriteFileAtomic(dir + "/missing/out.bin", {1});
  CHECK(status.code() == StatusCode::kIoError);
  CHECK(Contains(status.message(), "No such file"));

  // Renaming onto a directory fails after the temp file was written: it must be removed.
  const std::string taken = dir + "/taken";
  REQUIRE(::mkdir(taken.c_str(), 0755) == 0);
  status = WriteFileAtomic(taken, {1, 2, 3});
  CHECK(status.code() == StatusCode::kIoError);
  CHECK(Contains(status.message(), taken));
  CHECK(Entries(dir).size() == 2);  // not_a_dir and taken only

  if (::geteuid() != 0) {  // permission bits only bind non-root users
    const std::string readonly = dir + "/readonly";
    REQUIRE(::mkdir(readonly.c_str(), 0555) == 0);
    status = WriteFileAtomic(readonly + "/out.bin", {1});
    CHECK(status.code() == StatusCode::kIoError);
    CHECK(Contains(status.message(), "Permission denied"));
    CHECK(Entries(readonly).empty());
    ::rmdir(readonly.c_str());
  }
  CHECK(WriteFileAtomic("", {1}).code() == StatusCode::kInvalidArgument);
  std::remove(blocker.c_str());
  ::rmdir(taken.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("ReadFileBytes tells a missing file from an unreadable one", "[artifacts]") {
  std::vector<uint8_t> bytes;
  Status status = ReadFileBytes("/nonexistent/mace_tune.bin", &bytes);
  CHECK(status.code() == StatusCode::kNotFound);
  CHECK(Contains(status.message(), "/nonexistent/mace_tune.bin"));
  status = ReadFileBytes("/tmp", &bytes);
  CHECK(status.code() == StatusCode::kIoError);
  CHECK(Contains(status.message(), "directory"));
}

TEST_CASE("inspect describes a tuned file in words and as JSON", "[artifacts]") {
  const auto bytes = EncodeTunedParamFile(SampleTuned());
  Status status;
  const std::string text = DescribeArtifact(bytes, false, &status);
  REQUIRE(status.ok());
  CHECK(Contains(text, "tuned parameters"));
  CHECK(Contains(text, "format:  1.2"));
  CHECK(Contains(text, "2023-11-14T22:13:20Z"));
  CHECK(Contains(text, "gemm:K=16,M=64,N=32:fp32"));
  CHECK(Contains(text, "lws 8x4"));
  CHECK(Contains(text, "x2.50"));

  const std::string json = DescribeArtifact(bytes, true, &status);
  REQUIRE(status.ok());
  CHECK(json.front() == '{');
  CHECK(json.back() == '}');
  CHECK(Contains(json, R"("writer":"mace_tune \"0.1\"\n")"));
  CHECK(Contains(json, R"("device_name":"dev\u0001ice")"));
  CHECK(Contains(json, R"("lws":[8,4])"));
  CHECK(Contains(json, R"("speedup":2.5)"));
  CHECK(Contains(json, R"("kind":"tuned_params")"));

  CHECK(DescribeArtifact({}, false, &status).empty());
  CHECK(status.code() == StatusCode::kBadFormat);
  auto broken = bytes;
  broken.back() ^= 1;
  CHECK(DescribeArtifact(broken, true, &status).empty());
  CHECK(status.code() == StatusCode::kDigestMismatch);
  CHECK(DescribeArtifact(broken, true, nullptr).empty());
}

TEST_CASE("inspect describes a program-binary file", "[artifacts]") {
  ProgramBinaryFile file;
  file.meta.writer_version = "w";
  ProgramEntry e;
  e.program_name = "gemm";
  e.build_options = "-DTM=4";
  e.source_digest = std::string(64, 'a');
  e.program_key = ProgramKey(e.program_name, e.build_options, e.source_digest);
  e.binary.assign(1234, 0);
  file.programs.push_back(e);
  Status status;
  const std::string text = DescribeArtifact(EncodeProgramBinaryFile(file), false, &status);
  REQUIRE(status.ok());
  CHECK(Contains(text, "compiled-program binary"));
  CHECK(Contains(text, e.program_key + "  1234 bytes"));
  const std::string json = DescribeArtifact(EncodeProgramBinaryFile(file), true, &status);
  CHECK(Contains(json, R"("binary_size":1234)"));
  CHECK(Contains(json, R"("programs":[{"program_key":"gemm|-DTM=4|aaaaaaaaaaaaaaaa")"));
}

TEST_CASE("JsonWriter nests, separates and escapes", "[artifacts]") {
  JsonWriter out;
  out.BeginObject().Field("a", "x\"y\\z\t").Field("n", int64_t{-3}).Field("u", uint64_t{7}).Field("b", true);
  out.Field("d", 0.1)
      .Field("inf", std::numeric_limits<double>::infinity())
      .BeginArray("list")
      .Value(1)
      .Value("s")
      .BeginObject()
      .EndObject();
  out.EndArray().BeginObject("o").Null("z").EndObject().EndObject();
  CHECK(out.str() == R"({"a":"x\"y\\z\t","n":-3,"u":7,"b":true,"d":0.1,"inf":null,"list":[1,"s",{}],"o":{"z":null}})");
  CHECK(JsonString(std::string("\x1f\b\f\r", 4)) == R"("\u001f\b\f\r")");
  CHECK(JsonNumber(1234.5) == "1234.5");
  CHECK(std::strtod(JsonNumber(1.0 / 3.0).c_str(), nullptr) == 1.0 / 3.0);
}

}  // namespace mace_tune
