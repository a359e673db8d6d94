// SPDX-License-Identifier: Apache-2.0
// One kernel instance's data on a device, shared by the tuner's evaluator, the cl tests and the
// oclgrind check: deterministic inputs (as each memory argument's fill says, rounded to fp16 for
// half storage), the reference computed once (the CPU reference of a built-in family, else the
// description's reference kernel or its default config on the device), and device memory in the
// storage a config asks for (buffers, or image2d for tensors), made on first use and then reused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kernel_family.h"
#include "kernels/verify.h"
#include "runtime/cl/cl_handle.h"

namespace mace_tune {

class InstanceData {
 public:
  // Throws std::runtime_error when the reference cannot be computed (a reference kernel that does
  // not build, a default config this device cannot run ...).
  InstanceData(cl_context context, cl_device_id device, cl_command_queue queue, const KernelFamily& family,
               const TuningKey& key, uint64_t seed, const DeviceLimits& limits);

  // Memory arguments in Buffers() order, tensors in image storage when `image`.
  std::vector<cl_mem> Memory(bool image);
  // Before a verification run: every output is poisoned (NaN; all bits set for integers) so an
  // element a kernel does not write fails, and every in-out argument gets its input values back.
  void PoisonOutputs(bool image);
  // Reads the outputs of that storage back and compares each with the reference; the first
  // failing output's name goes into the reason. `max_error` gets the largest absolute error.
  VerifyResult VerifyOutputs(bool image, double* max_error = nullptr);

  const std::vector<BufferSpec>& specs() const { return specs_; }

 private:
  void DeviceReference(cl_device_id device, const DeviceLimits& limits);
  std::vector<float> Read(size_t index, bool image);

  cl_context context_;
  cl_command_queue queue_;
  const KernelFamily& family_;
  TuningKey key_;
  std::vector<BufferSpec> specs_;
  std::vector<std::vector<float>> host_;       // one per memory argument (pure outputs: empty)
  std::vector<std::vector<float>> reference_;  // one per output (out and inout), in order
  std::vector<Buffer> memory_[2];              // [0] buffers, [1] tensors as images
};

// Builds the instance's program with the runtime's options for `params`, launches it once with
// the runtime's geometry on poisoned outputs and verifies the result: what the tuner does for one
// config, without timing. Returns an empty string when the output matches, else why not
// ("invalid: ...", "wrong result: ...", "failed: ..."). For tests and oclgrind.
std::string RunAndVerify(cl_context context, cl_device_id device, cl_command_queue queue, InstanceData& data,
                         const KernelFamily& family, const TuningKey& key, const ParamMap& params,
                         const DeviceLimits& limits);

}  // namespace mace_tune
