// The family table, the dispatch of mace_tune/families.h to each family's rules, and the helpers
// the families share. Options common to every family come from here: -DFP16=1 for fp16 storage
// (the dtype) and -DIMG=1 for image2d storage (the IMG variant parameter).
#include <algorithm>
#include <climits>

#include "cl/cl_core.h"
#include "family_rules.h"
#include "mace_tune/families.h"

namespace mace_tune {
namespace {

using rules::FamilyRules;

const std::vector<const FamilyRules*>& Table() {
  static const std::vector<const FamilyRules*> kFamilies = {
      &rules::GemmRules(),
      &rules::EltwiseRules(),
      &rules::Conv2d1x1Rules(),
      &rules::Conv2d3x3Rules(),
      &rules::Conv2dRules(),
      &rules::DepthwiseConv2dRules(),
      &rules::PoolingRules(),
      &rules::FullyConnectedRules(),
      &rules::SoftmaxRules(),
      &rules::ResizeBilinearRules(),
      &rules::ConcatRules(),
  };
  return kFamilies;
}

const FamilyRules* FindRules(std::string_view name) noexcept {
  for (const FamilyRules* family : Table()) {
    if (family->info.name == name) return family;
  }
  return nullptr;
}

// ValidateKey, then the family's parameter checks; on success *out is the family's rules.
Status CheckAll(const TuningKey& key, const ParamMap& params, const FamilyRules** out) {
  Status status = ValidateKey(key);
  if (!status.ok()) return status;
  const FamilyRules* family = FindRules(key.family);
  if (!(status = family->check_params(key, params)).ok()) return status;
  if (params.count("IMG") != 0) {
    const int64_t img = params.at("IMG");
    if (img != 0 && img != 1) return Status(StatusCode::kInvalidArgument, "IMG must be 0 or 1");
    if (img == 1 && !family->has_image_variant) {
      return Status(StatusCode::kInvalidArgument, key.family + " has no image2d variant (IMG=1)");
    }
  }
  *out = family;
  return Status::Ok();
}

}  // namespace

const FamilyInfo* FindFamily(std::string_view name) noexcept {
  const FamilyRules* family = FindRules(name);
  return family == nullptr ? nullptr : &family->info;
}

std::vector<std::string_view> FamilyNames() {
  std::vector<std::string_view> names;
  for (const FamilyRules* family : Table()) names.push_back(family->info.name);
  return names;
}

bool FamilyHasImageVariant(std::string_view name) noexcept {
  const FamilyRules* family = FindRules(name);
  return family != nullptr && family->has_image_variant;
}

Status QueryDeviceLimits(cl_device_id device, DeviceLimits* out) noexcept {
  try {
    DeviceLimits limits;
    limits.max_work_group_size = DeviceValue<size_t>(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    const auto dims = DeviceValue<cl_uint>(device, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
    std::vector<size_t> sizes(std::max<cl_uint>(dims, 3), 1);
    MT_CL_CHECK(clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(size_t) * dims,
                                sizes.data(), nullptr));
    for (int i = 0; i < 3; ++i) limits.max_work_item_sizes[i] = sizes[i];
    limits.local_mem_size = DeviceValue<cl_ulong>(device, CL_DEVICE_LOCAL_MEM_SIZE);
    limits.image_support = DeviceValue<cl_bool>(device, CL_DEVICE_IMAGE_SUPPORT) == CL_TRUE;
    if (limits.image_support) {
      limits.image2d_max_width = DeviceValue<size_t>(device, CL_DEVICE_IMAGE2D_MAX_WIDTH);
      limits.image2d_max_height = DeviceValue<size_t>(device, CL_DEVICE_IMAGE2D_MAX_HEIGHT);
    }
    *out = limits;
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kOpenClError, e.what());
  }
}

Status ValidateKey(const TuningKey& key) noexcept {
  try {
    const FamilyRules* family = FindRules(key.family);
    if (family == nullptr) {
      return Status(StatusCode::kInvalidArgument, "unknown kernel family '" + key.family + "'");
    }
    if (std::find(family->dtypes.begin(), family->dtypes.end(), key.dtype) == family->dtypes.end()) {
      std::string supported;
      for (const auto dtype : family->dtypes) supported += (supported.empty() ? "" : ", ") + std::string(dtype);
      return Status(StatusCode::kInvalidArgument,
                    key.family + ": dtype '" + key.dtype + "' is not supported (" + supported + ")");
    }
    bool exact = key.shape.size() == family->info.shape_dims.size();
    for (const auto dim : family->info.shape_dims) exact = exact && key.shape.count(std::string(dim)) != 0;
    if (!exact) {
      std::string dims;
      for (const auto dim : family->info.shape_dims) dims += (dims.empty() ? "" : ", ") + std::string(dim);
      return Status(StatusCode::kInvalidArgument, key.ToString() + ": expected the dimensions " + dims);
    }
    for (const auto& [name, value] : key.shape) {
      if (value < 0 || value > INT_MAX) {
        return Status(StatusCode::kInvalidArgument, key.ToString() + ": " + name + " out of range");
      }
    }
    return family->check_key(key);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

Status FamilyBuildOptions(const TuningKey& key, const ParamMap& params, std::string* out) noexcept {
  try {
    const FamilyRules* family = nullptr;
    Status status = CheckAll(key, params, &family);
    if (!status.ok()) return status;
    std::string options = family->build_options(key, params);
    if (key.dtype == "fp16") options += " -DFP16=1";
    if (params.count("IMG") != 0 && params.at("IMG") == 1) options += " -DIMG=1";
    *out = NormalizeBuildOptions(options);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

Status FamilyGeometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out) noexcept {
  try {
    const FamilyRules* family = nullptr;
    Status status = CheckAll(key, params, &family);
    if (!status.ok()) return status;
    *out = family->geometry(key, params);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

Status FamilyDefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) noexcept {
  try {
    Status status = ValidateKey(key);
    if (!status.ok()) return status;
    *out = FindRules(key.family)->default_params(key, limits);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, e.what());
  }
}

namespace rules {

Status Invalid(const TuningKey& key, const std::string& why) {
  return Status(StatusCode::kInvalidArgument, key.ToString() + ": " + why);
}

Status RequireParams(const ParamMap& params, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (params.count(name) == 0) {
      return Status(StatusCode::kInvalidArgument, std::string("config lacks parameter ") + name);
    }
  }
  return Status::Ok();
}

Status RequireIn(const ParamMap& params, const char* name, std::initializer_list<int64_t> allowed) {
  Status status = RequireParams(params, {name});
  if (!status.ok()) return status;
  const int64_t v = params.at(name);
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return Status::Ok();
  std::string list;
  for (const int64_t a : allowed) list += (list.empty() ? "" : ", ") + std::to_string(a);
  return Status(StatusCode::kInvalidArgument, std::string(name) + "=" + std::to_string(v) + " is not one of " + list);
}

Status RequireLocalSize(const ParamMap& params, int dims) {
  for (int i = 0; i < dims; ++i) {
    const char* name = i == 0 ? "LX" : i == 1 ? "LY" : "LZ";
    Status status = RequireParams(params, {name});
    if (!status.ok()) return status;
    if (params.at(name) < 1 || params.at(name) > 1024) {
      return Status(StatusCode::kInvalidArgument, "LX, LY, LZ must be in 1..1024");
    }
  }
  return Status::Ok();
}

std::string Defines(const ParamMap& params, std::initializer_list<const char*> names) {
  std::string options;
  for (const char* name : names) options += " -D" + std::string(name) + "=" + std::to_string(params.at(name));
  return options;
}

std::string KeyDefines(const TuningKey& key, std::initializer_list<const char*> names) {
  std::string options;
  for (const char* name : names) options += " -D" + std::string(name) + "=" + std::to_string(key.Dim(name));
  return options;
}

LaunchGeometry Geometry3d(const ParamMap& p, size_t items_x, size_t items_y, size_t items_z) {
  LaunchGeometry g;
  g.dims = 3;
  g.lws = {static_cast<size_t>(p.at("LX")), static_cast<size_t>(p.at("LY")), static_cast<size_t>(p.at("LZ"))};
  g.gws = {RoundUp(items_x, g.lws[0]), RoundUp(items_y, g.lws[1]), RoundUp(items_z, g.lws[2])};
  return g;
}

LaunchGeometry Geometry2d(const ParamMap& p, size_t items_x, size_t items_y) {
  LaunchGeometry g;
  g.dims = 2;
  g.lws = {static_cast<size_t>(p.at("LX")), static_cast<size_t>(p.at("LY")), 1};
  g.gws = {RoundUp(items_x, g.lws[0]), RoundUp(items_y, g.lws[1]), 1};
  return g;
}

void DefaultLocalSize(const DeviceLimits& limits, int dims, std::array<size_t, 3> items,
                      std::array<uint64_t, 3> max_axis, uint64_t max_total, ParamMap* params) {
  const uint64_t max_wg = std::max<uint64_t>(std::min<uint64_t>(limits.max_work_group_size, max_total), 1);
  uint64_t used = 1;
  const char* names[3] = {"LX", "LY", "LZ"};
  for (int axis = 0; axis < dims; ++axis) {
    uint64_t l = std::min<uint64_t>({max_axis[axis], NextPow2(std::max<size_t>(items[axis], 1)), max_wg / used,
                                     std::max<uint64_t>(limits.max_work_item_sizes[axis], 1)});
    l = std::max<uint64_t>(l, 1);
    while (l > 1 && (l & (l - 1)) != 0) --l;
    (*params)[names[axis]] = static_cast<int64_t>(l);
    used *= l;
  }
}

}  // namespace rules
}  // namespace mace_tune
