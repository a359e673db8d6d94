// SPDX-License-Identifier: Apache-2.0
// The runtime's tuned-parameter side on a real device: an exact key gets its tuned config, any
// other key the family default, and entries this device cannot run fall back with a reason.
// GEMM through Prepare() is checked against the CPU for tuned and default configs.
#include "catch.h"
#include "runtime_test_util.h"

namespace mace_tune::test {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TunedEntry Entry(const std::string& key_text, const std::string& params_text) {
  TuningKey key;
  REQUIRE(TuningKey::Parse(key_text, &key).ok());
  ParamMap params;
  REQUIRE(ParseParams(params_text, &params).ok());
  TunedEntry e;
  e.tuning_key = key.ToString();
  e.params = FormatParams(params);
  REQUIRE(FamilyBuildOptions(key, params, &e.build_options).ok());
  LaunchGeometry g;
  REQUIRE(FamilyGeometry(key, params, &g).ok());
  e.dims = g.dims;
  for (int i = 0; i < 3; ++i) {
    e.gws[i] = static_cast<uint32_t>(g.gws[i]);
    e.lws[i] = static_cast<uint32_t>(g.lws[i]);
  }
  e.default_params = "LOCAL=0,LX=8,LY=8,TM=4,TN=4,VW=4";
  e.tuned_ns = 1000;
  e.default_ns = 3000;
  return e;
}

constexpr const char* kTunedParams = "LOCAL=0,LX=8,LY=4,TM=2,TN=2,VW=2";
constexpr const char* kLocalKey = "gemm:K=33,M=20,N=17:fp32";
constexpr const char* kLocalParams = "KT=8,LOCAL=1,LX=4,LY=4,TM=2,TN=2,VW=1";

TunedParamFile SampleFile(const DeviceFingerprint& device) {
  TunedParamFile file;
  file.meta.writer_version = "runtime_tuned_test";
  file.device = device;
  file.entries.push_back(Entry(kKey, kTunedParams));
  file.entries.push_back(Entry(kLocalKey, kLocalParams));
  // A local size no device allows (1024 x 1024 work-items).
  file.entries.push_back(Entry("gemm:K=8,M=8,N=8:fp32", "LOCAL=0,LX=1024,LY=1024,TM=1,TN=1,VW=1"));
  TunedEntry options = Entry("gemm:K=9,M=9,N=9:fp32", kTunedParams);
  options.build_options = "-DLOCAL=0 -DTM=8 -DTN=2 -DVW=2";  // not what the params give
  file.entries.push_back(options);
  TunedEntry unusable = Entry("gemm:K=10,M=10,N=10:fp32", kTunedParams);
  unusable.params = "TM=3";
  file.entries.push_back(unusable);
  return file;
}

std::unique_ptr<Runtime> TunedRuntime() {
  auto runtime = NewRuntime();
  const auto bytes = EncodeTunedParamFile(SampleFile(runtime->device_fingerprint()));
  REQUIRE(runtime->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).ok());
  return runtime;
}

}  // namespace

TEST_CASE("An exact tuning key gets its tuned config, and GEMM is right", "[runtime][tuned]") {
  auto runtime = TunedRuntime();
  LaunchConfig config;
  REQUIRE(runtime->GetLaunch(kKey, &config).ok());
  CHECK(config.tuned);
  CHECK(config.reason.empty());
  CHECK(FormatParams(config.params) == kTunedParams);
  CHECK(config.build_options == "-DLOCAL=0 -DTM=2 -DTN=2 -DVW=2");
  CHECK(config.geometry.dims == 2);
  CHECK(config.geometry.lws[0] == 8);
  CHECK(config.geometry.lws[1] == 4);
  CHECK(config.geometry.gws[0] == 16);  // ceil(29 / 2) = 15, rounded up to 8
  CHECK(config.geometry.gws[1] == 20);  // ceil(37 / 2) = 19, rounded up to 4

  LaunchConfig reordered;  // the same instance written in another order
  REQUIRE(runtime->GetLaunch("gemm:N=29,M=37,K=19:fp32", &reordered).ok());
  CHECK(reordered.tuned);

  PreparedKernel kernel;
  REQUIRE(runtime->Prepare(kKey, &kernel).ok());
  CHECK(kernel.config().tuned);
  CheckGemm(kernel);

  REQUIRE(runtime->Prepare(kLocalKey, &kernel).ok());  // a local-memory variant
  CHECK(kernel.config().tuned);
  CHECK(kernel.config().params.at("LOCAL") == 1);
  CheckGemm(kernel);
}

