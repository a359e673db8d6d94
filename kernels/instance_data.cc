// Inputs, reference and device memory of one kernel instance; RunAndVerify for tests.
#include "instance_data.h"

#include <algorithm>

#include "cl/cl_core.h"
#include "tensor_io.h"

namespace mace_tune {
namespace {

const std::array<int64_t, 4>* ShapeOf(const BufferSpec& spec) { return spec.is_tensor() ? &spec.nhwc : nullptr; }

}  // namespace

InstanceData::InstanceData(cl_context context, cl_command_queue queue, const KernelFamily& family,
                           const TuningKey& key, uint64_t seed)
    : context_(context), queue_(queue), family_(family), key_(key), half_(key.dtype == "fp16"),
      specs_(family.Buffers(key)) {
  std::vector<const std::vector<float>*> inputs;
  host_.resize(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].is_output) continue;
    host_[i].resize(specs_[i].elements);
    FillRandom(&host_[i], seed + i);
    if (half_) RoundToHalf(&host_[i]);
    inputs.push_back(&host_[i]);
  }
  reference_ = family_.Reference(key_, inputs);
}

std::vector<cl_mem> InstanceData::Memory(bool image) {
  auto& memory = memory_[image ? 1 : 0];
  if (memory.empty()) {
    for (size_t i = 0; i < specs_.size(); ++i) {
      const BufferSpec& spec = specs_[i];
      const std::vector<float> values = spec.is_output ? std::vector<float>(spec.elements, 0.0f) : host_[i];
      memory.push_back(CreateStorage(context_, queue_, values, ShapeOf(spec), half_, image && spec.is_tensor()));
    }
  }
  std::vector<cl_mem> mems;
  for (const auto& m : memory) mems.push_back(m.get());
  return mems;
}

void InstanceData::PoisonOutputs(bool image) {
  const std::vector<cl_mem> mems = Memory(image);
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (!specs_[i].is_output) continue;
    std::vector<float> poison(specs_[i].elements);
    Poison(&poison);
    WriteStorage(queue_, mems[i], poison, ShapeOf(specs_[i]), half_, image && specs_[i].is_tensor());
  }
}

VerifyResult InstanceData::VerifyOutputs(bool image, double* max_error) {
  const std::vector<cl_mem> mems = Memory(image);
  const Tolerance tolerance = family_.ToleranceFor(key_);
  VerifyResult result;
  result.ok = true;
  size_t out_index = 0;
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (!specs_[i].is_output) continue;
    const std::vector<float> out =
        ReadStorage(queue_, mems[i], specs_[i].elements, ShapeOf(specs_[i]), half_, image && specs_[i].is_tensor());
    VerifyResult v = Verify(out, reference_.at(out_index++), tolerance);
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
    const bool image = params.count("IMG") != 0 && params.at("IMG") == 1;
    family.SetArgs(kernel.get(), key, data.Memory(image));
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
