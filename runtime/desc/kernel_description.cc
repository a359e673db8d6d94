// SPDX-License-Identifier: Apache-2.0
// The generic rules of a kernel description: key checks, the search space, config checks against
// a device, build options, launch geometry, the default config, arguments and metrics.
#include "runtime/desc/kernel_description.h"

#include <algorithm>
#include <climits>

namespace mace_tune::desc {
namespace {

int64_t DtypeSize(const std::string& dtype) {
  if (dtype == "fp16" || dtype == "int16" || dtype == "uint16") return 2;
  if (dtype == "fp64" || dtype == "int64") return 8;
  if (dtype == "int8" || dtype == "uint8") return 1;
  return 4;
}

std::string Join(const std::vector<int64_t>& values) {
  std::string text;
  for (const int64_t v : values) text += (text.empty() ? "" : ", ") + std::to_string(v);
  return text;
}

std::string Quote(const Expr& expr) { return "'" + expr.text() + "'"; }

bool Mul(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }

}  // namespace

size_t ElemSize(ElemType type) {
  switch (type) {
    case ElemType::kChar:
    case ElemType::kUchar:
      return 1;
    case ElemType::kHalf:
    case ElemType::kShort:
    case ElemType::kUshort:
      return 2;
    case ElemType::kLong:
    case ElemType::kUlong:
      return 8;
    default:
      return 4;
  }
}

const char* ElemTypeName(ElemType type) {
  static const char* const kNames[] = {"float",  "half", "real", "char", "uchar", "short",
                                       "ushort", "int",  "uint", "long", "ulong"};
  return kNames[static_cast<int>(type)];
}

bool IsFloating(ElemType type) {
  return type == ElemType::kFloat || type == ElemType::kHalf || type == ElemType::kReal;
}

Status KernelDescription::Fail(const TuningKey& key, const std::string& why) const {
  return Status(StatusCode::kInvalidArgument, key.ToString() + ": " + why);
}

bool KernelDescription::KeyEnv(const TuningKey& key, const DeviceLimits* limits, Env* env, std::string* why) const {
  *env = Env(scope_.size());
  env->Set(fp16_slot_, key.dtype == "fp16" ? 1 : 0);
  env->Set(elem_size_slot_, DtypeSize(key.dtype));
  for (size_t i = 0; i < text_.dims.size(); ++i) {
    const auto it = key.shape.find(text_.dims[i]);
    if (it == key.shape.end()) {
      *why = "expected the dimension " + text_.dims[i];
      return false;
    }
    env->Set(dim_slots_[i], it->second);
  }
  for (const Named& let : lets_) {
    int64_t v = 0;
    std::string error;
    if (!let.expr.Eval(*env, &v, &error)) {
      *why = "let " + scope_.Name(let.slot) + " " + Quote(let.expr) + ": " + error;
      return false;
    }
    env->Set(let.slot, v);
  }
  if (limits != nullptr) SetDeviceValues(scope_, *limits, env);
  return true;
}

bool KernelDescription::ConfigEnv(const ParamMap& params, bool strict, Env* env, std::string* why) const {
  for (const Param& p : params_) {
    const auto it = params.find(p.name);
    if (it != params.end()) {
      env->Set(p.slot, it->second);
    } else if (p.has_missing) {
      env->Set(p.slot, p.missing);
    } else {
      *why = "missing parameter " + p.name;
      return false;
    }
  }
  if (!strict) return true;
  for (const auto& [name, value] : params) {
    // C++17 lambdas cannot capture a structured binding (clang rejects it): capture a reference.
    const bool known = std::any_of(params_.begin(), params_.end(), [&n = name](const Param& p) { return p.name == n; });
    if (!known) {
      *why = "unknown parameter " + name + "=" + std::to_string(value);
      return false;
    }
  }
  return true;
}

bool KernelDescription::FixedDomains(const Env& env, std::string* why) const {
  for (const Param& p : params_) {
    if (p.values.empty()) continue;
    const int64_t v = env.values[static_cast<size_t>(p.slot)];
    if (std::find(p.values.begin(), p.values.end(), v) == p.values.end()) {
      *why = p.name + "=" + std::to_string(v) + " is not one of " + Join(p.values);
      return false;
    }
  }
  return true;
}

bool KernelDescription::Constraints(const Env& env, bool runtime, bool with_device, std::string* why) const {
  for (const Check& c : constraints_) {
    if ((runtime && c.prune) || (!with_device && !c.device_free)) continue;
    int64_t ok = 0;
    std::string error;
    if (!c.expr.Eval(env, &ok, &error)) return *why = c.field + " " + Quote(c.expr) + ": " + error, false;
    if (ok == 0) return *why = c.why.empty() ? "fails " + Quote(c.expr) : c.why, false;
  }
  return true;
}

Status KernelDescription::ValidateKey(const TuningKey& key) const {
  if (key.family != text_.name) return Fail(key, "not a key of " + text_.name);
  if (std::find(text_.dtypes.begin(), text_.dtypes.end(), key.dtype) == text_.dtypes.end()) {
    std::string supported;
    for (const auto& dtype : text_.dtypes) supported += (supported.empty() ? "" : ", ") + dtype;
    return Status(StatusCode::kInvalidArgument,
                  key.family + ": dtype '" + key.dtype + "' is not supported (" + supported + ")");
  }
  bool exact = key.shape.size() == text_.dims.size();
  for (const auto& dim : text_.dims) exact = exact && key.shape.count(dim) != 0;
  if (!exact) {
    std::string dims;
    for (const auto& dim : text_.dims) dims += (dims.empty() ? "" : ", ") + dim;
    return Fail(key, "expected the dimensions " + dims);
  }
  for (const auto& [name, value] : key.shape) {
    if (value < 0 || value > INT_MAX) return Fail(key, name + " out of range");
  }
  Env env;
  std::string why;
  if (!KeyEnv(key, nullptr, &env, &why)) return Fail(key, why);
  for (const Check& check : checks_) {
    int64_t ok = 0;
    std::string error;
    if (!check.expr.Eval(env, &ok, &error)) return Fail(key, check.field + " " + Quote(check.expr) + ": " + error);
    if (ok == 0) return Fail(key, check.why.empty() ? "fails " + Quote(check.expr) : check.why);
  }
  return Status::Ok();
}

Status KernelDescription::Parameters(const TuningKey& key, const DeviceLimits& limits, std::vector<Axis>* out) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, &limits, &env, &why)) return Fail(key, why);
  std::vector<Axis> axes;
  for (const Param& p : params_) {
    Axis axis{p.name, p.values};
    if (axis.values.empty() && !p.values_expr.EvalList(env, &axis.values, &why)) {
      return Fail(key, "parameters." + p.name + ".values " + Quote(p.values_expr) + ": " + why);
    }
    if (axis.values.empty()) return Fail(key, "parameter " + p.name + " has no value on this device");
    axes.push_back(std::move(axis));
  }
  *out = std::move(axes);
  return Status::Ok();
}

