// SPDX-License-Identifier: Apache-2.0
// Device profiles: matched device -> architecture -> vendor -> default.
#include "catch.h"
#include "device_profiles/device_profile.h"

using namespace mace_tune;

namespace {
DeviceFingerprint Fp(std::string platform, std::string name, std::string vendor) {
  DeviceFingerprint f;
  f.platform_name = std::move(platform);
  f.device_name = std::move(name);
  f.device_vendor = std::move(vendor);
  return f;
}
}  // namespace

TEST_CASE("profiles match from the most specific level") {
  const auto h100 = MatchProfile(Fp("NVIDIA CUDA", "NVIDIA H100 80GB HBM3", "NVIDIA Corporation"));
  CHECK(h100.name == "nvidia-hopper");
  CHECK(h100.chain == std::vector<std::string>{"nvidia-hopper", "nvidia", "default"});
  CHECK(h100.GetInt("wave_size", 0) == 32);  // inherited from nvidia
  CHECK(h100.GetInt("l2_cache_kb", 0) == 51200);

  const auto rtx = MatchProfile(Fp("NVIDIA CUDA", "NVIDIA GeForce GTX 1080", "NVIDIA Corporation"));
  CHECK(rtx.name == "nvidia");

  const auto pocl = MatchProfile(Fp("Portable Computing Language", "pthread-skylake", "GenuineIntel"));
  CHECK(pocl.name == "pocl");

  const auto mali = MatchProfile(Fp("ARM Platform", "Mali-G78 r0p1", "ARM"));
  CHECK(mali.name == "mali-valhall");
  CHECK(mali.GetInt("wave_size", 0) == 16);

  const auto adreno = MatchProfile(Fp("QUALCOMM Snapdragon(TM)", "QUALCOMM Adreno(TM)", "QUALCOMM"));
  CHECK(adreno.name == "qualcomm");
  const auto adreno7 = MatchProfile(Fp("QUALCOMM Snapdragon(TM)", "Adreno (TM) 740", "QUALCOMM"));
  CHECK(adreno7.name == "adreno-7xx");

  const auto unknown = MatchProfile(Fp("Acme CL", "Widget 9000", "Acme"));
  CHECK(unknown.name == "default");
  // An architecture name under another vendor must not match (a "Mali-G78" string on NVIDIA).
  CHECK(MatchProfile(Fp("NVIDIA CUDA", "Mali-G78", "NVIDIA Corporation")).name == "nvidia");
}

TEST_CASE("vendor normalization") {
  CHECK(NormalizeVendor(Fp("Intel(R) OpenCL", "x", "Intel(R) Corporation")) == "intel");
  CHECK(NormalizeVendor(Fp("AMD Accelerated Parallel Processing", "gfx90a", "Advanced Micro Devices, Inc.")) == "amd");
  CHECK(NormalizeVendor(Fp("PowerVR", "PowerVR Rogue GE8320", "Imagination Technologies")) == "imagination");
}
