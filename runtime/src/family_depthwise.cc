// The depthwise_3x3 family's launch rules (kernels/depthwise_3x3.cl): depthwise 3x3 convolution,
// padding 1, channel multiplier 1, stride S in {1, 2}, fused BIAS and ACT, over NHWC tensors;
// OH = (H-1)/S + 1, OW = (W-1)/S + 1.
// Variant parameters: PW output pixels along W per work-item (1, 2, 4), IMG image2d storage,
// LOCAL=1 input tile in local memory (then LX, LY, LZ are compile-time: -DLX -DLY -DLZ).
// Work-items: x = channel groups of four (C4), y = ceil(OW / PW), z = N*OH.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

int64_t OutH(const TuningKey& key) { return ConvOut(key.Dim("H"), 3, key.Dim("S"), 1, 1); }
int64_t OutW(const TuningKey& key) { return ConvOut(key.Dim("W"), 3, key.Dim("S"), 1, 1); }

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "H", "W", "C"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("S") != 1 && key.Dim("S") != 2) return Invalid(key, "S must be 1 or 2");
  if (key.Dim("ACT") > 4) return Invalid(key, "ACT must be 0..4");
  if (key.Dim("BIAS") > 1) return Invalid(key, "BIAS must be 0 or 1");
  if (key.Dim("N") * key.Dim("H") * key.Dim("W") * (key.Dim("C") + 3) > (int64_t{1} << 31)) {
    return Invalid(key, "the tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "PW", {1, 2, 4});
  if (!status.ok()) return status;
  if (!(status = RequireIn(p, "LOCAL", {0, 1})).ok()) return status;
  return RequireLocalSize(p, 3);
}

std::string BuildOptions(const TuningKey& key, const ParamMap& p) {
  std::string options = Defines(p, {"PW", "LOCAL"}) + KeyDefines(key, {"ACT", "BIAS"}) +
                        " -DSTRIDE=" + std::to_string(key.Dim("S"));
  if (p.at("LOCAL") == 1) options += Defines(p, {"LX", "LY", "LZ"});
  return options;
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  return Geometry3d(p, CeilDiv(key.Dim("C"), 4), CeilDiv(OutW(key), p.at("PW")),
                    static_cast<size_t>(key.Dim("N") * OutH(key)));
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // Memory-bound (9 MACs per output, each input read by up to 9 outputs). PW outputs per item
  // read (PW-1)*S+3 columns per row instead of 3*PW, so wider is less traffic, but also fewer
  // items: take the widest PW in {4, 2} that still leaves 2^14 work-items (enough to fill a large
  // GPU several times over), else 1. Buffers and no local tile: the 3-row overlap is left to the
  // cache, which costs no barrier. Local size: channel groups first (contiguous in NHWC4, up to
  // 32), then at most 4 output blocks of a row and 4 rows: a squarish patch, whose 3x3 windows
  // overlap along both H and W in the cache; 128 items per group.
  const size_t c4 = CeilDiv(key.Dim("C"), 4), rows = static_cast<size_t>(key.Dim("N") * OutH(key));
  int64_t pw = 1;
  for (const int64_t candidate : {4, 2}) {
    if (c4 * CeilDiv(OutW(key), candidate) * rows >= (size_t{1} << 14)) {
      pw = candidate;
      break;
    }
  }
  ParamMap p = {{"PW", pw}, {"IMG", 0}, {"LOCAL", 0}};
  DefaultLocalSize(limits, 3, {c4, CeilDiv(OutW(key), pw), rows}, {32, 4, 4}, 128, &p);
  return p;
}

}  // namespace

const FamilyRules& DepthwiseConv2dRules() {
  static const FamilyRules kRules = {
      {"depthwise_3x3", "depthwise_3x3", "depthwise_3x3", {"ACT", "BIAS", "C", "H", "N", "S", "W"}},
      {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry, DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
