// SPDX-License-Identifier: Apache-2.0
// Host side of the NHWC4 tensor storage of kernels/mt_tensor.cl: fp16 conversion, padding of
// channels to groups of four, and device memory (buffers or image2d) holding a tensor or array.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "runtime/cl/cl_handle.h"
#include "runtime/desc/kernel_description.h"

namespace mace_tune {

// IEEE 754 binary16, round to nearest even (overflow to infinity, NaN kept NaN).
uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t bits);
// Rounds every value to the nearest fp16 value (so a reference sees what an fp16 kernel reads).
void RoundToHalf(std::vector<float>* values);

// Logical NHWC (C channels) <-> NHWC4 (C4 = ceil(C/4) groups of 4 lanes, pad lanes zero).
std::vector<float> PadNhwc4(const std::vector<float>& nhwc, const std::array<int64_t, 4>& shape);
std::vector<float> UnpadNhwc4(const std::vector<float>& nhwc4, const std::array<int64_t, 4>& shape);
inline int64_t C4(int64_t c) { return (c + 3) / 4; }

// Host values (floats) as the device bytes of an element type, and back; NaN (the poison) is all
// bits set for the integer types.
std::vector<uint8_t> EncodeElements(desc::ElemType type, const std::vector<float>& values);
std::vector<float> DecodeElements(desc::ElemType type, const uint8_t* bytes, size_t count);

// Device memory for `values` (NHWC4 when `shape` is given, else a plain array) of an element type
// (float or half for tensors), in a buffer or (`image`, tensors only) an RGBA image2d of width
// W*C4 and height N*H.
Buffer CreateStorage(cl_context context, cl_command_queue queue, const std::vector<float>& values,
                     const std::array<int64_t, 4>* shape, desc::ElemType type, bool image);
void WriteStorage(cl_command_queue queue, cl_mem mem, const std::vector<float>& values,
                  const std::array<int64_t, 4>* shape, desc::ElemType type, bool image);
std::vector<float> ReadStorage(cl_command_queue queue, cl_mem mem, size_t elements, const std::array<int64_t, 4>* shape,
                               desc::ElemType type, bool image);

}  // namespace mace_tune
