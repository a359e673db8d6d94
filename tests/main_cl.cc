// SPDX-License-Identifier: Apache-2.0
// Test main for tests that need an OpenCL device. With no device it prints why and exits 77,
// which CTest reports as skipped (never as passed).
#define CATCH_CONFIG_RUNNER
#include <cstdio>
#include <filesystem>

#include "catch.h"
#include "test_device.h"

namespace mace_tune::test {

TestDevice& Device() {
  static TestDevice* device = [] {
    auto* d = new TestDevice;
    d->entry = SelectDevice();
    d->context = CreateContext(d->entry.device);
    d->queue = CreateQueue(d->context.get(), d->entry.device, /*profiling=*/true);
    return d;
  }();
  return *device;
}

std::string ScratchDir(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::current_path() / "scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

}  // namespace mace_tune::test

int main(int argc, char** argv) {
  try {
    const auto& d = mace_tune::test::Device();
    std::printf("OpenCL device: %s / %s\n", d.entry.platform_name.c_str(), d.entry.device_name.c_str());
  } catch (const std::exception& e) {
    std::printf("SKIPPED: no usable OpenCL device: %s\n", e.what());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
