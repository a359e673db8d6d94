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

#include "mace_tune/status.h"
#include "mace_tune/tuning_key.h"

typedef struct _cl_device_id* cl_device_id;

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
  bool image_support = false;       // CL_DEVICE_IMAGE_SUPPORT
  uint64_t image2d_max_width = 0;   // 0 without image support
  uint64_t image2d_max_height = 0;
};
Status QueryDeviceLimits(cl_device_id device, DeviceLimits* out) noexcept;

struct FamilyInfo {
  std::string_view name;     // tuning-key family, e.g. "gemm"
  std::string_view program;  // embedded .cl program, e.g. "gemm"
  std::string_view kernel;   // kernel function name in it
  std::vector<std::string_view> shape_dims;  // dimensions a key must give, e.g. M, N, K
};
const FamilyInfo* FindFamily(std::string_view name) noexcept;
std::vector<std::string_view> FamilyNames();
// Whether the family has the image2d storage variant (config parameter IMG=1).
bool FamilyHasImageVariant(std::string_view name) noexcept;

// Checks that the key names a known family, has exactly its dimensions, each in the family's range
// (docs/kernels.md) and small enough to index with 32-bit ints, and a dtype the family supports.
Status ValidateKey(const TuningKey& key) noexcept;
// "-DKT=8 -DLOCAL=1 ..." for the parameters that change the code (sorted, single spaces), plus
// -DFP16=1 for an fp16 key and -DIMG=1 for image2d storage.
Status FamilyBuildOptions(const TuningKey& key, const ParamMap& params, std::string* out) noexcept;
// Global and local sizes for a config; the global size is rounded up to the local size.
Status FamilyGeometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out) noexcept;
// The untuned config: a fixed sensible variant and a local size from the device's limits.
Status FamilyDefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) noexcept;

// Program key (DESIGN.md "Words"): "program|normalized options|source digest prefix".
std::string NormalizeBuildOptions(std::string_view options);
std::string ProgramKey(std::string_view program, std::string_view options, std::string_view digest);

// Embedded OpenCL C source of a program (kernels/*.cl); empty if unknown. With the development
// switch MACE_TUNE_KERNELS_FROM_DISK the file is read from the source tree instead.
std::string ProgramSource(std::string_view program);
// Hex SHA-256 of that source.
std::string ProgramSourceDigest(std::string_view program);

}  // namespace mace_tune
