// SPDX-License-Identifier: Apache-2.0
// A kernel description, compiled: what a kernel family is (DESIGN.md "Kernel family"), stated once
// as data and read alike by the tuner and the runtime. Built-in families are described in
// kernels/*.toml and embedded in the runtime; a user's kernel is described in its own TOML file
// and reaches the runtime inside the tuned-parameter file. Every rule below is generic: nothing
// here knows any family by name.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mace_tune/families.h"
#include "mace_tune/status.h"
#include "mace_tune/tuning_key.h"
#include "runtime/desc/description_text.h"
#include "runtime/desc/expr.h"

namespace mace_tune::desc {

enum class ArgKind { kScalar, kBuffer, kTensor, kLocal };
// kReal: float for fp32 keys, half for fp16 keys (how the built-in families store everything).
enum class ElemType { kFloat, kHalf, kReal, kChar, kUchar, kShort, kUshort, kInt, kUint, kLong, kUlong };
enum class Access { kIn, kOut, kInOut };
enum class Fill { kRandom, kZeros, kOnes, kIota };

size_t ElemSize(ElemType type);  // kReal: 4
const char* ElemTypeName(ElemType type);
bool IsFloating(ElemType type);

// Calls f(T{}) with the host type that holds an element of `type`: the fixed-width integer of an
// integer type, float for float (and kReal, which is resolved before data is made). Half has no
// host type: callers handle it before they visit.
template <typename F>
decltype(auto) VisitHostType(ElemType type, F&& f) {
  switch (type) {
    case ElemType::kChar:
      return f(int8_t{});
    case ElemType::kUchar:
      return f(uint8_t{});
    case ElemType::kShort:
      return f(int16_t{});
    case ElemType::kUshort:
      return f(uint16_t{});
    case ElemType::kInt:
      return f(int32_t{});
    case ElemType::kUint:
      return f(uint32_t{});
    case ElemType::kLong:
      return f(int64_t{});
    case ElemType::kUlong:
      return f(uint64_t{});
    default:
      return f(float{});
  }
}

// One kernel argument of one instance and config, every expression evaluated.
struct ArgValue {
  std::string name;
  ArgKind kind = ArgKind::kScalar;
  ElemType type = ElemType::kInt;             // never kReal here: resolved by the key's dtype
  int64_t value = 0;                          // kScalar
  double real = 0;                            // kScalar of a floating type: value / divisor
  int64_t count = 0;                          // kBuffer, kTensor: elements; kLocal: bytes
  std::array<int64_t, 4> nhwc{{0, 0, 0, 0}};  // kTensor
  bool image = false;                         // kTensor stored as image2d
  Access access = Access::kIn;
  Fill fill = Fill::kRandom;
  int64_t seed = 0;
  bool is_output() const { return access != Access::kIn; }
};

// One axis of the search space on a device.
struct Axis {
  std::string name;
  std::vector<int64_t> values;
};

class KernelDescription {
 public:
  // Compiles every expression and checks the description; false and *error ("field: reason",
  // e.g. "parameters.LX.values: at column 9: unknown name 'max_wg'") when it is not valid.
  static bool Build(DescriptionText text, std::shared_ptr<const KernelDescription>* out, std::string* error);
  KernelDescription() = default;  // for Build (make_shared)

  const DescriptionText& text() const { return text_; }
  const std::string& name() const { return text_.name; }
  const std::string& program() const { return text_.program; }
  const std::string& function() const { return text_.function; }
  bool builtin() const { return text_.builtin; }
  const std::vector<std::string>& dims() const { return text_.dims; }
  // Views into this description (it is never moved once built).
  const FamilyInfo& info() const { return info_; }
  // Hex SHA-256 of the description's encoding without its source: a changed description is a
  // different kernel for the store.
  const std::string& digest() const { return digest_; }

