// The fully_connected family's launch rules (kernels/fully_connected.cl):
// out[N,1,1,K] = act(in[N,1,1,C] x W + bias), W an array [C4][K4*4][4], bias K4*4 values.
// Variant parameters: PK output channel groups per work-item, LOCAL=1 splits C over the LY items of
// a work-group and reduces their partial sums in local memory (LX, LY, LZ compiled in), IMG.
// Work-items: x = ceil(K4 / PK) output blocks; LOCAL=0: y = N; LOCAL=1: y = LY slices of C, z = N.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "C", "K"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("ACT") > 4) return Invalid(key, "ACT must be 0..4");
  if (key.Dim("BIAS") > 1) return Invalid(key, "BIAS must be 0 or 1");
  const int64_t c = CeilDiv(key.Dim("C"), 4) * 4, k = CeilDiv(key.Dim("K"), 4) * 4;
  if (c * k > (int64_t{1} << 31) || key.Dim("N") * (c + k) > (int64_t{1} << 31)) {
    return Invalid(key, "the weights or a tensor have more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "PK", {1, 2, 4});
  if (!status.ok()) return status;
  if (!(status = RequireIn(p, "LOCAL", {0, 1})).ok()) return status;
  if (!(status = RequireLocalSize(p, 3)).ok()) return status;
  if (p.at("LOCAL") == 1 && !IsPow2(p.at("LY"))) {
    return Status(StatusCode::kInvalidArgument, "LOCAL=1 needs LY, a power of two (the reduction tree)");
  }
  return Status::Ok();
}

std::string BuildOptions(const TuningKey& key, const ParamMap& p) {
  std::string options = Defines(p, {"PK", "LOCAL"}) + KeyDefines(key, {"ACT", "BIAS"});
  if (p.at("LOCAL") == 1) options += Defines(p, {"LX", "LY", "LZ"});
  return options;
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  const size_t blocks = CeilDiv(CeilDiv(key.Dim("K"), 4), p.at("PK"));
  const auto n = static_cast<size_t>(key.Dim("N"));
  if (p.at("LOCAL") == 1) return Geometry3d(p, blocks, static_cast<size_t>(p.at("LY")), n);
  return Geometry3d(p, blocks, n, 1);
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // The layer is bound by reading the weights once (C*K values, each used N times). One item per
  // output group gives N*K4 items: with a batch of one (K=1000: 250 items) most of a GPU idles, so
  // below 4096 items C is split over LY items of a work-group (LOCAL=1): LX=4 adjacent output
  // groups read 4 x 64 contiguous bytes of each weight row, and LY (up to 64) slices leave each
  // item at least 4 input groups to overlap its loads; the tree reduction is then short. With
  // enough items, one output group per item (PK=1) over 64 items along K4, batch along y.
  const size_t k4 = CeilDiv(key.Dim("K"), 4), c4 = CeilDiv(key.Dim("C"), 4);
  const auto n = static_cast<size_t>(key.Dim("N"));
  ParamMap p = {{"PK", 1}, {"IMG", 0}};
  if (n * k4 < 4096) {
    p["LOCAL"] = 1;
    uint64_t slices = 1;
    while (slices * 2 <= std::min<uint64_t>(64, std::max<size_t>(c4 / 4, 1))) slices *= 2;
    DefaultLocalSize(limits, 3, {k4, slices, n}, {4, 64, 1}, 256, &p);
  } else {
    p["LOCAL"] = 0;
    DefaultLocalSize(limits, 3, {k4, n, 1}, {64, 4, 1}, 128, &p);
  }
  return p;
}

}  // namespace

const FamilyRules& FullyConnectedRules() {
  static const FamilyRules kRules = {
      {"fully_connected", "fully_connected", "fully_connected", {"ACT", "BIAS", "C", "K", "N"}},
      {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry, DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
