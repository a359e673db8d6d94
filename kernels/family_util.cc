// Shared helpers of the family descriptors.
#include "family_util.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "tensor_io.h"

namespace mace_tune {

std::vector<int64_t> Pow2UpTo(uint64_t max) {
  std::vector<int64_t> values;
  for (uint64_t v = 1; v <= std::max<uint64_t>(max, 1); v <<= 1) values.push_back(static_cast<int64_t>(v));
  return values;
}

uint64_t LocalDimLimit(const DeviceLimits& limits, int axis, uint64_t cap) {
  return std::min<uint64_t>({cap, limits.max_work_group_size, limits.max_work_item_sizes[axis]});
}

std::vector<int64_t> ImageValues(const DeviceLimits& limits) {
  return limits.image_support ? std::vector<int64_t>{0, 1} : std::vector<int64_t>{0};
}

bool Contains(const std::vector<int64_t>& values, int64_t v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string CheckDomains(const ParamMap& params, const std::vector<TunableParam>& space) {
  for (const auto& [name, value] : params) {
    const auto it = std::find_if(space.begin(), space.end(), [&n = name](const TunableParam& p) { return p.name == n; });
    if (it == space.end()) return "unknown parameter " + name + "=" + std::to_string(value);
    if (!Contains(it->values, value)) return name + "=" + std::to_string(value) + " is outside its domain";
  }
  for (const auto& p : space) {
    if (params.count(p.name) == 0) return "missing parameter " + p.name;
  }
  return {};
}

std::string CheckLocalSize(const ParamMap& params, int dims, const DeviceLimits& limits) {
  uint64_t total = 1;
  std::string text;
  for (int axis = 0; axis < dims; ++axis) {
    const char* name = axis == 0 ? "LX" : axis == 1 ? "LY" : "LZ";
    const auto it = params.find(name);
    if (it == params.end()) return std::string("missing parameter ") + name;
    const auto v = static_cast<uint64_t>(std::max<int64_t>(it->second, 1));
    if (v > limits.max_work_item_sizes[axis]) {
      return std::string(name) + "=" + std::to_string(v) + " exceeds the device's work-item size " +
             std::to_string(limits.max_work_item_sizes[axis]);
    }
    total *= v;
    text += (text.empty() ? "" : "x") + std::to_string(v);
  }
  if (total > limits.max_work_group_size) {
    return "work-group " + text + " exceeds the device's " + std::to_string(limits.max_work_group_size);
  }
  return {};
}

std::string CheckImages(const ParamMap& params, const std::vector<BufferSpec>& buffers, const DeviceLimits& limits) {
  const auto it = params.find("IMG");
  if (it == params.end() || it->second == 0) return {};
  if (!limits.image_support) return "IMG=1 but the device has no image support";
  for (const auto& b : buffers) {
    if (!b.is_tensor()) continue;
    const auto width = static_cast<uint64_t>(b.nhwc[2] * C4(b.nhwc[3]));
    const auto height = static_cast<uint64_t>(b.nhwc[0] * b.nhwc[1]);
    if (width > limits.image2d_max_width || height > limits.image2d_max_height) {
      return "image of " + b.name + " (" + std::to_string(width) + "x" + std::to_string(height) +
             ") exceeds the device's image2d limit " + std::to_string(limits.image2d_max_width) + "x" +
             std::to_string(limits.image2d_max_height);
    }
  }
  return {};
}

double Activate(double x, int64_t act) {
  switch (act) {
    case 1: return std::max(x, 0.0);
    case 2: return std::min(std::max(x, 0.0), 6.0);
    case 3: return x >= 0 ? x : 0.1 * x;
    case 4: return 1.0 / (1.0 + std::exp(-x));
    default: return x;
  }
}

std::string CheckActBias(const TuningKey& key) {
  const int64_t act = key.Dim("ACT", 0), bias = key.Dim("BIAS", 0);
  if (act < 0 || act > 4) return "ACT must be 0 (none), 1 (relu), 2 (relu6), 3 (leaky relu) or 4 (sigmoid)";
  if (bias < 0 || bias > 1) return "BIAS must be 0 or 1";
  return {};
}

Tolerance SumTolerance(double terms, const TuningKey& key) {
  const double k = std::max(terms, 1.0);
  const double eps = FLT_EPSILON;
  Tolerance tol;
  tol.rel_l2 = 2.0 * eps * std::sqrt(k);
  tol.abs_max = 2.0 * eps * k;
  tol.rel_max = 2.0 * eps * std::sqrt(k);
  if (key.dtype == "fp16") {
    const double half_eps = 1.0 / 1024;  // 2x the rounding of an fp16 store (2^-11)
    tol.rel_l2 += half_eps;
    tol.rel_max += half_eps;
    tol.abs_max += 1e-6;
  }
  return tol;
}

}  // namespace mace_tune
