// The softmax family's launch rules (kernels/softmax.cl): softmax over the C channels of each
// pixel of an NHWC tensor [N,H,W,C], max subtracted first.
// Variant parameters: LOCAL=1 gives each pixel LX items that reduce max and sum in local memory
// (LX a power of two; LX, LY, LZ compiled in), LOCAL=0 one item per pixel; IMG image2d storage.
// Work-items: LOCAL=0: x = W, y = N*H; LOCAL=1: x = LX items of a pixel, y = W, z = N*H.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "H", "W", "C"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("N") * key.Dim("H") * key.Dim("W") * (key.Dim("C") + 3) > (int64_t{1} << 31)) {
    return Invalid(key, "the tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "LOCAL", {0, 1});
  if (!status.ok()) return status;
  if (!(status = RequireLocalSize(p, 3)).ok()) return status;
  if (p.at("LOCAL") == 1 && !IsPow2(p.at("LX"))) {
    return Status(StatusCode::kInvalidArgument, "LOCAL=1 needs LX, a power of two (the reduction tree)");
  }
  return Status::Ok();
}

std::string BuildOptions(const TuningKey& /*key*/, const ParamMap& p) {
  std::string options = Defines(p, {"LOCAL"});
  if (p.at("LOCAL") == 1) options += Defines(p, {"LX", "LY", "LZ"});
  return options;
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  const auto w = static_cast<size_t>(key.Dim("W")), nh = static_cast<size_t>(key.Dim("N") * key.Dim("H"));
  if (p.at("LOCAL") == 1) return Geometry3d(p, static_cast<size_t>(p.at("LX")), w, nh);
  return Geometry3d(p, w, nh, 1);
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // Each pixel reads its channels three times (max, sum, output). With few channels one item per
  // pixel is cheapest (no barriers). With 128 channels or more (C4 >= 32, e.g. a classifier's
  // 1000 classes on one pixel) a single item would serialise long loops while the GPU idles, so
  // LX items share a pixel: LX = C4/2 rounded down to a power of two, at most 128, leaving each
  // item at least two channel groups; the reduction is a log2(LX) tree.
  const size_t c4 = CeilDiv(key.Dim("C"), 4);
  const auto w = static_cast<size_t>(key.Dim("W")), nh = static_cast<size_t>(key.Dim("N") * key.Dim("H"));
  ParamMap p = {{"IMG", 0}};
  if (c4 >= 32) {
    p["LOCAL"] = 1;
    DefaultLocalSize(limits, 3, {c4 / 2, w, nh}, {128, 2, 1}, 256, &p);
  } else {
    p["LOCAL"] = 0;
    DefaultLocalSize(limits, 3, {w, nh, 1}, {32, 8, 1}, 128, &p);
  }
  return p;
}

}  // namespace

const FamilyRules& SoftmaxRules() {
  static const FamilyRules kRules = {{"softmax", "softmax", "softmax", {"C", "H", "N", "W"}},
                                     {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry,
                                     DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
