// SPDX-License-Identifier: Apache-2.0
// Release features of the runtime on a real device: multi-device bundles, file and static
// loading, cache-update mode (incl. an unwritable cache), background builds, required signatures
// and the nearest-shape fallback of launch configs. Each fallback reason is checked by name.
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "catch.h"
#include "formats/artifact_writer.h"
#include "mace_tune/c_api.h"
#include "mace_tune/signature.h"
#include "runtime/src/launch_table.h"
#include "runtime_test_util.h"

#ifdef MACE_TUNE_WITH_SODIUM
#include <sodium.h>
#endif

namespace mace_tune::test {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string DefaultOptions() {
  auto runtime = NewRuntime();
  LaunchConfig config;
  REQUIRE(runtime->GetLaunch(kKey, &config).ok());
  return config.build_options;
}

const ProgramBinaryFile& GoodFile() {
  static const ProgramBinaryFile file = BuildProgramBinaryFile(Device().context.get(), Device().device(),
                                                               {{"gemm", DefaultOptions()}}, "runtime_release_test");
  return file;
}

DeviceFingerprint OtherDevice(DeviceFingerprint d, const std::string& suffix) {
  d.device_name += suffix;
  return d;
}

std::vector<uint8_t> Bundle(const std::vector<DeviceFingerprint>& devices) {
  ProgramBinaryBundle bundle;
  bundle.meta = GoodFile().meta;
  for (const auto& device : devices) {
    ProgramBinaryFile group = GoodFile();
    group.device = device;
    bundle.groups.push_back(group);
  }
  return EncodeProgramBinaryBundle(bundle);
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

ProgramOrigin PrepareOrigin(Runtime& runtime) {
  PreparedKernel kernel;
  REQUIRE(runtime.Prepare(kKey, &kernel).ok());
  CheckGemm(kernel);
  return kernel.origin();
}

}  // namespace

TEST_CASE("A bundle gives the group of this device and driver", "[runtime][release]") {
  const DeviceFingerprint mine = NewRuntime()->device_fingerprint();
  DeviceFingerprint older = mine;
  older.driver_version = "0.0-older";
  const auto good = Bundle({OtherDevice(mine, " A"), older, mine, OtherDevice(mine, " B")});
  auto runtime = NewRuntime();
  REQUIRE(runtime->LoadProgramBinariesFromMemory(good.data(), good.size()).ok());
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kBinary);

  const auto foreign = Bundle({OtherDevice(mine, " A"), OtherDevice(mine, " B")});
  runtime = NewRuntime();
  const Status status = runtime->LoadProgramBinariesFromMemory(foreign.data(), foreign.size());
  CHECK(status.code() == StatusCode::kDeviceMismatch);
  CHECK(Contains(status.message(), "none of the bundle's 2 device groups"));
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kSource);

  const auto driver = Bundle({OtherDevice(mine, " A"), older});
  CHECK(NewRuntime()->LoadProgramBinariesFromMemory(driver.data(), driver.size()).code() ==
        StatusCode::kDriverMismatch);

  // Single-device readers refuse bundles; the same device twice is malformed.
  ProgramBinaryFile single;
  CHECK(ReadProgramBinaryFile(good.data(), good.size(), &single).code() == StatusCode::kBadFormat);
  const auto twice = Bundle({mine, mine});
  CHECK(Contains(NewRuntime()->LoadProgramBinariesFromMemory(twice.data(), twice.size()).message(), "two DEVC"));

  // Tuned bundles: any driver of this device.
  TunedParamBundle tuned;
  TunedParamFile group;
  group.device = OtherDevice(mine, " A");
  tuned.groups.push_back(group);
  group.device = older;
  TunedEntry entry;
  entry.tuning_key = "gemm:K=1,M=1,N=1:fp32";
  entry.params = "LOCAL=0,LX=1,LY=1,TM=1,TN=1,VW=1";
  entry.build_options = "-DLOCAL=0 -DTM=1 -DTN=1 -DVW=1";
  entry.dims = 2;
  group.entries.push_back(entry);
  tuned.groups.push_back(group);
  const auto tuned_bytes = EncodeTunedParamBundle(tuned);
  REQUIRE(runtime->LoadTunedParamsFromMemory(tuned_bytes.data(), tuned_bytes.size()).ok());
  LaunchConfig config;
  REQUIRE(runtime->GetLaunch(entry.tuning_key, &config).ok());
  CHECK(config.origin == LaunchOrigin::kExact);
}

