// SPDX-License-Identifier: Apache-2.0
// KernelDescription::Build: every field of a DescriptionText checked and every expression compiled
// against the names it may use. Names get slots in this order, and each kind of field may read
// only the slots before its boundary: dtype values, dims, lets | device values | parameters |
// gws0..2 (the unrounded global size, for arguments).
#include <algorithm>
#include <cctype>
#include <set>

#include "runtime/desc/kernel_description.h"
#include "runtime/src/sha256.h"

namespace mace_tune::desc {
namespace {

const char* const kDeviceNames[] = {
    "max_work_group_size", "max_work_item_size_x", "max_work_item_size_y", "max_work_item_size_z", "local_mem_size",
    "image_support",       "image2d_max_width",    "image2d_max_height",   "max_mem_alloc_size",   "compute_units"};

bool IsIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

template <typename T>
bool ParseEnum(const std::string& text, std::initializer_list<std::pair<const char*, T>> names, T* out) {
  for (const auto& [name, value] : names) {
    if (text == name) return *out = value, true;
  }
  return false;
}

}  // namespace

std::vector<std::string> DeviceValueNames() { return {std::begin(kDeviceNames), std::end(kDeviceNames)}; }

void SetDeviceValues(const Scope& scope, const DeviceLimits& l, Env* env) {
  const uint64_t values[] = {l.max_work_group_size,    l.max_work_item_sizes[0], l.max_work_item_sizes[1],
                             l.max_work_item_sizes[2], l.local_mem_size,         l.image_support ? 1u : 0u,
                             l.image2d_max_width,      l.image2d_max_height,     l.max_mem_alloc_size,
                             l.compute_units};
  for (size_t i = 0; i < std::size(kDeviceNames); ++i) {
    const int slot = scope.Find(kDeviceNames[i]);
    const uint64_t v = std::min<uint64_t>(values[i], static_cast<uint64_t>(INT64_MAX));
    if (slot >= 0) env->Set(slot, static_cast<int64_t>(v));
  }
  env->vendor = l.vendor;
  env->device_name = l.name;
}

class KernelDescription::Builder {
 public:
  explicit Builder(KernelDescription* d) : d_(*d), t_(d->text_) {}

  bool Run(std::string* error) {
    const bool ok = Names() && Key() && Device() && Params() && Rules() && Launch() && Defaults() && Args() &&
                    Verify() && Metrics();
    if (!ok) *error = error_;
    return ok;
  }

 private:
  bool Fail(const std::string& field, const std::string& why) {
    error_ = field + ": " + why;
    return false;
  }
  // Compiles `text` as `field`; it may read slots below `limit`.
  bool Compile(const std::string& field, const std::string& text, int limit, Expr* out, bool list = false) {
    std::string why;
    if (!Expr::Compile(text, d_.scope_, list, out, &why)) return Fail(field, why);
    // An expression of constants alone is evaluated now: its overflow or division by zero is an
    // error of the file, not of every config.
    bool constant = true;
    for (int slot = 0; slot < static_cast<int>(d_.scope_.size()) && constant; ++slot) constant = !out->Uses(slot);
    std::vector<int64_t> values;
    if (constant && !out->EvalList(Env(d_.scope_.size()), &values, &why)) return Fail(field, why);
    for (int slot = limit; slot < static_cast<int>(d_.scope_.size()); ++slot) {
      if (out->Uses(slot)) {
        return Fail(field, "'" + d_.scope_.Name(slot) + "' cannot be used here (" + Kind(slot) + ")");
      }
    }
    return true;
  }
  std::string Kind(int slot) const {
    if (slot >= gws_start_) return "the global size is known only for arguments";
    if (slot >= param_start_)
      return "a parameter: only constraints, options, launch, defaults, scalar and "
             "local arguments depend on the config";
    return "a device value: checks, lets, metrics and buffer sizes depend on the key alone";
  }
  bool NewName(const std::string& field, const std::string& name) {
    if (!IsIdentifier(name)) return Fail(field, "'" + name + "' is not a name (letters, digits, _)");
    if (d_.scope_.Find(name) >= 0 || name == "true" || name == "false") {
      return Fail(field, "the name '" + name + "' is already taken");
    }
    return true;
  }

