// SPDX-License-Identifier: Apache-2.0
// mace_tune/families.h over the kernel descriptions (desc/registry.h): every family, built-in or
// registered, answers through the same generic rules of its description.
#include "mace_tune/families.h"

#include <algorithm>

#include "runtime/cl/cl_core.h"
#include "runtime/desc/registry.h"

namespace mace_tune {
namespace {

template <typename Fn>
Status Guard(Fn fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

// The description of a valid key, or why there is none.
Status Described(const TuningKey& key, const desc::KernelDescription** out) {
  *out = desc::FindDescription(key.family);
  if (*out == nullptr) return Status(StatusCode::kInvalidArgument, "unknown kernel family '" + key.family + "'");
  return (*out)->ValidateKey(key);
}

}  // namespace

const FamilyInfo* FindFamily(std::string_view name) noexcept {
  try {
    const desc::KernelDescription* d = desc::FindDescription(name);
    return d == nullptr ? nullptr : &d->info();
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::vector<std::string_view> FamilyNames() {
  std::vector<std::string_view> names;
  for (const auto& name : desc::RegisteredNames()) names.push_back(desc::FindDescription(name)->name());
  return names;
}

Status QueryDeviceLimits(cl_device_id device, DeviceLimits* out) noexcept {
  try {
    DeviceLimits limits;
    limits.max_work_group_size = DeviceValue<size_t>(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    const auto dims = DeviceValue<cl_uint>(device, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
    std::vector<size_t> sizes(std::max<cl_uint>(dims, 3), 1);
    MT_CL_CHECK(clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(size_t) * dims, sizes.data(), nullptr));
    for (int i = 0; i < 3; ++i) limits.max_work_item_sizes[i] = sizes[i];
    limits.local_mem_size = DeviceValue<cl_ulong>(device, CL_DEVICE_LOCAL_MEM_SIZE);
    limits.image_support = DeviceValue<cl_bool>(device, CL_DEVICE_IMAGE_SUPPORT) == CL_TRUE;
    if (limits.image_support) {
      limits.image2d_max_width = DeviceValue<size_t>(device, CL_DEVICE_IMAGE2D_MAX_WIDTH);
      limits.image2d_max_height = DeviceValue<size_t>(device, CL_DEVICE_IMAGE2D_MAX_HEIGHT);
    }
    limits.max_mem_alloc_size = DeviceValue<cl_ulong>(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    limits.compute_units = DeviceValue<cl_uint>(device, CL_DEVICE_MAX_COMPUTE_UNITS);
    limits.vendor = DeviceString(device, CL_DEVICE_VENDOR);
    limits.name = DeviceString(device, CL_DEVICE_NAME);
    *out = limits;
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kOpenClError, e.what());
  }
}

Status ValidateKey(const TuningKey& key) noexcept {
  return Guard([&] {
    const desc::KernelDescription* d = nullptr;
    return Described(key, &d);
  });
}

Status FamilyBuildOptions(const TuningKey& key, const ParamMap& params, std::string* out) noexcept {
  return Guard([&] {
    const desc::KernelDescription* d = nullptr;
    Status status = Described(key, &d);
    return status.ok() ? d->BuildOptions(key, params, out) : status;
  });
}

Status FamilyGeometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out) noexcept {
  return Guard([&] {
    const desc::KernelDescription* d = nullptr;
    Status status = Described(key, &d);
    return status.ok() ? d->Geometry(key, params, out) : status;
  });
}

Status FamilyDefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) noexcept {
  return Guard([&] {
    const desc::KernelDescription* d = nullptr;
    Status status = Described(key, &d);
    return status.ok() ? d->DefaultParams(key, limits, out) : status;
  });
}

}  // namespace mace_tune