TEST_CASE("Files load into memory, memory loads copied or in place", "[runtime][release]") {
  const std::string dir = ScratchDir("release_load");
  const auto bytes = EncodeProgramBinaryFile(GoodFile());
  WriteBytes(dir + "/programs.bin", bytes);
  auto runtime = NewRuntime();
  REQUIRE(runtime->LoadProgramBinaries(dir + "/programs.bin").ok());
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kBinary);

  runtime = NewRuntime();
  REQUIRE(runtime->LoadProgramBinariesFromStaticMemory(bytes.data(), bytes.size()).ok());
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kBinary);

  // A directory, an empty file: a status each, then source.
  CHECK(runtime->LoadProgramBinaries(dir).code() == StatusCode::kIoError);
  WriteBytes(dir + "/empty.bin", {});
  runtime = NewRuntime();
  CHECK(runtime->LoadProgramBinaries(dir + "/empty.bin").code() == StatusCode::kBadFormat);
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kSource);
  CHECK(Contains(runtime->program_events()[0].reason,
                 "binary file rejected: bad format: " + dir + "/empty.bin: empty file"));
}

TEST_CASE("Cache-update mode writes source builds back for the next start", "[runtime][release]") {
  const std::string dir = ScratchDir("release_cache");
  RuntimeOptions options;
  options.cache_path = dir + "/cache.bin";
  auto first = NewRuntime(options);
  CHECK(first->cache_status().ok());  // no cache file yet: not an error
  CHECK(PrepareOrigin(*first) == ProgramOrigin::kSource);
  CHECK(Contains(first->program_events()[0].reason, "written to the cache file"));
  CHECK(first->cache_status().ok());

  auto second = NewRuntime(options);
  CHECK(second->cache_status().ok());
  CHECK(PrepareOrigin(*second) == ProgramOrigin::kCache);
  CHECK(Contains(second->program_events()[0].reason, "loaded from the cache file (no binary file loaded)"));

  // A damaged cache file: a status and a reason, the app builds from source and repairs it.
  std::vector<uint8_t> cache;
  REQUIRE(ReadFileBytes(options.cache_path, &cache).ok());
  cache[cache.size() / 2] ^= 1;
  WriteBytes(options.cache_path, cache);
  auto third = NewRuntime(options);
  CHECK(third->cache_status().code() == StatusCode::kDigestMismatch);
  CHECK(PrepareOrigin(*third) == ProgramOrigin::kSource);
  CHECK(third->cache_status().ok());
  CHECK(PrepareOrigin(*NewRuntime(options)) == ProgramOrigin::kCache);

  // An unwritable cache directory: the app keeps running on source.
  RuntimeOptions nowhere;
  nowhere.cache_path = dir + "/missing/dir/cache.bin";
  auto fourth = NewRuntime(nowhere);
  CHECK(PrepareOrigin(*fourth) == ProgramOrigin::kSource);
  CHECK(fourth->cache_status().code() == StatusCode::kIoError);
  CHECK(Contains(fourth->program_events()[0].reason, "cache not written: I/O error"));
}

TEST_CASE("Programs build on a background thread when asked", "[runtime][release]") {
  auto runtime = NewRuntime();
  REQUIRE(runtime->BuildInBackground({kKey, "gemm:K=64,M=64,N=64:fp32"}).ok());
  CHECK(runtime->BuildInBackground({kKey}).code() == StatusCode::kInvalidArgument);  // one at a time
  PreparedKernel kernel;
  REQUIRE(runtime->Prepare(kKey, &kernel).ok());  // waits for that program if still building
  CheckGemm(kernel);
  CHECK(runtime->WaitForBackgroundBuild().ok());
  CHECK(runtime->program_events().size() >= 1);
  CHECK(runtime->BuildInBackground({"gemm:bad"}).code() == StatusCode::kInvalidArgument);
  CHECK(runtime->WaitForBackgroundBuild().ok());
}

