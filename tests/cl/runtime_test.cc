// SPDX-License-Identifier: Apache-2.0
// The embedded runtime on a real device (PoCL in CI): a matching program binary is used, every
// kind of bad binary file falls back to source with the right reason, and GEMM through Prepare()
// still matches the CPU. The tuned-parameter side is in runtime_tuned_test.cc.
#include <fstream>
#include <thread>

#include "catch.h"
#include "formats/artifact_writer.h"
#include "runtime/src/format.h"
#include "runtime/src/sha256.h"
#include "runtime_test_util.h"

namespace mace_tune::test {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A program-binary file for gemm with the default options of the test key, built once.
const ProgramBinaryFile& GoodFile() {
  static const ProgramBinaryFile file = [] {
    auto runtime = NewRuntime();
    LaunchConfig config;
    REQUIRE(runtime->GetLaunch(kKey, &config).ok());
    return BuildProgramBinaryFile(Device().context.get(), Device().device(), {{"gemm", config.build_options}},
                                  "runtime_test");
  }();
  return file;
}

// Loads `bytes` into a fresh runtime, expects `code`, then prepares and runs the kernel: it must
// come from source with a reason naming `reason`, and still compute the right result.
void ExpectSourceFallback(const std::vector<uint8_t>& bytes, StatusCode code, const std::string& reason) {
  auto runtime = NewRuntime();
  const Status status = runtime->LoadProgramBinariesFromMemory(bytes.data(), bytes.size());
  INFO("load: " << status.ToString());
  CHECK(status.code() == code);
  PreparedKernel kernel;
  REQUIRE(runtime->Prepare(kKey, &kernel).ok());
  CHECK(kernel.origin() == ProgramOrigin::kSource);
  REQUIRE(runtime->program_events().size() == 1);
  const ProgramEvent& event = runtime->program_events()[0];
  INFO("reason: " << event.reason);
  CHECK(event.origin == ProgramOrigin::kSource);
  CHECK(Contains(event.reason, reason));
  CheckGemm(kernel);
}

}  // namespace

TEST_CASE("Runtime::Create checks its arguments and reads the device", "[runtime]") {
  std::unique_ptr<Runtime> runtime;
  CHECK(Runtime::Create(nullptr, Device().device(), &runtime).code() == StatusCode::kInvalidArgument);
  CHECK(!runtime);
  runtime = NewRuntime();
  DeviceFingerprint expected;
  REQUIRE(QueryFingerprint(Device().device(), &expected).ok());
  CHECK(runtime->device_fingerprint().Id() == expected.Id());
  CHECK(std::string(ProgramOriginName(ProgramOrigin::kBinary)) == "binary");
  CHECK(std::string(ProgramOriginName(ProgramOrigin::kSource)) == "source");
}

TEST_CASE("A matching program binary file is used, from a file and from memory", "[runtime]") {
  const std::vector<uint8_t> bytes = EncodeProgramBinaryFile(GoodFile());
  const std::string path = ScratchDir("runtime_binary") + "/programs.mtb";
  REQUIRE(WriteFileAtomic(path, bytes).ok());

  auto runtime = NewRuntime();
  REQUIRE(runtime->LoadProgramBinaries(path).ok());
  PreparedKernel kernel;
  REQUIRE(runtime->Prepare(kKey, &kernel).ok());
  CHECK(kernel.origin() == ProgramOrigin::kBinary);
  REQUIRE(runtime->program_events().size() == 1);
  CHECK(runtime->program_events()[0].origin == ProgramOrigin::kBinary);
  CHECK(runtime->program_events()[0].program_key == GoodFile().programs[0].program_key);
  CheckGemm(kernel);

  PreparedKernel again;  // the built program is cached: no second event
  REQUIRE(runtime->Prepare(kKey, &again).ok());
  CHECK(again.origin() == ProgramOrigin::kBinary);
  CHECK(runtime->program_events().size() == 1);

  auto from_memory = NewRuntime();
  REQUIRE(from_memory->LoadProgramBinariesFromMemory(bytes.data(), bytes.size()).ok());
  REQUIRE(from_memory->Prepare(kKey, &kernel).ok());
  CHECK(kernel.origin() == ProgramOrigin::kBinary);

  // A rejected file afterwards leaves the runtime as it was.
  std::vector<uint8_t> corrupt = bytes;
  corrupt[corrupt.size() / 2] ^= 0x40;
  CHECK(from_memory->LoadProgramBinariesFromMemory(corrupt.data(), corrupt.size()).code() ==
        StatusCode::kDigestMismatch);
  cl_kernel raw = nullptr;
  ProgramOrigin origin = ProgramOrigin::kSource;
  const std::string options = kernel.config().build_options;
  REQUIRE(from_memory->CreateKernel("gemm", "gemm", options, &raw, &origin).ok());
  clReleaseKernel(raw);
  CHECK(origin == ProgramOrigin::kBinary);

  // Other options than the file holds: built from source, "not in binary file".
  REQUIRE(from_memory->CreateKernel("gemm", "gemm", "-DTM=2 -DTN=2 -DVW=2 -DLOCAL=0", &raw, &origin).ok());
  clReleaseKernel(raw);
  CHECK(origin == ProgramOrigin::kSource);
  CHECK(Contains(from_memory->program_events().back().reason, "not in binary file"));
}

