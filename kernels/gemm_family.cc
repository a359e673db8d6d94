// The GEMM family's descriptor: search space, constraints, buffers, arguments, the CPU reference
// (double accumulation) and the tolerance model for fp32 accumulation over K.
#include "gemm_family.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>

#include "cl/cl_core.h"

namespace mace_tune {
namespace {

const std::vector<int64_t> kBlockValues = {1, 2, 4, 8};  // TM, VW
const std::vector<int64_t> kTnValues = {1, 2, 4, 8, 16};
const std::vector<int64_t> kLocalValues = {0, 1};
const std::vector<int64_t> kKtValues = {GemmFamily::kCanonicalKt, 16, 32};
constexpr uint64_t kMaxLocalDim = 256;

uint64_t NextPow2(uint64_t v) {
  uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

bool IsPow2(int64_t v) { return v >= 1 && (v & (v - 1)) == 0; }

bool Contains(const std::vector<int64_t>& values, int64_t v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// Powers of two 1, 2, 4 ... up to `max` (at least {1}).
std::vector<int64_t> Pow2UpTo(uint64_t max) {
  std::vector<int64_t> values;
  for (uint64_t v = 1; v <= std::max<uint64_t>(max, 1); v <<= 1) values.push_back(static_cast<int64_t>(v));
  return values;
}

uint64_t LocalDimLimit(const DeviceLimits& limits, int axis) {
  return std::min<uint64_t>({kMaxLocalDim, limits.max_work_group_size, limits.max_work_item_sizes[axis]});
}

std::string Str(int64_t v) { return std::to_string(v); }

}  // namespace

std::vector<TunableParam> GemmFamily::Parameters(const TuningKey& /*key*/, const DeviceLimits& limits) const {
  return {
      {"TM", kBlockValues},
      {"TN", kTnValues},
      {"VW", kBlockValues},
      {"LOCAL", kLocalValues},
      {"KT", kKtValues},
      {"STRN", {0, 1}},
      {"LX", Pow2UpTo(LocalDimLimit(limits, 0))},
      {"LY", Pow2UpTo(LocalDimLimit(limits, 1))},
  };
}

uint64_t GemmFamily::LocalMemBytes(const ParamMap& p) {
  const auto get = [&p](const char* name) { return static_cast<uint64_t>(p.at(name)); };
  // gemm.cl pads each k-row of the A tile by one float, or by four where TM % 4 == 0 (A_STRIDE).
  const uint64_t pad = get("TM") % 4 == 0 ? 4 : 1;
  return (get("KT") * (get("LY") * get("TM") + pad) + get("KT") * get("LX") * get("TN")) * sizeof(float);
}

std::string GemmFamily::CheckConfig(const TuningKey& key, const ParamMap& p, const DeviceLimits& limits) const {
  for (const auto& [name, value] : p) {
    if (name != "TM" && name != "TN" && name != "VW" && name != "LOCAL" && name != "KT" && name != "LX" &&
        name != "LY" && name != "STRN") {
      return "unknown parameter " + name + "=" + Str(value);
    }
  }
  for (const char* name : {"TM", "TN", "VW", "LOCAL", "LX", "LY"}) {
    if (p.count(name) == 0) return std::string("missing parameter ") + name;
  }
  const int64_t tm = p.at("TM"), tn = p.at("TN"), vw = p.at("VW"), local = p.at("LOCAL");
  const int64_t lx = p.at("LX"), ly = p.at("LY");
  if (!Contains(kBlockValues, tm) || !Contains(kTnValues, tn) || !Contains(kBlockValues, vw)) {
    return "TM, VW must be 1, 2, 4 or 8, TN 1 ... 16";
  }
  if (!Contains(kLocalValues, local)) return "LOCAL must be 0 or 1";
  if (tn % vw != 0) return "VW=" + Str(vw) + " does not divide TN=" + Str(tn);
  if (!IsPow2(lx) || !IsPow2(ly)) return "LX, LY must be powers of two";

  // LOCAL=0 ignores KT; the space keeps each such variant once, at the canonical KT. A missing KT
  // means the same there (the runtime's default config has none); LOCAL=1 must name it.
  if (local == 1 && p.count("KT") == 0) return "LOCAL=1 needs KT";
  const int64_t kt = p.count("KT") != 0 ? p.at("KT") : kCanonicalKt;
  if (!Contains(kKtValues, kt)) return "KT must be 8, 16 or 32";
  if (local == 0 && kt != kCanonicalKt) return "LOCAL=0 ignores KT (kept only at KT=" + Str(kCanonicalKt) + ")";
  // STRN (strided columns) likewise shapes only tiled variants; missing means 0 (older configs).
  const int64_t strn = p.count("STRN") != 0 ? p.at("STRN") : 0;
  if (strn != 0 && strn != 1) return "STRN must be 0 or 1";
  if (local == 0 && strn != 0) return "LOCAL=0 ignores STRN (kept only at STRN=0)";
  if (tn == 16 && local == 0) return "TN=16 only with LOCAL=1 (a direct item cannot keep 16 columns of B coalesced)";

  const auto ulx = static_cast<uint64_t>(lx), uly = static_cast<uint64_t>(ly);
  if (ulx > limits.max_work_item_sizes[0] || uly > limits.max_work_item_sizes[1]) {
    return "local size " + Str(lx) + "x" + Str(ly) + " exceeds the device's work-item sizes " +
           std::to_string(limits.max_work_item_sizes[0]) + "x" + std::to_string(limits.max_work_item_sizes[1]);
  }
  if (ulx * uly > limits.max_work_group_size) {
    return "work-group of " + std::to_string(ulx * uly) + " exceeds the device's " +
           std::to_string(limits.max_work_group_size);
  }
  if (local == 1) {
    ParamMap with_kt = p;
    with_kt["KT"] = kt;
    const uint64_t bytes = LocalMemBytes(with_kt);
    if (bytes > limits.local_mem_size) {
      return "local memory " + std::to_string(bytes) + " B exceeds the device's " +
             std::to_string(limits.local_mem_size) + " B";
    }
  }

  // Size rule: a work-group tile more than twice the problem (rounded up to a power of two) along M
  // or N only adds idle work-items, and a k-slice deeper than K only adds zeros; such configs would
  // crowd the space for small shapes without being distinct choices. One work-item per dimension
  // (LX=1 / LY=1) is always allowed, whatever TN / TM, and so is the smallest KT.
  const auto m = static_cast<uint64_t>(key.Dim("M", 1)), n = static_cast<uint64_t>(key.Dim("N", 1));
  const auto k = static_cast<uint64_t>(key.Dim("K", 1));
  if (lx > 1 && ulx * static_cast<uint64_t>(tn) > 2 * NextPow2(n)) {
    return "tile LX*TN=" + Str(lx * tn) + " is far wider than N=" + std::to_string(n);
  }
  if (ly > 1 && uly * static_cast<uint64_t>(tm) > 2 * NextPow2(m)) {
    return "tile LY*TM=" + Str(ly * tm) + " is far taller than M=" + std::to_string(m);
  }
  if (local == 1 && kt > kCanonicalKt && static_cast<uint64_t>(kt) > NextPow2(k)) {
    return "KT=" + Str(kt) + " is deeper than K=" + std::to_string(k) + " needs";
  }
  return {};
}

std::vector<BufferSpec> GemmFamily::Buffers(const TuningKey& key) const {
  const auto m = static_cast<size_t>(key.Dim("M")), n = static_cast<size_t>(key.Dim("N"));
  const auto k = static_cast<size_t>(key.Dim("K"));
  return {{"A", m * k, false}, {"B", k * n, false}, {"C", m * n, true}};
}

void GemmFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const std::vector<cl_mem>& buffers) const {
  if (buffers.size() != 3) throw std::invalid_argument("gemm: expected 3 buffers (A, B, C)");
  SetArg(kernel, 0, static_cast<cl_int>(key.Dim("M")));
  SetArg(kernel, 1, static_cast<cl_int>(key.Dim("N")));
  SetArg(kernel, 2, static_cast<cl_int>(key.Dim("K")));
  for (cl_uint i = 0; i < 3; ++i) SetArg(kernel, 3 + i, buffers[i]);
}

std::vector<std::vector<float>> GemmFamily::Reference(
    const TuningKey& key, const std::vector<const std::vector<float>*>& inputs) const {
  const auto m = static_cast<size_t>(key.Dim("M")), n = static_cast<size_t>(key.Dim("N"));
  const auto k = static_cast<size_t>(key.Dim("K"));
  if (inputs.size() != 2 || inputs[0] == nullptr || inputs[1] == nullptr || inputs[0]->size() != m * k ||
      inputs[1]->size() != k * n) {
    throw std::invalid_argument("gemm reference: expected A (M*K) and B (K*N) for " + key.ToString());
  }
  const float* a = inputs[0]->data();
  const float* b = inputs[1]->data();
  std::vector<float> c(m * n);
  // Loop order i, k, j over blocks of kRows rows: each row of B, streamed once per block, updates
  // kRows double accumulator rows that stay in cache; the j loop is contiguous and vectorizes.
  constexpr size_t kRows = 4;
  std::vector<double> acc(kRows * n);
  for (size_t i0 = 0; i0 < m; i0 += kRows) {
    const size_t rows = std::min(kRows, m - i0);
    std::fill(acc.begin(), acc.end(), 0.0);
    for (size_t kk = 0; kk < k; ++kk) {
      const float* brow = b + kk * n;
      for (size_t r = 0; r < rows; ++r) {
        const double av = a[(i0 + r) * k + kk];
        double* crow = acc.data() + r * n;
        for (size_t j = 0; j < n; ++j) crow[j] += av * static_cast<double>(brow[j]);
      }
    }
    for (size_t r = 0; r < rows; ++r) {
      for (size_t j = 0; j < n; ++j) c[(i0 + r) * n + j] = static_cast<float>(acc[r * n + j]);
    }
  }
  return {std::move(c)};
}

// Tolerance model, for inputs uniform in [-1, 1] (FillRandom). An fp32 dot product of length K
// accumulated in any order (sequential, tiled, with or without FMA) rounds O(K) partial sums of
// typical size ~sqrt(k/9); the errors add like a random walk, so (measured, sequential order, the
// worst common one) the relative L2 error is ~0.15-0.22 * eps * sqrt(K) and the largest absolute
// error over 4096 outputs ~0.25-0.45 * eps * K, eps = FLT_EPSILON. Elements with a large |C| carry
// large partial sums, hence an extra relative term ~ eps * sqrt(K) * |ref|. The thresholds below
// sit ~10x above the typical and ~4x above the largest errors seen for K = 1..4096 (see
// tests/unit/gemm_family_test.cc), yet a missing or wrong element (off by a product |a*b| ~ 0.25,
// or by a whole |C| ~ sqrt(K)/3) exceeds them by orders of magnitude; NaN always fails.
Tolerance GemmFamily::ToleranceFor(const TuningKey& key) const {
  const double k = static_cast<double>(std::max<int64_t>(key.Dim("K", 1), 1));
  const double eps = FLT_EPSILON;
  Tolerance tol;
  tol.rel_l2 = 2.0 * eps * std::sqrt(k);
  tol.abs_max = 2.0 * eps * k;
  tol.rel_max = 2.0 * eps * std::sqrt(k);
  return tol;
}

double GemmFamily::Flops(const TuningKey& key) const {
  return 2.0 * static_cast<double>(key.Dim("M")) * static_cast<double>(key.Dim("N")) *
         static_cast<double>(key.Dim("K"));
}

double GemmFamily::BytesMoved(const TuningKey& key) const {
  const double m = static_cast<double>(key.Dim("M")), n = static_cast<double>(key.Dim("N"));
  const double k = static_cast<double>(key.Dim("K"));
  return static_cast<double>(sizeof(float)) * (m * k + k * n + m * n);
}

std::vector<TuningKey> GemmFamily::TestKeys() const {
  return {{"gemm", {{"M", 7}, {"N", 13}, {"K", 5}}, "fp32"}, {"gemm", {{"M", 33}, {"N", 17}, {"K", 40}}, "fp32"}};
}

}  // namespace mace_tune