std::string KernelDescription::CheckConfig(const TuningKey& key, const ParamMap& params,
                                           const DeviceLimits& limits) const {
  return Validate(key, params, limits, false);
}

KernelDescription::PrefixCheck KernelDescription::Prefix(const TuningKey& key, const DeviceLimits& limits) const {
  auto env = std::make_shared<Env>();
  std::string why;
  if (params_.empty() || !KeyEnv(key, &limits, env.get(), &why)) return nullptr;
  // ready[d]: the constraints whose last parameter read is parameter d (or none: with the first).
  auto ready = std::make_shared<std::vector<std::vector<const Check*>>>(params_.size());
  for (const Check& c : constraints_) {
    size_t last = 0;
    bool known = true;  // reads nothing but parameters and what KeyEnv set (not the launch geometry)
    for (int slot = 0; slot < static_cast<int>(scope_.size()); ++slot) {
      if (!c.expr.Uses(slot)) continue;
      const auto p = std::find_if(params_.begin(), params_.end(), [slot](const Param& q) { return q.slot == slot; });
      if (p != params_.end()) {
        last = std::max(last, static_cast<size_t>(p - params_.begin()));
      } else if (!env->IsSet(slot)) {
        known = false;
      }
    }
    if (known) (*ready)[last].push_back(&c);
  }
  std::vector<int> slots;
  for (const Param& p : params_) slots.push_back(p.slot);
  return [env, ready, slots](size_t bound, const std::vector<int64_t>& values) {
    if (bound == 0 || bound > slots.size() || values.size() < bound) return true;
    for (size_t i = 0; i < bound; ++i) env->Set(slots[i], values[i]);
    for (const Check* c : (*ready)[bound - 1]) {
      int64_t ok = 0;
      std::string error;
      if (c->expr.Eval(*env, &ok, &error) && ok == 0) return false;
    }
    return true;
  };
}

