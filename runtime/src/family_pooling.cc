// The pooling family's launch rules (kernels/pooling.cl): max (MODE 0) or average (MODE 1, over
// the window cells inside the input) pooling with a KS x KS window, stride S, symmetric padding P
// over NHWC tensors; OH = (H + 2P - KS)/S + 1, OW likewise, both >= 1, and P < KS.
// Variant parameters: PW output pixels along W per work-item (1, 2, 4), IMG image2d storage,
// SPLIT=1 the window of one output split over the LY items of a work-group with a local-memory
// reduction (then PW=1 and LX, LY, LZ are compile-time: -DLX -DLY -DLZ).
// Work-items: x = channel groups of four (C4), y = ceil(OW / PW) (SPLIT=1: OW * LY), z = N*OH.
#include "family_rules.h"

namespace mace_tune {
namespace rules {
namespace {

int64_t OutH(const TuningKey& key) { return ConvOut(key.Dim("H"), key.Dim("KS"), key.Dim("S"), 1, key.Dim("P")); }
int64_t OutW(const TuningKey& key) { return ConvOut(key.Dim("W"), key.Dim("KS"), key.Dim("S"), 1, key.Dim("P")); }

Status CheckKey(const TuningKey& key) {
  for (const char* dim : {"N", "H", "W", "C", "KS", "S"}) {
    if (key.Dim(dim) < 1) return Invalid(key, std::string(dim) + " must be >= 1");
  }
  if (key.Dim("KS") > 64) return Invalid(key, "KS must be at most 64");
  if (key.Dim("S") > 64) return Invalid(key, "S must be at most 64");
  if (key.Dim("P") >= key.Dim("KS")) return Invalid(key, "P must be smaller than KS");
  if (key.Dim("MODE") > 1) return Invalid(key, "MODE must be 0 (max) or 1 (average)");
  if (key.Dim("H") + 2 * key.Dim("P") < key.Dim("KS") || key.Dim("W") + 2 * key.Dim("P") < key.Dim("KS")) {
    return Invalid(key, "the window is larger than the padded input");
  }
  if (key.Dim("N") * key.Dim("H") * key.Dim("W") * (key.Dim("C") + 3) > (int64_t{1} << 31)) {
    return Invalid(key, "the tensor has more than 2^31 elements");
  }
  return Status::Ok();
}

Status CheckParams(const TuningKey& /*key*/, const ParamMap& p) {
  Status status = RequireIn(p, "PW", {1, 2, 4});
  if (!status.ok()) return status;
  if (!(status = RequireIn(p, "SPLIT", {0, 1})).ok()) return status;
  if (!(status = RequireLocalSize(p, 3)).ok()) return status;
  if (p.at("SPLIT") == 1 && p.at("PW") != 1) return Status(StatusCode::kInvalidArgument, "SPLIT=1 needs PW=1");
  if (p.at("SPLIT") == 1 && !IsPow2(p.at("LY"))) {
    return Status(StatusCode::kInvalidArgument, "SPLIT=1 needs LY a power of two (tree reduction)");
  }
  return Status::Ok();
}

std::string BuildOptions(const TuningKey& key, const ParamMap& p) {
  std::string options = Defines(p, {"PW", "SPLIT"}) + " -DKSIZE=" + std::to_string(key.Dim("KS")) +
                        " -DSTRIDE=" + std::to_string(key.Dim("S")) + " -DPAD=" + std::to_string(key.Dim("P")) +
                        " -DPOOL_MODE=" + std::to_string(key.Dim("MODE"));
  if (p.at("SPLIT") == 1) options += Defines(p, {"LX", "LY", "LZ"});
  return options;
}

LaunchGeometry Geometry(const TuningKey& key, const ParamMap& p) {
  const size_t y = p.at("SPLIT") == 1 ? static_cast<size_t>(OutW(key) * p.at("LY")) : CeilDiv(OutW(key), p.at("PW"));
  return Geometry3d(p, CeilDiv(key.Dim("C"), 4), y, static_cast<size_t>(key.Dim("N") * OutH(key)));
}

ParamMap DefaultParams(const TuningKey& key, const DeviceLimits& limits) {
  // One item per output reduces KS*KS cells one after another. With few outputs and a large
  // window (global pooling: N*C4 outputs of 49 cells) that leaves most of a GPU idle and the
  // latency of a 49-load chain exposed, so split the window (SPLIT=1) over LY items, each
  // reducing about 3 cells, 16 channel groups per group (256 B coalesced per cell).
  // Otherwise one item per output (PW=1, the most items in flight for a memory-bound op) unless
  // windows overlap along W (KS > S) and PW=2 still leaves 2^14 items: then the shared columns
  // are read once. Local size as depthwise_3x3's: up to 32 channel groups, then a patch of at
  // most 4 x 4 outputs (neighbouring windows share input rows and columns in the cache).
  const size_t c4 = CeilDiv(key.Dim("C"), 4), rows = static_cast<size_t>(key.Dim("N") * OutH(key));
  const int64_t ow = OutW(key), cells = key.Dim("KS") * key.Dim("KS");
  ParamMap p = {{"PW", 1}, {"IMG", 0}, {"SPLIT", 0}};
  if (c4 * static_cast<size_t>(ow) * rows < (size_t{1} << 12) && cells >= 16) {
    p["SPLIT"] = 1;
    uint64_t ly = 1;
    while (ly * 2 * 3 <= static_cast<uint64_t>(cells) && ly < 64) ly *= 2;
    ly = std::min<uint64_t>({ly, limits.max_work_item_sizes[1], limits.max_work_group_size});
    p["LY"] = static_cast<int64_t>(ly);
    uint64_t lx = std::min<uint64_t>(NextPow2(c4), 16);
    while (lx > 1 && (lx * ly > limits.max_work_group_size || lx > limits.max_work_item_sizes[0])) lx /= 2;
    p["LX"] = static_cast<int64_t>(lx);
    p["LZ"] = 1;
    return p;
  }
  if (key.Dim("KS") > key.Dim("S") && c4 * CeilDiv(ow, 2) * rows >= (size_t{1} << 14)) p["PW"] = 2;
  DefaultLocalSize(limits, 3, {c4, CeilDiv(ow, p.at("PW")), rows}, {32, 4, 4}, 128, &p);
  return p;
}

}  // namespace

const FamilyRules& PoolingRules() {
  static const FamilyRules kRules = {
      {"pooling", "pooling", "pooling", {"C", "H", "KS", "MODE", "N", "P", "S", "W"}},
      {"fp32", "fp16"}, CheckKey, CheckParams, BuildOptions, Geometry, DefaultParams, true};
  return kRules;
}

}  // namespace rules
}  // namespace mace_tune
