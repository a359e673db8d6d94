// SPDX-License-Identifier: Apache-2.0
// Inputs, reference and device memory of one kernel instance; RunAndVerify for tests.
#include "kernels/instance_data.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "kernels/tensor_io.h"
#include "runtime/cl/cl_core.h"

namespace mace_tune {
namespace {

const std::array<int64_t, 4>* ShapeOf(const BufferSpec& spec) { return spec.is_tensor() ? &spec.nhwc : nullptr; }

std::vector<float> Fill(const BufferSpec& spec, uint64_t seed) {
  std::vector<float> v(spec.elements);
  switch (spec.fill) {
    case desc::Fill::kZeros:
      break;
    case desc::Fill::kOnes:
      std::fill(v.begin(), v.end(), 1.0f);
      break;
    case desc::Fill::kIota:
      for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
      break;
    case desc::Fill::kRandom:
      FillRandom(&v, seed);
      // Integers: uniform in 0 .. 127, which every integer type holds.
      if (!desc::IsFloating(spec.type)) {
        for (float& x : v) x = std::floor((x + 1.0f) * 64.0f);
      }
      break;
  }
  if (spec.type == desc::ElemType::kHalf) RoundToHalf(&v);
  return v;
}

// Adds without wrapping: a sum past 2^64 is as good as infinite for the checks below.
uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
uint64_t SaturatingMul(uint64_t a, uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; }

// A key may pass its description's checks and still need more memory than there is: refused with
// the limit it exceeds before any host vector is allocated (a CPU device's memory is the host's).
void CheckMemory(const TuningKey& key, const std::vector<BufferSpec>& specs, cl_device_id device,
                 const DeviceLimits& limits) {
  const uint64_t global = DeviceValue<cl_ulong>(device, CL_DEVICE_GLOBAL_MEM_SIZE);
  uint64_t device_bytes = 0, host_bytes = 0;
  for (const BufferSpec& spec : specs) {
    const uint64_t bytes = SaturatingMul(spec.elements, desc::ElemSize(spec.type));
    if (limits.max_mem_alloc_size != 0 && bytes > limits.max_mem_alloc_size) {
      throw std::runtime_error(key.ToString() + ": argument " + spec.name + " needs " + std::to_string(bytes) +
                               " bytes, more than this device's largest allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE " +
                               std::to_string(limits.max_mem_alloc_size) + ")");
    }
    device_bytes = SaturatingAdd(device_bytes, bytes);
    // Host copies as float: the inputs, and each output's reference plus its read-back.
    host_bytes = SaturatingAdd(host_bytes, SaturatingMul(spec.elements, spec.is_output ? 8 : 4));
  }
  if (global != 0 && device_bytes > global) {
    throw std::runtime_error(key.ToString() + ": its arguments need " + std::to_string(device_bytes) +
                             " bytes, more than this device's memory (CL_DEVICE_GLOBAL_MEM_SIZE " +
                             std::to_string(global) + ")");
  }
  uint64_t host = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  if (rlimit as{}; getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    host = std::min<uint64_t>(host, as.rlim_cur);  // ulimit -v: what this process may map
  }
  if (host != 0 && host_bytes > host / 2) {
    throw std::runtime_error(key.ToString() + ": its inputs and reference need " + std::to_string(host_bytes) +
                             " bytes of host memory, more than half of the " + std::to_string(host) +
                             " this process may use");
  }
}

}  // namespace

InstanceData::InstanceData(cl_context context, cl_device_id device, cl_command_queue queue, const KernelFamily& family,
                           const TuningKey& key, uint64_t seed, const DeviceLimits& limits)
    : context_(context), queue_(queue), family_(family), key_(key), specs_(family.Buffers(key)) {
  CheckMemory(key_, specs_, device, limits);
  std::vector<const std::vector<float>*> inputs;
  host_.resize(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (!specs_[i].is_input()) continue;
    host_[i] = Fill(specs_[i], seed + i + static_cast<uint64_t>(specs_[i].seed));
    inputs.push_back(&host_[i]);
  }
  if (family_.cpu_reference() != nullptr) {
    reference_ = family_.cpu_reference()(key_, inputs);
  } else {
    DeviceReference(device, limits);
  }
}

void InstanceData::DeviceReference(cl_device_id device, const DeviceLimits& limits) {
  const desc::KernelDescription& d = family_.description();
  const desc::VerifyText& verify = d.text().verify;
  ParamMap params;
  Status status = d.DefaultParams(key_, limits, &params);
  if (!status.ok()) throw std::runtime_error("reference: " + status.message());
  const bool by_kernel = verify.reference == "kernel";
  if (!by_kernel) {
    if (std::string why = d.CheckConfig(key_, params, limits); !why.empty()) {
      throw std::runtime_error("reference: the default config " + FormatParams(params) +
                               " cannot run on this device (" + why + ")");
    }
  }
  // A reference kernel is built with the default config's options (it often shares the file and
  // its macros) plus its own.
  std::string options;
  LaunchGeometry g;
  bool has_local = true;
  status = d.BuildOptions(key_, params, &options);
  if (status.ok())
    status = by_kernel ? d.ReferenceGeometry(key_, params, &g, &has_local) : d.Geometry(key_, params, &g);
  if (by_kernel) options += " " + verify.kernel_options;
  if (!status.ok()) throw std::runtime_error("reference: " + status.message());
  const std::string source =
      by_kernel && !verify.kernel_source.empty() ? verify.kernel_source : ProgramSource(d.program());
  try {
    Program program = BuildFromSource(context_, device, source, options);
    Kernel kernel = CreateKernel(program.get(), by_kernel ? verify.kernel : d.function());
    const bool image = family_.UsesImages(key_, params);
    family_.SetArgs(kernel.get(), key_, params, Memory(image));
    PoisonOutputs(image);
    Launch(queue_, kernel.get(), g.dims, g.gws, has_local ? g.lws : std::array<size_t, 3>{{0, 0, 0}});
    MT_CL_CHECK(clFinish(queue_));
    reference_.clear();
    for (size_t i = 0; i < specs_.size(); ++i) {
      if (!specs_[i].is_output) continue;
      reference_.push_back(Read(i, image));
      const auto& ref = reference_.back();
      const auto bad = std::find_if(ref.begin(), ref.end(), [](float v) { return std::isnan(v); });
      if (bad != ref.end() && desc::IsFloating(specs_[i].type)) {
        throw std::runtime_error(specs_[i].name + "[" + std::to_string(bad - ref.begin()) +
                                 "] is not written (or NaN)");
      }
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("reference ") + (by_kernel ? "kernel " + verify.kernel : "(default config)") +
                             " failed: " + e.what());
  }
}

std::vector<cl_mem> InstanceData::Memory(bool image) {
  auto& memory = memory_[image ? 1 : 0];
  if (memory.empty()) {
    for (size_t i = 0; i < specs_.size(); ++i) {
      const BufferSpec& spec = specs_[i];
      const std::vector<float> values = spec.is_input() ? host_[i] : std::vector<float>(spec.elements, 0.0f);
      memory.push_back(CreateStorage(context_, queue_, values, ShapeOf(spec), spec.type, image && spec.is_tensor()));
    }
  }
  std::vector<cl_mem> mems;
  for (const auto& m : memory) mems.push_back(m.get());
  return mems;
}

void InstanceData::PoisonOutputs(bool image) {
  const std::vector<cl_mem> mems = Memory(image);
  for (size_t i = 0; i < specs_.size(); ++i) {
    const BufferSpec& spec = specs_[i];
    if (!spec.is_output) continue;
    if (!spec.is_input() && !(image && spec.is_tensor())) {
      // An output-only buffer is poisoned where it lives: no host copy and no upload of the whole
      // tensor (64 MB for a 4096^2 GEMM) per evaluation.
      const std::vector<uint8_t> nan = EncodeElements(spec.type, {std::numeric_limits<float>::quiet_NaN()});
      size_t bytes = 0;
      MT_CL_CHECK(clGetMemObjectInfo(mems[i], CL_MEM_SIZE, sizeof(bytes), &bytes, nullptr));
      MT_CL_CHECK(clEnqueueFillBuffer(queue_, mems[i], nan.data(), nan.size(), 0, bytes, 0, nullptr, nullptr));
      continue;
    }
    std::vector<float> values = host_[i];
    if (!spec.is_input()) {
      values.resize(spec.elements);
      Poison(&values);
    }
    WriteStorage(queue_, mems[i], values, ShapeOf(spec), spec.type, image && spec.is_tensor());
  }
}

std::vector<float> InstanceData::Read(size_t index, bool image) {
  const BufferSpec& spec = specs_[index];
  return ReadStorage(queue_, Memory(image)[index], spec.elements, ShapeOf(spec), spec.type, image && spec.is_tensor());
}

VerifyResult InstanceData::VerifyOutputs(bool image, double* max_error) {
  const Tolerance tolerance = family_.ToleranceFor(key_);
  VerifyResult result;
  result.ok = true;
  size_t out_index = 0;
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (!specs_[i].is_output) continue;
    VerifyResult v = Verify(Read(i, image), reference_.at(out_index++), tolerance);
    if (max_error != nullptr) *max_error = std::max(*max_error, v.max_abs_error);
    if (!v.ok) {
      v.reason = specs_[i].name + ": " + v.reason;
      return v;
    }
    result.rel_l2 = std::max(result.rel_l2, v.rel_l2);
    result.max_abs_error = std::max(result.max_abs_error, v.max_abs_error);
  }
  return result;
}