std::string KernelDescription::CheckRunnable(const TuningKey& key, const ParamMap& params,
                                             const DeviceLimits& limits) const {
  return Validate(key, params, limits, true);
}

std::string KernelDescription::Validate(const TuningKey& key, const ParamMap& params, const DeviceLimits& limits,
                                        bool runtime) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, &limits, &env, &why) || !ConfigEnv(params, !runtime, &env, &why) || !FixedDomains(env, &why)) {
    return why;
  }
  std::vector<int64_t> values;
  for (const Param& p : params_) {
    if (p.values_expr.empty()) continue;
    if (!p.values_expr.EvalList(env, &values, &why)) return "parameters." + p.name + ".values: " + why;
    const int64_t v = env.values[static_cast<size_t>(p.slot)];
    if (std::find(values.begin(), values.end(), v) == values.end()) {
      return p.name + "=" + std::to_string(v) + " is outside its domain on this device";
    }
  }
  if (!Constraints(env, runtime, true, &why)) return why;
  return CheckDevice(key, &env, limits);
}

bool KernelDescription::EvalGeometry(const Env& env, const std::vector<Expr>& global, const std::vector<Expr>& local,
                                     bool round, LaunchGeometry* out, std::string* why) const {
  LaunchGeometry g;
  g.dims = static_cast<uint32_t>(global.size());
  for (size_t i = 0; i < global.size(); ++i) {
    int64_t items = 0, l = 1;
    std::string error;
    if (!global[i].Eval(env, &items, &error)) return *why = "launch.global " + Quote(global[i]) + ": " + error, false;
    if (!local.empty() && !local[i].Eval(env, &l, &error)) {
      return *why = "launch.local " + Quote(local[i]) + ": " + error, false;
    }
    if (items < 1 || items > (int64_t{1} << 40)) {
      return *why = "global size " + Quote(global[i]) + " = " + std::to_string(items) + " is not in 1 .. 2^40", false;
    }
    if (l < 1 || l > (int64_t{1} << 20)) {
      return *why = "local size " + Quote(local[i]) + " = " + std::to_string(l) + " is not in 1 .. 2^20", false;
    }
    const int64_t rounded = (items + l - 1) / l * l;
    if (!round && rounded != items) {
      return *why = "global size " + std::to_string(items) + " is not a multiple of local size " + std::to_string(l),
             false;
    }
    g.gws[i] = static_cast<size_t>(rounded);
    g.lws[i] = static_cast<size_t>(l);
  }
  *out = g;
  return true;
}

