// Internal: one kernel family's launch rules in the runtime (mace_tune/families.h dispatches to
// these by family name). Each family lives in its own family_<name>.cc and adds itself to the
// table in families.cc. The shape checks (CheckKey) run after families.cc has checked that the key
// names exactly the family's dimensions and a dtype it supports.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "mace_tune/families.h"

namespace mace_tune {
namespace rules {

struct FamilyRules {
  FamilyInfo info;
  std::vector<std::string_view> dtypes;  // e.g. {"fp32", "fp16"}
  // Shape ranges beyond "every dimension present": e.g. "S must be 1 or 2".
  Status (*check_key)(const TuningKey& key) = nullptr;
  // Parameter presence and domains the launch rules rely on (not device limits: the tuner's
  // CheckConfig and the runtime's re-validation handle those).
  Status (*check_params)(const TuningKey& key, const ParamMap& params) = nullptr;
  // The family's own -D options (sorted later); FP16 / IMG are added by families.cc.
  std::string (*build_options)(const TuningKey& key, const ParamMap& params) = nullptr;
  LaunchGeometry (*geometry)(const TuningKey& key, const ParamMap& params) = nullptr;
  ParamMap (*default_params)(const TuningKey& key, const DeviceLimits& limits) = nullptr;
  // Whether the family has the IMG variant (activations in image2d_t).
  bool has_image_variant = false;
};

// The families, one accessor each (family_<name>.cc).
const FamilyRules& GemmRules();
const FamilyRules& EltwiseRules();
const FamilyRules& Conv2d1x1Rules();
const FamilyRules& Conv2d3x3Rules();
const FamilyRules& Conv2dRules();
const FamilyRules& DepthwiseConv2dRules();
const FamilyRules& PoolingRules();
const FamilyRules& FullyConnectedRules();
const FamilyRules& SoftmaxRules();
const FamilyRules& ResizeBilinearRules();
const FamilyRules& ConcatRules();

// ---- helpers shared by the families ----
inline size_t CeilDiv(int64_t a, int64_t b) { return static_cast<size_t>((a + b - 1) / b); }
inline size_t RoundUp(size_t a, size_t b) { return (a + b - 1) / b * b; }
inline uint64_t NextPow2(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}
inline bool IsPow2(int64_t v) { return v >= 1 && (v & (v - 1)) == 0; }

Status Invalid(const TuningKey& key, const std::string& why);
// kInvalidArgument "config lacks parameter X" for the first name missing from `params`.
Status RequireParams(const ParamMap& params, std::initializer_list<const char*> names);
// Each named parameter must be one of `allowed`.
Status RequireIn(const ParamMap& params, const char* name, std::initializer_list<int64_t> allowed);
// LX, LY (and LZ when dims == 3) present and in 1..1024.
Status RequireLocalSize(const ParamMap& params, int dims);
// " -DNAME=value" for each named parameter.
std::string Defines(const ParamMap& params, std::initializer_list<const char*> names);
// " -DNAME=value" for each named shape dimension of the key.
std::string KeyDefines(const TuningKey& key, std::initializer_list<const char*> names);

// The geometry of a 3-D launch over (items x, items y, items z) with the config's LX, LY, LZ:
// each global size rounded up to its local size.
LaunchGeometry Geometry3d(const ParamMap& params, size_t items_x, size_t items_y, size_t items_z);
LaunchGeometry Geometry2d(const ParamMap& params, size_t items_x, size_t items_y);
// A default local size for (items x, y, z): powers of two, x first, then y, then z, each at most
// `max_axis` and the work along that axis rounded up to a power of two, together within the
// device's work-group and work-item limits and `max_total`. Sets LX, LY and, when dims == 3, LZ.
void DefaultLocalSize(const DeviceLimits& limits, int dims, std::array<size_t, 3> items,
                      std::array<uint64_t, 3> max_axis, uint64_t max_total, ParamMap* params);

// Output extent of a convolution or pooling window along one axis.
inline int64_t ConvOut(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad) {
  return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
}

}  // namespace rules
}  // namespace mace_tune
