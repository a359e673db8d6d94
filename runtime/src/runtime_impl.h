// SPDX-License-Identifier: Apache-2.0
// The state behind mace_tune::Runtime, shared by runtime.cc (the public API, launch configs) and
// program_store.cc (programs: binary file, cache file, source, background builds).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mace_tune/runtime.h"
#include "runtime/cl/cl_core.h"
#include "runtime/desc/registry.h"
#include "runtime/io/artifact_bytes.h"
#include "runtime/src/format.h"
#include "runtime/src/launch_table.h"

namespace mace_tune {

template <typename Fn>
Status GuardStatus(Fn fn) noexcept {
  try {
    return fn();
  } catch (const ClError& e) {
    return Status(StatusCode::kOpenClError, e.what());
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kInternal, "out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

// One loaded program-binary file (or cache file): its bytes and the group of this device.
struct BinarySource {
  std::shared_ptr<const detail::ArtifactBytes> bytes;
  std::map<std::string, detail::ProgramEntryView> programs;  // by program key; views into bytes
  bool loaded = false;
  std::string rejected;  // why the last file offered was rejected, while none is loaded
};

struct Runtime::Impl {
  ~Impl();

  struct Built {
    Program program;
    ProgramOrigin origin = ProgramOrigin::kSource;
  };

  // program_store.cc. Called with `mutex` held: the program built with these options, from the
  // cache of built programs, else the binary file, else the cache file, else source (then
  // written back to the cache file in cache-update mode). Throws ClError when the source build fails.
  Status GetProgram(const std::string& program, const std::string& options, const Built** out);
  // Checks (signature, format, device, driver) and indexes `bytes` into `source`.
  Status LoadBinaries(std::shared_ptr<const detail::ArtifactBytes> bytes, BinarySource* source);
  Status VerifySignature(const uint8_t* data, size_t size) const;
  std::string BinaryMissReason(const std::string& program, const std::string& options, const std::string& digest) const;
  void ReadCacheFile();
  void WriteCacheFile();

  // Kernel descriptions: the tuned-parameter file's user kernels, then the built-ins (and any
  // registered in this process). nullptr for an unknown family.
  const desc::KernelDescription* Describe(const std::string& family);
  std::shared_ptr<const desc::DescriptionSet> UserKernels();
  void SetUserKernels(std::shared_ptr<const desc::DescriptionSet> set);
  // Called with `mutex` held: a program's source and the digest that names it in program keys:
  // the built-ins' embedded text; a user kernel's from SetProgramSource, else from its description
  // in the tuned file.
  std::string SourceOf(const std::string& program);
  std::string DigestOf(const std::string& program);

  RuntimeOptions options;
  Context context;
  cl_device_id device = nullptr;
  DeviceFingerprint fingerprint;
  DeviceLimits limits;

  std::mutex mutex;  // guards the program state below
  BinarySource binaries;
  BinarySource cache_file;
  std::vector<ProgramEntry> cache_added;  // built from source here, not yet in cache_file
  Status cache_status;
  std::map<std::string, Built> built;  // by program key
  std::vector<ProgramEvent> events;

  std::mutex launch_mutex;  // guards the launch state below
  detail::LaunchTable table;

  std::mutex descriptions_mutex;  // guards the two below; never held while taking another lock
  // The loaded tuned file's user kernels (replaced whole on each load), and every set loaded.
  std::shared_ptr<const desc::DescriptionSet> descriptions = std::make_shared<desc::DescriptionSet>();
  std::vector<std::shared_ptr<const desc::DescriptionSet>> loaded_descriptions;
  std::map<std::string, std::string> app_sources;      // SetProgramSource(), by program name; under `mutex`
  std::unordered_map<std::string, LaunchConfig> memo;  // GetLaunch answers by key text

  std::mutex background_mutex;
  std::thread background;
  Status background_status;
};

}  // namespace mace_tune
