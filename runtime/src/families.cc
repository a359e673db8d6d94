// The family table and the GEMM family's launch rules.
// GEMM contract (kernels/gemm.cl): C[M][N] = A[M][K] * B[K][N], row-major fp32.
// Variant parameters: TM x TN outputs per work-item, VW-wide loads/stores along N (VW divides TN),
// LOCAL=1 tiles A and B through local memory in KT-deep slices with an LX x LY work-group fixed at
// compile time. LX, LY are the local size; global = ceil(N/TN) x ceil(M/TM), rounded up to it.
#include <algorithm>
#include <climits>

#include "mace_tune/families.h"
#include "cl/cl_core.h"

namespace mace_tune {
namespace {

const std::vector<FamilyInfo>& Table() {
  static const std::vector<FamilyInfo> kFamilies = {
      {"gemm", "gemm", "gemm", {"K", "M", "N"}},
  };
  return kFamilies;
}

size_t CeilDiv(int64_t a, int64_t b) { return static_cast<size_t>((a + b - 1) / b); }
size_t RoundUp(size_t a, size_t b) { return (a + b - 1) / b * b; }
uint64_t NextPow2(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

Status Missing(const std::string& name) {
  return Status(StatusCode::kInvalidArgument, "config lacks parameter " + name);
}

Status GemmCheckParams(const ParamMap& p) {
  for (const char* name : {"TM", "TN", "VW", "LOCAL", "LX", "LY"}) {
    if (p.count(name) == 0) return Missing(name);
  }
  auto pow2_upto = [](int64_t v, int64_t max) { return v >= 1 && v <= max && (v & (v - 1)) == 0; };
  if (!pow2_upto(p.at("TM"), 8) || !pow2_upto(p.at("TN"), 8) || !pow2_upto(p.at("VW"), 8)) {
    return Status(StatusCode::kInvalidArgument, "TM, TN, VW must be powers of two up to 8");
  }
  if (p.at("TN") % p.at("VW") != 0) return Status(StatusCode::kInvalidArgument, "VW must divide TN");
  if (p.at("LOCAL") != 0 && p.at("LOCAL") != 1) return Status(StatusCode::kInvalidArgument, "LOCAL must be 0 or 1");
  if (p.at("LX") < 1 || p.at("LY") < 1 || p.at("LX") > 1024 || p.at("LY") > 1024) {
    return Status(StatusCode::kInvalidArgument, "LX, LY must be in 1..1024");
  }
  if (p.at("LOCAL") == 1 && (p.count("KT") == 0 || !pow2_upto(p.at("KT"), 32))) {
    return Status(StatusCode::kInvalidArgument, "LOCAL=1 needs KT, a power of two up to 32");
  }
  return Status::Ok();
}

}  // namespace

const FamilyInfo* FindFamily(std::string_view name) noexcept {
  for (const auto& family : Table()) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

std::vector<std::string_view> FamilyNames() {
  std::vector<std::string_view> names;
  for (const auto& family : Table()) names.push_back(family.name);
  return names;
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
    *out = limits;
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(StatusCode::kOpenClError, e.what());
  }
}

Status ValidateKey(const TuningKey& key) noexcept {
  const FamilyInfo* family = FindFamily(key.family);
  if (family == nullptr) {
    return Status(StatusCode::kInvalidArgument, "unknown kernel family '" + key.family + "'");
  }
  if (key.dtype != "fp32") {
    return Status(StatusCode::kInvalidArgument, key.family + ": dtype '" + key.dtype + "' is not supported (fp32)");
  }
  if (key.shape.size() != family->shape_dims.size()) {
    return Status(StatusCode::kInvalidArgument, key.ToString() + ": expected the dimensions K, M, N");
  }
  for (const auto dim : family->shape_dims) {
    const int64_t v = key.Dim(std::string(dim), -1);
    if (v < 1) return Status(StatusCode::kInvalidArgument, key.ToString() + ": " + std::string(dim) + " must be >= 1");
  }
  const int64_t m = key.Dim("M"), n = key.Dim("N"), k = key.Dim("K");
  if (m > INT_MAX / k || k > INT_MAX / n || m > INT_MAX / n) {
    return Status(StatusCode::kInvalidArgument, key.ToString() + ": a matrix has more than 2^31 elements");
  }
  return Status::Ok();
}

Status FamilyBuildOptions(const TuningKey& key, const ParamMap& p, std::string* out) noexcept {
  Status status = ValidateKey(key);
  if (!status.ok()) return status;
  if (!(status = GemmCheckParams(p)).ok()) return status;
  std::string options;
  for (const char* name : {"LOCAL", "TM", "TN", "VW"}) {
    options += " -D" + std::string(name) + "=" + std::to_string(p.at(name));
  }
  if (p.at("LOCAL") == 1) {
    for (const char* name : {"KT", "LX", "LY"}) {
      options += " -D" + std::string(name) + "=" + std::to_string(p.at(name));
    }
  }
  *out = NormalizeBuildOptions(options);
  return Status::Ok();
}

Status FamilyGeometry(const TuningKey& key, const ParamMap& p, LaunchGeometry* out) noexcept {
  Status status = ValidateKey(key);
  if (!status.ok()) return status;
  if (!(status = GemmCheckParams(p)).ok()) return status;
  LaunchGeometry g;
  g.dims = 2;
  g.lws = {static_cast<size_t>(p.at("LX")), static_cast<size_t>(p.at("LY")), 1};
  g.gws = {RoundUp(CeilDiv(key.Dim("N"), p.at("TN")), g.lws[0]),
           RoundUp(CeilDiv(key.Dim("M"), p.at("TM")), g.lws[1]), 1};
  *out = g;
  return Status::Ok();
}

Status FamilyDefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) noexcept {
  Status status = ValidateKey(key);
  if (!status.ok()) return status;
  // 4x4 outputs per item with float4 loads is the textbook register-blocked GEMM; the local size
  // covers up to 16 columns of items, then as many rows as the device allows, up to 16.
  // KT=8 is the canonical value of direct variants (KT only shapes tiled ones), so the default is
  // literally a point of the tuner's search space.
  ParamMap p = {{"TM", 4}, {"TN", 4}, {"VW", 4}, {"LOCAL", 0}, {"KT", 8}};
  const uint64_t max_wg = std::max<uint64_t>(limits.max_work_group_size, 1);
  uint64_t lx = std::min<uint64_t>({16, NextPow2(CeilDiv(key.Dim("N"), 4)), max_wg,
                                    std::max<uint64_t>(limits.max_work_item_sizes[0], 1)});
  uint64_t ly = std::min<uint64_t>({16, NextPow2(CeilDiv(key.Dim("M"), 4)), max_wg / lx,
                                    std::max<uint64_t>(limits.max_work_item_sizes[1], 1)});
  while (lx > 1 && (lx & (lx - 1)) != 0) --lx;
  while (ly > 1 && (ly & (ly - 1)) != 0) --ly;
  p["LX"] = static_cast<int64_t>(lx);
  p["LY"] = static_cast<int64_t>(std::max<uint64_t>(ly, 1));
  *out = std::move(p);
  return Status::Ok();
}

}  // namespace mace_tune