std::string KernelDescription::CheckDevice(const TuningKey& key, Env* env, const DeviceLimits& limits) const {
  LaunchGeometry g;
  std::string why;
  if (!EvalGeometry(*env, global_, local_, text_.round_global, &g, &why)) return why;
  uint64_t items = 1;
  std::string text;
  for (uint32_t i = 0; i < g.dims; ++i) {
    if (g.lws[i] > limits.max_work_item_sizes[i]) {
      return "local size " + std::to_string(g.lws[i]) + " in dimension " + std::to_string(i) +
             " exceeds the device's work-item size " + std::to_string(limits.max_work_item_sizes[i]);
    }
    items *= g.lws[i];
    text += (i ? "x" : "") + std::to_string(g.lws[i]);
  }
  if (items > limits.max_work_group_size) {
    return "work-group " + text + " exceeds the device's " + std::to_string(limits.max_work_group_size);
  }
  if (!local_memory_.empty()) {
    int64_t bytes = 0;
    if (!local_memory_.Eval(*env, &bytes, &why)) return "launch.local_memory " + Quote(local_memory_) + ": " + why;
    if (static_cast<uint64_t>(std::max<int64_t>(bytes, 0)) > limits.local_mem_size) {
      return "local memory " + std::to_string(bytes) + " B exceeds the device's " +
             std::to_string(limits.local_mem_size) + " B";
    }
  }
  std::vector<ArgValue> args;
  if (!EvalArgs(env, g, false, &args, &why)) return why;
  for (const ArgValue& a : args) {
    if (a.kind == ArgKind::kTensor && a.image) {
      if (!limits.image_support) return "argument " + a.name + " is an image but the device has no image support";
      const int64_t width = a.nhwc[2] * ((a.nhwc[3] + 3) / 4), height = a.nhwc[0] * a.nhwc[1];
      if (static_cast<uint64_t>(width) > limits.image2d_max_width ||
          static_cast<uint64_t>(height) > limits.image2d_max_height) {
        return "image of " + a.name + " (" + std::to_string(width) + "x" + std::to_string(height) +
               ") exceeds the device's image2d limit " + std::to_string(limits.image2d_max_width) + "x" +
               std::to_string(limits.image2d_max_height);
      }
    }
    int64_t bytes = a.count;
    if (a.kind == ArgKind::kTensor) {
      const bool fits = Mul(a.nhwc[0], a.nhwc[1], &bytes) && Mul(bytes, a.nhwc[2], &bytes) &&
                        Mul(bytes, (a.nhwc[3] + 3) / 4 * 4, &bytes);
      if (!fits) bytes = INT64_MAX;
    }
    if (a.kind != ArgKind::kLocal && !Mul(bytes, static_cast<int64_t>(ElemSize(a.type)), &bytes)) bytes = INT64_MAX;
    if (a.kind != ArgKind::kScalar && a.kind != ArgKind::kLocal && limits.max_mem_alloc_size != 0 &&
        static_cast<uint64_t>(bytes) > limits.max_mem_alloc_size) {
      return "argument " + a.name + " needs " + std::to_string(bytes) +
             " B, more than the device's largest "
             "allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE " +
             std::to_string(limits.max_mem_alloc_size) + " B)";
    }
  }
  (void)key;
  return {};
}

Status KernelDescription::BuildOptions(const TuningKey& key, const ParamMap& params, std::string* out) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, nullptr, &env, &why) || !ConfigEnv(params, false, &env, &why) || !FixedDomains(env, &why) ||
      !Constraints(env, true, false, &why)) {
    return Status(StatusCode::kInvalidArgument, why);
  }
  std::string options;
  const auto eval = [&](const Expr& e, const std::string& field, int64_t* v) {
    std::string error;
    if (e.Eval(env, v, &error)) return true;
    why = field + " " + Quote(e) + ": " + error;
    return false;
  };
  for (const Param& p : params_) {
    int64_t on = 0;
    if (!eval(p.define, "parameters." + p.name + ".define", &on)) return Status(StatusCode::kInvalidArgument, why);
    if (on != 0) options += " -D" + p.name + "=" + std::to_string(env.values[static_cast<size_t>(p.slot)]);
  }
  for (const Define& d : defines_) {
    int64_t on = 0, value = 0;
    if (!eval(d.when, "defines." + d.name + ".when", &on)) return Status(StatusCode::kInvalidArgument, why);
    if (on == 0) continue;
    if (!eval(d.value, "defines." + d.name + ".value", &value)) return Status(StatusCode::kInvalidArgument, why);
    options += " -D" + d.name + "=" + std::to_string(value);
  }
  *out = NormalizeBuildOptions(options + " " + text_.build_options);
  return Status::Ok();
}

