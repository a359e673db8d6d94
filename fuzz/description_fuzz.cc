// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: kernel descriptions, the three ways they come in from outside: a TOML file
// (tune --kernel; its sources resolve in a scratch folder), a DESC payload (tuned-parameter files,
// the store, remote targets), and the integer expressions inside both. Whatever builds is then
// asked everything the tuner and the runtime ask of it, on its test keys and on huge shapes: every
// overflow must be an error with its reason, never a wrong number or a sanitizer report.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/description_file.h"
#include "runtime/desc/expr.h"
#include "runtime/desc/kernel_description.h"

namespace {

using namespace mace_tune;

DeviceLimits Limits() {
  DeviceLimits l;
  l.max_work_group_size = 1024;
  l.max_work_item_sizes = {1024, 1024, 64};
  l.local_mem_size = 65536;
  l.image_support = true;
  l.image2d_max_width = l.image2d_max_height = 16384;
  l.max_mem_alloc_size = uint64_t{1} << 32;
  l.compute_units = 8;
  l.vendor = "Fuzz";
  l.name = "Fuzz GPU";
  return l;
}

// A folder whose .cl files the seeds' [kernel] sources name.
std::string ScratchDir() {
  static const char* const kSources[] = {"k.cl", "row_sum.cl", "transpose.cl", "bias_relu.cl"};
  static const std::string dir = [] {
    static std::string d = "/tmp/mace_tune_fuzz_desc_" + std::to_string(::getpid());
    ::mkdir(d.c_str(), 0700);
    for (const char* name : kSources) {
      std::ofstream(d + "/" + name) << "__kernel void k(__global float* x) { x[get_global_id(0)] = 0; }\n";
    }
    std::atexit([] {
      for (const char* name : kSources) ::unlink((d + "/" + name).c_str());
      ::rmdir(d.c_str());
    });
    return d;
  }();
  return dir;
}

void Ask(const desc::KernelDescription& d, const TuningKey& key) {
  if (!d.ValidateKey(key).ok()) return;
  const DeviceLimits limits = Limits();
  std::vector<desc::Axis> axes;
  d.Parameters(key, limits, &axes);
  ParamMap params;
  if (!d.DefaultParams(key, limits, &params).ok()) {
    for (const auto& axis : axes) params[axis.name] = axis.values.empty() ? 0 : axis.values.front();
  }
  const bool valid = d.CheckConfig(key, params, limits).empty();
  // The prefix check that speeds up enumerating the space never rejects a prefix of a valid config.
  if (const auto prefix = d.Prefix(key, limits); valid && prefix) {
    std::vector<int64_t> values;
    for (const auto& axis : axes) {
      const auto it = params.find(axis.name);
      if (it != params.end()) values.push_back(it->second);
    }
    for (size_t bound = 1; values.size() == axes.size() && bound <= values.size(); ++bound) {
      if (!prefix(bound, values)) __builtin_trap();
    }
  }
  d.CheckRunnable(key, params, limits);
  std::string options;
  d.BuildOptions(key, params, &options);
  LaunchGeometry g;
  d.Geometry(key, params, &g);
  std::vector<desc::ArgValue> args;
  d.Arguments(key, params, &args);
  d.MemoryArguments(key, &args);
  int64_t bytes = 0;
  d.LocalMemory(key, params, &bytes);
  d.Flops(key);
  d.BytesMoved(key);
  double terms = 0;
  d.AccumulateTerms(key, &terms);
  bool has_local = false;
  d.ReferenceGeometry(key, params, &g, &has_local);
}

void AskAll(const desc::KernelDescription& d) {
  for (const auto& text : d.text().test_keys) {
    TuningKey key;
    if (TuningKey::Parse(text, &key).ok()) Ask(d, key);
  }
  for (int64_t value : {int64_t{1}, int64_t{7}, int64_t{65536}, int64_t{2147483647}}) {
    TuningKey key;
    key.family = d.name();
    key.dtype = d.text().dtypes.empty() ? "fp32" : d.text().dtypes.front();
    for (const auto& dim : d.dims()) key.shape[dim] = value;
    Ask(d, key);
  }
}

void Expression(const std::string& text) {
  desc::Scope scope;
  for (const char* name : {"N", "H", "W", "C", "max_work_group_size"}) scope.Add(name);
  desc::Expr expr;
  std::string error;
  if (!desc::Expr::Compile(text, scope, /*allow_list=*/true, &expr, &error)) return;
  for (int64_t value : {int64_t{0}, int64_t{3}, int64_t{-1}, INT64_MAX, INT64_MIN}) {
    desc::Env env(scope.size());
    for (int slot = 0; slot < static_cast<int>(scope.size()); ++slot) env.Set(slot, value);
    int64_t out = 0;
    std::vector<int64_t> list;
    expr.Eval(env, &out, &error);
    expr.EvalList(env, &list, &error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const desc::DescriptionPtr d = ParseDescriptionText(text, ScratchDir() + "/fuzz.toml", /*builtin_ok=*/true);
    AskAll(*d);
    // What tune stores and emits must read back as the same description.
    const std::vector<uint8_t> encoded = desc::EncodeDescription(d->text());
    desc::DescriptionText decoded;
    desc::DescriptionPtr again;
    std::string error;
    if (!desc::DecodeDescription(encoded.data(), encoded.size(), &decoded, &error) ||
        !desc::KernelDescription::Build(std::move(decoded), &again, &error) || again->digest() != d->digest()) {
      __builtin_trap();
    }
  } catch (const std::runtime_error&) {
  }
  desc::DescriptionText decoded;
  desc::DescriptionPtr built;
  std::string error;
  if (desc::DecodeDescription(data, size, &decoded, &error) &&
      desc::KernelDescription::Build(std::move(decoded), &built, &error)) {
    AskAll(*built);
  }
  if (size <= 4096) Expression(text);
  return 0;
}
