// The embedded runtime's public API: what an app links to use the tuned artifacts.
// Every function is noexcept and returns a Status; a bad or foreign artifact never stops the
// app: programs then come from the embedded source and launch configs from the family default,
// and the Status / program_events() say why.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mace_tune/artifacts.h"
#include "mace_tune/families.h"
#include "mace_tune/status.h"
#include "mace_tune/tuning_key.h"

typedef struct _cl_context* cl_context;
typedef struct _cl_kernel* cl_kernel;

namespace mace_tune {

enum class ProgramOrigin { kBinary, kSource };
const char* ProgramOriginName(ProgramOrigin origin) noexcept;

// Why one program came from where it came from.
struct ProgramEvent {
  std::string program_key;
  ProgramOrigin origin = ProgramOrigin::kSource;
  std::string reason;  // e.g. "no binary file loaded", "binary file rejected: device mismatch ..."
  double build_ms = 0;
};

struct LaunchConfig {
  TuningKey key;
  ParamMap params;
  std::string build_options;
  LaunchGeometry geometry;
  bool tuned = false;  // from the tuned-parameter file, else the family default
  std::string reason;  // why the default was used, when it was
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
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // A rejected file leaves the runtime as it was (building from source); the Status says why.
  Status LoadProgramBinaries(const std::string& path) noexcept;
  Status LoadProgramBinariesFromMemory(const void* data, size_t size) noexcept;
  Status LoadTunedParams(const std::string& path) noexcept;
  Status LoadTunedParamsFromMemory(const void* data, size_t size) noexcept;

  // Exact tuning key in the tuned file, else the family default; the local size is re-validated
  // against this device's limits. Fails only for a malformed or unknown key.
  Status GetLaunch(const std::string& tuning_key, LaunchConfig* out) noexcept;

  // GetLaunch, then the kernel for that config: from the binary when one matches, else built
  // from source (built once per program key, then cached). If the kernel cannot run the tuned
  // local size (CL_KERNEL_WORK_GROUP_SIZE), falls back to the default config.
  Status Prepare(const std::string& tuning_key, PreparedKernel* out) noexcept;

  // A new kernel object (the caller releases it) of a program built with the given options.
  Status CreateKernel(const std::string& program, const std::string& kernel_name,
                      const std::string& build_options, cl_kernel* out,
                      ProgramOrigin* origin = nullptr) noexcept;

  // Not safe to read while another thread calls Prepare() or CreateKernel(): read it after.
  const std::vector<ProgramEvent>& program_events() const noexcept;
  const DeviceFingerprint& device_fingerprint() const noexcept;

 private:
  Runtime();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mace_tune