TEST_CASE("Keys without a usable entry get the family default with a reason", "[runtime][tuned]") {
  auto runtime = TunedRuntime();
  LaunchConfig config;
  // A shape near a tuned one takes that entry's config (nearest-shape fallback) ...
  REQUIRE(runtime->GetLaunch("gemm:K=19,M=37,N=30:fp32", &config).ok());
  CHECK(config.tuned);
  CHECK(config.origin == LaunchOrigin::kNearest);
  CHECK(config.tuned_key == "gemm:K=19,M=37,N=29:fp32");
  CHECK(config.distance > 0.04);
  CHECK(config.distance < 0.06);
  CHECK(Contains(config.reason, "no tuned entry; nearest tuned shape gemm:K=19,M=37,N=29:fp32 (distance 0.05)"));
  CHECK(FormatParams(config.params) == kTunedParams);
  CHECK(config.geometry.gws[0] == 16);  // recomputed for N=30: ceil(30 / 2) = 15, rounded up to 8
  // ... and the family default when the nearest-shape step is off.
  RuntimeOptions no_nearest;
  no_nearest.max_nearest_distance = -1;
  auto strict = NewRuntime(no_nearest);
  const auto strict_bytes = EncodeTunedParamFile(SampleFile(strict->device_fingerprint()));
  REQUIRE(strict->LoadTunedParamsFromMemory(strict_bytes.data(), strict_bytes.size()).ok());
  REQUIRE(strict->GetLaunch("gemm:K=19,M=37,N=30:fp32", &config).ok());
  CHECK(!config.tuned);
  CHECK(config.origin == LaunchOrigin::kDefault);
  CHECK(config.reason == "no tuned entry");
  CHECK(config.params.at("TM") == 4);

  REQUIRE(runtime->GetLaunch("gemm:K=8,M=8,N=8:fp32", &config).ok());
  CHECK(config.origin != LaunchOrigin::kExact);  // unusable: nearest or default
  CHECK(Contains(config.reason, "LX=1024"));
  CHECK(Contains(config.reason, "cannot run here"));
  CHECK(config.geometry.lws[0] * config.geometry.lws[1] <= 1024 * 1024);

  REQUIRE(runtime->GetLaunch("gemm:K=9,M=9,N=9:fp32", &config).ok());
  CHECK(config.origin != LaunchOrigin::kExact);  // unusable: nearest or default
  CHECK(Contains(config.reason, "build options"));

  REQUIRE(runtime->GetLaunch("gemm:K=10,M=10,N=10:fp32", &config).ok());
  CHECK(config.origin != LaunchOrigin::kExact);  // unusable: nearest or default
  CHECK(Contains(config.reason, "tuned entry unusable"));

  PreparedKernel kernel;
  REQUIRE(runtime->Prepare("gemm:K=8,M=8,N=8:fp32", &kernel).ok());
  CHECK(kernel.config().origin != LaunchOrigin::kExact);
  CheckGemm(kernel);
  REQUIRE(runtime->Prepare("gemm:K=19,M=37,N=30:fp32", &kernel).ok());
  CheckGemm(kernel);

  auto plain = NewRuntime();
  REQUIRE(plain->GetLaunch(kKey, &config).ok());
  CHECK(!config.tuned);
  CHECK(config.reason == "no tuned entry (no tuned-parameter file loaded)");
}

TEST_CASE("Malformed and unknown keys are a Status, never an exception", "[runtime][tuned]") {
  auto runtime = TunedRuntime();
  LaunchConfig config;
  PreparedKernel kernel;
  for (const char* key : {"", "gemm", "gemm:M=1,N=1:fp32", "gemm:K=0,M=1,N=1:fp32", "conv:K=1:fp32",
                          "gemm:K=1,M=1,N=1:fp16", "gemm:K=1,M=1,N=1,X=2:fp32", "gemm:K=99999999999,M=1,N=1:fp32"}) {
    INFO(key);
    CHECK(runtime->GetLaunch(key, &config).code() == StatusCode::kInvalidArgument);
    CHECK(runtime->Prepare(key, &kernel).code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("Tuned files are checked for their device, not their driver", "[runtime][tuned]") {
  auto runtime = NewRuntime();
  TunedParamFile file = SampleFile(runtime->device_fingerprint());
  file.device.driver_version = "0.0-older";
  auto bytes = EncodeTunedParamFile(file);
  REQUIRE(runtime->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).ok());
  LaunchConfig config;
  REQUIRE(runtime->GetLaunch(kKey, &config).ok());
  CHECK(config.tuned);

  auto other = NewRuntime();
  file.device.device_name += " (another one)";
  bytes = EncodeTunedParamFile(file);
  CHECK(other->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).code() == StatusCode::kDeviceMismatch);
  REQUIRE(other->GetLaunch(kKey, &config).ok());
  CHECK(!config.tuned);
  CHECK(Contains(config.reason, "tuned-parameter file rejected: device mismatch"));

  bytes.back() ^= 1;
  CHECK(other->LoadTunedParamsFromMemory(bytes.data(), bytes.size()).code() == StatusCode::kDigestMismatch);
  CHECK(other->LoadTunedParams("/nonexistent/params.mtp").code() == StatusCode::kNotFound);
  CHECK(other->LoadTunedParamsFromMemory(nullptr, 0).code() == StatusCode::kBadFormat);
  REQUIRE(other->GetLaunch(kKey, &config).ok());
  CHECK(Contains(config.reason, "tuned-parameter file rejected: bad format: empty file"));
}

}  // namespace mace_tune::test
