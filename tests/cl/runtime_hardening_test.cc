// SPDX-License-Identifier: Apache-2.0
// The audit's attacks on the runtime, each held by a check (docs/runtime.md "What the runtime
// trusts"): a file changed or truncated after it was verified, blobs edited under a valid digest,
// special and huge files, keys whose sizes overflow, a SIGN section with unsigned bytes, a bundle of
// 50,000 groups. Built from a freshly emitted artifact; also run under ASan/UBSan (scripts/test.sh).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "catch.h"
#include "formats/artifact_writer.h"
#include "mace_tune/signature.h"
#include "runtime/src/format.h"
#include "runtime_test_util.h"

#ifdef MACE_TUNE_WITH_SODIUM
#include <sodium.h>
#endif

namespace mace_tune::test {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const ProgramBinaryFile& GoodFile() {
  static const ProgramBinaryFile file = [] {
    LaunchConfig config;
    REQUIRE(NewRuntime()->GetLaunch(kKey, &config).ok());
    return BuildProgramBinaryFile(Device().context.get(), Device().device(), {{"gemm", config.build_options}},
                                  "runtime_hardening_test");
  }();
  return file;
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Prepares the test key, checks that GEMM computes right, and returns where its program came from.
ProgramOrigin PrepareOrigin(Runtime& runtime, std::string* reason = nullptr) {
  PreparedKernel kernel;
  REQUIRE(runtime.Prepare(kKey, &kernel).ok());
  CheckGemm(kernel);
  if (reason != nullptr) *reason = runtime.program_events().back().reason;
  return kernel.origin();
}

// The file with its first PROG entry's blob replaced by `blob`, resealed: a valid digest over
// garbage (a writer bug, or a file edited and re-digested).
std::vector<uint8_t> WithBlob(std::vector<uint8_t> blob) {
  ProgramBinaryFile file = GoodFile();
  file.programs.at(0).binary = std::move(blob);
  return EncodeProgramBinaryFile(file);
}

}  // namespace

TEST_CASE("a program file truncated or rewritten after loading: the verified bytes reach the driver",
          "[runtime][hardening]") {
  const std::string path = ScratchDir("runtime_hardening") + "/programs.bin";
  const std::vector<uint8_t> good = EncodeProgramBinaryFile(GoodFile());
  WriteBytes(path, good);
  auto truncated = NewRuntime();
  REQUIRE(truncated->LoadProgramBinaries(path).ok());
  REQUIRE(::truncate(path.c_str(), 64) == 0);  // was SIGBUS at Prepare, reading a mapping
  CHECK(PrepareOrigin(*truncated) == ProgramOrigin::kBinary);

  WriteBytes(path, good);
  auto rewritten = NewRuntime();
  REQUIRE(rewritten->LoadProgramBinaries(path).ok());
  {
    // In place (same inode): every byte after the header becomes 0x5a.
    const int fd = ::open(path.c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    const std::vector<uint8_t> junk(good.size() - kHeaderSize, 0x5a);
    REQUIRE(::pwrite(fd, junk.data(), junk.size(), kHeaderSize) == static_cast<ssize_t>(junk.size()));
    ::close(fd);
  }
  CHECK(PrepareOrigin(*rewritten) == ProgramOrigin::kBinary);
}

#ifdef MACE_TUNE_WITH_SODIUM
TEST_CASE("with signatures required, a file rewritten after loading still gives only signed bytes",
          "[runtime][hardening]") {
  REQUIRE(sodium_init() >= 0);
  std::array<uint8_t, 32> pk{};
  std::array<uint8_t, 64> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  const std::vector<uint8_t> bytes = EncodeProgramBinaryFile(GoodFile());
  std::array<uint8_t, 64> signature{};
  crypto_sign_detached(signature.data(), nullptr, bytes.data() + bytes.size() - 32, 32, sk.data());
  std::vector<uint8_t> signed_bytes;
  REQUIRE(AppendSignature(bytes, pk, signature, &signed_bytes).ok());
  const std::string path = ScratchDir("runtime_hardening_signed") + "/programs.bin";
  WriteBytes(path, signed_bytes);
  RuntimeOptions options;
  options.require_signature = true;
  options.trusted_public_key = pk;
  auto runtime = NewRuntime(options);
  REQUIRE(runtime->LoadProgramBinaries(path).ok());
  WriteBytes(path, WithBlob(std::vector<uint8_t>(4096, 0xff)));  // unsigned garbage, same path
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kBinary);
}
#endif

TEST_CASE("blobs edited under a valid digest: what the runtime can check falls back to source",
          "[runtime][hardening]") {
  // Only a signature protects against these (docs/runtime.md); the runtime refuses an empty blob
  // before the driver and whatever the driver does not load as an executable program. Variants
  // that crash the driver itself (PoCL asserts on a truncated blob) cannot be tested in-process.
  const std::vector<uint8_t>& blob = GoodFile().programs.at(0).binary;
  std::vector<uint8_t> wrong_magic = blob;
  wrong_magic[0] ^= 0xff;
  const std::pair<const char*, std::vector<uint8_t>> variants[] = {
      {"empty", {}}, {"one byte", {0x7f}}, {"wrong magic", wrong_magic}};
  for (const auto& [name, bytes] : variants) {
    INFO(name);
    auto runtime = NewRuntime();
    const std::vector<uint8_t> file = WithBlob(bytes);
    REQUIRE(runtime->LoadProgramBinariesFromMemory(file.data(), file.size()).ok());  // the digest is fine
    std::string reason;
    CHECK(PrepareOrigin(*runtime, &reason) == ProgramOrigin::kSource);
    INFO(reason);
    CHECK(Contains(reason, "driver rejected binary"));
  }
}

TEST_CASE("special files are refused at once: no read forever, no memory without bound", "[runtime][hardening]") {
  const std::string fifo = ScratchDir("runtime_hardening_fifo") + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  auto runtime = NewRuntime();
  for (const std::string& path : {fifo, std::string("/dev/zero")}) {
    INFO(path);
    Status status = runtime->LoadProgramBinaries(path);
    CHECK(status.code() == StatusCode::kIoError);
    CHECK(Contains(status.message(), "not a regular file"));
    status = runtime->LoadTunedParams(path);
    CHECK(status.code() == StatusCode::kIoError);
    CHECK(Contains(status.message(), "not a regular file"));
  }
  RuntimeOptions options;
  options.cache_path = fifo;
  CHECK(Contains(NewRuntime(options)->cache_status().message(), "not a regular file"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kSource);

  std::vector<uint8_t> bytes;
  const std::string big = ScratchDir("runtime_hardening_big") + "/big.bin";
  WriteBytes(big, std::vector<uint8_t>(4096, 1));
  const Status status = ReadFileBytes(big, &bytes, 1024);
  CHECK(status.code() == StatusCode::kIoError);
  CHECK(Contains(status.message(), "more than the limit of 1024"));
}

TEST_CASE("keys whose sizes overflow are invalid with a reason, in the lookup and in a tuned file",
          "[runtime][hardening]") {
  const std::string audit = "conv2d_1x1:ACT=0,BIAS=0,C=4,H=2097152,K=4,N=1048576,S=1,W=2097152:fp32";
  auto runtime = NewRuntime();
  LaunchConfig config;
  Status status = runtime->GetLaunch(audit, &config);
  CHECK(status.code() == StatusCode::kInvalidArgument);
  CHECK(Contains(status.message(), "overflow"));
  PreparedKernel kernel;
  CHECK(runtime->Prepare(audit, &kernel).code() == StatusCode::kInvalidArgument);

  // A hand-made tuned file whose entry has that key: loads, and its neighbours still resolve.
  TunedParamFile tuned;
  tuned.device = runtime->device_fingerprint();
  TunedEntry e;
  e.tuning_key = audit;
  e.params = "IMG=0,KT=4,LOCAL=0,LX=1,LY=16,LZ=8,PK=1,PW=4";
  e.build_options = "-DACT=0 -DBIAS=0 -DPK=1 -DPW=4 -DS=1";
  e.dims = 3;
  tuned.entries.push_back(e);
  const std::vector<uint8_t> bytes = EncodeTunedParamFile(tuned);
  REQUIRE(runtime->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).ok());
  for (const std::string& key : {std::string("conv2d_1x1:ACT=0,BIAS=0,C=4,H=2097152,K=4,N=1,S=1,W=128:fp32"),
                                 std::string("conv2d_1x1:ACT=0,BIAS=0,C=4,H=32,K=4,N=1,S=1,W=32:fp32")}) {
    INFO(key);
    CHECK(runtime->GetLaunch(key, &config).ok());
  }
  CHECK(runtime->GetLaunch(audit, &config).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a SIGN section's unsigned parts are refused: reserved field and trailing bytes", "[runtime][hardening]") {
  const std::vector<uint8_t> bytes = EncodeProgramBinaryFile(GoodFile());
  std::vector<uint8_t> signed_bytes;
  REQUIRE(AppendSignature(bytes, std::array<uint8_t, 32>{1}, std::array<uint8_t, 64>{2}, &signed_bytes).ok());
  SignatureBlock block;
  REQUIRE(ReadSignatureBlock(signed_bytes.data(), signed_bytes.size(), &block).ok());
  REQUIRE(block.present);
  // The SIGN section is last: its 16-byte header starts 100 + 16 bytes before the digest.
  const size_t header = signed_bytes.size() - kDigestSize - 100 - 16;
  std::vector<uint8_t> reserved = signed_bytes;
  reserved[header + 4] = 1;
  detail::Reseal(&reserved);
  Status status = ReadSignatureBlock(reserved.data(), reserved.size(), &block);
  CHECK(status.code() == StatusCode::kBadFormat);
  CHECK(Contains(status.message(), "reserved"));

  // Four bytes appended to the SIGN payload (its size, the body size and the digest follow).
  std::vector<uint8_t> longer(signed_bytes.begin(), signed_bytes.end() - kDigestSize);
  longer.insert(longer.end(), {0, 0, 0, 0});
  longer[header + 8] += 4;
  const uint64_t body = longer.size() - kHeaderSize;
  for (int i = 0; i < 8; ++i) longer[16 + i] = static_cast<uint8_t>(body >> (8 * i));
  longer.resize(longer.size() + kDigestSize);
  detail::Reseal(&longer);
  status = ReadSignatureBlock(longer.data(), longer.size(), &block);
  CHECK(status.code() == StatusCode::kBadFormat);
  CHECK(Contains(status.message(), "exactly"));
  CHECK(VerifyArtifactSignature(longer.data(), longer.size(), std::array<uint8_t, 32>{1}).code() ==
        StatusCode::kBadFormat);
}

TEST_CASE("a tuned bundle of 50,000 device groups loads in seconds (the duplicate check is a set)",
          "[runtime][hardening]") {
  TunedParamBundle bundle;
  for (int i = 0; i < 50000; ++i) {
    TunedParamFile group;
    group.device.platform_name = "p";
    group.device.device_name = "GPU " + std::to_string(i);
    TunedEntry e;
    e.tuning_key = kKey;
    e.params = "x";
    e.dims = 1;
    group.entries.push_back(e);
    bundle.groups.push_back(std::move(group));
  }
  const std::vector<uint8_t> bytes = EncodeTunedParamBundle(bundle);
  const auto start = std::chrono::steady_clock::now();
  TunedParamBundle read;
  REQUIRE(ReadTunedParamBundle(bytes.data(), bytes.size(), &read).ok());
  CHECK(read.groups.size() == 50000);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));  // 91 s when quadratic
  CHECK(NewRuntime()->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).code() == StatusCode::kDeviceMismatch);
}

TEST_CASE("atomic writes: a secret key is 0600 whatever the umask, and never replaced unless asked",
          "[runtime][hardening]") {
  const std::string path = ScratchDir("runtime_hardening_keys") + "/release.key";
  const std::vector<uint8_t> secret = {'s', '\n'};
  for (const mode_t mask : {mode_t{022}, mode_t{077}, mode_t{0}}) {
    const mode_t old = ::umask(mask);
    std::remove(path.c_str());
    const Status status = WriteFileAtomic(path, secret, 0600, /*replace=*/false);
    ::umask(old);
    REQUIRE(status.ok());
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
  const Status again = WriteFileAtomic(path, {'x'}, 0600, /*replace=*/false);
  CHECK(again.code() == StatusCode::kIoError);
  CHECK(Contains(again.message(), "exists"));
  std::vector<uint8_t> kept;
  REQUIRE(ReadFileBytes(path, &kept).ok());
  CHECK(kept == secret);
}

}  // namespace mace_tune::test