  // The key names this family, its dtype and exactly its dimensions (each 0 .. 2^31-1), and passes
  // the checks.
  Status ValidateKey(const TuningKey& key) const;
  // The search space's axes on this device, in the description's order.
  Status Parameters(const TuningKey& key, const DeviceLimits& limits, std::vector<Axis>* out) const;
  // Empty when the config may run on this device, else why not: unknown or missing parameters,
  // values outside their domains, a failed constraint, a work-group, local memory, image or buffer
  // beyond the device's limits.
  std::string CheckConfig(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const;
  // For enumerating the space of Parameters(key, limits) without checking every combination: a
  // function that is false when a config constraint reading only the first `bound` parameters (in
  // Parameters' order, with `values[0 .. bound)`) and the key and device fails, so no config with
  // that prefix passes CheckConfig. A constraint it cannot evaluate rejects nothing. Null when the
  // key itself does not evaluate (CheckConfig says why). It refers to this description.
  using PrefixCheck = std::function<bool(size_t bound, const std::vector<int64_t>& values)>;
  PrefixCheck Prefix(const TuningKey& key, const DeviceLimits& limits) const;
  // What the runtime checks of a tuned config on its device: CheckConfig without the rules that
  // only prune the search, and with extra parameters ignored.
  std::string CheckRunnable(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits) const;
  // The runtime's checks without a device: parameters present (or defaulted by `missing`), fixed
  // domains and the constraints that read no device value, then the options / geometry. Extra
  // parameters are ignored.
  Status BuildOptions(const TuningKey& key, const ParamMap& params, std::string* out) const;
  Status Geometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out) const;
  Status DefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) const;
  // The kernel's arguments in order (those whose `when` holds).
  Status Arguments(const TuningKey& key, const ParamMap& params, std::vector<ArgValue>* out) const;
  // The memory arguments (buffers and tensors) in order; they depend on the key alone. `image` is
  // left false: it is the config's choice (ImageStorage).
  Status MemoryArguments(const TuningKey& key, std::vector<ArgValue>* out) const;
  // Whether this config stores any tensor as an image2d.
  bool ImageStorage(const TuningKey& key, const ParamMap& params) const;
  // Whether any config may: some tensor argument has an `image` rule.
  bool MayUseImages() const;
  // Bytes of local memory a config uses (launch.local_memory; 0 when not given).
  Status LocalMemory(const TuningKey& key, const ParamMap& params, int64_t* bytes) const;
  // FLOPs and fewest bytes moved; 0 when the description gives none or they cannot be computed.
  double Flops(const TuningKey& key) const;
  double BytesMoved(const TuningKey& key) const;
  // Built-ins' tolerance model: how many terms an output sums; false when not given.
  bool AccumulateTerms(const TuningKey& key, double* terms) const;
  // The reference kernel's geometry (verify.reference = "kernel"): global, and local (dims 0 when
  // the driver chooses).
  Status ReferenceGeometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* global_only,
                           bool* has_local) const;

 private:
  struct Param {
    std::string name;
    std::vector<int64_t> values;
    Expr values_expr;
    Expr define;
    bool has_missing = false;
    int64_t missing = 0;
    int slot = -1;
  };
  struct Check {
    Expr expr;
    std::string why;
    std::string field;
    bool device_free = true;  // reads no device value: checked by the runtime without one too
    bool prune = false;       // narrows the search only: the runtime never applies it
  };
  struct Define {
    std::string name;
    Expr value, when;
  };
  struct Named {
    int slot = -1;
    Expr expr;
  };
  struct Arg {
    std::string name;
    ArgKind kind = ArgKind::kScalar;
    ElemType type = ElemType::kInt;
    Expr value, divisor, size, image, when;
    std::vector<Expr> shape;
    Access access = Access::kIn;
    Fill fill = Fill::kRandom;
    int64_t seed = 0;
  };
  class Builder;
  friend class Builder;

  std::string Validate(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits, bool runtime) const;
  bool KeyEnv(const TuningKey& key, const DeviceLimits* limits, Env* env, std::string* why) const;
  bool ConfigEnv(const ParamMap& params, bool strict, Env* env, std::string* why) const;
  bool FixedDomains(const Env& env, std::string* why) const;
  // `runtime`: the hard rules only (no prune rules); without `with_device` only those that read
  // no device value.
  bool Constraints(const Env& env, bool runtime, bool with_device, std::string* why) const;
  bool EvalGeometry(const Env& env, const std::vector<Expr>& global, const std::vector<Expr>& local, bool round,
                    LaunchGeometry* out, std::string* why) const;
  bool EvalArgs(Env* env, const LaunchGeometry& g, bool memory_only, std::vector<ArgValue>* out,
                std::string* why) const;
  std::string CheckDevice(const TuningKey& key, Env* env, const DeviceLimits& limits) const;
  Status Fail(const TuningKey& key, const std::string& why) const;
  double Metric(const TuningKey& key, const Expr& expr) const;

  DescriptionText text_;
  std::string digest_;
  FamilyInfo info_;
  Scope scope_;
  int fp16_slot_ = -1, elem_size_slot_ = -1;
  std::vector<int> dim_slots_;  // parallel to text_.dims
  std::vector<Named> lets_;
  std::vector<Check> checks_;
  std::vector<Param> params_;
  std::vector<Check> constraints_;
  std::vector<Define> defines_;
  std::vector<Expr> global_, local_;
  Expr local_memory_;
  std::vector<Named> defaults_;
  std::vector<Arg> args_;
  std::vector<Expr> ref_global_, ref_local_;
  Expr flops_, bytes_, accumulate_;
  std::array<int, 3> gws_slots_{{-1, -1, -1}};
};

using DescriptionPtr = std::shared_ptr<const KernelDescription>;

// The device values expressions may name (docs/user_kernels.md "Names").
void SetDeviceValues(const Scope& scope, const DeviceLimits& limits, Env* env);
std::vector<std::string> DeviceValueNames();

}  // namespace mace_tune::desc
