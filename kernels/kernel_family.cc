// SPDX-License-Identifier: Apache-2.0
// The generic kernel family: everything from the description, the CPU reference from the family's
// own .cc file.
#include "kernels/kernel_family.h"

#include <stdexcept>
#include <type_traits>

#include "kernels/family_util.h"
#include "runtime/cl/cl_core.h"

namespace mace_tune {
namespace {

void SetScalar(cl_kernel kernel, cl_uint index, const desc::ArgValue& a) {
  if (a.type == desc::ElemType::kHalf) throw std::invalid_argument(a.name + ": half scalars are not supported");
  desc::VisitHostType(a.type, [&](auto tag) {
    using T = decltype(tag);  // OpenCL's scalar types are these fixed-width host types
    if constexpr (std::is_same_v<T, float>) {
      SetArg(kernel, index, static_cast<cl_float>(a.real));
    } else {
      SetArg(kernel, index, static_cast<T>(a.value));
    }
  });
}

}  // namespace

std::vector<TunableParam> KernelFamily::Parameters(const TuningKey& key, const DeviceLimits& limits) const {
  std::vector<desc::Axis> axes;
  const Status status = description_.Parameters(key, limits, &axes);
  if (!status.ok()) throw std::runtime_error(status.message());
  std::vector<TunableParam> params;
  for (auto& axis : axes) params.push_back({std::move(axis.name), std::move(axis.values)});
  return params;
}

std::vector<BufferSpec> KernelFamily::Buffers(const TuningKey& key) const {
  std::vector<desc::ArgValue> args;
  const Status status = description_.MemoryArguments(key, &args);
  if (!status.ok()) throw std::invalid_argument(status.message());
  std::vector<BufferSpec> specs;
  for (const auto& a : args) {
    BufferSpec spec;
    spec.name = a.name;
    spec.elements = static_cast<size_t>(a.count);
    spec.is_output = a.is_output();
    if (a.kind == desc::ArgKind::kTensor) spec.nhwc = a.nhwc;
    spec.type = a.type;
    spec.access = a.access;
    spec.fill = a.fill;
    spec.seed = a.seed;
    specs.push_back(std::move(spec));
  }
  return specs;
}

void KernelFamily::SetArgs(cl_kernel kernel, const TuningKey& key, const ParamMap& params,
                           const std::vector<cl_mem>& buffers) const {
  std::vector<desc::ArgValue> args;
  const Status status = description_.Arguments(key, params, &args);
  if (!status.ok()) throw std::invalid_argument(status.message());
  size_t next = 0;
  for (cl_uint i = 0; i < args.size(); ++i) {
    const desc::ArgValue& a = args[i];
    if (a.kind == desc::ArgKind::kScalar) {
      SetScalar(kernel, i, a);
    } else if (a.kind == desc::ArgKind::kLocal) {
      MT_CL_CHECK(clSetKernelArg(kernel, i, static_cast<size_t>(a.count), nullptr));
    } else {
      if (next >= buffers.size()) throw std::invalid_argument(std::string(Name()) + ": too few buffers");
      SetArg(kernel, i, buffers[next++]);
    }
  }
  if (next != buffers.size()) throw std::invalid_argument(std::string(Name()) + ": too many buffers");
}

bool KernelFamily::UsesImages(const TuningKey& key, const ParamMap& params) const {
  return description_.ImageStorage(key, params);
}

Tolerance KernelFamily::ToleranceFor(const TuningKey& key) const {
  double terms = 0;
  if (description_.AccumulateTerms(key, &terms)) return SumTolerance(terms, key);
  const desc::VerifyText& v = description_.text().verify;
  Tolerance tol;
  tol.rel_l2 = v.rtol;
  tol.abs_max = v.atol;
  tol.rel_max = v.rtol;
  return tol;
}

std::vector<TuningKey> KernelFamily::TestKeys() const {
  std::vector<TuningKey> keys;
  for (const auto& text : description_.text().test_keys) {
    TuningKey key;
    if (TuningKey::Parse(text, &key).ok()) keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace mace_tune