  bool Names() {
    if (!IsIdentifier(t_.name)) return Fail("kernel.name", "'" + t_.name + "' is not a name (letters, digits, _)");
    if (t_.program.empty()) t_.program = t_.name;
    if (t_.function.empty()) t_.function = t_.name;
    if (!IsIdentifier(t_.program)) return Fail("kernel.program", "'" + t_.program + "' is not a name");
    if (!IsIdentifier(t_.function)) return Fail("kernel.function", "'" + t_.function + "' is not a name");
    if (t_.dtypes.empty()) return Fail("kernel.dtypes", "lists no dtype");
    for (const auto& dtype : t_.dtypes) {
      if (!IsIdentifier(dtype)) return Fail("kernel.dtypes", "'" + dtype + "' is not a dtype name");
    }
    if (!t_.builtin && t_.source.empty()) return Fail("kernel.sources", "no source");
    return true;
  }
  bool Key() {
    d_.fp16_slot_ = d_.scope_.Add("fp16");
    d_.elem_size_slot_ = d_.scope_.Add("elem_size");
    if (t_.dims.empty()) return Fail("kernel.dims", "lists no dimension");
    for (const auto& dim : t_.dims) {
      if (!NewName("kernel.dims", dim)) return false;
      d_.dim_slots_.push_back(d_.scope_.Add(dim));
    }
    for (const auto& let : t_.lets) {
      const std::string field = "let." + let.name;
      Named named;
      if (!NewName(field, let.name) || !Compile(field, let.text, static_cast<int>(d_.scope_.size()), &named.expr)) {
        return false;
      }
      named.slot = d_.scope_.Add(let.name);
      d_.lets_.push_back(std::move(named));
    }
    key_end_ = static_cast<int>(d_.scope_.size());
    for (size_t i = 0; i < t_.checks.size(); ++i) {
      Check check{{}, t_.checks[i].why, "checks[" + std::to_string(i) + "]"};
      if (t_.checks[i].prune) return Fail(check.field, "prune belongs to config rules only");
      if (!Compile(check.field, t_.checks[i].expr, key_end_, &check.expr)) return false;
      d_.checks_.push_back(std::move(check));
    }
    return true;
  }
  bool Device() {
    for (const char* name : kDeviceNames) d_.scope_.Add(name);
    param_start_ = static_cast<int>(d_.scope_.size());
    return true;
  }
  bool Params() {
    if (t_.params.empty()) return Fail("parameters", "none: a kernel needs at least its local size as parameters");
    for (const auto& p : t_.params) {
      const std::string field = "parameters." + p.name;
      if (!NewName(field, p.name)) return false;
      d_.scope_.Add(p.name);
    }
    gws_start_ = static_cast<int>(d_.scope_.size());
    for (int i = 0; i < 3; ++i) d_.gws_slots_[static_cast<size_t>(i)] = d_.scope_.Add("gws" + std::to_string(i));
    for (const auto& p : t_.params) {
      const std::string field = "parameters." + p.name;
      Param param;
      param.name = p.name;
      param.slot = d_.scope_.Find(p.name);
      param.values = p.values;
      param.has_missing = p.has_missing;
      param.missing = p.missing;
      if (p.values.empty() == p.values_expr.empty()) {
        return Fail(field + ".values", "give a list of integers or one list expression (pow2, range, list)");
      }
      if (!p.values_expr.empty() &&
          !Compile(field + ".values", p.values_expr, param_start_, &param.values_expr, true)) {
        return false;
      }
      if (!Compile(field + ".define", p.define, gws_start_, &param.define)) return false;
      d_.params_.push_back(std::move(param));
    }
    return true;
  }
  bool Rules() {
    for (size_t i = 0; i < t_.constraints.size(); ++i) {
      Check check{{}, t_.constraints[i].why, "constraints[" + std::to_string(i) + "]"};
      check.prune = t_.constraints[i].prune;
      if (!Compile(check.field, t_.constraints[i].expr, gws_start_, &check.expr)) return false;
      for (int slot = key_end_; slot < param_start_; ++slot)
        check.device_free = check.device_free && !check.expr.Uses(slot);
      d_.constraints_.push_back(std::move(check));
    }
    for (const auto& f : t_.defines) {
      const std::string field = "defines." + f.name;
      Define define{f.name, {}, {}};
      if (!IsIdentifier(f.name)) return Fail(field, "'" + f.name + "' is not a name");
      if (!Compile(field + ".value", f.value, gws_start_, &define.value) ||
          !Compile(field + ".when", f.when, gws_start_, &define.when)) {
        return false;
      }
      d_.defines_.push_back(std::move(define));
    }
    return true;
  }
  bool Sizes(const std::string& field, const std::vector<std::string>& texts, std::vector<Expr>* out) {
    for (size_t i = 0; i < texts.size(); ++i) {
      out->emplace_back();
      if (!Compile(field + "[" + std::to_string(i) + "]", texts[i], gws_start_, &out->back())) return false;
    }
    return true;
  }
  bool Launch() {
    if (t_.global.empty() || t_.global.size() > 3) return Fail("launch.global", "needs 1 to 3 sizes");
    if (t_.local.size() != t_.global.size()) {
      return Fail("launch.local", "needs as many sizes as launch.global (" + std::to_string(t_.global.size()) + ")");
    }
    if (!Sizes("launch.global", t_.global, &d_.global_) || !Sizes("launch.local", t_.local, &d_.local_)) return false;
    return t_.local_memory.empty() || Compile("launch.local_memory", t_.local_memory, gws_start_, &d_.local_memory_);
  }
  bool Defaults() {
    std::set<std::string> given;
    for (const auto& def : t_.defaults) {
      const std::string field = "defaults." + def.name;
      const int slot = d_.scope_.Find(def.name);
      if (slot < param_start_ || slot >= gws_start_) return Fail(field, "'" + def.name + "' is not a parameter");
      if (!given.insert(def.name).second) return Fail(field, "given twice");
      Named named;
      named.slot = slot;
      // A default may read the device and the parameters defaulted before it.
      if (!CompileDefault(field, def.text, given, &named.expr)) return false;
      d_.defaults_.push_back(std::move(named));
    }
    for (const auto& p : d_.params_) {
      if (given.count(p.name) == 0 && !p.has_missing) {
        return Fail("defaults", "no default for parameter " + p.name + " (give one, or a 'missing' value)");
      }
    }
    return true;
  }
  bool CompileDefault(const std::string& field, const std::string& text, const std::set<std::string>& given,
                      Expr* out) {
    if (!Compile(field, text, gws_start_, out)) return false;
    for (const auto& p : d_.params_) {
      if (given.count(p.name) == 0 && out->Uses(p.slot)) {
        return Fail(field, "reads parameter " + p.name + " before its default (defaults are set in order)");
      }
    }
    return true;
  }
  bool Args() {
    for (size_t i = 0; i < t_.args.size(); ++i) {
      const ArgText& a = t_.args[i];
      const std::string field = "arguments[" + std::to_string(i) + "]";
      // Two arguments may share a name when their `when` conditions set them apart (eltwise's B).
      if (!IsIdentifier(a.name)) return Fail(field + ".name", "'" + a.name + "' is not a name");
      Arg arg;
      arg.name = a.name;
      arg.seed = a.seed;
      if (!ParseEnum(a.kind,
                     {{"scalar", ArgKind::kScalar},
                      {"buffer", ArgKind::kBuffer},
                      {"tensor", ArgKind::kTensor},
                      {"local", ArgKind::kLocal}},
                     &arg.kind)) {
        return Fail(field, "give one of scalar, buffer, tensor, local");
      }
      if (!ParseEnum(a.type,
                     {{"float", ElemType::kFloat},
                      {"half", ElemType::kHalf},
                      {"real", ElemType::kReal},
                      {"char", ElemType::kChar},
                      {"uchar", ElemType::kUchar},
                      {"short", ElemType::kShort},
                      {"ushort", ElemType::kUshort},
                      {"int", ElemType::kInt},
                      {"uint", ElemType::kUint},
                      {"long", ElemType::kLong},
                      {"ulong", ElemType::kUlong}},
                     &arg.type) &&
          arg.kind != ArgKind::kLocal) {
        return Fail(field + ".type", "'" + a.type +
                                         "' is not one of float, half, real, char, uchar, short, "
                                         "ushort, int, uint, long, ulong");
      }
      if (!ParseEnum(a.access, {{"in", Access::kIn}, {"out", Access::kOut}, {"inout", Access::kInOut}}, &arg.access)) {
        return Fail(field + ".access", "give in, out or inout");
      }
      if (!ParseEnum(a.fill,
                     {{"random", Fill::kRandom}, {"zeros", Fill::kZeros}, {"ones", Fill::kOnes}, {"iota", Fill::kIota}},
                     &arg.fill)) {
        return Fail(field + ".fill", "give random, zeros, ones or iota");
      }
      // Which arguments exist, and the memory they need, follow from the key alone: one
      // instance's buffers serve every config.
      if (!Compile(field + ".when", a.when, key_end_, &arg.when) || !ArgShape(field, a, &arg)) return false;
      d_.args_.push_back(std::move(arg));
    }
    return true;
  }
  bool ArgShape(const std::string& field, const ArgText& a, Arg* arg) {
    const int all = static_cast<int>(d_.scope_.size());
    switch (arg->kind) {
      case ArgKind::kScalar:
        return Compile(field + ".value", a.value, all, &arg->value) &&
               Compile(field + ".divisor", a.divisor, all, &arg->divisor);
      case ArgKind::kBuffer:
        return Compile(field + ".size", a.size, key_end_, &arg->size);
      case ArgKind::kLocal:
        return Compile(field + ".size", a.size, all, &arg->size);
      case ArgKind::kTensor:
        if (a.shape.size() != 4) return Fail(field + ".shape", "a tensor's shape is [N, H, W, C]");
        for (size_t i = 0; i < 4; ++i) {
          arg->shape.emplace_back();
          if (!Compile(field + ".shape[" + std::to_string(i) + "]", a.shape[i], key_end_, &arg->shape.back())) {
            return false;
          }
        }
        return Compile(field + ".image", a.image, gws_start_, &arg->image);
    }
    return false;
  }
  bool Verify() {
    const VerifyText& v = t_.verify;
    if (v.reference != "cpu" && v.reference != "default" && v.reference != "kernel") {
      return Fail("verify.reference", "give default (the default config's output), kernel, or cpu (built-ins)");
    }
    if (v.reference == "kernel" && (v.kernel.empty() || v.kernel_global.empty())) {
      return Fail("verify.kernel", "a reference kernel needs its function and global size");
    }
    if (!(v.rtol >= 0) || !(v.atol >= 0)) return Fail("verify.rtol", "tolerances must be >= 0");
    if (!Sizes("verify.global", v.kernel_global, &d_.ref_global_) ||
        !Sizes("verify.local", v.kernel_local, &d_.ref_local_)) {
      return false;
    }
    if (!d_.ref_local_.empty() && d_.ref_local_.size() != d_.ref_global_.size()) {
      return Fail("verify.local", "needs as many sizes as verify.global");
    }
    return v.accumulate.empty() || Compile("verify.accumulate", v.accumulate, key_end_, &d_.accumulate_);
  }
  bool Metrics() {
    if (!t_.flops.empty() && !Compile("metrics.flops", t_.flops, key_end_, &d_.flops_)) return false;
    if (!t_.bytes.empty() && !Compile("metrics.bytes", t_.bytes, key_end_, &d_.bytes_)) return false;
    for (const auto& text : t_.test_keys) {
      TuningKey key;
      const Status status = TuningKey::Parse(text, &key);
      if (!status.ok()) return Fail("kernel.test_keys", status.message());
      if (key.family != t_.name) return Fail("kernel.test_keys", "'" + text + "' is not a key of " + t_.name);
    }
    return true;
  }

  KernelDescription& d_;
  DescriptionText& t_;
  std::string error_;
  int key_end_ = 0, param_start_ = 0, gws_start_ = 0;
};

bool KernelDescription::Build(DescriptionText text, std::shared_ptr<const KernelDescription>* out, std::string* error) {
  auto d = std::make_shared<KernelDescription>();
  d->text_ = std::move(text);
  if (!Builder(d.get()).Run(error)) return false;
  DescriptionText unsourced = d->text_;
  unsourced.source.clear();
  unsourced.verify.kernel_source.clear();
  const std::vector<uint8_t> bytes = EncodeDescription(unsourced);
  d->digest_ = detail::Sha256Hex(std::string(bytes.begin(), bytes.end()));
  d->info_ = {d->text_.name, d->text_.program, d->text_.function, {}};
  for (const auto& dim : d->text_.dims) d->info_.shape_dims.emplace_back(dim);
  *out = std::move(d);
  return true;
}

}  // namespace mace_tune::desc