Status KernelDescription::Geometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, nullptr, &env, &why) || !ConfigEnv(params, false, &env, &why) || !FixedDomains(env, &why) ||
      !Constraints(env, true, false, &why) || !EvalGeometry(env, global_, local_, text_.round_global, out, &why)) {
    return Status(StatusCode::kInvalidArgument, why);
  }
  return Status::Ok();
}

Status KernelDescription::DefaultParams(const TuningKey& key, const DeviceLimits& limits, ParamMap* out) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, &limits, &env, &why)) return Fail(key, why);
  ParamMap params;
  for (const Param& p : params_) {
    if (p.has_missing) params[p.name] = p.missing;
  }
  for (const Named& def : defaults_) {
    int64_t v = 0;
    if (!def.expr.Eval(env, &v, &why)) {
      return Fail(key, "defaults." + scope_.Name(def.slot) + " " + Quote(def.expr) + ": " + why);
    }
    env.Set(def.slot, v);
    params[scope_.Name(def.slot)] = v;
  }
  *out = std::move(params);
  return Status::Ok();
}

bool KernelDescription::EvalArgs(Env* env, const LaunchGeometry& g, bool memory_only, std::vector<ArgValue>* out,
                                 std::string* why) const {
  for (int i = 0; i < 3; ++i) {
    int64_t items = 1;
    std::string error;
    if (i < static_cast<int>(global_.size()) && !global_[static_cast<size_t>(i)].Eval(*env, &items, &error)) items = 0;
    env->Set(gws_slots_[static_cast<size_t>(i)], i < static_cast<int>(g.dims) ? items : 1);
  }
  const bool fp16 = env->values[static_cast<size_t>(fp16_slot_)] != 0;
  out->clear();
  for (size_t i = 0; i < args_.size(); ++i) {
    const Arg& a = args_[i];
    const std::string field = "arguments[" + std::to_string(i) + "] (" + a.name + ")";
    std::string error;
    int64_t on = 0;
    const auto eval = [&](const Expr& e, int64_t* v) {
      if (e.Eval(*env, v, &error)) return true;
      *why = field + " " + Quote(e) + ": " + error;
      return false;
    };
    if (!eval(a.when, &on)) return false;
    if (on == 0 || (memory_only && a.kind != ArgKind::kBuffer && a.kind != ArgKind::kTensor)) continue;
    ArgValue v;
    v.name = a.name;
    v.kind = a.kind;
    v.type = a.type == ElemType::kReal ? (fp16 ? ElemType::kHalf : ElemType::kFloat) : a.type;
    v.access = a.access;
    v.fill = a.fill;
    v.seed = a.seed;
    if (a.kind == ArgKind::kScalar) {
      int64_t divisor = 1;
      if (!eval(a.value, &v.value) || !eval(a.divisor, &divisor)) return false;
      if (divisor == 0) return *why = field + ": divisor is 0", false;
      v.real = static_cast<double>(v.value) / static_cast<double>(divisor);
    }
    if ((a.kind == ArgKind::kBuffer || a.kind == ArgKind::kLocal) && !eval(a.size, &v.count)) return false;
    if (a.kind == ArgKind::kTensor) {
      int64_t image = 0;
      v.count = 1;
      for (size_t d = 0; d < 4; ++d) {
        if (!eval(a.shape[d], &v.nhwc[d])) return false;
        if (v.nhwc[d] < 0 || !Mul(v.count, v.nhwc[d], &v.count)) return *why = field + ": shape out of range", false;
      }
      if (!memory_only && !eval(a.image, &image)) return false;
      v.image = image != 0;
    }
    if (v.count < 0) return *why = field + ": negative size " + std::to_string(v.count), false;
    out->push_back(std::move(v));
  }
  return true;
}

