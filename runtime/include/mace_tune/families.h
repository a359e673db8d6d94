// SPDX-License-Identifier: Apache-2.0
// What the runtime knows of each kernel family: its program and kernel names, which variant
// parameters become build options, how the launch geometry follows from shape and config, and
// the family's default (untuned) heuristic. The tuner's descriptors build on these, so the
// "default" the tuner measures is exactly what an app gets without a tuned file.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mace_tune/export.h"
#include "mace_tune/status.h"
#include "mace_tune/tuning_key.h"

typedef struct _cl_device_id* cl_device_id;

MACE_TUNE_PUBLIC_BEGIN
namespace mace_tune {

struct LaunchGeometry {
  uint32_t dims = 0;
  std::array<size_t, 3> gws{{1, 1, 1}};
  std::array<size_t, 3> lws{{1, 1, 1}};
};

struct DeviceLimits {
  uint64_t max_work_group_size = 0;
  std::array<uint64_t, 3> max_work_item_sizes{{0, 0, 0}};
  uint64_t local_mem_size = 0;
  bool image_support = false;      // CL_DEVICE_IMAGE_SUPPORT
  uint64_t image2d_max_width = 0;  // 0 without image support
  uint64_t image2d_max_height = 0;
  uint64_t max_mem_alloc_size = 0;  // CL_DEVICE_MAX_MEM_ALLOC_SIZE (0: unknown, not checked)
  uint64_t compute_units = 0;
  std::string vendor;  // CL_DEVICE_VENDOR, for descriptions' vendor_is("...")
  std::string name;    // CL_DEVICE_NAME, for device_is("...")
};
Status QueryDeviceLimits(cl_device_id device, DeviceLimits* out) noexcept;

struct FamilyInfo {
  std::string_view name;                     // tuning-key family, e.g. "gemm"
  std::string_view program;                  // program name, e.g. "gemm" (embedded kernels/gemm.cl for built-ins)
  std::string_view kernel;                   // kernel function name in it
  std::vector<std::string_view> shape_dims;  // dimensions a key must give, e.g. M, N, K
};
// Every family is a kernel description (kernels/*.toml for the built-ins; a user kernel's own file,
// registered by the tuner). nullptr for an unknown family.
const FamilyInfo* FindFamily(std::string_view name) noexcept;
// The built-in families, then the user kernels registered in this process.
std::vector<std::string_view> FamilyNames();

// Checks that the key names a known family, has exactly its dimensions, each 0 .. 2^31-1, a dtype
// the family supports, and passes the description's key checks.
Status ValidateKey(const TuningKey& key) noexcept;
// "-DKT=8 -DLOCAL=1 ..." for a config (sorted, single spaces): the description's parameter
// defines and extra defines (-DFP16=1 for fp16 keys, -DIMG=1 for image2d storage ...).
Status FamilyBuildOptions(const TuningKey& key, const ParamMap& params, std::string* out) noexcept;
// Global and local sizes for a config; the global size is rounded up to the local size.
Status FamilyGeometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out) noexcept;
// The untuned config (the description's defaults) for this device.
Status FamilyDefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) noexcept;

// Program key (DESIGN.md "Words"): "program|normalized options|source digest prefix".
std::string NormalizeBuildOptions(std::string_view options);
std::string ProgramKey(std::string_view program, std::string_view options, std::string_view digest);

// OpenCL C source of a program: embedded for the built-ins (kernels/*.cl; with the development
// switch MACE_TUNE_KERNELS_FROM_DISK read from the source tree), a registered user kernel's own
// self-contained text; empty if unknown.
std::string ProgramSource(std::string_view program);
// Hex SHA-256 of that source; for a user kernel, of its source and its description together
// (desc::UserProgramDigest), so a changed description is a different program for the store.
std::string ProgramSourceDigest(std::string_view program);

}  // namespace mace_tune
MACE_TUNE_PUBLIC_END
