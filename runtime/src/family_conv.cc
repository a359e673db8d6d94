// The convolution families' launch rules: conv2d_1x1, conv2d_3x3 and the general conv2d
// (kernels/conv2d_1x1.cl, conv2d_3x3.cl, conv2d.cl). NHWC input [N,H,W,C], output [N,OH,OW,K],
// weights [KH][KW][C4*4][K4*4], optional bias [K4*4]; BIAS (0/1) and ACT (0..4) come from the key.
// Variant parameters: PW output pixels along W per work-item (1, 2, 4), PK groups of four output
// channels per work-item (1, 2), IMG image2d storage; conv2d_1x1 also LOCAL (0/1) with KT, the
// input channel groups per local-memory slice (its LX, LY, LZ are then compile-time too).
// Work-items (all three): x = ceil(K4 / PK) channel blocks (consecutive items read consecutive
// weight float4s and the same input float4), y = ceil(OW / PW), z = N*OH.
// conv2d_1x1 and conv2d_3x3 compile S in (-DS); the general conv2d takes KH, KW, S, D, P as
// kernel arguments, so one program serves every window.
#include <climits>

#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

enum class Conv { k1x1, k3x3, kGeneral };

struct ConvShape {
  int64_t n, h, w, c, k, kh, kw, s, d, p, oh, ow;
};

ConvShape Shape(const TuningKey& key, Conv conv) {
  ConvShape c{};
  c.n = key.Dim("N");
  c.h = key.Dim("H");
  c.w = key.Dim("W");
  c.c = key.Dim("C");
  c.k = key.Dim("K");
  c.s = key.Dim("S");
  c.kh = conv == Conv::k1x1 ? 1 : conv == Conv::k3x3 ? 3 : key.Dim("KH");
  c.kw = conv == Conv::k1x1 ? 1 : conv == Conv::k3x3 ? 3 : key.Dim("KW");
  c.d = conv == Conv::kGeneral ? key.Dim("D") : 1;
  c.p = conv == Conv::k1x1 ? 0 : conv == Conv::k3x3 ? 1 : key.Dim("P");
  c.oh = c.s >= 1 && c.d >= 1 ? ConvOut(c.h, c.kh, c.s, c.d, c.p) : 0;
  c.ow = c.s >= 1 && c.d >= 1 ? ConvOut(c.w, c.kw, c.s, c.d, c.p) : 0;
  return c;
}

