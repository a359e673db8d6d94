// SPDX-License-Identifier: Apache-2.0
// The embedded runtime's public API: what an app links to use the tuned artifacts.
// Every function is noexcept and returns a Status; a bad or foreign artifact never stops the
// app: programs then come from the embedded source and launch configs from the nearest tuned
// shape or the family default, and the Status / program_events() say why (docs/runtime.md).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "mace_tune/artifacts.h"
#include "mace_tune/export.h"
#include "mace_tune/families.h"
#include "mace_tune/status.h"
#include "mace_tune/tuning_key.h"

typedef struct _cl_context* cl_context;
typedef struct _cl_kernel* cl_kernel;

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

// kCache: from the cache file of cache-update mode (RuntimeOptions::cache_path).
enum class ProgramOrigin { kBinary, kSource, kCache };
const char* ProgramOriginName(ProgramOrigin origin) noexcept;

// Why one program came from where it came from.
struct ProgramEvent {
  std::string program_key;
  ProgramOrigin origin = ProgramOrigin::kSource;
  std::string reason;  // e.g. "no binary file loaded", "binary file rejected: device mismatch ..."
  double build_ms = 0;
};

// Where a launch config came from: the exact tuning key, the nearest tuned shape of the same
// family (ShapeDistance in docs/runtime.md), or the family's default heuristic.
enum class LaunchOrigin { kExact, kNearest, kDefault };
const char* LaunchOriginName(LaunchOrigin origin) noexcept;

struct LaunchConfig {
  TuningKey key;
  ParamMap params;
  std::string build_options;
  LaunchGeometry geometry;
  bool tuned = false;  // from the tuned-parameter file (exact or nearest), else the family default
  LaunchOrigin origin = LaunchOrigin::kDefault;
  std::string tuned_key;  // the entry used (kExact, kNearest)
  double distance = 0;    // kNearest: log2-space distance to that entry's shape
  std::string reason;     // why the exact entry was not used, when it was not
};

struct RuntimeOptions {
  // Cache-update mode when not empty: programs found there are used like a binary file's, and
  // every program built from source here is added and the file rewritten atomically. A missing
  // or unwritable file costs nothing but a status (cache_status()).
  std::string cache_path;
  // Nearest-shape fallback: entries farther than this (log2 units; 1.0 = one dimension doubled)
  // are not used. Negative: off, unknown keys get the family default.
  double max_nearest_distance = 4.0;
  // Refuse artifacts without a valid Ed25519 signature by this public key (needs a runtime built
  // with MACE_TUNE_WITH_SODIUM; otherwise every load answers kUnsupported and source is used).
  bool require_signature = false;
  std::array<uint8_t, 32> trusted_public_key{};
};

// A kernel ready to launch: move-only, releases its kernel object.
class PreparedKernel {
 public:
  PreparedKernel() = default;
  ~PreparedKernel();
  PreparedKernel(PreparedKernel&& other) noexcept;
  PreparedKernel& operator=(PreparedKernel&& other) noexcept;
  PreparedKernel(const PreparedKernel&) = delete;
  PreparedKernel& operator=(const PreparedKernel&) = delete;

  cl_kernel kernel() const noexcept { return kernel_; }
  const LaunchConfig& config() const noexcept { return config_; }
  ProgramOrigin origin() const noexcept { return origin_; }

 private:
  friend class Runtime;
  cl_kernel kernel_ = nullptr;
  LaunchConfig config_;
  ProgramOrigin origin_ = ProgramOrigin::kSource;
};

class Runtime {
 public:
  // Retains the context and device for its lifetime.
  static Status Create(cl_context context, cl_device_id device, std::unique_ptr<Runtime>* out) noexcept;
  static Status Create(cl_context context, cl_device_id device, const RuntimeOptions& options,
                       std::unique_ptr<Runtime>* out) noexcept;
  // Waits for a background build still running.
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // A rejected file leaves the runtime as it was (building from source); the Status says why.
  // Files are read whole into memory, once: what was checked is what the driver later gets, even
  // if the file changes. Only a regular file of at most kMaxArtifactBytes is read (a FIFO is
  // refused, not waited on). FromMemory copies the bytes, FromStaticMemory uses them in place (the
  // caller keeps them alive and unchanged as long as the Runtime: arrays from `mace_tune emit
  // --format cpp`). A multi-device bundle gives the group of this
  // device and driver (programs) or of this device (tuned parameters).
  Status LoadProgramBinaries(const std::string& path) noexcept;
  Status LoadProgramBinariesFromMemory(const void* data, size_t size) noexcept;
  Status LoadProgramBinariesFromStaticMemory(const void* data, size_t size) noexcept;
  Status LoadTunedParams(const std::string& path) noexcept;
  Status LoadTunedParamsFromMemory(const void* data, size_t size) noexcept;

  // Exact tuning key in the tuned file, else the nearest tuned shape of the same family, else the
  // family default; every local size is re-validated against this device's limits. Fails only
  // for a malformed or unknown key. Answers are memoized per key text until the next load.
  Status GetLaunch(const std::string& tuning_key, LaunchConfig* out) noexcept;

  // GetLaunch, then the kernel for that config: from the binary when one matches, else built
  // from source (built once per program key, then cached). If the kernel cannot run the tuned
  // local size (CL_KERNEL_WORK_GROUP_SIZE), falls back to the default config.
  Status Prepare(const std::string& tuning_key, PreparedKernel* out) noexcept;

  // A new kernel object (the caller releases it) of a program built with the given options.
  Status CreateKernel(const std::string& program, const std::string& kernel_name, const std::string& build_options,
                      cl_kernel* out, ProgramOrigin* origin = nullptr) noexcept;

  // The OpenCL C source of a user kernel's program (its description's kernel.program, by default
  // its name): what the runtime builds when no binary matches. The tuned-parameter file already
  // carries the source it was tuned with; an app that ships its own (e.g. a newer one) gives it
  // here, and a binary built from other source is then not used. Built-in programs are refused.
  Status SetProgramSource(const std::string& program, const std::string& source) noexcept;

  // Builds the programs of these keys on a background thread (std::thread) and returns at once;
  // Prepare() of a program being built waits for it. One background build at a time.
  Status BuildInBackground(const std::vector<std::string>& tuning_keys) noexcept;
  // Joins the background build; its first failure, or Ok.
  Status WaitForBackgroundBuild() noexcept;

  // Cache-update mode: the outcome of the last cache read or write (Ok when off).
  Status cache_status() const noexcept;

  // Not safe to read while another thread calls Prepare() or CreateKernel(): read it after.
  const std::vector<ProgramEvent>& program_events() const noexcept;
  const DeviceFingerprint& device_fingerprint() const noexcept;

 private:
  Runtime();
  struct MACE_TUNE_NOT_EXPORTED Impl;  // not API: hidden in a shared runtime (export.h)
  std::unique_ptr<Impl> impl_;
};

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