TEST_CASE("Without a binary file, programs come from source", "[runtime]") {
  auto runtime = NewRuntime();
  PreparedKernel kernel;
  REQUIRE(runtime->Prepare(kKey, &kernel).ok());
  CHECK(kernel.origin() == ProgramOrigin::kSource);
  REQUIRE(runtime->program_events().size() == 1);
  CHECK(runtime->program_events()[0].reason == "no binary file loaded");
  CHECK(runtime->program_events()[0].build_ms > 0);
  CheckGemm(kernel);
}

TEST_CASE("Each bad binary file falls back to source with its reason", "[runtime]") {
  const std::vector<uint8_t> good = EncodeProgramBinaryFile(GoodFile());

  SECTION("empty file") {
    const std::string path = ScratchDir("runtime_empty") + "/empty.mtb";
    std::ofstream(path).close();
    auto runtime = NewRuntime();
    const Status status = runtime->LoadProgramBinaries(path);
    CHECK(status.code() == StatusCode::kBadFormat);
    CHECK(Contains(status.message(), path));
    PreparedKernel kernel;
    REQUIRE(runtime->Prepare(kKey, &kernel).ok());
    CHECK(kernel.origin() == ProgramOrigin::kSource);
    CHECK(Contains(runtime->program_events()[0].reason, "binary file rejected: bad format"));
    CheckGemm(kernel);
    ExpectSourceFallback({}, StatusCode::kBadFormat, "binary file rejected: bad format: empty file");
  }
  SECTION("missing file") {
    auto runtime = NewRuntime();
    CHECK(runtime->LoadProgramBinaries("/nonexistent/programs.mtb").code() == StatusCode::kNotFound);
    PreparedKernel kernel;
    REQUIRE(runtime->Prepare(kKey, &kernel).ok());
    CHECK(Contains(runtime->program_events()[0].reason, "binary file rejected: not found"));
  }
  SECTION("truncated file") {
    const std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
    ExpectSourceFallback(cut, StatusCode::kBadFormat, "truncated");
  }
  SECTION("corrupted byte") {
    std::vector<uint8_t> bytes = good;
    bytes[bytes.size() - 100] ^= 0x01;
    ExpectSourceFallback(bytes, StatusCode::kDigestMismatch, "binary file rejected: digest mismatch");
  }
  SECTION("another device") {
    ProgramBinaryFile file = GoodFile();
    file.device.device_name += " (another one)";
    ExpectSourceFallback(EncodeProgramBinaryFile(file), StatusCode::kDeviceMismatch,
                         "binary file rejected: device mismatch");
  }
  SECTION("another driver version") {
    ProgramBinaryFile file = GoodFile();
    file.device.driver_version = "0.0-older";
    ExpectSourceFallback(EncodeProgramBinaryFile(file), StatusCode::kDriverMismatch,
                         "binary file rejected: driver mismatch");
  }
  SECTION("a future format version") {
    std::vector<uint8_t> bytes = good;
    bytes[8] = static_cast<uint8_t>(kFormatMajor + 1);
    detail::Reseal(&bytes);
    ExpectSourceFallback(bytes, StatusCode::kUnsupportedVersion, "binary file rejected: unsupported version");
  }
  SECTION("kernel source changed since the binary was built") {
    ProgramBinaryFile file = GoodFile();
    ProgramEntry& entry = file.programs[0];
    entry.source_digest = detail::Sha256Hex("an older gemm.cl");
    entry.program_key = ProgramKey(entry.program_name, entry.build_options, entry.source_digest);
    ExpectSourceFallback(EncodeProgramBinaryFile(file), StatusCode::kOk,
                         "stale binary: kernel source changed (kSourceMismatch)");
  }
  SECTION("binary bytes the driver rejects, behind a valid digest") {
    ProgramBinaryFile file = GoodFile();
    std::vector<uint8_t>& binary = file.programs[0].binary;
    for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<uint8_t>(i * 131 + 17);
    ExpectSourceFallback(EncodeProgramBinaryFile(file), StatusCode::kOk, "driver rejected binary: CL_");
  }
}

TEST_CASE("Threads preparing the same kernel share one build", "[runtime]") {
  auto runtime = NewRuntime();
  std::vector<PreparedKernel> kernels(4);
  std::vector<Status> statuses(kernels.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < kernels.size(); ++i) {
    threads.emplace_back([&, i] { statuses[i] = runtime->Prepare(kKey, &kernels[i]); });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& status : statuses) CHECK(status.ok());
  CHECK(runtime->program_events().size() == 1);
  CheckGemm(kernels[3]);
}

TEST_CASE("Program builds report OpenCL errors as a Status", "[runtime]") {
  auto runtime = NewRuntime();
  cl_kernel kernel = nullptr;
  Status status = runtime->CreateKernel("no_such_program", "k", "", &kernel);
  CHECK(status.code() == StatusCode::kNotFound);
  status = runtime->CreateKernel("gemm", "gemm", "-DTN=4 -DVW=3", &kernel);
  CHECK(status.code() == StatusCode::kOpenClError);
  CHECK(Contains(status.message(), "CL_BUILD_PROGRAM_FAILURE"));
  status = runtime->CreateKernel("gemm", "no_such_kernel", "", &kernel);
  CHECK(status.code() == StatusCode::kOpenClError);
  CHECK(Contains(status.message(), "CL_INVALID_KERNEL_NAME"));
  CHECK(kernel == nullptr);
}

}  // namespace mace_tune::test