Status CheckConv(const TuningKey& key, Conv conv) {
  for (const char* dim : {"N", "H", "W", "C", "K", "S"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("ACT") > 4) return Invalid(key, "ACT must be 0..4");
  if (key.Dim("BIAS") > 1) return Invalid(key, "BIAS must be 0 or 1");
  if (conv != Conv::kGeneral) {
    if (key.Dim("S") > 2) return Invalid(key, "S must be 1 or 2");
  } else {
    for (const char* dim : {"KH", "KW", "D"}) {
      if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
    }
    if (key.Dim("KH") > 64 || key.Dim("KW") > 64 || key.Dim("D") > 64 || key.Dim("S") > 64 || key.Dim("P") > 64) {
      return Invalid(key, "KH, KW, S, D, P must be at most 64");
    }
  }
  const ConvShape c = Shape(key, conv);
  if (c.oh < 1 || c.ow < 1) return Invalid(key, "the output is empty (OH or OW < 1)");
  const int64_t limit = int64_t{1} << 31;
  const int64_t c4 = (c.c + 3) / 4, k4 = (c.k + 3) / 4;
  if (c.n * c.h * c.w * c4 * 4 > limit || c.n * c.oh * c.ow * k4 * 4 > limit ||
      c.kh * c.kw * c4 * k4 * 16 > limit) {
    return Invalid(key, "a tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status Check1x1(const TuningKey& key) { return CheckConv(key, Conv::k1x1); }
Status Check3x3(const TuningKey& key) { return CheckConv(key, Conv::k3x3); }
Status CheckGeneral(const TuningKey& key) { return CheckConv(key, Conv::kGeneral); }

Status CheckCommon(const ParamMap& p) {
  Status status = RequireIn(p, "PW", {1, 2, 4});
  if (!status.ok()) return status;
  if (!(status = RequireIn(p, "PK", {1, 2})).ok()) return status;
  return RequireLocalSize(p, 3);
}

Status CheckParams1x1(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = CheckCommon(p);
  if (!status.ok()) return status;
  if (!(status = RequireIn(p, "LOCAL", {0, 1})).ok()) return status;
  if (p.at("LOCAL") == 1) return RequireIn(p, "KT", {2, 4, 8, 16});
  return Status::Ok();
}

Status CheckParamsOther(const TuningKey& /*key*/, const ParamMap& p) { return CheckCommon(p); }

std::string Options1x1(const TuningKey& key, const ParamMap& p) {
  std::string options = Defines(p, {"LOCAL", "PK", "PW"}) + KeyDefines(key, {"ACT", "BIAS", "S"});
  if (p.at("LOCAL") == 1) options += Defines(p, {"KT", "LX", "LY", "LZ"});
  return options;
}

std::string Options3x3(const TuningKey& key, const ParamMap& p) {
  return Defines(p, {"PK", "PW"}) + KeyDefines(key, {"ACT", "BIAS", "S"});
}

std::string OptionsGeneral(const TuningKey& key, const ParamMap& p) {
  return Defines(p, {"PK", "PW"}) + KeyDefines(key, {"ACT", "BIAS"});
}

LaunchGeometry GeometryOf(const TuningKey& key, const ParamMap& p, Conv conv) {
  const ConvShape c = Shape(key, conv);
  return Geometry3d(p, CeilDiv(CeilDiv(c.k, 4), p.at("PK")), CeilDiv(c.ow, p.at("PW")),
                    static_cast<size_t>(c.n * c.oh));
}

LaunchGeometry Geometry1x1(const TuningKey& key, const ParamMap& p) { return GeometryOf(key, p, Conv::k1x1); }
LaunchGeometry Geometry3x3(const TuningKey& key, const ParamMap& p) { return GeometryOf(key, p, Conv::k3x3); }
LaunchGeometry GeometryGeneral(const TuningKey& key, const ParamMap& p) {
  return GeometryOf(key, p, Conv::kGeneral);
}

ParamMap DefaultsOf(const TuningKey& key, const DeviceLimits& limits, Conv conv) {
  // Compute-bound (2*KH*KW*C flops per output): each item does 4*PW*PK float4 multiply-adds per
  // (tap, channel group) for PW input + 4*PK weight loads. PW=4 (MACE's width block) lets a weight
  // float4 serve four pixels while rows of OW >= 4 stay full; PK=2 halves the input reads but
  // halves the items too, so only while the launch keeps >= 8192 items (several waves on a mobile
  // GPU, a fair share of a data-centre one) and the last block is not mostly padding (K4 even or
  // >= 8). Direct (LOCAL=0) buffers: the portable baseline. Local size: up to 16 channel blocks
  // along x (weight reads coalesce, the input float4 is broadcast), then pixels, then rows,
  // 128 items per group.
  const ConvShape c = Shape(key, conv);
  const int64_t k4 = (c.k + 3) / 4;
  const int64_t pw = c.ow >= 4 ? 4 : c.ow >= 2 ? 2 : 1;
  const bool pk2_fits = k4 >= 2 && (k4 % 2 == 0 || k4 >= 8);
  const auto pk2_items = static_cast<int64_t>(CeilDiv(k4, 2) * CeilDiv(c.ow, pw)) * c.n * c.oh;
  const int64_t pk = pk2_fits && pk2_items >= 8192 ? 2 : 1;
  ParamMap p = {{"PW", pw}, {"PK", pk}, {"IMG", 0}};
  if (conv == Conv::k1x1) {
    p["LOCAL"] = 0;
    p["KT"] = 4;  // the canonical KT of direct variants (KT only shapes tiled ones)
  }
  DefaultLocalSize(limits, 3,
                   {CeilDiv(k4, pk), CeilDiv(c.ow, pw), static_cast<size_t>(c.n * c.oh)}, {16, 8, 8}, 128, &p);
  return p;
}

ParamMap Defaults1x1(const TuningKey& key, const DeviceLimits& limits) { return DefaultsOf(key, limits, Conv::k1x1); }
ParamMap Defaults3x3(const TuningKey& key, const DeviceLimits& limits) { return DefaultsOf(key, limits, Conv::k3x3); }
ParamMap DefaultsGeneral(const TuningKey& key, const DeviceLimits& limits) {
  return DefaultsOf(key, limits, Conv::kGeneral);
}

}  // namespace

const FamilyRules& Conv2d1x1Rules() {
  static const FamilyRules kRules = {
      {"conv2d_1x1", "conv2d_1x1", "conv2d_1x1", {"ACT", "BIAS", "C", "H", "K", "N", "S", "W"}},
      {"fp32", "fp16"}, Check1x1, CheckParams1x1, Options1x1, Geometry1x1, Defaults1x1, true};
  return kRules;
}

const FamilyRules& Conv2d3x3Rules() {
  static const FamilyRules kRules = {
      {"conv2d_3x3", "conv2d_3x3", "conv2d_3x3", {"ACT", "BIAS", "C", "H", "K", "N", "S", "W"}},
      {"fp32", "fp16"}, Check3x3, CheckParamsOther, Options3x3, Geometry3x3, Defaults3x3, true};
  return kRules;
}

const FamilyRules& Conv2dRules() {
  static const FamilyRules kRules = {
      {"conv2d", "conv2d", "conv2d", {"ACT", "BIAS", "C", "D", "H", "K", "KH", "KW", "N", "P", "S", "W"}},
      {"fp32", "fp16"}, CheckGeneral, CheckParamsOther, OptionsGeneral, GeometryGeneral, DefaultsGeneral, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
