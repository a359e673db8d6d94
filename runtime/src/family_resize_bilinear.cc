// The resize_bilinear family's launch rules (kernels/resize_bilinear.cl): [N,H,W,C] ->
// [N,OH,OW,C], align_corners=false, half_pixel_centers=false.
// Variant parameters: PW output pixels along OW per work-item, IMG image2d storage.
// Work-items: x = channel groups of four (C4), y = ceil(OW / PW), z = N*OH.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "H", "W", "C", "OH", "OW"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  const int64_t c = key.Dim("C") + 3, n = key.Dim("N");
  if (n * key.Dim("H") * key.Dim("W") * c > (int64_t{1} << 31) ||
      n * key.Dim("OH") * key.Dim("OW") * c > (int64_t{1} << 31)) {
    return Invalid(key, "a tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "PW", {1, 2, 4});
  if (!status.ok()) return status;
  return RequireLocalSize(p, 3);
}

std::string BuildOptions(const TuningKey& /*key*/, const ParamMap& p) { return Defines(p, {"PW"}); }

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  return Geometry3d(p, CeilDiv(key.Dim("C"), 4), CeilDiv(key.Dim("OW"), p.at("PW")),
                    static_cast<size_t>(key.Dim("N") * key.Dim("OH")));
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // Gather-bound: each output reads four float4 texels; one output per item (PW=1) keeps the most
  // items in flight. Channel groups first (contiguous in NHWC4), then output columns, 128 items.
  ParamMap p = {{"PW", 1}, {"IMG", 0}};
  DefaultLocalSize(limits, 3,
                   {CeilDiv(key.Dim("C"), 4), static_cast<size_t>(key.Dim("OW")),
                    static_cast<size_t>(key.Dim("N") * key.Dim("OH"))},
                   {32, 16, 16}, 128, &p);
  return p;
}

}  // namespace

const FamilyRules& ResizeBilinearRules() {
  static const FamilyRules kRules = {
      {"resize_bilinear", "resize_bilinear", "resize_bilinear", {"C", "H", "N", "OH", "OW", "W"}},
      {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry, DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
