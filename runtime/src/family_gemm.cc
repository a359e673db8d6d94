// The GEMM family's launch rules.
// Contract (kernels/gemm.cl): C[M][N] = A[M][K] * B[K][N], row-major fp32.
// Variant parameters: TM x TN outputs per work-item, VW-wide loads/stores along N (VW divides TN),
// LOCAL=1 tiles A and B through local memory in KT-deep slices with an LX x LY work-group fixed at
// compile time; there STRN=1 spreads an item's TN columns over the tile VW at a time, LX*VW apart
// (CLBlast's STRN), so neighbouring items read neighbouring local-memory words.
// LX, LY are the local size; global = ceil(N/TN) x ceil(M/TM), rounded up to it.
#include <climits>

#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

Status CheckKey(const TuningKey& key) {
  const int64_t m = key.Dim("M"), n = key.Dim("N"), k = key.Dim("K");
  for (const int64_t v : {m, n, k}) {
    if (v < 1) return Invalid(key, "M, N, K must be >= 1");
  }
  if (m > INT_MAX / k || k > INT_MAX / n || m > INT_MAX / n) {
    return Invalid(key, "a matrix has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireParams(p, {"TM", "TN", "VW", "LOCAL"});
  if (!status.ok()) return status;
  if (!(status = RequireLocalSize(p, 2)).ok()) return status;
  auto pow2_upto = [](int64_t v, int64_t max) { return IsPow2(v) && v <= max; };
  if (!pow2_upto(p.at("TM"), 8) || !pow2_upto(p.at("TN"), 16) || !pow2_upto(p.at("VW"), 8)) {
    return Status(StatusCode::kInvalidArgument, "TM, VW must be powers of two up to 8, TN up to 16");
  }
  if (p.count("STRN") != 0 && (p.at("STRN") < 0 || p.at("STRN") > 1)) {
    return Status(StatusCode::kInvalidArgument, "STRN must be 0 or 1");
  }
  if (p.at("TN") % p.at("VW") != 0) return Status(StatusCode::kInvalidArgument, "VW must divide TN");
  if (!(status = RequireIn(p, "LOCAL", {0, 1})).ok()) return status;
  if (p.at("LOCAL") == 1 && (p.count("KT") == 0 || !pow2_upto(p.at("KT"), 32))) {
    return Status(StatusCode::kInvalidArgument, "LOCAL=1 needs KT, a power of two up to 32");
  }
  return Status::Ok();
}

std::string BuildOptions(const TuningKey& /*key*/, const ParamMap& p) {
  std::string options = Defines(p, {"LOCAL", "TM", "TN", "VW"});
  if (p.at("LOCAL") == 1) options += Defines(p, {"KT", "LX", "LY"});
  if (p.at("LOCAL") == 1 && p.count("STRN") != 0 && p.at("STRN") == 1) options += " -DSTRN=1";
  return options;
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  return Geometry2d(p, CeilDiv(key.Dim("N"), p.at("TN")), CeilDiv(key.Dim("M"), p.at("TM")));
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // 4x4 outputs per item with float4 loads is the textbook register-blocked GEMM; the local size
  // covers up to 16 columns of items, then as many rows as the device allows, up to 16.
  // KT=8 and STRN=0 are the canonical values of direct variants (they only shape tiled ones), so
  // the default is literally a point of the tuner's search space.
  ParamMap p = {{"TM", 4}, {"TN", 4}, {"VW", 4}, {"LOCAL", 0}, {"KT", 8}, {"STRN", 0}};
  DefaultLocalSize(limits, 2, {CeilDiv(key.Dim("N"), 4), CeilDiv(key.Dim("M"), 4), 1}, {16, 16, 1}, 256, &p);
  return p;
}

}  // namespace

const FamilyRules& GemmRules() {
  static const FamilyRules kRules = {
      {"gemm", "gemm", "gemm", {"K", "M", "N"}}, {"fp32"}, CheckKey, CheckParams, BuildOptions, Geometry,
      DefaultParams, false};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