Status KernelDescription::Arguments(const TuningKey& key, const ParamMap& params, std::vector<ArgValue>* out) const {
  Env env;
  LaunchGeometry g;
  std::string why;
  if (!KeyEnv(key, nullptr, &env, &why) || !ConfigEnv(params, false, &env, &why) ||
      !EvalGeometry(env, global_, local_, text_.round_global, &g, &why) || !EvalArgs(&env, g, false, out, &why)) {
    return Status(StatusCode::kInvalidArgument, why);
  }
  return Status::Ok();
}

Status KernelDescription::MemoryArguments(const TuningKey& key, std::vector<ArgValue>* out) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, nullptr, &env, &why)) return Fail(key, why);
  std::vector<ArgValue> all;
  if (!EvalArgs(&env, LaunchGeometry{}, true, &all, &why)) return Fail(key, why);
  out->clear();
  for (auto& a : all) {
    if (a.kind != ArgKind::kBuffer && a.kind != ArgKind::kTensor) continue;
    a.image = false;
    out->push_back(std::move(a));
  }
  return Status::Ok();
}

bool KernelDescription::ImageStorage(const TuningKey& key, const ParamMap& params) const {
  std::vector<ArgValue> args;
  if (!Arguments(key, params, &args).ok()) return false;
  return std::any_of(args.begin(), args.end(), [](const ArgValue& a) { return a.image; });
}

bool KernelDescription::MayUseImages() const {
  return std::any_of(args_.begin(), args_.end(),
                     [](const Arg& a) { return a.kind == ArgKind::kTensor && !a.image.empty(); });
}

Status KernelDescription::ReferenceGeometry(const TuningKey& key, const ParamMap& params, LaunchGeometry* out,
                                            bool* has_local) const {
  Env env;
  std::string why;
  if (!KeyEnv(key, nullptr, &env, &why) || !ConfigEnv(params, false, &env, &why) ||
      !EvalGeometry(env, ref_global_, ref_local_, true, out, &why)) {
    return Status(StatusCode::kInvalidArgument, "verify: " + why);
  }
  *has_local = !ref_local_.empty();
  return Status::Ok();
}

Status KernelDescription::LocalMemory(const TuningKey& key, const ParamMap& params, int64_t* bytes) const {
  Env env;
  std::string why;
  *bytes = 0;
  if (!KeyEnv(key, nullptr, &env, &why) || !ConfigEnv(params, false, &env, &why) ||
      (!local_memory_.empty() && !local_memory_.Eval(env, bytes, &why))) {
    return Status(StatusCode::kInvalidArgument, why);
  }
  return Status::Ok();
}

double KernelDescription::Metric(const TuningKey& key, const Expr& expr) const {
  Env env;
  std::string why;
  int64_t v = 0;
  if (expr.empty() || !KeyEnv(key, nullptr, &env, &why) || !expr.Eval(env, &v, &why)) return 0;
  return static_cast<double>(v);
}

double KernelDescription::Flops(const TuningKey& key) const { return Metric(key, flops_); }
double KernelDescription::BytesMoved(const TuningKey& key) const { return Metric(key, bytes_); }

bool KernelDescription::AccumulateTerms(const TuningKey& key, double* terms) const {
  if (accumulate_.empty()) return false;
  *terms = Metric(key, accumulate_);
  return true;
}

}  // namespace mace_tune::desc