std::string RunAndVerify(cl_context context, cl_device_id device, cl_command_queue queue, InstanceData& data,
                         const KernelFamily& family, const TuningKey& key, const ParamMap& params,
                         const DeviceLimits& limits) {
  if (std::string why = family.CheckConfig(key, params, limits); !why.empty()) return "invalid: " + why;
  std::string options;
  LaunchGeometry geometry;
  Status status = FamilyBuildOptions(key, params, &options);
  if (status.ok()) status = FamilyGeometry(key, params, &geometry);
  if (!status.ok()) return "invalid: " + status.ToString();
  const FamilyInfo* info = FindFamily(key.family);
  try {
    Program program = BuildFromSource(context, device, ProgramSource(info->program), options);
    Kernel kernel = CreateKernel(program.get(), std::string(info->kernel));
    const bool image = family.UsesImages(key, params);
    family.SetArgs(kernel.get(), key, params, data.Memory(image));
    data.PoisonOutputs(image);
    Launch(queue, kernel.get(), geometry.dims, geometry.gws, geometry.lws);
    MT_CL_CHECK(clFinish(queue));
    const VerifyResult v = data.VerifyOutputs(image);
    return v.ok ? std::string() : "wrong result: " + v.reason;
  } catch (const std::exception& e) {
    return std::string("failed: ") + e.what();
  }
}

}  // namespace mace_tune