TEST_CASE("A required signature is checked before anything else", "[runtime][release]") {
  const auto bytes = EncodeProgramBinaryFile(GoodFile());
  RuntimeOptions options;
  options.require_signature = true;
#ifdef MACE_TUNE_WITH_SODIUM
  REQUIRE(sodium_init() >= 0);
  std::array<uint8_t, 32> pk{};
  std::array<uint8_t, 64> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  const auto digest = std::vector<uint8_t>(bytes.end() - 32, bytes.end());
  std::array<uint8_t, 64> signature{};
  crypto_sign_detached(signature.data(), nullptr, digest.data(), digest.size(), sk.data());
  std::vector<uint8_t> signed_bytes;
  REQUIRE(AppendSignature(bytes, pk, signature, &signed_bytes).ok());
  std::vector<uint8_t> stripped;
  REQUIRE(StripSignature(signed_bytes, &stripped).ok());
  CHECK(stripped == bytes);
  options.trusted_public_key = pk;

  auto runtime = NewRuntime(options);
  REQUIRE(runtime->LoadProgramBinariesFromMemory(signed_bytes.data(), signed_bytes.size()).ok());
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kBinary);
  // Unsigned readers still read signed files.
  CHECK(NewRuntime()->LoadProgramBinariesFromMemory(signed_bytes.data(), signed_bytes.size()).ok());

  runtime = NewRuntime(options);
  Status status = runtime->LoadProgramBinariesFromMemory(bytes.data(), bytes.size());
  CHECK(status.code() == StatusCode::kSignatureInvalid);
  CHECK(Contains(status.message(), "not signed"));
  CHECK(PrepareOrigin(*runtime) == ProgramOrigin::kSource);
  CHECK(Contains(runtime->program_events()[0].reason, "binary file rejected: signature invalid"));

  // Edited content, resealed so the digest passes: only the signature catches it.
  ProgramBinaryFile edited = GoodFile();
  edited.meta.writer_version = "evil";
  std::vector<uint8_t> forged;
  REQUIRE(AppendSignature(EncodeProgramBinaryFile(edited), pk, signature, &forged).ok());
  status = runtime->LoadProgramBinariesFromMemory(forged.data(), forged.size());
  CHECK(status.code() == StatusCode::kSignatureInvalid);
  CHECK(Contains(status.message(), "does not verify"));
  options.trusted_public_key[0] ^= 1;
  status = NewRuntime(options)->LoadProgramBinariesFromMemory(signed_bytes.data(), signed_bytes.size());
  CHECK(Contains(status.message(), "another key"));
#else
  auto runtime = NewRuntime(options);
  CHECK(!SignaturesSupported());
  CHECK(runtime->LoadProgramBinariesFromMemory(bytes.data(), bytes.size()).code() == StatusCode::kSignatureInvalid);
#endif
}

TEST_CASE("Nearest tuned shape: log2 distance, same family and dtype only", "[runtime][release]") {
  TuningKey a, b, c;
  REQUIRE(TuningKey::Parse("gemm:K=16,M=64,N=32:fp32", &a).ok());
  REQUIRE(TuningKey::Parse("gemm:K=16,M=128,N=32:fp32", &b).ok());
  REQUIRE(TuningKey::Parse("gemm:K=64,M=64,N=8:fp32", &c).ok());
  CHECK(detail::ShapeDistance(a, a) == 0);
  CHECK(std::abs(detail::ShapeDistance(a, b) - 1.0) < 1e-12);
  CHECK(std::abs(detail::ShapeDistance(a, c) - std::sqrt(8.0)) < 1e-12);
  c.dtype = "fp16";
  CHECK(std::isinf(detail::ShapeDistance(a, c)));

  RuntimeOptions options;
  options.max_nearest_distance = 0.5;
  auto runtime = NewRuntime(options);
  TunedParamFile file;
  file.device = runtime->device_fingerprint();
  TunedEntry entry;
  entry.tuning_key = a.ToString();
  entry.params = "LOCAL=0,LX=4,LY=4,TM=2,TN=2,VW=2";
  entry.build_options = "-DLOCAL=0 -DTM=2 -DTN=2 -DVW=2";
  entry.dims = 2;
  file.entries.push_back(entry);
  const auto bytes = EncodeTunedParamFile(file);
  REQUIRE(runtime->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).ok());
  LaunchConfig config;
  REQUIRE(runtime->GetLaunch("gemm:K=16,M=80,N=32:fp32", &config).ok());  // log2(80/64) = 0.32
  CHECK(config.origin == LaunchOrigin::kNearest);
  REQUIRE(runtime->GetLaunch(b.ToString(), &config).ok());  // 1.0: beyond 0.5
  CHECK(config.origin == LaunchOrigin::kDefault);
  CHECK(config.reason == "no tuned entry");
}

