// One kernel instance's data on a device, shared by the tuner's evaluator, the cl tests and the
// oclgrind check: deterministic random inputs (rounded to fp16 for fp16 keys), the CPU reference
// computed once, and device memory in the storage a config asks for (buffers, or image2d for the
// activation tensors of IMG=1 configs), made on first use and then reused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cl/cl_handle.h"
#include "kernel_family.h"
#include "verify.h"

namespace mace_tune {

class InstanceData {
 public:
  InstanceData(cl_context context, cl_command_queue queue, const KernelFamily& family, const TuningKey& key,
               uint64_t seed);

  // Kernel arguments in Buffers() order, in image storage when `image` (IMG=1) and in buffers otherwise.
  std::vector<cl_mem> Memory(bool image);
  // Fills every output of that storage with NaN, so an element a kernel does not write fails.
  void PoisonOutputs(bool image);
  // Reads the outputs of that storage back and compares each with the reference; the first
  // failing output's name goes into the reason. `max_error` gets the largest absolute error.
  VerifyResult VerifyOutputs(bool image, double* max_error = nullptr);

  const std::vector<BufferSpec>& specs() const { return specs_; }

 private:
  cl_context context_;
  cl_command_queue queue_;
  const KernelFamily& family_;
  TuningKey key_;
  bool half_;
  std::vector<BufferSpec> specs_;
  std::vector<std::vector<float>> host_;       // one per buffer (outputs: empty)
  std::vector<std::vector<float>> reference_;  // one per output buffer
  std::vector<Buffer> memory_[2];              // [0] buffers, [1] images (tensors) + buffers
};

// Builds the instance's program from the embedded source with the runtime's options for `params`,
// launches it once with the runtime's geometry on poisoned outputs and verifies the result: what
// the tuner does for one config, without timing. Returns an empty string when the output matches,
// else why not ("invalid: ...", "build failed: ...", "wrong result: ..."). For tests and oclgrind.
std::string RunAndVerify(cl_context context, cl_device_id device, cl_command_queue queue, InstanceData& data,
                         const KernelFamily& family, const TuningKey& key, const ParamMap& params,
                         const DeviceLimits& limits);

}  // namespace mace_tune
