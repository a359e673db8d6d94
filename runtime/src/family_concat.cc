// The concat family's launch rules (kernels/concat.cl): [N,H,W,C] and [N,H,W,C2] ->
// [N,H,W,C+C2] along channels. The key selects the lane shift (SHIFT = (4 - C%4) % 4; 0 is the
// aligned float4 copy).
// Variant parameters: PW output pixels along W per work-item, IMG image2d storage.
// Work-items: x = output channel groups ceil((C+C2)/4), y = ceil(W / PW), z = N*H.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "H", "W", "C", "C2"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("N") * key.Dim("H") * key.Dim("W") * (key.Dim("C") + key.Dim("C2") + 6) > (int64_t{1} << 31)) {
    return Invalid(key, "a tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "PW", {1, 2, 4});
  if (!status.ok()) return status;
  return RequireLocalSize(p, 3);
}

std::string BuildOptions(const TuningKey& key, const ParamMap& p) {
  return Defines(p, {"PW"}) + " -DSHIFT=" + std::to_string((4 - key.Dim("C") % 4) % 4);
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  return Geometry3d(p, CeilDiv(key.Dim("C") + key.Dim("C2"), 4), CeilDiv(key.Dim("W"), p.at("PW")),
                    static_cast<size_t>(key.Dim("N") * key.Dim("H")));
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // A copy, bound by memory: one output float4 per item (PW=1) keeps the most loads in flight;
  // output channel groups first (contiguous in NHWC4), then pixels of a row, 128 items a group.
  ParamMap p = {{"PW", 1}, {"IMG", 0}};
  DefaultLocalSize(limits, 3,
                   {CeilDiv(key.Dim("C") + key.Dim("C2"), 4), static_cast<size_t>(key.Dim("W")),
                    static_cast<size_t>(key.Dim("N") * key.Dim("H"))},
                   {32, 16, 16}, 128, &p);
  return p;
}

}  // namespace

const FamilyRules& ConcatRules() {
  static const FamilyRules kRules = {{"concat", "concat", "concat", {"C", "C2", "H", "N", "W"}},
                                     {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry,
                                     DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