TEST_CASE("The C API returns codes and messages, never throws", "[runtime][release][c_api]") {
  mace_tune_runtime* rt = nullptr;
  CHECK(mace_tune_runtime_create(nullptr, nullptr, nullptr, &rt) == MACE_TUNE_INVALID_ARGUMENT);
  CHECK(Contains(mace_tune_last_error(), "needs a context"));
  CHECK(mace_tune_runtime_create(Device().context.get(), Device().device(), nullptr, nullptr) ==
        MACE_TUNE_INVALID_ARGUMENT);
  REQUIRE(mace_tune_runtime_create(Device().context.get(), Device().device(), nullptr, &rt) == MACE_TUNE_OK);
  CHECK(std::string(mace_tune_last_error()).empty());
  mace_tune_launch launch{};
  CHECK(mace_tune_get_launch(rt, "gemm:K=0,M=1,N=1:fp32", &launch) == MACE_TUNE_INVALID_ARGUMENT);
  CHECK(std::string(mace_tune_status_name(MACE_TUNE_INVALID_ARGUMENT)) == "invalid argument");
  CHECK(mace_tune_load_tuned_params(rt, "/nonexistent/params.bin") == MACE_TUNE_NOT_FOUND);
  CHECK(Contains(mace_tune_last_error(), "/nonexistent/params.bin"));
  CHECK(mace_tune_load_program_binaries_from_memory(rt, "junk", 4) == MACE_TUNE_BAD_FORMAT);
  REQUIRE(mace_tune_get_launch(rt, kKey, &launch) == MACE_TUNE_OK);
  CHECK(launch.origin == MACE_TUNE_LAUNCH_DEFAULT);
  CHECK(launch.dims == 2);
  cl_kernel kernel = nullptr;
  REQUIRE(mace_tune_prepare(rt, kKey, &kernel, &launch) == MACE_TUNE_OK);
  REQUIRE(kernel != nullptr);
  const char* keys[] = {kKey};
  CHECK(mace_tune_build_in_background(rt, keys, 1) == MACE_TUNE_OK);
  CHECK(mace_tune_wait_for_background_build(rt) == MACE_TUNE_OK);
  CHECK(mace_tune_cache_status(rt) == MACE_TUNE_OK);

  // What the C++ API tells an app, from C too (0.2.0).
  CHECK(std::string(mace_tune_version()) == MACE_TUNE_TEST_VERSION);
  CHECK(mace_tune_load_program_binaries_from_static_memory(rt, "junk", 4) == MACE_TUNE_BAD_FORMAT);
  const char *params = nullptr, *options = nullptr, *tuned = nullptr, *reason = nullptr;
  REQUIRE(mace_tune_get_launch_config(rt, kKey, &params, &options, &tuned, &reason) == MACE_TUNE_OK);
  CHECK(Contains(params, "LX="));
  CHECK(Contains(options, "-D"));
  CHECK(std::string(tuned).empty());
  CHECK(Contains(reason, "no tuned"));
  CHECK(mace_tune_get_launch_config(rt, kKey, nullptr, nullptr, nullptr, nullptr) == MACE_TUNE_OK);
  size_t events = 0;
  REQUIRE(mace_tune_program_event_count(rt, &events) == MACE_TUNE_OK);
  REQUIRE(events >= 1);
  const char* program_key = nullptr;
  int origin = -1;
  double build_ms = -1;
  REQUIRE(mace_tune_get_program_event(rt, 0, &program_key, &origin, &reason, &build_ms) == MACE_TUNE_OK);
  CHECK(Contains(program_key, "gemm"));
  CHECK(origin == MACE_TUNE_PROGRAM_SOURCE);
  CHECK(build_ms >= 0);
  CHECK(mace_tune_get_program_event(rt, events, &program_key, &origin, &reason, &build_ms) == MACE_TUNE_NOT_FOUND);
  cl_kernel own = nullptr;
  REQUIRE(mace_tune_create_kernel(rt, "gemm", "gemm", options, &own, &origin) == MACE_TUNE_OK);
  CHECK(clReleaseKernel(own) == CL_SUCCESS);
  CHECK(mace_tune_create_kernel(rt, "gemm", "no_such_kernel", "", &own, nullptr) == MACE_TUNE_OPENCL_ERROR);
  const char *id = nullptr, *description = nullptr;
  REQUIRE(mace_tune_device_identity(rt, &id, &description) == MACE_TUNE_OK);
  CHECK(std::string(id).size() == 12);
  CHECK(!std::string(description).empty());

  mace_tune_runtime_destroy(rt);
  CHECK(clReleaseKernel(kernel) == CL_SUCCESS);  // the caller's own reference outlives the runtime
  CHECK(mace_tune_prepare(nullptr, kKey, &kernel, nullptr) == MACE_TUNE_INVALID_ARGUMENT);
  CHECK(mace_tune_status_name(99) == std::string("unknown status"));
}

}  // namespace mace_tune::test
