// Helpers the kernel families' descriptors share: parameter domains, the device checks every
// config needs (local size, image support and extents), the fused activations and the tolerance
// model of fp32 / fp16 accumulation.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "kernel_family.h"

namespace mace_tune {

// Powers of two 1, 2, 4 ... up to `max` (at least {1}).
std::vector<int64_t> Pow2UpTo(uint64_t max);
// The largest local size worth listing along `axis`: min(cap, device work-group, work-item size).
uint64_t LocalDimLimit(const DeviceLimits& limits, int axis, uint64_t cap = 256);
// {0, 1} on a device with images, else {0}.
std::vector<int64_t> ImageValues(const DeviceLimits& limits);
bool Contains(const std::vector<int64_t>& values, int64_t v);

// Empty, or the reason: a parameter not in `known`, a missing one, or a value outside its domain
// in `params_space` (the family's Parameters()).
std::string CheckDomains(const ParamMap& params, const std::vector<TunableParam>& space);
// Empty, or why the local size (LX, LY[, LZ]) does not fit the device.
std::string CheckLocalSize(const ParamMap& params, int dims, const DeviceLimits& limits);
// Empty, or why IMG=1 cannot run: no image support, or a tensor's image (W*ceil(C/4) x N*H)
// beyond the device's image2d limits.
std::string CheckImages(const ParamMap& params, const std::vector<BufferSpec>& buffers, const DeviceLimits& limits);

// The fused activation ACT (kernels/mt_tensor.cl): 0 none, 1 relu, 2 relu6, 3 leaky relu
// (alpha 0.1), 4 sigmoid.
double Activate(double x, int64_t act);
// Validates ACT and BIAS key dimensions (0..4 and 0..1); empty or the reason.
std::string CheckActBias(const TuningKey& key);

// Tolerance for outputs that are sums of `terms` products of inputs uniform in (-1, 1), accumulated
// in fp32 in any order (GemmFamily::ToleranceFor's model), plus fp16 storage rounding of the output
// (relative 2^-11, with margin) for fp16 keys.
Tolerance SumTolerance(double terms, const TuningKey& key);

}  // namespace mace_tune
