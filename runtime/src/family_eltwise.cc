// The eltwise family's launch rules (kernels/eltwise.cl): out = act(A op B) over an NHWC tensor,
// OP 0 add, 1 multiply, 2 maximum; B is a tensor of the same shape (BC=0) or one value per
// channel broadcast over N, H, W (BC=1).
// Variant parameters: PW output pixels along W per work-item, IMG image2d storage.
// Work-items: x = channel groups of four (C4), y = ceil(W / PW), z = N*H.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "H", "W", "C"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("OP") > 2) return Invalid(key, "OP must be 0 (add), 1 (multiply) or 2 (maximum)");
  if (key.Dim("BC") > 1) return Invalid(key, "BC must be 0 (same shape) or 1 (per-channel broadcast)");
  if (key.Dim("ACT") > 4) return Invalid(key, "ACT must be 0..4");
  if (key.Dim("N") * key.Dim("H") * key.Dim("W") * (key.Dim("C") + 3) > (int64_t{1} << 31)) {
    return Invalid(key, "the tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "PW", {1, 2, 4, 8});
  if (!status.ok()) return status;
  return RequireLocalSize(p, 3);
}

std::string BuildOptions(const TuningKey& key, const ParamMap& p) {
  return Defines(p, {"PW"}) + KeyDefines(key, {"OP", "BC", "ACT"});
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  return Geometry3d(p, CeilDiv(key.Dim("C"), 4), CeilDiv(key.Dim("W"), p.at("PW")),
                    static_cast<size_t>(key.Dim("N") * key.Dim("H")));
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // Memory-bound: one float4 per work-item (PW=1) keeps the most items in flight; channel groups
  // first (contiguous in NHWC4), then pixels of a row, 128 items per group.
  ParamMap p = {{"PW", 1}, {"IMG", 0}};
  DefaultLocalSize(limits, 3,
                   {CeilDiv(key.Dim("C"), 4), static_cast<size_t>(key.Dim("W")),
                    static_cast<size_t>(key.Dim("N") * key.Dim("H"))},
                   {32, 16, 16}, 128, &p);
  return p;
}

}  // namespace

const FamilyRules& EltwiseRules() {
  static const FamilyRules kRules = {{"eltwise", "eltwise", "eltwise", {"ACT", "BC", "C", "H", "N", "OP", "W"}},
                                     {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry,
                                     DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
